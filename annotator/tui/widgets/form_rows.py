"""The attribute form's rows (attr_form.py): its fields drawn at a width, line by line, each row
knowing what it is (a field's name, its input, the message under it, an entry of its open list, the
Save button) for a click, and where the focus is for a form taller than its box. Plain strips of
styled text: nothing of it is markup, every value passes through display_line."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from annotator.text.sanitize import display_line
from annotator.tui.widgets.form_fields import FormField, ListField, TextField

HINT = ("Enter or ctrl+s saves; tab or ↑ ↓ go from field to field; on a list ← → change the value, space opens "
        "it and Enter picks; Escape (or a click outside) cancels.")
LIST_ROWS = 8  # entries of an open list shown at once
SAVE = " Save "


class Row:
    """What a row of the form is, for a click on it: a field's (its index; ``part`` the field's
    name, its input, the message under it or an entry of its open list, ``entry`` its index),
    the Save button, or nothing."""

    __slots__ = ("field", "part", "entry", "save")

    def __init__(self, field: int | None = None, part: str = "", entry: int | None = None,
                 save: bool = False) -> None:
        self.field, self.part, self.entry, self.save = field, part, entry, save


@dataclass(frozen=True, slots=True)
class FormRows:
    """The form drawn at ``width``: its lines, what each is, and the row the focus is on (the
    focused field's input, the highlighted entry of its open list, or the Save button)."""

    width: int
    lines: list[Strip]
    rows: list[Row]
    focus_row: int


def draw_form(title: str, fields: Sequence[FormField], focus: int | None, style: Callable[[str], Style],
              width: int) -> FormRows:
    """The form's rows: ``focus`` is the focused field's index (``len(fields)``: the Save button;
    None: nothing drawn focused), ``style`` gives a part's style ("" the form's own)."""
    drawing = _Drawing(style, width)
    drawing.draw(title, fields, focus)
    return FormRows(width, drawing.lines, drawing.rows, _row_of_focus(drawing.rows, fields, focus))


def _row_of_focus(rows: list[Row], fields: Sequence[FormField], focus: int | None) -> int:
    f = fields[focus] if focus is not None and focus < len(fields) else None
    for i, row in enumerate(rows):
        if f is None and focus is not None and row.save:
            return i
        if row.field is not None and row.field == focus:
            if isinstance(f, ListField) and f.is_open:
                if row.entry == f.highlight:
                    return i
            elif row.part == "input":
                return i
    return 0


class _Drawing:
    """The form's rows at one width, and what each row is, as they are added."""

    def __init__(self, style: Callable[[str], Style], width: int) -> None:
        self.style, self.width = style, width
        self.base = style("")
        self.lines: list[Strip] = []
        self.rows: list[Row] = []

    def add(self, pieces: list[tuple[str, Style]], fill: Style | None = None, row: Row | None = None) -> None:
        strip = Strip([Segment(text, style) for text, style in pieces if text])
        self.lines.append(strip.adjust_cell_length(self.width, fill or self.base))
        self.rows.append(row or Row())

    def draw(self, title: str, fields: Sequence[FormField], focus: int | None) -> None:
        self.add([(title, self.style("title"))])
        self.add([])
        if not fields:
            self.add([("This label has no attributes.", self.style("muted"))])
        for i, f in enumerate(fields):
            a = f.attr
            self.add([(a.name, self.style("name")),
                      (f" ({a.type}{', required' if a.required else ''})", self.style("muted"))], row=Row(i, "name"))
            if isinstance(f, TextField):
                self.text_field(i, f, focus == i)
            else:
                self.list_field(i, f, focus == i)
            message = f.message()
            self.add([(message, self.style("error" if f.error else "muted"))], row=Row(i, "message"))
        self.add([])
        for line in textwrap.wrap(HINT, self.width):
            self.add([(line, self.style("muted"))])
        self.add([(SAVE, self.style("button-focused" if focus == len(fields) else "button"))], row=Row(save=True))

    def text_field(self, i: int, f: TextField, focused: bool) -> None:
        fill = self.style("field-focused" if focused else "field")
        inner = self.width - 2
        if not f.text and not focused:
            self.add([(" ", fill), (f.placeholder[:inner], fill + self.style("placeholder"))], fill, Row(i, "input"))
            return
        shown = display_line(f.text)
        start = max(0, f.cursor - inner + 1)  # the cursor kept in view
        before, after = shown[start:f.cursor], shown[f.cursor:start + inner]
        if not focused:
            self.add([(" ", fill), (before + after, fill)], fill, Row(i, "input"))
            return
        cursor = self.style("cursor")
        self.add([(" ", fill), (before, fill), (after[:1] or " ", cursor), (after[1:], fill)], fill, Row(i, "input"))

    def list_field(self, i: int, f: ListField, focused: bool) -> None:
        fill = self.style("field-focused" if focused else "field")
        mark = "▴" if f.is_open else "▾"
        shown = f.shown
        style = fill + self.style("placeholder") if f.value() is None else fill
        room = self.width - 4
        self.add([(" ", fill), (shown[:room].ljust(room), style), (f" {mark} ", fill)], fill, Row(i, "input"))
        if not f.is_open:
            return
        first = max(0, min(f.highlight - LIST_ROWS // 2, len(f.options) - LIST_ROWS))
        for j in range(first, min(len(f.options), first + LIST_ROWS)):
            style = self.style("entry-highlighted" if j == f.highlight else "entry")
            self.add([("   " + f.options[j][0], style)], style, Row(i, "entry", j))
