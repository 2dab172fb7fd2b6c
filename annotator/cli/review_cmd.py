"""``annotator review SOURCES... [--reviewer NAME] [--min-agree K]``: adjudicate several annotators'
records into a gold record (the reviewer's), in the terminal."""

from __future__ import annotations

import argparse

from annotator.cli.common import (
    LOGIN_HINT,
    annotator_name,
    err,
    load_scheme_arg,
    open_store_arg,
    require_terminal,
    working_as,
)


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="native JSONL files of several annotators' records (imported first; default: what the store "
                        "holds)")
    p.add_argument("--reviewer", type=annotator_name, metavar="NAME",
                   help="the annotator whose record is the gold version (default: reviewer; on PostgreSQL, the "
                        "database user); `annotator export --annotator NAME` writes the gold JSONL")
    p.add_argument("--ready", action="store_true",
                   help="go through the documents ready for review only: every annotator they are assigned to has "
                        "marked them done (annotator assign, annotator progress)")
    p.add_argument("--min-agree", type=int, metavar="K",
                   help="auto-accept a span that at least K annotators marked identically (default: all of them)")
    p.add_argument("--doc", metavar="ID", help="open this document first")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.errors import UsageError

    if args.min_agree is not None and args.min_agree < 1:
        raise UsageError("--min-agree must be at least 1")
    scheme = load_scheme_arg(args)
    from annotator.tui.scheme_check import check_scheme

    check_scheme(scheme)  # before SOURCES are imported: a scheme the screens cannot show changes nothing
    store = open_store_arg(args)
    try:
        reviewer = working_as(args.reviewer, store, "reviewer")
        if args.sources:
            from annotator.importing import open_sources

            result = open_sources(store, args.sources, scheme, working_as(None, store, hint=LOGIN_HINT))
            err(f"imported {result.summary}")
        from annotator.tui.app import build_review_app

        app = build_review_app(store, scheme, reviewer, args.doc, args.min_agree, args.ready)
        require_terminal("review")
        app.run()
        return 0
    finally:
        store.close()
