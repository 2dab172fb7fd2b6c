"""The find bar: a one-line input docked under the article; Enter finds the next match."""

from __future__ import annotations

import re
from bisect import bisect_left

from textual.message import Message
from textual.widgets import Input

MAX_MATCHES = 10_000


def find_all(text: str, query: str, limit: int = MAX_MATCHES) -> list[tuple[int, int]]:
    """Case-insensitive matches of ``query`` as (start, end) code-point ranges, in order."""
    if not query:
        return []
    out = []
    for m in re.finditer(re.escape(query), text, re.IGNORECASE):
        out.append((m.start(), m.end()))
        if len(out) >= limit:
            break
    return out


def next_match(matches: list[tuple[int, int]], offset: int, direction: int) -> tuple[int, int] | None:
    """The match at or after ``offset`` (direction 1) or before it (-1), wrapping around."""
    if not matches:
        return None
    starts = [m[0] for m in matches]
    if direction > 0:
        i = bisect_left(starts, offset)
        return matches[i % len(matches)]
    i = bisect_left(starts, offset) - 1
    return matches[i % len(matches)]


class FindBar(Input):
    DEFAULT_CSS = """
    FindBar { dock: bottom; display: none; border: tall $accent; }
    FindBar.-visible { display: block; }
    """

    class Closed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="find: type, Enter for the next match, Escape to close", id=id)

    def key_escape(self) -> None:
        self.remove_class("-visible")
        self.post_message(self.Closed())
