"""Word boundaries, cursor moves, selection snapping and tokens, French-aware.

A *word* is a run of word characters -- letters, marks, numbers, ``_`` and
ZWJ/ZWNJ (``\\p{L}\\p{M}\\p{N}_`` U+200C U+200D) -- that may also contain,
between two word characters:

* a hyphen (``-``, U+2010, U+2011): ``peut-être``, ``Saint-Jean-d'Acre``;
* an apostrophe (``'``, ``’``, ``ʼ``): ``aujourd'hui``, ``O'Brien``;
* ``.`` or ``,`` between two digits: ``29.307``, ``2,5``;
* NBSP, NNBSP (U+202F) or THIN SPACE between a digit and exactly three
  digits (French thousands): ``1\\u202f200``.

A French elision (``d' l' j' m' n' s' t' c' ç' qu' jusqu' lorsqu' puisqu'
quoiqu'``, any case, any of the three apostrophes) at the start of a word is
split off as its own word, apostrophe included: ``D'août`` is ``D'`` +
``août``, ``jusqu'aujourd'hui`` is ``jusqu'`` + ``aujourd'hui``.  Only the
whole run before the apostrophe counts, so ``aujourd'hui``, ``prud'homme``,
``quelqu'un`` and ``main-d'œuvre`` stay single words (they are also listed in
:data:`NO_SPLIT`, which is checked first).

All offsets are code points into the exact text, end exclusive.  Functions
that look around one offset only read a window of :data:`WINDOW` characters
on each side, so a single "word" longer than that is clamped to the window.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import regex

__all__ = [
    "ELISIONS",
    "NO_SPLIT",
    "WINDOW",
    "next_word_start",
    "prev_word_start",
    "snap",
    "token_spans",
    "word_at",
]

WINDOW = 4096

ELISIONS = frozenset(
    "d l j m n s t c ç qu jusqu lorsqu puisqu quoiqu".split()
)
#: Words with an apostrophe that are never split (casefolded, with ``'``).
NO_SPLIT = frozenset(
    """aujourd'hui prud'homme prud'hommes prud'homal prud'homale prud'homaux
    prud'homie presqu'île presqu'îles quelqu'un quelqu'une entr'acte
    entr'actes""".split()
)

_APOSTROPHES = "'\u2019\u02bc"
_W = r"[[\p{L}\p{M}\p{N}_\u200c\u200d]--[\u02bc]]"
_JOIN = (
    r"(?:[\-\u2010\u2011'\u2019\u02bc]"
    r"|(?<=\p{Nd})[.,](?=\p{Nd})"
    r"|(?<=\p{Nd})[\u00a0\u202f\u2009](?=\p{Nd}{3}(?!\p{Nd})))"
)
_TOKEN = regex.compile(rf"(?P<w>{_W}+(?:{_JOIN}{_W}+)*)|(?P<o>(?!\s)\X)", regex.V1)
# Positions that never fall inside a token: plain ASCII whitespace.
_SAFE_BREAK = regex.compile(r"[ \t\n\r]")
_SAFE_BREAK_BACK = regex.compile(r"(?r)[ \t\n\r]")

WORD, ELISION, OTHER = "word", "elision", "other"
_HAS_APOSTROPHE = regex.compile("['\u2019\u02bc]")
# Where Python's ``\w``/``\S`` match exactly what ``_W``/``(?!\s)\X`` match: no combining marks,
# joiners, format or control characters, U+02BC, line/paragraph separators or astral characters.
_NEEDS_FULL_RULES = regex.compile(
    r"[\p{M}\p{Cf}\x00-\x08\x0e-\x1f\x7f-\x9f\u02bc\u180e\u2028\u2029\U00010000-\U0010ffff]")
_TOKEN_PLAIN = re.compile(
    r"\w+(?:(?:[\-\u2010\u2011'\u2019]|(?<=\d)[.,](?=\d)|(?<=\d)[\u00a0\u202f\u2009](?=\d{3}(?!\d)))\w+)*"
    r"|(?!\s)\S"
)
_INF = 1 << 62


