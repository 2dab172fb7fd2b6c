"""Where the words a rule can start from are in a text (a closed list of words, and numbers), found
by one compiled pattern per list so that Python code runs only there, not once per word.

A :class:`WordScan` is built once per list (at module level by the rules that use it): its pattern
is the list as a trie (``janvier|juin|juillet`` as ``j(?:anvier|ui(?:n|llet))``), which the regular
expression engine walks at every word start of the lower-cased text in C. A word is a ``\\w+`` run
of the text; it is found when its lower-case form is in the list, or (``digits``) when it starts with
a decimal digit (what ``\\d`` matches). :func:`lower_words` keeps the older shape, every word with
its offset, for callers that need them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["RULE_WORDS", "WordScan", "WordScans", "fold_case", "folded_text", "forget_texts", "lower_words", "lowered",
           "trie", "trigger_starts"]

_WORD = re.compile(r"\w+")
_DOTTED_I = "\u0130"  # İ, the one character whose lower case is longer (i + a combining dot)


def lowered(text: str) -> str:
    """``text`` in lower case, one character for one (so offsets stay valid): each character as
    ``str.lower`` makes it, except ``İ``, kept as it is (its lower case has two characters)."""
    low = text.lower()
    if len(low) != len(text):
        low = _DOTTED_I.join(part.lower() for part in text.split(_DOTTED_I))
    return low


def fold_case(text: str) -> str:
    """``text`` as a pattern compiled with ``re.IGNORECASE`` sees it, one character for one: a
    pattern of lower-case Latin letters (with accents, apostrophes, spaces, ``\\w``, ``\\d``, ``\\s``)
    matches ``fold_case(text)`` without the flag exactly where it matches ``text`` with it (tested
    on every code point), and the engine no longer folds case at every step. Unlike
    :func:`lowered`, ``İ`` becomes ``i`` (as the engine compares it); so do ``ı`` and ``ſ``, which
    the engine takes for ``i`` and ``s`` (re._casefix). (str.replace, not str.translate: a
    translation table costs a dictionary lookup per character.)"""
    return text.replace(_DOTTED_I, "i").lower().replace("\u0131", "i").replace("\u017f", "s")


def trie(words: Iterable[str]) -> str:
    """A pattern matching exactly ``words``, as a trie (each prefix tried once; where one word is the
    start of another, the longer is tried first, as in an alternation sorted longest first)."""
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends_here = "" in node
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            return "(?:" + body + ")?" if len(branches) == 1 and len(branches[0]) > 1 else body + "?"
        return body

    return emit(root)


class WordScan:
    """The starts of the words of a text whose lower-case form (as ``str.lower`` makes it) is in
    ``words``, or, with ``digits``, that start with a decimal digit. Scans made ``together`` find
    their words in one pass over each text (see :class:`WordScans`)."""

    def __init__(self, words: Iterable[str], digits: bool = False, together: WordScans | None = None):
        # a word is looked for as it reads in the lowered text, where İ stays İ (see lowered());
        # one that is not a \w+ run there can never be a whole word, and is left out
        by_form = {w.replace("i\u0307", _DOTTED_I): w for w in words}
        self._by_form = {f: w for f, w in by_form.items() if _WORD.fullmatch(f)}
        self._digits = digits
        self._pattern: re.Pattern[str] | None = None
        self._together = together
        if together is not None:
            together.add(self)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The scan (compiled when first used)."""
        if self._pattern is None:
            alternatives = [r"\d"] if self._digits else []
            if self._by_form:
                alternatives.append(trie(self._by_form) + r"(?!\w)")
            # (?!) never matches: a scan for no word and no digit finds nothing
            self._pattern = re.compile(r"(?<!\w)(?:" + ("|".join(alternatives) or "(?!)") + ")")
        return self._pattern

    def starts(self, text: str, start: int = 0, end: int | None = None) -> list[int]:
        """Offsets of the words found that start in ``[start, end)`` (a word is whole in ``text``:
        one that begins before ``start`` is not found, one that runs past ``end`` is)."""
        if self._together is not None:
            return self._together.starts_of(self, text, start, end)
        low = lowered(text)
        if end is None or end >= len(text):
            return [m.start() for m in self.pattern.finditer(low, start)]
        out = []
        for m in self.pattern.finditer(low, start):
            if m.start() >= end:
                break
            out.append(m.start())
        return out

    def found(self, text: str) -> list[tuple[int, str]]:
        """(offset, the word of ``words`` it is) for each word of ``text`` in ``words``, in text order
        (digits are not looked for here)."""
        by_form = self._by_form
        low = lowered(text)
        if len(by_form) > _FIND_AT_MOST:
            return [(m.start(), by_form[m.group()]) for m in self.pattern.finditer(low) if m.group() in by_form]
        # a few words (a document's own names): str.find for each costs less than compiling a pattern
        out = []
        n = len(low)
        for form, word in by_form.items():
            at = low.find(form)
            while at != -1:
                end = at + len(form)
                if (at == 0 or not _is_word_char(low[at - 1])) and (end == n or not _is_word_char(low[end])):
                    out.append((at, word))
                at = low.find(form, at + 1)
        out.sort()
        return out


