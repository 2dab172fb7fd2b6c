"""Make untrusted text safe to DISPLAY in a terminal without moving offsets.

Every mapping here is 1:1 on code points: ``len(display_text(s)) == len(s)``
and ``display_text(s)[i]`` is the display of ``s[i]``.  So a span
``(start, end)`` computed on the exact source text can be highlighted on the
displayed text unchanged.  The source text itself is never modified; call these
functions only on the way to the screen.

Chosen glyphs (each is one terminal cell wide, as measured by Rich):

=============================  =======================================
input                          shown as
=============================  =======================================
C0 control U+00XX (not LF)     Control Pictures glyph U+2400+XX (ESC -> ␛)
TAB U+0009                     → (U+2192), one cell, no tab expansion
CR U+000D alone                ␍ (U+240D)
CR before LF (a CRLF)          a space: the pair is a line end, shown as
                               one (a blank cell, then the line break)
DEL U+007F                     ␡ (U+2421)
C1 control U+0080..U+009F      � (U+FFFD) (often cp1252 mojibake)
lone surrogate U+D800..U+DFFF  � (U+FFFD) (cannot be encoded otherwise)
LRM U+200E / RLM U+200F        ⇢ (U+21E2) / ⇠ (U+21E0)
ALM U+061C                     ⇜ (U+21DC)
LRE U+202A / RLE U+202B        ⇉ (U+21C9) / ⇇ (U+21C7)
PDF U+202C                     ⇞ (U+21DE)
LRO U+202D / RLO U+202E        ⇛ (U+21DB) / ⇚ (U+21DA)
LRI U+2066 / RLI U+2067        ⇨ (U+21E8) / ⇦ (U+21E6)
FSI U+2068 / PDI U+2069        ⇹ (U+21F9) / ⇟ (U+21DF)
LINE SEPARATOR U+2028          ␤ (U+2424), never a line break
PARAGRAPH SEPARATOR U+2029     ⁋ (U+204B), never a line break
LF U+000A                      kept by :func:`display_text`;
                               ⏎ (U+23CE) in :func:`display_line`
=============================  =======================================

Zero-width characters (ZWSP, ZWJ, ZWNJ, BOM, soft hyphen) are left as is: they
neither move the cursor nor reorder text.  After :func:`display_text` the only
character for which :meth:`str.splitlines` breaks is ``"\\n"``; after
:func:`display_line` there is none.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = [
    "DISPLAY_TABLE",
    "LINE_TABLE",
    "NEWLINE_GLYPH",
    "display_line",
    "display_text",
]

REPLACEMENT = "\ufffd"
NEWLINE_GLYPH = "\u23ce"  # ⏎

_BIDI_GLYPHS = {
    0x200E: "\u21e2",  # LRM  ⇢
    0x200F: "\u21e0",  # RLM  ⇠
    0x061C: "\u21dc",  # ALM  ⇜
    0x202A: "\u21c9",  # LRE  ⇉
    0x202B: "\u21c7",  # RLE  ⇇
    0x202C: "\u21de",  # PDF  ⇞
    0x202D: "\u21db",  # LRO  ⇛
    0x202E: "\u21da",  # RLO  ⇚
    0x2066: "\u21e8",  # LRI  ⇨
    0x2067: "\u21e6",  # RLI  ⇦
    0x2068: "\u21f9",  # FSI  ⇹
    0x2069: "\u21df",  # PDI  ⇟
}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for c in range(0x20):
        if c != 0x0A:
            table[c] = chr(0x2400 + c)
    table[0x09] = "\u2192"  # →
    table[0x0D] = "\u240d"  # ␍
    table[0x7F] = "\u2421"  # ␡
    for c in range(0x80, 0xA0):
        table[c] = REPLACEMENT
    for c in range(0xD800, 0xE000):
        table[c] = REPLACEMENT
    table.update(_BIDI_GLYPHS)
    table[0x2028] = "\u2424"  # ␤
    table[0x2029] = "\u204b"  # ⁋
    return table


#: ``str.translate`` table used by :func:`display_text` (keeps ``"\\n"``).
DISPLAY_TABLE: dict[int, str] = _build_table()
#: Same as :data:`DISPLAY_TABLE` plus ``"\\n"`` -> ``"⏎"``, for single lines.
LINE_TABLE: dict[int, str] = {**DISPLAY_TABLE, 0x0A: NEWLINE_GLYPH}


def _char_class(codes: set[int]) -> str:
    """A regex character class matching exactly ``codes`` (as ranges)."""
    parts: list[str] = []
    ordered = sorted(codes)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        lo, hi = ordered[i], ordered[j]
        parts.append(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def _dense(table: dict[int, str]) -> str:
    """The table as a string indexed by code point, up to its largest key.

    ``str.translate`` with a dict raises and swallows a KeyError for every
    unmapped character; a dense string is ~3x faster (~20 ms/MB).  Code points
    past its end raise IndexError, which translate reads as "keep".
    """
    chars = list(map(chr, range(max(table) + 1)))
    for code, glyph in table.items():
        chars[code] = glyph
    return "".join(chars)


@cache
def _fast_text() -> str:
    return _dense(DISPLAY_TABLE)


@cache
def _fast_line() -> str:
    return _dense(LINE_TABLE)


# (built on the first text that needs a glyph: ~10 ms each that start-up does not wait for)

# A scan with ``re`` is much faster than translate, so text that needs no
# change (the common case) is returned as is, without translating.
_NEEDS_TEXT = re.compile(_char_class(set(DISPLAY_TABLE)))
_NEEDS_LINE = re.compile(_char_class(set(LINE_TABLE)))


def _crlf_as_space(s: str) -> str:
    """``"\\r\\n"`` -> ``" \\n"``: the CR of a line end is drawn blank (1:1, so offsets hold); a
    lone CR keeps its glyph."""
    return s.replace("\r\n", " \n") if "\r\n" in s else s


def display_text(s: str) -> str:
    """Return ``s`` with every unsafe character replaced by a visible glyph.

    Promises: same length as ``s``; ``"\\n"`` is kept; the CR of a CRLF
    becomes a space (a Windows line end looks like a line end); every other
    C0 control, DEL, C1 control, lone surrogate, bidi control and
    U+2028/U+2029 becomes the one-cell glyph listed in the module docstring;
    every other character is unchanged.  Returns ``s`` itself when nothing
    needs mapping.
    """
    if _NEEDS_TEXT.search(s) is None:
        return s
    return _crlf_as_space(s).translate(_fast_text())


def display_line(s: str) -> str:
    """Like :func:`display_text` but also shows ``"\\n"`` as ``"⏎"``.

    For single-line contexts (labels, ids, comments, file names, error
    messages): the result never contains a line break, and has ``len(s)``.
    """
    if _NEEDS_LINE.search(s) is None:
        return s
    return _crlf_as_space(s).translate(_fast_line())


# Defence in depth: whatever ``display_text`` returns, these never reach the
# terminal (C0 but LF, DEL, C1, bidi controls, line/paragraph separators).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_UNSAFE_TABLE = {
    c: "\ufffd"
    for c in [*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)]
    + [0x061C, 0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A)]
}


def safe_display(text: str) -> str:
    """The drawn twin of ``text``: same length (so same offsets), nothing a terminal obeys."""
    disp = display_text(text)
    if len(disp) != len(text):  # the contract is 1:1; never trust it blindly
        disp = text
    if _UNSAFE.search(disp) is not None:
        disp = disp.translate(_UNSAFE_TABLE)
    return disp
