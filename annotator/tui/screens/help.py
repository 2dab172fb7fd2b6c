"""The help screen: every key, generated from the action registry (the same data as the bindings)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.tui.actions import ActionDef, key_display

GROUP_ORDER = ("Move", "Select", "Tag", "Spans", "Find", "History", "Documents", "App")


def help_table(actions: Iterable[ActionDef]) -> Table:
    table = Table(show_header=True, header_style="bold", expand=True, box=None)
    table.add_column("key", no_wrap=True)
    table.add_column("action")
    by_group: dict[str, list[ActionDef]] = {}
    for a in actions:
        by_group.setdefault(a.group, []).append(a)
    extra = [("mouse", "click places the cursor, drag selects, double-click selects a word, wheel scrolls")]
    for group in GROUP_ORDER:
        if group not in by_group:
            continue
        table.add_row(Text(group, style="bold underline"), "")
        for a in by_group[group]:
            table.add_row(Text(" / ".join(key_display(k) for k in a.keys), style="bold"), Text(a.description))
        if group == "Select":
            for k, v in extra:
                table.add_row(Text(k, style="bold"), Text(v))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, actions: Iterable[ActionDef]) -> None:
        super().__init__()
        self.actions = tuple(actions)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("annotator: keys (Escape closes)"), classes="title")
            yield Static(help_table(self.actions))
