"""``annotator export``"""

from __future__ import annotations

import argparse

from annotator.cli.common import add_annotator, err, load_scheme_arg, open_store_arg, progress
from annotator.exporting import DEFAULT_EXPORT


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", default="jsonl", choices=["jsonl"], help="output format (default: jsonl, native)")
    add_annotator(p, "export only this annotator's records (default: everyone's)")
    p.add_argument("--status", default="done", choices=["done", "all", "todo", "in_progress", "skipped"],
                   help="records with this status (default: done)")
    p.add_argument("--out", default=DEFAULT_EXPORT, metavar="PATH",
                   help=f"output file, written atomically; - for standard output (default: {DEFAULT_EXPORT})")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.exporting import export_jsonl

    scheme = load_scheme_arg(args)
    status = None if args.status == "all" else args.status
    with open_store_arg(args, create=False) as store:
        total = store.count_records(annotator=args.annotator, status=status)
        with progress("exporting", total) as step:
            result = export_jsonl(store, scheme, args.out, annotator=args.annotator, status=status, on_line=step)
        where = "standard output" if args.out == "-" else args.out
        err(f"exported {result.records} record(s) to {where}")
        if result.records == 0 and status == "done":
            others = store.count_records(annotator=args.annotator)
            if others:
                err(f"({others} record(s) are not done yet: --status all exports them)")
    return 0