def _split_elisions(s: int, word: str, out: list) -> None:
    """Append (start, end, kind) for ``word`` at ``s``, elisions split off."""
    pos = 0
    while True:
        rest = word[pos:]
        if rest.casefold().replace("\u2019", "'").replace("\u02bc", "'") in NO_SPLIT:
            break
        cut = min((i for i in map(rest.find, _APOSTROPHES) if i > 0), default=-1)
        if cut < 0 or rest[:cut].casefold() not in ELISIONS:
            break
        out.append((s + pos, s + pos + cut + 1, ELISION))
        pos += cut + 1
    out.append((s + pos, s + len(word), WORD))


def _tokenize(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
    """Tokens (start, end, kind) of ``text[lo:hi]``, whitespace skipped."""
    chunk = text[lo:hi] if lo or hi is not None else text
    out: list[tuple[int, int, str]] = []
    append = out.append
    for m in _TOKEN.finditer(chunk):
        s, e = m.span()
        if m.lastgroup == "o":
            append((lo + s, lo + e, OTHER))
        else:
            w = m.group()
            if "'" in w or "\u2019" in w or "\u02bc" in w:
                _split_elisions(lo + s, w, out)
            else:
                append((lo + s, lo + e, WORD))
    return out


_SMALL = 128


def _window(text: str, offset: int, size: int):
    """Tokens of ``text`` within ``size`` chars of ``offset``.

    Returns (tokens, lo, hi, clean): the window's edges are moved to ASCII
    whitespace when there is some, so no token is cut; ``clean`` is False when
    an edge could not be moved and a token may be truncated there.
    """
    n = len(text)
    lo, hi = max(0, offset - size), min(n, offset + size)
    clean = True
    if lo > 0:
        m = _SAFE_BREAK.search(text, lo, offset)
        if m:
            lo = m.start()
        else:
            clean = False
    if hi < n:
        m = _SAFE_BREAK_BACK.search(text, offset, hi)
        if m:
            hi = m.start()
        else:
            clean = False
    return _tokenize(text, lo, hi), lo, hi, clean


def _check(text: str, offset: int) -> None:
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} is out of range 0..{len(text)}")


def _find(tokens, offset: int):
    """(token containing offset, word token ending at offset) among tokens."""
    before = None
    for t in tokens:
        if t[0] > offset:
            break
        if t[0] <= offset < t[1]:
            return t, before
        if t[1] == offset and t[2] != OTHER:
            before = t
    return None, before


def _token_at(text: str, offset: int):
    """The token containing ``offset`` (start <= offset < end), or None."""
    for size in (_SMALL, WINDOW):
        tokens, _lo, _hi, clean = _window(text, offset, size)
        if clean:
            break
    return _find(tokens, offset)[0]


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """Span of the word containing ``offset``, else of the word ending there.

    An elision (``l'``) is a word of its own.  Returns None when ``offset`` is
    on punctuation/space with no word ending at it.
    """
    _check(text, offset)
    for size in (_SMALL, WINDOW):
        tokens, _lo, _hi, clean = _window(text, offset, size)
        if clean:
            break
    tok, before = _find(tokens, offset)
    if tok is not None and tok[2] != OTHER:
        return tok[0], tok[1]
    return None if before is None else (before[0], before[1])


def next_word_start(text: str, offset: int) -> int:
    """Start of the first word beginning after ``offset`` (ctrl+right).

    Returns ``len(text)`` if there is none; looks at most :data:`WINDOW`
    characters ahead and returns that bound if no word starts there.
    """
    _check(text, offset)
    for size in (_SMALL, WINDOW):
        tokens, _lo, hi, clean = _window(text, offset, size)
        for s, _e, kind in tokens:
            if s > offset and kind != OTHER and (clean or size == WINDOW):
                return s
        if hi == len(text) and clean:
            return hi
    return hi


def prev_word_start(text: str, offset: int) -> int:
    """Start of the last word beginning before ``offset`` (ctrl+left).

    Returns 0 if there is none; looks at most :data:`WINDOW` characters back
    and returns that bound if no word starts there.
    """
    _check(text, offset)
    for size in (_SMALL, WINDOW):
        tokens, lo, _hi, clean = _window(text, offset, size)
        best = None
        for s, _e, kind in tokens:
            if s >= offset:
                break
            if kind != OTHER:
                best = s
        if best is not None and (clean or size == WINDOW):
            return best
        if lo == 0 and clean:
            return 0
    return lo


