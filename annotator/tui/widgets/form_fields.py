"""The attribute form's fields as plain state, no Textual: a line of text being typed, or a list to
pick from, and what each holds as it will be saved. The form (attr_form.py) draws them and gives
them its keys; tests drive them without a terminal.

A number is read the French way (``29.307`` is 29307, ``2,5`` is 2.5) and shown as understood
beside its field while it is typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.schema.definition import AttrDef
from annotator.text.numbers import NotANumber, parse_number
from annotator.text.sanitize import display_line

_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")
_TYPED_JUNK = re.compile("[\x00-\x1f\x7f-\x9f]")  # control characters typed or pasted are dropped
UNSET = "(unset)"
PLACEHOLDERS = {"timex": "e.g. 2014-08, 2018-04-26, 2018-W17, PRESENT_REF", "number": "e.g. 75, 29 307 or 2,5"}
LIST_TYPES = frozenset({"choice", "bool", "ref"})


def parse_quantity(raw: str) -> int | float | None | NotANumber:
    """A number typed the French way (``29.307``, ``1 200`` with any of the spaces French uses,
    ``2,5``, ``1,5 million``, ``soixante``): its value; empty -> None (unset); anything else, or a
    count with no single value (``des dizaines``) -> why it is not a number."""
    if not raw.strip():
        return None
    number = parse_number(raw)
    if isinstance(number, NotANumber):
        return number
    if number.value is None:
        return NotANumber(f"{raw.strip()!r} has no single value: type the number (e.g. 30)")
    return number.value


def understood(value: object) -> str:
    """What a number field holds, as it will be saved."""
    if isinstance(value, NotANumber):
        return "✗ " + display_line(value.reason)
    return UNSET if value is None else f"= {value}"


def _word_start(text: str, cursor: int) -> int:
    i = cursor
    while i > 0 and text[i - 1].isspace():
        i -= 1
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i


def _word_end(text: str, cursor: int) -> int:
    i = cursor
    while i < len(text) and text[i].isspace():
        i += 1
    while i < len(text) and not text[i].isspace():
        i += 1
    return i


@dataclass(eq=False, slots=True)
class TextField:
    """A line typed in place: text, number, timex, and any other type that is not a list."""

    attr: AttrDef
    text: str = ""
    cursor: int = 0  # code points before the cursor
    error: str = ""  # the scheme's refusal of the last save, shown until the next

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS.get(self.attr.type, "")

    def load(self, value: object) -> None:
        """Hold ``value`` as its text, as stored (drawn through display_line, saved as it is)."""
        self.text = "" if value is None else str(value)
        self.cursor = len(self.text)
        self.error = ""

    def set_text(self, text: str) -> None:
        self.text, self.cursor = "", 0
        self.insert(text)

    def value(self) -> Any:
        """The value as it will be saved: a number read, a text (None when blank)."""
        if self.attr.type == "number":
            return parse_quantity(self.text)
        return self.text if self.text.strip() else None

    def message(self) -> str:
        """The line under the field: the last refusal, else a number as understood."""
        if self.error:
            return self.error
        return understood(self.value()) if self.attr.type == "number" else ""

    # -- editing ----------------------------------------------------------------------------------

    def insert(self, typed: str) -> None:
        typed = _TYPED_JUNK.sub("", _LINE_BREAK.sub(" ", typed))  # a paste of lines is one line
        self.text = self.text[:self.cursor] + typed + self.text[self.cursor:]
        self.cursor += len(typed)

    def edit(self, command: str) -> bool:
        """Apply an editing command (``left``, ``backspace``, ``delete_word_left``...): whether
        anything changed."""
        text, cursor = self.text, self.cursor
        if command == "left":
            cursor = max(0, cursor - 1)
        elif command == "right":
            cursor = min(len(text), cursor + 1)
        elif command == "home":
            cursor = 0
        elif command == "end":
            cursor = len(text)
        elif command == "word_left":
            cursor = _word_start(text, cursor)
        elif command == "word_right":
            cursor = _word_end(text, cursor)
        elif command == "backspace" and cursor:
            text, cursor = text[:cursor - 1] + text[cursor:], cursor - 1
        elif command == "delete":
            text = text[:cursor] + text[cursor + 1:]
        elif command == "delete_word_left":
            start = _word_start(text, cursor)
            text, cursor = text[:start] + text[cursor:], start
        elif command == "delete_to_start":
            text, cursor = text[cursor:], 0
        elif command == "delete_to_end":
            text = text[:cursor]
        changed = (text, cursor) != (self.text, self.cursor)
        self.text, self.cursor = text, cursor
        return changed


@dataclass(eq=False, slots=True)
class ListField:
    """A value picked from a list: a choice, a bool, or a span of the document (ref). The list's
    first entry unsets it."""

    attr: AttrDef
    options: list[tuple[str, Any]] = field(default_factory=list)  # (shown, value); [0] is unset
    chosen: int = 0  # index into options
    is_open: bool = False
    highlight: int = 0  # the entry Enter would pick, while open
    error: str = ""

    def __post_init__(self) -> None:
        if self.attr.type == "choice":
            self.set_options([(c, c) for c in self.attr.choices])
        elif self.attr.type == "bool":
            self.set_options([("true", True), ("false", False)])
        else:
            self.set_options([])

    def set_options(self, options: Sequence[tuple[str, Any]]) -> None:
        self.options = [(UNSET, None), *((display_line(shown), value) for shown, value in options)]
        self.chosen = min(self.chosen, len(self.options) - 1)

    def load(self, value: object) -> None:
        """Show ``value`` (an unknown value, as a ref to a span since deleted, is kept and shown
        as it is: saving the form does not drop it)."""
        self.error = ""
        self.is_open = False
        if value is None:
            self.chosen = 0
            return
        for i, (_, known) in enumerate(self.options):
            if i and known == value and type(known) is type(value):
                self.chosen = i
                return
        self.options.append((display_line(str(value)), value))
        self.chosen = len(self.options) - 1

    def value(self) -> Any:
        return self.options[self.chosen][1]

    @property
    def shown(self) -> str:
        return self.options[self.chosen][0]

    def message(self) -> str:
        return self.error

    # -- the list ----------------------------------------------------------------------------------

    def open(self) -> None:
        self.is_open, self.highlight = True, self.chosen

    def close(self) -> None:
        self.is_open = False

    def pick(self) -> None:
        """The highlighted entry is the value; the list closes."""
        self.chosen, self.is_open = self.highlight, False

    def move(self, step: int) -> None:
        """Move the highlight (open) or the value itself (closed), clamped to the list's ends."""
        if self.is_open:
            self.highlight = max(0, min(len(self.options) - 1, self.highlight + step))
        else:
            self.chosen = max(0, min(len(self.options) - 1, self.chosen + step))

    def jump(self, typed: str) -> bool:
        """Highlight the next entry after the highlighted one whose text starts with ``typed``."""
        typed = typed.casefold()
        count = len(self.options)
        for step in range(1, count + 1):
            i = (self.highlight + step) % count
            if i and self.options[i][0].casefold().startswith(typed):
                self.highlight = i
                return True
        return False


FormField = TextField | ListField


def make_field(attr: AttrDef) -> FormField:
    return ListField(attr) if attr.type in LIST_TYPES else TextField(attr)
