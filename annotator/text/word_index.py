"""The words of a text by position, lower-cased, computed once and shared by the passes that look
for words they can start from (numbers, dates, names): one pass over the words is several times
faster than trying a large pattern at every character."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Container
from functools import lru_cache

__all__ = ["lower_words", "trigger_starts"]

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4)
def lower_words(text: str) -> tuple[list[int], list[str]]:
    """Start offsets and lower-case forms of the words (``\\w+``) of ``text`` (kept for the last
    few texts, so the passes over one document share them)."""
    matches = list(_WORD.finditer(text))
    # each word lowered on its own: lowering the whole text can change its length (İ -> i̇)
    return [m.start() for m in matches], [m.group().lower() for m in matches]


def trigger_starts(text: str, triggers: Container[str], start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the words of ``text[start:end]`` that start with a digit or are in ``triggers``."""
    starts, words = lower_words(text)
    lo = bisect_left(starts, start)
    hi = len(starts) if end is None else bisect_left(starts, end)
    return [starts[i] for i in range(lo, hi) if words[i] in triggers or words[i][0].isdigit()]
