"""``annotator list [--annotator NAME] [--status S] [--json]``: every document, in import order,
with its status, spans and flags per annotator -- a table on a terminal, JSON lines otherwise."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypedDict

from annotator.cli.common import add_annotator, open_store_arg
from annotator.model.types import STATUSES, Status
from annotator.store.base import DocInfo, Store


class WorkJSON(TypedDict):
    status: Status
    spans: int
    flags: int


class DocumentJSON(TypedDict):
    """One line of ``annotator list --json``."""

    id: str
    position: int
    annotators: dict[str, WorkJSON]


@dataclass(frozen=True, slots=True)
class Listed:
    """A document and where each annotator listed stands on it."""

    id: str
    position: int
    work: dict[str, DocInfo]  # annotator -> their status and counts

    def to_json(self) -> DocumentJSON:
        return {"id": self.id, "position": self.position,
                "annotators": {a: {"status": w.status, "spans": w.spans, "flags": w.flags}
                               for a, w in self.work.items()}}


def configure(p: argparse.ArgumentParser) -> None:
    add_annotator(p, "this annotator's status only (default: everyone who has a record)")
    p.add_argument("--status", choices=STATUSES,
                   help="only documents with this status (for one of the annotators listed)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per document and line (the default when standard output is not a terminal)")
    p.set_defaults(func=run)


def listed(store: Store, annotator: str | None, status: Status | None) -> Iterator[Listed]:
    """The documents in import order with the work of ``annotator`` (None: everyone with a
    record); with ``status``, those where someone listed has it (nobody listed: every document
    is to do)."""
    names = [annotator] if annotator is not None else store.annotators()
    base = store.documents(names[0] if names else "")
    # each annotator's column by id: a document imported meanwhile by another process is not misplaced
    columns = [{d.id: d for d in store.documents(name)} for name in names[1:]]
    for doc in base:
        work = {names[0]: doc} if names else {}
        for name, col in zip(names[1:], columns):
            work[name] = col.get(doc.id) or DocInfo(doc.id, doc.position, "todo", 0, 0)
        statuses = {w.status for w in work.values()} or {"todo"}
        if status is None or status in statuses:
            yield Listed(doc.id, doc.position, work)


def run(args: argparse.Namespace) -> int:
    with open_store_arg(args, create=False) as store:
        rows = list(listed(store, args.annotator, args.status))
        names = [args.annotator] if args.annotator is not None else store.annotators()
        if args.json or not sys.stdout.isatty():
            import orjson

            out = sys.stdout.buffer
            for row in rows:
                out.write(orjson.dumps(row.to_json()) + b"\n")
            out.flush()
            return 0
        _table(rows, names, store.location, store.document_count())
    return 0


def _table(rows: list[Listed], names: list[str], location: str, total: int) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from annotator.text.sanitize import display_line

    console = Console(highlight=False)
    t = Table(title=Text(display_line(f"{len(rows)} of {total} document(s) in {location}")))
    t.add_column("#", justify="right")
    t.add_column("document")
    for name in names:
        t.add_column(Text(display_line(name)))
    for row in rows:
        cells = [Text(f"{w.status} · {w.spans} span(s)" + (f" · {w.flags} flag(s)" if w.flags else ""))
                 for w in row.work.values()]
        t.add_row(str(row.position), Text(display_line(row.id)), *cells)
    if not names:
        console.print("nobody has annotated yet: every document is to do")
    console.print(t)
