"""Flag the document with a comment: a one-line input; Enter saves, Escape cancels."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotator.text.sanitize import display_line


class FlagInput(ModalScreen[str | None]):
    BINDINGS: ClassVar = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, doc_id: str, existing: list[str]) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.existing = existing

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(Text("Flag " + display_line(self.doc_id) + " with a comment (Enter saves, Escape cancels)"),
                         classes="title")
            for comment in self.existing:
                yield Static(Text("⚑ " + display_line(comment)), classes="hint")
            yield Input(placeholder="e.g. ambiguous date; not a news article", id="comment")

    def on_mount(self) -> None:
        self.query_one("#comment", Input).focus()

    @on(Input.Submitted, "#comment")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)
