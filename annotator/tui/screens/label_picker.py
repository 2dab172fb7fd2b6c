"""Choose another label for the focused span: its key (the scheme's), or ↑/↓ then Enter; Escape
cancels. The span keeps its id, its links and the attributes the new label has."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.model.types import Span
from annotator.schema import Scheme
from annotator.text.sanitize import display_line
from annotator.tui.colors import label_colors
from annotator.tui.widgets.row_list import RowList, row


class LabelPicker(ModalScreen[str | None]):
    """Dismisses with the chosen label's name, or None when cancelled."""

    BINDINGS: ClassVar = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, span: Span, scheme: Scheme) -> None:
        super().__init__()
        self.span = span
        self.labels = [lab for lab in scheme.labels]
        self.label_colors = label_colors(scheme)
        self.by_key = {lab.key: lab.name for lab in self.labels}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(Text(f"New label of {self.span['label']} " + display_line(repr(self.span["text"][:80]))),
                         classes="title")
            yield RowList(self._row, len(self.labels), id="labels")
            yield Static(Text("its key, or ↑/↓ then Enter; Escape cancels. The span keeps its id, its links and "
                              "the attributes the new label has."), classes="hint")

    def on_mount(self) -> None:
        rows = self.query_one("#labels", RowList)
        rows.styles.height = len(self.labels)
        here = next((i for i, lab in enumerate(self.labels) if lab.name == self.span["label"]), 0)
        rows.set_cursor(here, post=False)
        rows.focus()

    def _row(self, i: int) -> Text:
        lab = self.labels[i]
        mark = "● " if lab.name == self.span["label"] else "  "
        return row((mark, None), (f"{lab.key}  ", Style(bold=True)),
                   (lab.name, Style(color=self.label_colors[lab.name], bold=True)))

    def on_key(self, event: events.Key) -> None:
        name = self.by_key.get(event.character or "")
        if name is not None:
            event.stop()
            self.dismiss(name)

    @on(RowList.Chosen, "#labels")
    def _chosen(self, event: RowList.Chosen) -> None:
        self.dismiss(self.labels[event.index].name)
