"""``annotator annotate [SOURCES...]``: import (a no-op for documents already stored), then open the TUI
on the first document still to do."""

from __future__ import annotations

import argparse
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.common import (
    add_annotator,
    err,
    load_scheme_arg,
    open_store_arg,
    require_terminal,
    working_as,
)

if TYPE_CHECKING:
    from annotator.suggest.process import SuggestingProcess


def packaged_seeds() -> Traversable:
    """The sample article shipped inside the package: a byte-identical copy of the project's
    ``seeds/`` (a test keeps them equal). In an installed package it is a real folder."""
    return files("annotator") / "data" / "seeds"


def default_sources() -> list[str]:
    """``seeds/`` in the current folder, else the packaged sample: what an empty store imports."""
    local = Path("seeds")
    return [str(local if local.is_dir() else packaged_seeds())]


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="documents to import first (default, into an empty store: ./seeds/ if present, "
                   "else the sample article shipped with annotator)")
    add_annotator(p)
    p.add_argument("--doc", metavar="ID", help="open this document instead of the first one still to do")
    p.add_argument("--no-suggest", action="store_true",
                   help="show no suggestions (by default each document's are made in the background and kept)")
    p.add_argument("--no-model", action="store_true",
                   help="suggest with the rules and the gazetteer alone, without the spaCy pipeline "
                   "(used by default when the nlp extra is installed)")
    p.add_argument("--patterns", metavar="FILE", action="append", default=[],
                   help="JSONL of {label, pattern} to suggest with too (repeatable), as for annotator suggest")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.importing import open_sources

    scheme = load_scheme_arg(args)
    from annotator.tui.scheme_check import check_scheme

    check_scheme(scheme)  # before SOURCES are imported: a scheme the screens cannot show changes nothing
    if args.patterns and not args.no_suggest:  # a bad line is said now (FILE:LINE), not on every document
        from annotator.suggest.patterns import read_pattern_file

        for path in args.patterns:
            read_pattern_file(path, scheme)
    store = open_store_arg(args)
    try:
        annotator = working_as(args.annotator, store)
        sources = args.sources or ([] if store.document_count() else default_sources())
        if sources:
            result = open_sources(store, sources, scheme, annotator)
            if result.summary.documents_added:
                err(f"imported {result.summary}")
        if store.document_count() == 0:
            err("annotator: the store holds no document: name a .txt file, a folder or a .jsonl file to annotate")
            return 1
        require_terminal("annotate")
        from annotator.tui.app import run_tui

        suggesting: SuggestingProcess | None = None
        if not args.no_suggest:
            from annotator.suggest.process import SuggestingProcess, screen_suggesting

            make = screen_suggesting(scheme, annotator, model=not args.no_model, pattern_files=args.patterns)
            suggesting = SuggestingProcess(make)
        return run_tui(store, scheme, annotator, doc_id=args.doc, suggesting=suggesting)
    finally:
        store.close()
