"""Pure word-wrap and offset <-> (row, cell column) mapping for the article view.

No Textual import here (only ``rich.cells`` for cell widths), so it can be unit
tested without a terminal.

Model
-----
The text is wrapped into visual *rows*.  ``row_starts[r]`` is the code-point
offset of the first character of row ``r``; row ``r`` owns the offsets
``[row_starts[r], row_starts[r + 1])`` (the last row owns ``[start, len]``, the
end-of-text position included).  A ``"\\n"`` belongs to the row it ends and is
drawn as one blank cell (where the cursor shows when it sits on the newline).

Wrapping is greedy by terminal cells, for a widget ``width`` cells wide:

* words (runs of characters other than ``" "`` and ``"\\n"``) must fit in
  ``W = width - 1`` cells, so the last column is free for the cursor at a
  newline or at the end of the text;
* a word that does not fit goes to the next row; a word longer than ``W`` is
  folded at grapheme boundaries;
* the spaces after a word stay on its row, up to ``width`` cells; any extra
  spaces start the next row.

A paragraph made only of one-cell characters (the common case, including
accented Latin, French typographic punctuation, Greek, Cyrillic) takes a fast
path built on ``str.rfind``; other paragraphs are measured word by word with
``rich.cells`` (so wide CJK / emoji count 2 cells and zero-width joiners 0).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from rich.cells import get_character_cell_size, load_cell_table, split_graphemes

__all__ = [
    "Layout",
    "is_single_cell",
    "wrap",
]


_PATTERN_END = 0x3000  # the pattern covers U+0020..U+2FFF
_NEVER_SINGLE = ((0x7F, 0x9F), (0x200D, 0x200D), (0xD800, 0xDFFF), (0xFE0F, 0xFE0F))


def _single_cell_ranges_by_char() -> list[tuple[int, int]]:
    """The code points of U+0020..U+2FFF that are plainly one cell, asking Rich one by one."""
    ranges: list[tuple[int, int]] = []
    start = None
    for cp in range(0x20, _PATTERN_END):
        ok = (
            not (0xD800 <= cp < 0xE000)
            and cp not in (0x200D, 0xFE0F)
            and get_character_cell_size(chr(cp)) == 1
        )
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            ranges.append((start, cp - 1))
            start = None
    if start is not None:
        ranges.append((start, _PATTERN_END - 1))
    return ranges


def _single_cell_ranges() -> list[tuple[int, int]]:
    """The same ranges from Rich's width table (what ``get_character_cell_size`` searches), by
    interval arithmetic: ~0.1 ms instead of ~15 ms of start-up for 12,000 calls. Falls back to
    asking character by character if the table is not what it was (a test keeps both equal)."""
    try:
        widths = load_cell_table("auto").widths
        bad = [(lo, hi) for lo, hi, w in widths if w != 1 and hi >= 0x20 and lo < _PATTERN_END]
    except (AttributeError, TypeError, ValueError):
        return _single_cell_ranges_by_char()
    ranges: list[tuple[int, int]] = []
    cp = 0x20
    for lo, hi in sorted([*bad, *_NEVER_SINGLE]):
        if lo >= _PATTERN_END:
            break
        if lo > cp:
            ranges.append((cp, lo - 1))
        cp = max(cp, hi + 1)
    if cp < _PATTERN_END:
        ranges.append((cp, _PATTERN_END - 1))
    return ranges


def _build_single_cell_pattern(ranges: list[tuple[int, int]] | None = None) -> re.Pattern[str]:
    """A regex matching any character that is NOT plainly one cell wide.

    A string with no match has ``cell_len(s) == len(s)``: every character in
    the allowed set is one cell for Rich, and the set excludes ZWJ (U+200D) and
    VS16 (U+FE0F), the only characters for which Rich measures sequences rather
    than characters.  Computed once from Rich's own table for U+0020..U+2FFF.
    """
    ranges = _single_cell_ranges() if ranges is None else ranges
    body = "".join(
        f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges
    )
    return re.compile(f"[^{body}]")


_NOT_SINGLE = _build_single_cell_pattern()
_TOKENS = re.compile(r" +|[^ ]+")


def is_single_cell(s: str, pos: int = 0, endpos: int | None = None) -> bool:
    """True when every character of ``s[pos:endpos]`` is exactly one cell."""
    if endpos is None:
        endpos = len(s)
    return _NOT_SINGLE.search(s, pos, endpos) is None


def _cells(s: str) -> int:
    """Cells of ``s``, measured grapheme by grapheme (as ``offset_at`` reads them)."""
    return len(s) if _NOT_SINGLE.search(s) is None else split_graphemes(s)[1]


def _wrap_single(text: str, s: int, pend: int, W: int, width: int, starts: list[int]) -> None:
    """Wrap ``text[s:pend]`` (one paragraph, all one-cell characters)."""
    rfind = text.rfind
    while pend - s > W:
        limit = s + W  # text[s:limit] fits
        i = rfind(" ", s, limit + 1)
        if i > s:
            e = i + 1
            if i == limit:  # the space run may go on past the word budget
                stop = min(pend, s + width)
                while e < stop and text[e] == " ":
                    e += 1
        elif i == s:
            e = s + 1  # a lone leading space; the long word goes below
        else:
            e = limit  # a word longer than W: fold it
        if e >= pend:  # only trailing spaces were left: they hang on this row
            break
        starts.append(e)
        s = e


def _fold_word(text: str, a: int, b: int, W: int, starts: list[int]) -> int:
    """Fold the word ``text[a:b]`` (wider than ``W``) starting a row at ``a``.

    Appends the row starts inside the word and returns the cell width of its
    last piece (which starts a row).
    """
    spans, _total = split_graphemes(text[a:b])
    col = 0
    for gs, _ge, w in spans:
        if col + w > W and col > 0:
            starts.append(a + gs)
            col = 0
        col += w
    return col


def _wrap_general(text: str, s: int, pend: int, W: int, width: int, starts: list[int]) -> None:
    """Wrap ``text[s:pend]`` (one paragraph), measuring words with Rich."""
    col = 0
    for m in _TOKENS.finditer(text, s, pend):
        a, b = m.span()
        if text[a] == " ":
            n = b - a
            room = width - col
            if n <= room:
                col += n
                continue
            p = a + room
            while p < b:
                starts.append(p)
                take = min(width, b - p)
                p += take
                col = take
            continue
        w = _cells(text[a:b])
        if col + w <= W:
            col += w
            continue
        if col > 0:
            starts.append(a)
            col = 0
        if w <= W:
            col = w
        else:
            col = _fold_word(text, a, b, W, starts)


def wrap(text: str, width: int) -> list[int]:
    """Row start offsets of ``text`` wrapped to ``width`` cells (see module doc)."""
    width = max(2, width)
    W = width - 1
    starts = [0]
    n = len(text)
    find = text.find
    pos = 0
    while True:
        nl = find("\n", pos)
        pend = n if nl == -1 else nl
        if pend - pos > W // 2:  # may not fit on one row
            if _NOT_SINGLE.search(text, pos, pend) is None:
                _wrap_single(text, pos, pend, W, width, starts)
            else:
                _wrap_general(text, pos, pend, W, width, starts)
        if nl == -1:
            break
        pos = nl + 1
        starts.append(pos)
    return starts


class Layout:
    """A wrapped text: the row starts plus offset <-> row/column mapping.

    ``text`` is the *display* text (same length and offsets as the source).
    """

    __slots__ = ("text", "width", "row_starts", "_len")

    def __init__(self, text: str, width: int) -> None:
        self.text = text
        self.width = max(2, width)
        self.row_starts: list[int] = wrap(text, self.width)
        self._len = len(text)

    # -- rows ---------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.row_starts)

    def row_of(self, offset: int) -> int:
        """The row showing ``offset`` (clamped to the text)."""
        if offset <= 0:
            return 0
        return bisect_right(self.row_starts, min(offset, self._len)) - 1

    def row_span(self, row: int) -> tuple[int, int]:
        """``(start, end)`` of ``row``: end is the next row's start, or len."""
        starts = self.row_starts
        start = starts[row]
        end = starts[row + 1] if row + 1 < len(starts) else self._len
        return start, end

    def row_text_end(self, row: int) -> int:
        """End of the characters drawn on ``row`` (excludes a final ``\\n``)."""
        start, end = self.row_span(row)
        if end > start and self.text[end - 1] == "\n":
            return end - 1
        return end

    def row_end_offset(self, row: int) -> int:
        """Where End puts the cursor: the newline, the last character of a
        wrapped row, or the end of the text on the last row."""
        start, end = self.row_span(row)
        if row + 1 >= len(self.row_starts):
            return self._len
        return max(start, end - 1)

    def is_single_cell_row(self, row: int) -> bool:
        start, end = self.row_span(row)
        return _NOT_SINGLE.search(self.text, start, self.row_text_end(row)) is None

    # -- columns ------------------------------------------------------------
    def column_of(self, offset: int) -> int:
        """Cell column of ``offset`` within its row."""
        offset = max(0, min(offset, self._len))
        start = self.row_starts[self.row_of(offset)]
        if _NOT_SINGLE.search(self.text, start, offset) is None:
            return offset - start
        # Grapheme by grapheme; an offset inside a cluster is at the cluster's column.
        spans, _ = split_graphemes(self.text[start : self.row_text_end(self.row_of(offset))])
        rel = offset - start
        col = 0
        for _gs, ge, w in spans:
            if ge > rel:
                return col
            col += w
        return col

    def offset_at(self, row: int, x: int) -> int:
        """The offset drawn at cell ``x`` of ``row`` (clamped to the row)."""
        row = max(0, min(row, len(self.row_starts) - 1))
        start = self.row_starts[row]
        text_end = self.row_text_end(row)
        last = self.row_end_offset(row)
        if x <= 0:
            return start
        if _NOT_SINGLE.search(self.text, start, text_end) is None:
            return min(start + x, last)
        spans, _ = split_graphemes(self.text[start:text_end])
        col = 0
        for gs, _ge, w in spans:
            if x < col + w:
                return start + gs
            col += w
        return last

    def offset_to_position(self, offset: int) -> tuple[int, int]:
        """``(row, column)`` of ``offset``."""
        return self.row_of(offset), self.column_of(offset)


def grapheme_starts(s: str) -> list[int]:
    """Start indices of the grapheme clusters of ``s`` (as Rich splits them)."""
    spans, _ = split_graphemes(s)
    return [a for a, _b, _w in spans]

