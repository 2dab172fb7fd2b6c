"""``annotator progress [--json]``: per annotator, assigned / in progress / done, and the documents
ready for review (everyone they are assigned to has marked them done)."""

from __future__ import annotations

import argparse
from typing import TypedDict

from annotator.cli.common import open_store_arg
from annotator.store.base import AnnotatorProgress, Store


class ProgressRow(TypedDict):
    annotator: str
    assigned: int
    todo: int
    in_progress: int
    done: int


class ProgressJSON(TypedDict):
    store: str
    documents: int
    annotators: list[ProgressRow]
    ready_for_review: list[str]


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run)


def _row(p: AnnotatorProgress) -> ProgressRow:
    return {"annotator": p.annotator, "assigned": p.assigned, "todo": p.assigned - p.in_progress - p.done,
            "in_progress": p.in_progress, "done": p.done}


def figures(store: Store) -> ProgressJSON:
    return {"store": store.location, "documents": store.document_count(),
            "annotators": [_row(p) for p in store.progress()], "ready_for_review": store.ready_for_review()}


def run(args: argparse.Namespace) -> int:
    with open_store_arg(args, create=False) as store:
        out = figures(store)
    if args.json:
        import orjson

        print(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())
        return 0
    from rich.console import Console
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    from annotator.text.sanitize import display_line

    console = Console(highlight=False)
    console.print(Text(display_line(f"{out['documents']} document(s) in {out['store']}")))
    if not out["annotators"]:
        console.print("nothing is assigned yet: annotator assign --annotators NAMES --overlap K")
        return 0
    t = Table(title="assigned documents")
    for col in ("annotator", "assigned", "to do", "in progress", "done"):
        t.add_column(col, justify="left" if col == "annotator" else "right")
    t.add_column("", min_width=20)
    for r in out["annotators"]:
        bar = ProgressBar(total=max(1, r["assigned"]), completed=r["done"], width=20)
        t.add_row(Text(display_line(r["annotator"])), str(r["assigned"]), str(r["todo"]), str(r["in_progress"]),
                  str(r["done"]), bar)
    console.print(t)
    ready = out["ready_for_review"]
    console.print(f"{len(ready)} document(s) ready for review (every annotator done): annotator review --ready")
    return 0
