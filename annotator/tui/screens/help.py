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

GROUP_ORDER = ("Move", "Select", "Tag", "Review", "Spans", "Suggestions", "Find", "History", "Documents", "App")


def help_table(actions: Iterable[ActionDef]) -> Table:
    """Every action, grouped; a move and its shift-extend variant share one row."""
    table = Table(show_header=True, header_style="bold", expand=True, box=None)
    table.add_column("key", no_wrap=True)
    table.add_column("action")
    actions = tuple(actions)
    extend = {a.action.removesuffix("(True)"): a for a in actions if a.group == "Select"}
    by_group: dict[str, list[ActionDef]] = {}
    for a in actions:
        by_group.setdefault(a.group, []).append(a)
    for group in GROUP_ORDER:
        if group not in by_group or group == "Select":
            continue
        title = "Move (with shift: extend the selection)" if group == "Move" else group
        table.add_row(Text(title, style="bold underline"), "")
        for a in by_group[group]:
            keys = " / ".join(key_display(k) for k in a.keys)
            if a.action in extend:
                keys += " / " + " / ".join(key_display(k) for k in extend[a.action].keys)
            table.add_row(Text(keys, style="bold"), Text(a.description))
        if group == "Move":
            table.add_row(Text("mouse", style="bold"),
                          Text("click places the cursor, drag selects, double-click selects a word, ctrl+click "
                               "focuses a span, the wheel scrolls"))
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
