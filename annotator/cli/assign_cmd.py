"""``annotator assign --annotators a,b,c --overlap K [--docs todo|all] [--seed N]``: hand each
document to K annotators, balanced by text length; running it again assigns only what is new."""

from __future__ import annotations

import argparse

from annotator.cli.common import annotator_name, err, open_store_arg


def _names(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one annotator: --annotators alice,bob")
    return [annotator_name(n) for n in names]


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--annotators", type=_names, required=True, metavar="NAMES",
                   help="comma-separated names (on PostgreSQL, database users: annotator team add)")
    p.add_argument("--overlap", type=int, default=1, metavar="K",
                   help="how many annotators each document goes to (default: 1)")
    p.add_argument("--docs", choices=["todo", "all"], default="todo",
                   help="todo: documents nobody has marked done (default); all: every document")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="the same seed gives the same plan (default: 0)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.assigning import assign

    with open_store_arg(args, create=False) as store:
        result = assign(store, args.annotators, args.overlap, args.docs, args.seed)
        location = store.location
    if not result.pairs:
        err(f"annotator: nothing new to assign in {location}: every document has its {args.overlap} annotator(s)")
        return 0
    err(f"annotator: {result.documents} document(s) assigned in {location}, each to {args.overlap} annotator(s); "
        f"{len(result.pairs)} new assignment(s)")
    from annotator.text.sanitize import display_line

    for who in args.annotators:
        print(display_line(f"{who}: {result.count[who]} document(s), {result.load[who]:,} characters"))
    return 0