# What snapping trims at the edges: whitespace, punctuation except % ‰ ‱ # @,
# control and format characters (bidi marks, ZWSP, soft hyphen, BOM), but no
# word character (_ is punctuation, ZWJ/ZWNJ are format characters).
_TRIM = r"[[\p{P}\p{Z}\p{Cc}\p{Cf}\s]--[%\u2030\u2031#@_\u200c\u200d]]"
_TRIM_HEAD = regex.compile(rf"{_TRIM}+", regex.V1)
_TRIM_TAIL = regex.compile(rf"(?r){_TRIM}+", regex.V1)


def snap(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Snap a selection to word edges; None if nothing is left.

    1. A reversed selection is swapped.  An edge strictly inside a token (a
       word, an elision, or a multi-code-point cluster such as an emoji) is
       moved outward to the token's edge.
    2. Then, repeatedly from both edges: whitespace of any kind, punctuation
       (Unicode P*, except ``% ‰ ‱ # @``), control and format characters
       (except the word characters ``_``, ZWJ, ZWNJ) are trimmed, and an
       elision token (``d'``, ``qu'`` ...) at either edge is dropped.  Currency and other
       symbols are kept.  A grapheme cluster is trimmed whole or kept whole (by its first
       character), so the result
       never splits a token.

    Trimming always removes edge quotes: ``« Bonjour »`` snaps to
    ``Bonjour``; a caller that wants the quotes must skip snapping.
    """
    if start > end:
        start, end = end, start
    _check(text, start)
    _check(text, end)
    tok = _token_at(text, start)
    if tok is not None and tok[0] < start:
        start = tok[0]
    if end > start:
        tok = _token_at(text, end - 1)
        if tok is not None and tok[1] > end:
            end = tok[1]
    while start < end:
        s0, e0 = start, end
        tok = _token_at(text, start)
        if tok and tok[2] == ELISION and tok[0] == start and tok[1] <= end:
            start = tok[1]
        tok = _token_at(text, end - 1)
        if tok and tok[2] == ELISION and tok[1] == end and tok[0] >= start:
            end = tok[0]
        m = _TRIM_HEAD.match(text, start, end)
        if m:
            start = m.end()
            tok = _token_at(text, start) if start < end else None
            if tok and tok[0] < start:  # stopped inside a cluster: drop it
                start = min(tok[1], end)
        m = _TRIM_TAIL.match(text, start, end)
        if m:
            end = m.start()
            tok = _token_at(text, end - 1) if start < end else None
            if tok and tok[1] > end:  # stopped inside a cluster: all or nothing
                end = tok[0] if _TRIM_HEAD.match(text[tok[0]]) else tok[1]
        if (start, end) == (s0, e0):
            break
    return (start, end) if start < end else None


def token_spans(text: str) -> list[tuple[int, int]]:
    """All tokens of ``text`` in order, whitespace skipped.

    Words as defined above (elisions such as ``l'`` are their own token);
    every other character is its own token, except that a grapheme cluster
    (emoji with ZWJ/skin tone, flag, base plus marks) is kept whole.
    """
    # Fast path for whole texts (agreement, token formats): spans straight from a regex, then
    # only the rare words holding an apostrophe go through the elision rules. Text without the
    # characters that make grapheme clusters or word classes differ (marks, joiners, controls,
    # astral characters...) takes Python's faster ``re`` with the same rules.
    pattern = _TOKEN if _NEEDS_FULL_RULES.search(text) else _TOKEN_PLAIN
    spans = [m.span() for m in pattern.finditer(text)]
    if not _HAS_APOSTROPHE.search(text):
        return spans
    out: list[tuple[int, int]] = []
    extend = out.extend
    last = 0
    for m in _HAS_APOSTROPHE.finditer(text):
        i = bisect_right(spans, (m.start(), _INF)) - 1
        if i < last or i < 0:
            continue  # this token was split already (two apostrophes), or no token holds it
        s, e = spans[i]
        if not s < m.start() < e - 1:
            continue  # an apostrophe at a token's edge: never an elision inside a word
        extend(spans[last:i])
        parts: list[tuple[int, int, str]] = []
        _split_elisions(s, text[s:e], parts)
        extend((a, b) for a, b, _ in parts)
        last = i + 1
    extend(spans[last:])
    return out
