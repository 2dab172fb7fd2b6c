"""Token boundaries of many texts at once, as numpy arrays.

:func:`token_bounds_many` gives exactly what :func:`annotator.text.words.token_spans` gives, text
by text, 25 to 30 times faster on French prose: instead of one regex match (a Python object) per
token, every text is classified in one vectorized pass.

How it works:

* Texts that need the full rules (:data:`~annotator.text.words._NEEDS_FULL_RULES`: combining
  marks, joiners, controls, U+02BC, astral characters...) are rare; they go through
  ``token_spans`` one by one.  Every other text is in the "plain" case where ``token_spans`` uses
  :data:`~annotator.text.words._TOKEN_PLAIN` (Python ``re``), which the arrays below reproduce.
* All texts are joined with ``"\\n"`` (whitespace: no token crosses it) and encoded once.  Every
  code point is classified with a lookup table over the BMP, built once from the very regexes
  (``\\w``, ``\\d``, ``\\s`` of ``re``, ``_NEEDS_FULL_RULES`` of ``regex``) run over a string
  of all BMP characters.
* ``_TOKEN_PLAIN`` is ``\\w+(?:JOIN\\w+)*|\\S``.  Joiner characters are never ``\\w``, and the
  match can always stop after its ``\\w+``, so a word is a maximal run of word characters and
  *joining* characters, where a joiner joins when its own neighbours allow it: a hyphen or an
  apostrophe with a word character on both sides, ``.``/``,`` with a digit on both sides,
  NBSP/U+202F/U+2009 with a digit before and exactly three digits after.  Every other
  non-whitespace character is a one-character token.
* Elisions: inside a word, an apostrophe splits off the part before it (from the word's start or
  from just after the previous apostrophe) when that part casefolds to one of
  :data:`~annotator.text.words.ELISIONS`, provided every earlier apostrophe of the word split too
  (``_split_elisions`` stops at the first apostrophe that does not split).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

import numpy as np

from annotator.text.words import _NEEDS_FULL_RULES, ELISIONS, token_spans

__all__ = ["token_bounds", "token_bounds_many"]

# Character flags (uint8 table indexed by code point; index 0x10000 stands for every astral one).
# The flags that call for a closer look (joiners, slow) are the high bits: ``flags >= _J_WORD``.
_SOLID = 1  # \S of Python re (not whitespace)
_W = 2  # \w of Python re
_D = 4  # \d of Python re
_APOS = 8  # ' U+2019: may end an elision (U+02BC is never in a plain text)
_J_WORD = 16  # - U+2010 U+2011 ' U+2019: joins two word characters
_J_DIGIT = 32  # . , : joins two digits
_J_THOUSANDS = 64  # NBSP U+202F U+2009: joins a digit and exactly three digits
_SLOW = 128  # the text needs token_spans (the full rules)
_JOINERS = _J_WORD | _J_DIGIT | _J_THOUSANDS
_ASTRAL = 0x10000

_KEY_BITS = 5  # letter codes of the elisions' letters fit in 5 bits
_MAX_ELISION = max(map(len, ELISIONS))
_LETTERS = sorted(set("".join(ELISIONS)))
assert len(_LETTERS) < 1 << _KEY_BITS and _MAX_ELISION * _KEY_BITS < 63

# Built on first use by _tables(): (character flags, letter codes, sorted elision keys).
_TABLES: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _elision_key(codes: Sequence[int]) -> int:
    """Key of a run of letter codes, read backwards from its last letter (as at an apostrophe)."""
    key = 0
    for k, c in enumerate(reversed(codes)):
        key |= c << (_KEY_BITS * k)
    return key


def prepare() -> None:
    """Build the lookup tables now (say, before forking processes that will all tokenize)."""
    _tables()


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lookup tables, built once (in about 0.05 s) from the regexes and ``str.casefold``."""
    global _TABLES
    if _TABLES is not None:
        return _TABLES
    bmp = "".join(map(chr, range(_ASTRAL)))  # surrogates included: they are plain "other" tokens

    def unmatched(pattern) -> np.ndarray:
        """The BMP characters ``pattern`` does not match, as a bool array: the matched ones become
        NUL, all in C (NUL itself is told apart by hand)."""
        kept = pattern.sub("\0", bmp).encode("utf-16-le", "surrogatepass")
        out = np.frombuffer(kept, np.uint16) != 0
        out[0] = pattern.match("\0") is None
        return out

    flags = np.zeros(_ASTRAL + 1, np.uint8)
    for pattern, flag in ((re.compile(r"\W"), _W), (re.compile(r"\D"), _D), (re.compile(r"\s"), _SOLID)):
        flags[:_ASTRAL][unmatched(pattern)] |= flag
    flags[:_ASTRAL][~unmatched(_NEEDS_FULL_RULES)] |= _SLOW
    flags[_ASTRAL] = _SLOW
    for chars, flag in (("-\u2010\u2011'\u2019", _J_WORD), (".,", _J_DIGIT),
                        ("\u00a0\u202f\u2009", _J_THOUSANDS), ("'\u2019", _APOS)):
        flags[[ord(c) for c in chars]] |= flag
    assert not (flags[[ord(c) for c in "-\u2010\u2011'\u2019.,"]] & _W).any()
    assert not (flags[[ord(c) for c in "\u00a0\u202f\u2009"]] & (_W | _SOLID)).any()

    # Letter codes: 1 + index in _LETTERS of the character's casefold, 0 if that is no single
    # letter of an elision.  A character folding to several letters ("ß" -> "ss", "ﬅ" -> "st")
    # cannot be part of an elision unless its folding is a substring of one: none is today, but
    # such a character would send its text to token_spans rather than be miscounted.
    folded = np.array(["\0", *"\0".join(bmp[1:]).casefold().split("\0")])  # NUL is the separator
    codes = np.zeros(_ASTRAL + 1, np.uint8)
    for i, letter in enumerate(_LETTERS, 1):
        codes[np.flatnonzero(folded == letter)] = i
    for cp in np.flatnonzero(np.char.str_len(folded) > 1):
        if any(str(folded[cp]) in e for e in ELISIONS):
            flags[cp] |= _SLOW
    keys = np.array(sorted(_elision_key([_LETTERS.index(c) + 1 for c in e]) for e in ELISIONS), np.int64)
    _TABLES = flags, codes, keys
    return _TABLES


