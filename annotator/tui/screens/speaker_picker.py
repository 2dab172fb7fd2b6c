"""Choose the speaker of a quote among the document's spans of the allowed labels (ACTOR),
nearest to the quote first; type to filter; Enter links it, Escape cancels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotator.model.types import Span
from annotator.text.sanitize import display_line
from annotator.tui.widgets.row_list import RowList, row

UNSET = ""


def distance(quote: Span, span: Span) -> int:
    """0 inside the quote, else the number of characters between them."""
    if span["end"] <= quote["start"]:
        return quote["start"] - span["end"]
    if span["start"] >= quote["end"]:
        return span["start"] - quote["end"]
    return 0


def candidates(quote: Span, spans: Mapping[str, Span], targets: frozenset[str]) -> list[Span]:
    found = [s for s in spans.values() if s["label"] in targets and s["id"] != quote["id"]]
    return sorted(found, key=lambda s: (distance(quote, s), s["start"]))


class SpeakerPicker(ModalScreen[str | None]):
    """Dismisses with the chosen span id, ``""`` to unset, or None when cancelled."""

    BINDINGS: ClassVar = [Binding("escape", "dismiss(None)", "Cancel"), Binding("down", "focus_list", show=False)]

    def __init__(self, quote: Span, spans: Mapping[str, Span], targets: frozenset[str]) -> None:
        super().__init__()
        self.quote = quote
        self.all = candidates(quote, spans, targets)
        self.shown = self.all
        self.current = quote["attrs"].get("speaker")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Speaker of: " + display_line(self.quote["text"][:120])), classes="title")
            yield Input(placeholder="type to filter; Enter picks the highlighted actor", id="filter")
            yield RowList(self._row, len(self.shown) + 1, id="actors")
            yield Static(Text("nearest first; the first row removes the speaker"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()
        self.query_one("#actors", RowList).set_cursor(1 if self.shown else 0, post=False)

    def _row(self, i: int) -> Text:
        if i == 0:
            return row(("(no speaker)", Style(italic=True, dim=True)))
        s = self.shown[i - 1]
        mark = "● " if s["id"] == self.current else "  "
        d = distance(self.quote, s)
        return row((mark, None), (display_line(s["text"][:60]), Style(bold=True)),
                   (f"  {s['id']}  " + ("inside" if d == 0 else f"{d} chars away"), Style(dim=True)))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        q = event.value.strip().casefold()
        self.shown = [s for s in self.all if q in s["text"].casefold()] if q else self.all
        rows = self.query_one("#actors", RowList)
        rows.reset(len(self.shown) + 1)
        rows.set_cursor(1 if self.shown else 0, post=False)

    def _pick(self, index: int) -> None:
        self.dismiss(UNSET if index == 0 else self.shown[index - 1]["id"])

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        self._pick(self.query_one("#actors", RowList).cursor)

    @on(RowList.Chosen, "#actors")
    def _chosen(self, event: RowList.Chosen) -> None:
        self._pick(event.index)

    def action_focus_list(self) -> None:
        self.query_one("#actors", RowList).focus()
