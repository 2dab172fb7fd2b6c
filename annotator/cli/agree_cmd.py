"""``annotator agree SOURCES... [--labels ...] [--by-doc] [--json]``: how far annotators agree."""

from __future__ import annotations

import argparse
import sys

from annotator.agreement.definitions import PARTIAL_SCHEME
from annotator.cli.common import add_labels, chosen_labels, load_scheme_arg, open_store_arg
from annotator.errors import AnnotatorError, UsageError
from annotator.store.base import Store

EPILOG = (
    "Figures, per pair of annotators and for all together, overall and per label: span F1 (exact: same start, "
    f"end and label; partial: {PARTIAL_SCHEME}), with precision and recall taking A as the reference; Cohen's "
    "kappa per pair and Fleiss' kappa on per-token labels; Krippendorff's alpha (nominal) on per-character labels; "
    "attribute agreement on exactly matched spans. Nested spans: a token or character takes the label of the "
    "innermost span it overlaps. Only in_progress and done records count; a document done by one annotator only is "
    "listed and left out."
)


def configure(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="native JSONL files, one annotator each or several in one file (records without an "
                        "annotator take the file's name); none: every annotator in the store (--db)")
    add_labels(p)
    p.add_argument("--by-doc", action="store_true", help="also a table per document, worst first")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=run)


def open_default_store(args: argparse.Namespace) -> Store:
    """The store of --db; with neither SOURCES nor --db, the default store if there is one."""
    from annotator.store import describe_db, resolve_db, store_exists

    if args.db is None and not store_exists(resolve_db(None)):
        raise UsageError(f"nothing to compare: give SOURCES (native JSONL files) or --db (no store at "
                         f"{describe_db(resolve_db(None))})")
    return open_store_arg(args, create=False)


def _check_packages() -> None:
    from annotator.agreement import missing_packages

    missing = missing_packages()
    if missing:
        raise AnnotatorError(f"annotator agree needs {' and '.join(missing)}: pip install 'annotator[agree]'")


def run(args: argparse.Namespace) -> int:
    _check_packages()
    from annotator.agreement import corpus as corpus_mod
    from annotator.agreement.report import agreement
    from annotator.gc_pause import gc_paused

    scheme = load_scheme_arg(args)
    labels = chosen_labels(scheme, args.labels)
    if args.sources and args.db:
        raise UsageError("give SOURCES or --db, not both")
    with gc_paused(freeze=True):
        if args.sources:  # big files are read by one process per core
            corpus = corpus_mod.from_files(args.sources, scheme, labels)
        else:
            with open_default_store(args) as store:
                corpus = corpus_mod.from_store(store, scheme, labels)
        fig = agreement(corpus, scheme, fork=True)
    if args.json:
        sys.stdout.buffer.write(fig.to_json() + b"\n")
        sys.stdout.flush()
        return 0
    from rich.console import Console

    from annotator.cli.agree_tables import render

    render(fig, Console(highlight=False), by_doc=args.by_doc)
    return 0