_FIND_AT_MOST = 8  # words looked for one by one; more go through the compiled trie


class WordScans:
    """Word scans that find their words in one pass over a text: the pass looks for the words of
    them all (and digits, if one wants them), and is kept for the last few texts, so the second
    rule to read a text filters the words found instead of scanning it again."""

    def __init__(self) -> None:
        self._members: list[WordScan] = []
        self._pattern: re.Pattern[str] | None = None
        self._found = lru_cache(maxsize=4)(self._find)

    def add(self, scan: WordScan) -> None:
        self._members.append(scan)
        self._pattern = None
        self._found.cache_clear()

    def _find(self, text: str) -> list[tuple[int, str | None, bool]]:
        """(offset, the word found or None for a number, whether it starts with a digit) for every
        word of ``text`` that a member looks for."""
        pattern = self._pattern
        if pattern is None:
            forms = {f for m in self._members for f in m._by_form}
            alternatives = ["(?P<w>" + trie(forms) + r")(?!\w)"] if forms else []
            if any(m._digits for m in self._members):
                alternatives.append(r"\d")
            pattern = self._pattern = re.compile(r"(?<!\w)(?:" + ("|".join(alternatives) or "(?!)") + ")")
        low = lowered(text)
        return [(m.start(), m.group("w") if m.lastgroup else None, low[m.start()].isdecimal())
                for m in pattern.finditer(low)]

    def starts_of(self, scan: WordScan, text: str, start: int = 0, end: int | None = None) -> list[int]:
        """What ``scan.starts(text, start, end)`` finds on its own, from the pass over ``text``."""
        forms, digits = scan._by_form, scan._digits
        stop = len(text) if end is None else end
        return [at for at, word, digit in self._found(text)
                if start <= at < stop and ((word is not None and word in forms) or (digits and digit))]


#: The scans of the rules that start from words (dates, numbers): one pass over a text for them all.
RULE_WORDS = WordScans()


@lru_cache(maxsize=4)
def folded_text(text: str) -> str:
    """:func:`fold_case` of a whole document, kept for the last few (the date and the number rules
    both match against it)."""
    return fold_case(text)


def forget_texts() -> None:
    """Let go of the texts kept (the last few documents' passes): memory back, and a benchmark's
    next run over the same text costs what the first did."""
    folded_text.cache_clear()
    RULE_WORDS._found.cache_clear()


def _is_word_char(c: str) -> bool:
    """What ``\\w`` matches (a letter, digit or numeric character, or ``_``)."""
    return c.isalnum() or c == "_"


@lru_cache(maxsize=32)
def _scan_of(words: frozenset[str]) -> WordScan:
    return WordScan(words, digits=True)


def trigger_starts(text: str, triggers: Iterable[str], start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the words of ``text[start:end]`` that start with a digit or are in ``triggers``
    (the scan of each list is compiled once)."""
    return _scan_of(frozenset(triggers)).starts(text, start, end)


def lower_words(text: str) -> tuple[list[int], list[str]]:
    """Start offsets and lower-case forms of every word (``\\w+``) of ``text``."""
    matches = list(_WORD.finditer(text))
    # each word lowered on its own: lowering the whole text can change its length (İ -> i̇)
    return [m.start() for m in matches], [m.group().lower() for m in matches]