def _encode(joined: str) -> np.ndarray:
    """Code points of ``joined``: uint16 when it has no astral character (UTF-16 is then a plain
    copy of a UCS-2 string, where UTF-32 costs 7 times more), else uint32.  Tables are looked up
    with ``mode="clip"``: every astral code point reads entry 0x10000."""
    units = joined.encode("utf-16-le", "surrogatepass")  # lone surrogates are one unit each
    if len(units) == 2 * len(joined):
        return np.frombuffer(units, np.uint16)
    del units
    return np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)


_EMPTY = np.zeros(0, np.int64)
_CHUNK = 1 << 18  # code points looked up at a time (the indices are made intp: keep them small)


def token_bounds_many(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token boundaries of many texts at once: (starts, ends, counts). starts/ends are int64 arrays of
    every text's tokens, text after text, with offsets local to each text (code points, end exclusive);
    counts[i] is the number of tokens of texts[i]. Exactly what token_spans gives, text by text."""
    n = len(texts)
    if n == 0:
        return _EMPTY.copy(), _EMPTY.copy(), _EMPTY.copy()
    flags_table, codes_table, elision_keys = _tables()

    # One string: "\n" t0 "\n" t1 ... "\n" t[n-1] "\n\n\n\n".  The padding keeps every neighbour
    # looked at below (one before, four after a joiner) inside the array.
    lengths = np.fromiter(map(len, texts), np.int64, n)
    text_starts = np.empty(n, np.int64)
    text_starts[0] = 1
    np.cumsum(lengths[:-1] + 1, out=text_starts[1:])
    text_starts[1:] += 1
    text_ends = text_starts + lengths
    cps = _encode("\n".join(chain(("",), texts, ("",) * 4)))
    size = len(cps)
    flags = np.empty(size, np.uint8)
    for i in range(0, size, _CHUNK):
        np.take(flags_table, cps[i:i + _CHUNK], out=flags[i:i + _CHUNK], mode="clip")

    # Joiners that join (and characters of slow texts): few positions, looked at one by one.
    cand = np.flatnonzero(flags >= _J_WORD)
    slow = cand[flags[cand] >= _SLOW]
    cand = cand[(flags[cand] & _JOINERS) != 0]
    f0, fp, fn = flags[cand], flags[cand - 1], flags[cand + 1]
    joins = ((f0 & _J_WORD) != 0) & ((fp & fn & _W) != 0)
    digits = (fp & fn & _D) != 0
    joins |= ((f0 & _J_DIGIT) != 0) & digits
    three = digits & ((f0 & _J_THOUSANDS) != 0)
    if three.any():
        at = cand[three]
        three[three] = ((flags[at + 2] & flags[at + 3] & _D) != 0) & ((flags[at + 4] & _D) == 0)
        joins |= three
    joined = cand[joins]

    # Word characters and joining joiners; cont[i] != 0: characters i and i+1 are in one token.
    in_word = flags & _W
    in_word[joined] = _W
    cont = in_word[1:] & in_word[:-1]
    del in_word
    apos = joined[(flags[joined] & _APOS) != 0]
    if len(apos):
        cont[_splitting(apos, cps, flags, cont, codes_table, elision_keys)] = 0

    # A token starts at every solid character that does not continue the previous one, and ends
    # likewise.  solid is 0/1 and cont 0/_W (= 2): solid > cont is "solid and not cont".
    solid = flags & _SOLID
    del flags, cps
    start_mask = np.empty(size, bool)
    end_mask = np.empty(size, bool)
    start_mask[0] = end_mask[-1] = False  # padding
    np.greater(solid[1:], cont, out=start_mask[1:])
    np.greater(solid[:-1], cont, out=end_mask[:-1])
    del solid, cont

    slow_texts = np.unique(np.searchsorted(text_starts, slow, side="right") - 1)
    for i in slow_texts:
        start_mask[text_starts[i]:text_ends[i]] = False
        end_mask[text_starts[i]:text_ends[i]] = False

    starts = np.flatnonzero(start_mask)
    del start_mask
    ends = np.flatnonzero(end_mask)
    del end_mask
    ends += 1
    counts = np.diff(np.searchsorted(starts, text_ends), prepend=0)
    offsets = np.repeat(text_starts, counts)
    starts -= offsets
    ends -= offsets
    del offsets

    if len(slow_texts):
        first = np.cumsum(counts) - counts  # where each text's tokens go in starts/ends
        spans = [token_spans(texts[i]) for i in slow_texts]
        sizes = np.fromiter(map(len, spans), np.int64, len(spans))
        flat = np.array([s for span in spans for s in span], np.int64).reshape(-1, 2)
        where = np.repeat(first[slow_texts], sizes)
        starts = np.insert(starts, where, flat[:, 0])
        ends = np.insert(ends, where, flat[:, 1])
        counts[slow_texts] = sizes
    return starts.astype(np.int64, copy=False), ends.astype(np.int64, copy=False), counts.astype(np.int64, copy=False)


def _splitting(apos, cps, flags, cont, codes_table, elision_keys) -> np.ndarray:
    """The joining apostrophes (positions ``apos``, sorted) that split an elision off their word.

    At each apostrophe p, the letters of elisions just before it (``codes`` > 0) make a run of
    ``size`` characters; the part before p (from the word's start or the previous apostrophe)
    is an elision when that run is 1 to 6 letters long, its key is an elision's, and the
    character before it is not in the word or is the previous apostrophe.
    """
    width = _MAX_ELISION + 1
    back = apos - np.arange(1, width + 1)[:, None]  # (width, A): p-1, p-2, ...
    np.maximum(back, 0, out=back)
    codes = np.take(codes_table, cps[back], mode="clip")
    run = np.logical_and.accumulate(codes != 0, axis=0)
    size = run.sum(axis=0)
    before = apos - size - 1  # the character before the run: >= 0 (index 0 is padding)
    at_word_start = cont[before] == 0  # (the run, size >= 1, is in the word)
    ok = (size >= 1) & (size <= _MAX_ELISION) & (at_word_start | ((flags[before] & _APOS) != 0))
    sel = np.flatnonzero(ok)
    if len(sel):
        shifts = (_KEY_BITS * np.arange(width, dtype=np.int64))[:, None]
        key = ((codes[:, sel] * run[:, sel]).astype(np.int64) << shifts).sum(axis=0)
        found = np.minimum(np.searchsorted(elision_keys, key), len(elision_keys) - 1)
        ok[sel] = elision_keys[found] == key
    # An apostrophe splits when ok and every earlier apostrophe of its word split too.  An ok
    # apostrophe whose run does not start its word has the previous apostrophe of the word just
    # before its run: the previous entry.  The first apostrophe of a word has its run at the
    # word's start, or is not ok (the character before its run is in the word and no
    # apostrophe).  So: the last entry up to this one that starts a word or is not ok must start
    # a word and be ok.
    #
    # No check of NO_SPLIT is needed.  _split_elisions stops when the rest of the word (from its
    # start or after a split) is in NO_SPLIT; else it splits when the part of that rest before
    # its first apostrophe is an elision.  That part is a prefix of the NO_SPLIT word ending at
    # an apostrophe, and no NO_SPLIT word has an elision there (asserted by
    # tests/test_text_token_arrays.py), so for those words it would stop anyway.
    anchor = np.maximum.accumulate(np.where(at_word_start | ~ok, np.arange(len(apos)), 0))
    return apos[ok & ok[anchor] & at_word_start[anchor]]


def token_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Token boundaries (starts, ends) of one text: :func:`token_bounds_many` of ``[text]``."""
    starts, ends, _counts = token_bounds_many([text])
    return starts, ends
