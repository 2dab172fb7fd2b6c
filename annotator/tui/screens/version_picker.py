"""Pick one annotator's version of a disputed region: a digit (or Enter on a row), Escape cancels.
A digit with no annotator is said in the dialog, which stays open."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.text.sanitize import display_line


class VersionPicker(ModalScreen[str | None]):
    BINDINGS: ClassVar = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, annotators: tuple[str, ...], versions: dict[str, list[str]], region: str = "") -> None:
        super().__init__()
        self.annotators = annotators
        self.versions = versions  # annotator -> short descriptions of their spans in the region
        self.region_text = region  # the region's text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            title = Text("Whose version of ")
            title.append(display_line(repr(self.region_text)) if self.region_text else "this region", "bold")
            title.append(f"? Press its digit, 1-{len(self.annotators)} (Escape cancels).")
            yield Static(title, classes="title")
            for i, ann in enumerate(self.annotators, 1):
                spans = self.versions.get(ann) or ["(nothing here)"]
                t = Text()
                t.append(f"{i}  ", "bold")
                t.append(display_line(ann), "bold")
                t.append("  " + display_line(" | ".join(spans))[:200], "dim")
                yield Static(t)
            yield Static("", id="picker-error", markup=False)

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            n = int(event.character)
            if 1 <= n <= len(self.annotators):
                self.dismiss(self.annotators[n - 1])
            else:
                self.query_one("#picker-error", Static).update(
                    Text(f"✗ no annotator {n} here: press 1-{len(self.annotators)} (Escape cancels)", "red"))
