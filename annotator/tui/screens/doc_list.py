"""The document list (``g``): every document with its status, span count and flags, filterable by
typing; Enter opens one. Rows are drawn on demand, so a corpus of 100,000 documents is fine."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotator.store.base import DocInfo
from annotator.text.sanitize import display_line
from annotator.tui.widgets.doc_header import STATUS_STYLE
from annotator.tui.widgets.row_list import RowList, row


class DocListScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(self, documents: Callable[[], list[DocInfo]], current: str | None) -> None:
        super().__init__()
        self.documents = documents  # the session's list (may be long: read off the event loop)
        self.current = current
        self.docs: list[DocInfo] = []
        self.shown: list[DocInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Documents: type to filter, ↓ then Enter to open, Escape to close"), classes="title")
            yield Input(placeholder="filter by id or status", id="filter")
            yield RowList(self._row, 0, id="docs")
            yield Static(Text("loading…"), classes="hint", id="count")

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            docs = self.documents()
        except Exception as exc:  # noqa: BLE001 - a store that cannot be read is said so, never a traceback
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._loaded, docs)

    def _failed(self, exc: Exception) -> None:
        self.query_one("#count", Static).update(Text(display_line(f"cannot read the documents: {exc}")))

    def _loaded(self, docs: list[DocInfo]) -> None:
        self.docs = docs
        self._filter(self.query_one("#filter", Input).value)
        rows = self.query_one("#docs", RowList)
        for i, d in enumerate(self.shown):
            if d.id == self.current:
                rows.set_cursor(i, post=False)
                break

    @on(Input.Changed, "#filter")
    def _on_filter(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        q = query.strip().casefold()
        self.shown = [d for d in self.docs if q in d.id.casefold() or q == d.status] if q else self.docs
        self.query_one("#docs", RowList).reset(len(self.shown))
        self.query_one("#count", Static).update(Text(f"{len(self.shown)} of {len(self.docs)} document(s)"))

    def _row(self, i: int) -> Text:
        d = self.shown[i]
        mark = "▶ " if d.id == self.current else "  "
        return row(
            (f"{mark}{d.position:>6}  ", Style(dim=True)),
            (f"{d.status.replace('_', ' '):<12}", Style.parse(STATUS_STYLE.get(d.status, ""))),
            (f"{d.spans:>6} spans  ", None),
            (f"⚑ {d.flags}  " if d.flags else "     ", Style(color="red", bold=True)),
            (display_line(d.id), Style(bold=True)),
        )

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        if self.shown:
            rows = self.query_one("#docs", RowList)
            self.dismiss(self.shown[rows.cursor].id)

    @on(RowList.Chosen, "#docs")
    def _chosen(self, event: RowList.Chosen) -> None:
        self.dismiss(self.shown[event.index].id)

    def action_focus_list(self) -> None:
        self.query_one("#docs", RowList).focus()
