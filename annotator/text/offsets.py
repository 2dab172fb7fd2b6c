"""Convert offsets between Python code points and other units, at the edges.

Inside annotator every offset is a Python code-point index into the exact
text, end exclusive.  Other tools count differently: JavaScript/Java/LSP in
UTF-16 code units, Rust/spaCy-bytes/most C tools in UTF-8 bytes, humans and
some annotation tools in user-perceived characters (extended grapheme
clusters, UAX #29, as computed by the ``regex`` module's ``\\X``).

Units accepted by :class:`OffsetMap`: ``"cp"`` (identity), ``"utf16"``,
``"utf8"`` (alias ``"bytes"``) and ``"grapheme"``.

Nothing is rounded: an offset that falls inside a surrogate pair, inside the
UTF-8 encoding of a character, or (for a code point) inside a grapheme
cluster raises :class:`OffsetError`, as does an offset out of range.  Lone
surrogates in a Python ``str`` count as one UTF-16 unit and three UTF-8 bytes
(the ``surrogatepass`` encoding).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from operator import index

import regex

__all__ = [
    "UNITS",
    "OffsetError",
    "OffsetMap",
    "bytes_to_cp",
    "cp_to_bytes",
    "cp_to_grapheme",
    "cp_to_utf16",
    "grapheme_boundaries",
    "grapheme_to_cp",
    "utf16_to_cp",
]

UNITS = ("cp", "utf16", "utf8", "bytes", "grapheme")


class OffsetError(ValueError):
    """An offset is out of range or does not fall on a boundary of its unit."""

    def __init__(self, message: str, offset: int, unit: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.unit = unit


_ASTRAL_RUNS = re.compile("[\U00010000-\U0010ffff]+")
_UTF8_RUNS = re.compile("[\u0080-\u07ff]+|[\u0800-\uffff]+|[\U00010000-\U0010ffff]+")

# Grapheme segmentation that only runs \X where a cluster may be longer than
# one code point.  Call "plain" a character whose Grapheme_Cluster_Break is
# Other, Control or LF.  No UAX #29 rule joins two plain characters (the rules
# that join need CR, Extend, ZWJ, SpacingMark, Prepend, Regional_Indicator or
# Hangul jamo on one side, and their look-behind contexts start after a plain
# character or at one), so between two plain characters there is always a
# boundary, and every multi-code-point cluster lies inside a run of non-plain
# characters widened by one character on each side.
_NON_PLAIN = regex.compile(r"[^\p{GCB=Other}\p{GCB=Control}\p{GCB=LF}]+")
_CLUSTER = regex.compile(r"\X")


def _utf16_segments(text: str):
    for m in _ASTRAL_RUNS.finditer(text):
        yield m.start(), 1, 2, m.end() - m.start()


def _utf8_segments(text: str):
    for m in _UTF8_RUNS.finditer(text):
        c = ord(text[m.start()])
        width = 2 if c < 0x800 else 3 if c < 0x10000 else 4
        yield m.start(), 1, width, m.end() - m.start()


def _grapheme_segments(text: str):
    """Yield runs of equal-length multi-code-point clusters as segments."""
    n = len(text)
    run_start = run_len = run_n = 0
    regions = _NON_PLAIN.finditer(text)
    m = next(regions, None)
    while m is not None:
        lo, hi = max(0, m.start() - 1), min(n, m.end() + 1)
        m = next(regions, None)
        while m is not None and m.start() - 1 < hi:  # overlapping: merge
            hi = min(n, m.end() + 1)
            m = next(regions, None)
        for c in _CLUSTER.finditer(text[lo:hi]):
            s, e = c.span()
            k = e - s
            if k < 2:
                continue
            s += lo
            if run_n and k == run_len and s == run_start + run_len * run_n:
                run_n += 1
                continue
            if run_n:
                yield run_start, run_len, 1, run_n
            run_start, run_len, run_n = s, k, 1
    if run_n:
        yield run_start, run_len, 1, run_n


def grapheme_boundaries(text: str) -> list[int]:
    """All cluster boundaries of ``text`` in code points, 0 and len included."""
    om = OffsetMap(text, "grapheme")
    return [om.to_cp(g) for g in range(om.length + 1)]


class OffsetMap:
    """Two-way offset conversion for one text and one unit, built once.

    Building is O(n) (in C for the most part; identity for ASCII text, and for
    graphemes also when there is no CRLF).  Each conversion is then
    O(log s) where s is the number of runs of non-unit-width characters, so k
    conversions cost O(n + k log s).  The text itself is not retained.

    A segment maps ``n`` steps of ``a`` code points to ``n`` steps of ``b``
    units; outside segments one code point is one unit.
    """

    __slots__ = ("unit", "cp_length", "length", "_cs", "_us", "_a", "_b", "_ce", "_ue")

    def __init__(self, text: str, unit: str) -> None:
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}; expected one of {UNITS}")
        self.unit = "utf8" if unit == "bytes" else unit
        self.cp_length = len(text)
        cs: list[int] = []
        us: list[int] = []
        aa: list[int] = []
        bb: list[int] = []
        ce: list[int] = []
        ue: list[int] = []
        segments: Iterable[tuple[int, int, int, int]]
        if self.unit == "cp" or text.isascii() and (self.unit != "grapheme" or "\r\n" not in text):
            segments = ()
        elif self.unit == "utf16":
            segments = _utf16_segments(text)
        elif self.unit == "utf8":
            segments = _utf8_segments(text)
        else:
            segments = _grapheme_segments(text)
        delta = 0  # units minus code points before the current segment
        for start, a, b, n in segments:
            cs.append(start)
            us.append(start + delta)
            aa.append(a)
            bb.append(b)
            ce.append(start + a * n)
            ue.append(start + delta + b * n)
            delta += (b - a) * n
        self._cs, self._us, self._a, self._b, self._ce, self._ue = cs, us, aa, bb, ce, ue
        #: Length of the text in this unit.
        self.length = len(text) + delta

    def from_cp(self, cp: int) -> int:
        """Convert a code-point offset to this unit; exact or OffsetError."""
        cp = index(cp)
        if not 0 <= cp <= self.cp_length:
            raise OffsetError(
                f"code point offset {cp} is out of range 0..{self.cp_length}", cp, "cp"
            )
        return self._convert(cp, self._cs, self._ce, self._a, self._us, self._ue, self._b, "cp")

    def to_cp(self, offset: int) -> int:
        """Convert an offset in this unit to code points; exact or OffsetError."""
        offset = index(offset)
        if not 0 <= offset <= self.length:
            raise OffsetError(
                f"{self.unit} offset {offset} is out of range 0..{self.length}",
                offset,
                self.unit,
            )
        return self._convert(
            offset, self._us, self._ue, self._b, self._cs, self._ce, self._a, self.unit
        )

    def _convert(self, x, src_s, src_e, src_step, dst_s, dst_e, dst_step, unit):
        j = bisect_right(src_s, x) - 1
        if j < 0:
            return x
        if x >= src_e[j]:
            return x + (dst_e[j] - src_e[j])
        q, r = divmod(x - src_s[j], src_step[j])
        if r:
            lo = src_s[j] + q * src_step[j]
            name = "code point" if unit == "cp" else unit
            raise OffsetError(
                f"{name} offset {x} falls inside {self._what(unit)} "
                f"(at {name} offsets {lo}..{lo + src_step[j]})",
                x,
                unit,
            )
        return dst_s[j] + q * dst_step[j]

    def _what(self, unit: str) -> str:
        if unit == "cp":
            return "a grapheme cluster"
        if unit == "utf16":
            return "a surrogate pair"
        return "the UTF-8 encoding of one code point"

    def __repr__(self) -> str:
        return (
            f"OffsetMap(unit={self.unit!r}, cp_length={self.cp_length}, "
            f"length={self.length}, segments={len(self._cs)})"
        )


def _check_cp(text: str, cp: int) -> int:
    cp = index(cp)
    if not 0 <= cp <= len(text):
        raise OffsetError(f"code point offset {cp} is out of range 0..{len(text)}", cp, "cp")
    return cp


def cp_to_utf16(text: str, cp: int) -> int:
    """UTF-16 code-unit offset of code-point offset ``cp`` (always exact)."""
    cp = _check_cp(text, cp)
    if text.isascii():
        return cp
    return len(text[:cp].encode("utf-16-le", "surrogatepass")) // 2


def utf16_to_cp(text: str, u: int) -> int:
    """Code-point offset of UTF-16 offset ``u``; OffsetError inside a pair."""
    return OffsetMap(text, "utf16").to_cp(u)


def cp_to_bytes(text: str, cp: int) -> int:
    """UTF-8 byte offset of code-point offset ``cp`` (always exact)."""
    cp = _check_cp(text, cp)
    if text.isascii():
        return cp
    return len(text[:cp].encode("utf-8", "surrogatepass"))


def bytes_to_cp(text: str, b: int) -> int:
    """Code-point offset of UTF-8 byte offset ``b``; OffsetError mid-character."""
    return OffsetMap(text, "utf8").to_cp(b)


def cp_to_grapheme(text: str, cp: int) -> int:
    """Grapheme-cluster index of ``cp``; OffsetError if ``cp`` splits a cluster."""
    return OffsetMap(text, "grapheme").from_cp(cp)


def grapheme_to_cp(text: str, g: int) -> int:
    """Code-point offset where grapheme cluster number ``g`` starts (or len)."""
    return OffsetMap(text, "grapheme").to_cp(g)
