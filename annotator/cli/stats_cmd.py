"""``annotator stats``: documents by status, spans by label and annotator."""

from __future__ import annotations

import argparse

from annotator.cli.common import open_store_arg
from annotator.text.sanitize import display_line


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.stats import store_stats

    with open_store_arg(args, create=False) as store:
        stats = store_stats(store)
    if args.json:
        import orjson

        print(orjson.dumps(stats.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from annotator.model.types import STATUSES

    console = Console(highlight=False)
    console.print(Text(display_line(f"{stats.documents} document(s) in {store.location}")))
    annotators = stats.annotators()
    if not annotators:
        console.print("nobody has annotated yet")
        return 0
    t = Table(title="documents by status")
    t.add_column("annotator")
    for st in (*STATUSES, "total"):
        t.add_column(st, justify="right")
    for ann in annotators:
        row = stats.records_by_status.get(ann, {})
        untouched = stats.documents - sum(row.values())
        cells = [str(row.get(st, 0) + (untouched if st == "todo" else 0)) for st in STATUSES]
        t.add_row(Text(display_line(ann)), *cells, str(stats.documents))
    console.print(t)
    labels = sorted({lab for counts in stats.spans_by_label.values() for lab in counts})
    t = Table(title="spans by label")
    t.add_column("annotator")
    for lab in (*labels, "total"):
        t.add_column(Text(display_line(lab)), justify="right")
    for ann in annotators:
        counts = stats.spans_by_label.get(ann, {})
        t.add_row(Text(display_line(ann)), *(str(counts.get(lab, 0)) for lab in labels), str(sum(counts.values())))
    console.print(t)
    return 0
