"""``annotator import SOURCES...``"""

from __future__ import annotations

import argparse

from annotator.cli.common import add_annotator, default_annotator, err, load_scheme_arg, open_store_arg, progress


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help=".txt files, folders of them (recursively), .jsonl of documents {id, text, meta} or of native records")
    add_annotator(p, "annotator of records that name none (default: your login name)")
    p.add_argument("--skip-invalid", action="store_true", help="import the good lines of a file that has bad ones (still listed)")
    p.add_argument("--replace", action="store_true",
                   help="let a record replace different work of the same annotator on the same document (undoable)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.importing import import_sources

    scheme = load_scheme_arg(args)
    with open_store_arg(args) as store, progress("importing") as step:
        result = import_sources(store, args.sources, scheme, args.annotator or default_annotator(),
                                skip_invalid=args.skip_invalid, replace=args.replace, on_item=step)
    for line in result.problems.lines():
        err(line)
    err(f"imported into {store.path}: {result.summary}")
    if result.problems:
        err(f"skipped {result.problems.total} invalid item(s) (--skip-invalid)")
        return 1
    return 0
