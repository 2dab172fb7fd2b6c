"""The attribute form's fields as plain state, no Textual: a line of text being typed, or a list to
pick from, and what each holds as it will be saved. The form (attr_form.py) draws them and gives
them its keys; tests drive them without a terminal.

A number is read the French way (``29.307`` is 29307, ``2,5`` is 2.5) and shown as understood
under its field while it is typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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


_NOTHING: Any = object()  # no value held apart from the list


class ListField:
    """A value picked from a list: a choice, a bool, or a span of the document (ref). The list's
    first entry unsets it. A document's spans are listed only once the list is needed (opened,
    or its value moved): a long article's thousands of actors cost ~25 ms to list and sort, on
    every opening of a quote's form otherwise; until then the value is held apart and shown as
    ``describe`` says."""

    __slots__ = ("attr", "chosen", "is_open", "highlight", "error", "_options", "_source", "_describe", "_held")

    def __init__(self, attr: AttrDef) -> None:
        self.attr = attr
        self.chosen = 0  # index into options
        self.is_open = False
        self.highlight = 0  # the entry Enter would pick, while open
        self.error = ""
        self._options: list[tuple[str, Any]] | None = None
        self._source: Callable[[], Iterable[tuple[str, Any]]] = tuple
        self._describe: Callable[[Any], str] = str
        self._held = _NOTHING  # a value loaded and not yet looked up in the list
        if attr.type == "choice":
            self.set_options([(c, c) for c in attr.choices])
        elif attr.type == "bool":
            self.set_options([("true", True), ("false", False)])

    def set_options(self, options: Sequence[tuple[str, Any]]) -> None:
        """The entries (shown, value), listed now."""
        self.set_source(lambda: options)
        _ = self.options

    def set_source(self, source: Callable[[], Iterable[tuple[str, Any]]],
                   describe: Callable[[Any], str] = str) -> None:
        """The entries (shown, value), listed when first needed; ``describe`` shows a value
        until then."""
        self._options, self._source, self._describe = None, source, describe
        self.chosen, self._held = 0, _NOTHING

    @property
    def options(self) -> list[tuple[str, Any]]:
        """The entries, the first unsetting the value (listed now if they were not)."""
        if self._options is None:
            self._options = [(UNSET, None), *((display_line(shown), value) for shown, value in self._source())]
        if self._held is not _NOTHING:
            held, self._held = self._held, _NOTHING
            self._choose(held)
        return self._options

    def load(self, value: object) -> None:
        """Show ``value`` (an unknown value, as a ref to a span since deleted, is kept and shown
        as it is: saving the form does not drop it)."""
        self.error = ""
        self.is_open = False
        self.chosen = 0
        if self._options is None:
            self._held = value  # looked up once the list is
        else:
            self._choose(value)

    def _choose(self, value: object) -> None:
        options = self._options
        assert options is not None
        if value is None:
            self.chosen = 0
            return
        for i, (_, known) in enumerate(options):
            if i and known == value and type(known) is type(value):
                self.chosen = i
                return
        options.append((display_line(str(value)), value))
        self.chosen = len(options) - 1

    def unset(self) -> None:
        self.chosen = 0
        if self._options is None:
            self._held = None

    def value(self) -> Any:
        if self._held is not _NOTHING:
            return self._held
        return self.options[self.chosen][1]

    @property
    def shown(self) -> str:
        if self._held is not _NOTHING:
            return UNSET if self._held is None else display_line(self._describe(self._held))
        return self.options[self.chosen][0]

    def message(self) -> str:
        return self.error

    # -- the list ----------------------------------------------------------------------------------

    def open(self) -> None:
        self.highlight = self.chosen if self.options else 0  # (listed first: a held value looked up)
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def pick(self) -> None:
        """The highlighted entry is the value; the list closes."""
        self.chosen, self.is_open = self.highlight, False

    def move(self, step: int) -> None:
        """Move the highlight (open) or the value itself (closed), clamped to the list's ends."""
        last = len(self.options) - 1
        if self.is_open:
            self.highlight = max(0, min(last, self.highlight + step))
        else:
            self.chosen = max(0, min(last, self.chosen + step))

    def jump(self, typed: str) -> bool:
        """Highlight the next entry after the highlighted one whose text starts with ``typed``."""
        typed = typed.casefold()
        options = self.options
        count = len(options)
        for step in range(1, count + 1):
            i = (self.highlight + step) % count
            if i and options[i][0].casefold().startswith(typed):
                self.highlight = i
                return True
        return False


FormField = TextField | ListField


def make_field(attr: AttrDef) -> FormField:
    return ListField(attr) if attr.type in LIST_TYPES else TextField(attr)
