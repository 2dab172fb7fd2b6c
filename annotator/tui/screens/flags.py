"""The document's flags (``f``): type a comment and Enter adds a flag (and closes); ↓ moves to the
list, where delete removes the highlighted flag (a durable, undoable action); Escape closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotator.model.types import Flag
from annotator.text.sanitize import display_line
from annotator.tui.widgets.row_list import RowList, row

# remove(flag id, then): remove the flag through the store, then call ``then`` (the list is read again)
RemoveFlag = Callable[[str, Callable[[], None]], None]


class FlagsScreen(ModalScreen[str | None]):
    """Dismisses with a new flag's comment, or None (closed)."""

    BINDINGS: ClassVar = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "focus_list", "List", show=False),
        Binding("delete,backspace", "remove", "Remove the flag", show=False),
    ]

    def __init__(self, doc_id: str, flags: Callable[[], list[Flag]], remove: RemoveFlag) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.flags = flags  # the record's flags as they are now
        self.remove_flag = remove
        self.shown: list[Flag] = flags()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(Text("Flags of " + display_line(self.doc_id)), classes="title")
            yield Input(placeholder="a comment, e.g. ambiguous date; not a news article (Enter adds the flag)",
                        id="comment")
            yield RowList(self._row, len(self.shown), id="flags")
            yield Static(Text(""), classes="hint", id="flags-hint")

    def on_mount(self) -> None:
        self.query_one("#comment", Input).focus()
        self._show()

    def _show(self) -> None:
        rows = self.query_one("#flags", RowList)
        rows.styles.height = max(1, min(len(self.shown), 12))
        rows.reset(len(self.shown))
        n = len(self.shown)
        self.query_one("#flags-hint", Static).update(Text(
            f"{n} flag(s): ↓ then delete removes the highlighted one; Escape closes" if n else
            "No flag yet. Escape closes."))

    def _row(self, i: int) -> Text:
        f = self.shown[i]
        return row(("⚑ ", Style(color="red", bold=True)), (display_line(f["comment"]), None),
                   (f"  {f.get('at', '')}", Style(dim=True)))

    @on(Input.Submitted, "#comment")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_focus_list(self) -> None:
        if self.shown:
            self.query_one("#flags", RowList).focus()

    def action_remove(self) -> None:
        rows = self.query_one("#flags", RowList)
        if not rows.has_focus or not self.shown:
            return
        flag = self.shown[rows.cursor]

        def removed() -> None:
            self.shown = self.flags()
            self._show()
            if not self.shown:
                self.query_one("#comment", Input).focus()

        self.remove_flag(flag["id"], removed)
