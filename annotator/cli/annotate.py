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
    from annotator.schema import Scheme
    from annotator.store import Store
    from annotator.suggest.process import SuggestingProcess
    from annotator.tui.first_paint import EarlyPaint


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
    if args.patterns and not args.no_suggest:  # a bad line is said now (FILE:LINE), not on every document
        from annotator.suggest.patterns import read_pattern_file

        for path in args.patterns:
            read_pattern_file(path, scheme)
    # A store that holds documents already and nothing to import (every launch after the first):
    # the article's first rows are drawn before the screen is built (tui/first_paint.py), and
    # the scheme is checked for the screens meanwhile. Otherwise it is checked first: a scheme
    # the screens cannot show changes nothing (no store made, no source imported).
    stored = None if args.sources else stored_documents(args)
    checked = stored is None
    if stored is None:
        check_for_screens(scheme)
    store: Store = open_store_arg(args) if stored is None else stored
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
        doc_id = args.doc
        if doc_id is None:
            from annotator.session import Session

            doc_id = Session(store, scheme, annotator).first_document()
        early = None if checked else paint_first(store, doc_id)
        try:
            if not checked:
                check_for_screens(scheme)
            from annotator.tui.app import run_tui

            suggesting: SuggestingProcess | None = None
            if not args.no_suggest:
                from annotator.suggest.process import SuggestingProcess, screen_suggesting

                make = screen_suggesting(scheme, annotator, model=not args.no_model, pattern_files=args.patterns)
                suggesting = SuggestingProcess(make)
            return run_tui(store, scheme, annotator, doc_id=doc_id, suggesting=suggesting,
                           before_run=early.hand_over if early is not None else None)
        finally:
            if early is not None:
                early.undo()  # the screen never started: the normal screen back (no-op once handed over)
    finally:
        store.close()


def check_for_screens(scheme: Scheme) -> None:
    """What the screens need of the scheme (colours, hotkeys): checked with Textual's parsers."""
    from annotator.tui.scheme_check import check_scheme

    check_scheme(scheme)


def stored_documents(args: argparse.Namespace) -> Store | None:
    """The store of ``--db`` if it exists and holds documents, else None (nothing made). A store
    that cannot be opened says so here, as it would below (a server is not asked twice)."""
    from annotator.store import is_postgres, resolve_db

    target = resolve_db(args.db)
    if not is_postgres(target) and not Path(target).exists():
        return None
    store = open_store_arg(args, create=False)
    if store.document_count() == 0:
        store.close()
        return None
    return store


def paint_first(store: Store, doc_id: str | None) -> EarlyPaint | None:
    """The first rows of the document to open, on the terminal now (see tui/first_paint.py)."""
    found = store.find_document(doc_id) if doc_id is not None else None
    if found is None:
        return None  # an unknown --doc: the screen says so
    from annotator.tui.first_paint import paint_first_rows

    return paint_first_rows(found[1].text)
