"""QUOTE suggestions: reported speech, with its speaker among the document's ACTOR candidates.

Direct speech is the text between balanced quotation marks -- ``« »``, ``“ ”``, ``„ “`` and
straight ``"`` (an opening one is preceded by a space or an opening bracket, a closing one is
followed by a space or punctuation) -- without the marks and the spaces inside them; a pair never
spans a paragraph break, a quote inside a quote is part of it, and a mark left without its pair
(an article that ends with one) gives nothing. A single capitalised word in quotes is a name
(``l'opération « Barkhane »``), not speech. Indirect speech is the clause after a speech verb and
``que`` (``Elle a indiqué que son client ne ferait pas appel``), to the end of the sentence, when
no quotation mark is in it (then the direct quote is the QUOTE).

The speaker comes from :mod:`annotator.suggest.speakers`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.suggest.base import (
    AttrValue,
    Candidate,
    DocumentInput,
    SpanRef,
    Suggestion,
)
from annotator.suggest.french import SPEECH_VERB, sentence_bounds
from annotator.suggest.speakers import Quote, Speakers

__all__ = ["QuoteSuggester", "find_quotes"]

# A quotation mark, a paragraph break, or a lone line break (passed over): the pattern starts with a
# character class, which the regular expression engine looks for alone.
_MARKS = re.compile(r"[«»“”„\"\n](?:(?<=\n)[ \t\u00a0]*\n)?")
_PAIRS = {"«": "»", "“": "”", "„": "“"}
_MAX_QUOTE = 5000
_TRIM = " \t\n\r\u00a0\u202f\u2009"
_OPEN_BEFORE = set(" \t\n\u00a0\u202f([{—–-/:'’") | {""}
# que / qu' as a word, in any case (\bque... written to start with a character class, see _MARKS)
_QUE = re.compile(r"[Qq](?<!\w[Qq])[Uu](?:[Ee][ \u00a0]+|['’])")
_WORD = re.compile(r"[\w-]+")
_ANY_MARK = re.compile(r"[«»“”„\"]")


def _straight_role(text: str, i: int) -> str:
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    opens = before in _OPEN_BEFORE or before.isspace()
    closes = after == "" or after.isspace() or after in ".,;:!?)]}»…-—–'’"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _direct(text: str) -> list[tuple[int, int]]:
    """(start, end) of the outermost balanced quotations, marks excluded."""
    found: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # (the mark that closes it, offset after the opening mark)
    for m in _MARKS.finditer(text):
        c = m.group(0)
        if c == "\n":  # a line break inside a paragraph
            continue
        if len(c) > 1:  # a paragraph break: nothing open survives it
            stack.clear()
            continue
        i = m.start()
        if c == '"':
            role = _straight_role(text, i)
            if stack and stack[-1][0] == '"' and role != "open":
                _, start = stack.pop()
                if not stack:
                    found.append((start, i))
            elif role != "close":
                stack.append(('"', i + 1))
            continue
        if stack and c == stack[-1][0]:
            _, start = stack.pop()
            if not stack:
                found.append((start, i))
            continue
        if c in _PAIRS:
            stack.append((_PAIRS[c], i + 1))
            continue
        # a closing mark with no opening one: drop what is open of another kind
        while stack and stack[-1][0] != c:
            stack.pop()
        if stack:
            _, start = stack.pop()
            if not stack:
                found.append((start, i))
    out = []
    for start, end in found:
        s, e = start, end
        while s < e and text[s] in _TRIM:
            s += 1
        while e > s and text[e - 1] in _TRIM:
            e -= 1
        if s >= e or e - s > _MAX_QUOTE:
            continue
        body = text[s:e]
        if " " not in body and body[:1].isupper():
            continue  # « Barkhane »: a name in quotes
        out.append((s, e))
    return out


def _indirect(text: str, direct: list[tuple[int, int]], bounds: list[int]) -> list[tuple[int, int]]:
    """Clauses after a speech verb and que/qu', to the end of the sentence, with no quotation mark."""
    out = []
    direct_ends = [e for _, e in direct]  # direct quotes do not overlap: ends are sorted too
    for m in _QUE.finditer(text):
        words = _WORD.findall(text, max(0, m.start() - 40), m.start())[-3:]  # "a averti mercredi que"
        if not any(SPEECH_VERB.fullmatch(w) for w in words):
            continue
        start = m.end()
        k = bisect.bisect_right(bounds, start)
        end = bounds[k] if k < len(bounds) else len(text)
        clause = text[start:end]
        if _ANY_MARK.search(clause):
            continue
        j = bisect.bisect_left(direct_ends, start + 1)
        if j < len(direct) and direct[j][0] < end:  # a direct quote overlaps the clause
            continue
        e = start + len(clause.rstrip(_TRIM + ".!?…"))
        if e - start < 8:
            continue
        out.append((start, e))
    return out


@dataclass(frozen=True, slots=True)
class FoundQuote:
    start: int
    end: int
    mode: str  # direct or indirect
    open_at: int  # offset of the opening mark (direct) or of the speech verb (indirect)
    close_at: int  # offset after the closing mark (direct) or the end of the clause


def find_quotes(text: str, bounds: list[int] | None = None) -> list[FoundQuote]:
    """Direct and indirect quotes in text order (``bounds``: sentence starts, if known already)."""
    if bounds is None:
        bounds = sentence_bounds(text)
    direct = _direct(text)
    out = []
    for s, e in direct:
        open_at = s - 1
        while open_at > 0 and text[open_at] in _TRIM:
            open_at -= 1
        close_at = e
        while close_at < len(text) and text[close_at] in _TRIM:
            close_at += 1
        out.append(FoundQuote(s, e, "direct", open_at, min(len(text), close_at + 1)))
    for s, e in _indirect(text, direct, bounds):
        out.append(FoundQuote(s, e, "indirect", s, e))
    out.sort(key=lambda q: q.start)
    return out


class QuoteSuggester:
    """Direct and indirect quotes with their speakers (``rule:quote``)."""

    name = "rule:quote"
    labels = frozenset({"QUOTE"})
    reads = frozenset({"ACTOR"})
    nests = True
    priority = 20

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        bounds = sentence_bounds(doc.text)
        quotes = find_quotes(doc.text, bounds)
        actors = [c for c in candidates if c.label == "ACTOR"]
        speakers = Speakers(doc.text, actors, [(q.start, q.end) for q in quotes], bounds)
        out = []
        previous: Candidate | None = None
        previous_sentence = -1
        for q in quotes:
            sentence = bisect.bisect_right(bounds, q.open_at)
            speaker = speakers.speaker_of(Quote(q.start, q.end, q.open_at, q.close_at, q.mode), previous,
                                          previous if sentence == previous_sentence else None)
            attrs: dict[str, AttrValue] = {"mode": q.mode}
            if speaker is not None:
                attrs["speaker"] = SpanRef(speaker.start, speaker.end, speaker.label)
                previous = speaker
                previous_sentence = sentence
            out.append(Suggestion(q.start, q.end, "QUOTE", attrs, self.name))
        return out
