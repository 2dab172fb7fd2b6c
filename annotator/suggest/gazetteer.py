"""ACTOR suggestions from actors already accepted: an actor tagged once is proposed everywhere its
name recurs, with the same attributes (``gazetteer``).

Entries come from the document's own ACTOR spans and from any other records given (the store's
accepted actors, or the records read by ``annotator suggest``). A name matches on word edges,
exactly, except the case of its first letter (``La coalition`` at a sentence start, ``la
coalition`` inside one). Names of one character are ignored. Matching is one pass of a regular
expression built from the names (longest first), so thousands of names cost little.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.suggest.base import (
    AttrValue,
    Candidate,
    DocumentInput,
    KnownSpan,
    Suggestion,
)

__all__ = ["Gazetteer", "GazetteerEntry"]


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    text: str
    label: str
    attrs: Mapping[str, AttrValue]


def _case_free_first(name: str) -> str:
    first = name[0]
    rest = re.escape(name[1:])
    if first.lower() != first.upper():
        return f"[{re.escape(first.lower())}{re.escape(first.upper())}]{rest}"
    return re.escape(first) + rest


class Gazetteer:
    """Names to propose, by label, with the attributes they were accepted with (the most frequent)."""

    name = "gazetteer"
    reads: frozenset[str] = frozenset()
    nests = False
    priority = 30

    def __init__(self, entries: Iterable[GazetteerEntry] = (), labels: Iterable[str] = ("ACTOR",)):
        self.labels = frozenset(labels)
        self._counts: dict[tuple[str, str], Counter[tuple[tuple[str, AttrValue], ...]]] = {}
        for e in entries:
            self.add(e)
        self._compiled: tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]] | None = None

    def add(self, entry: GazetteerEntry) -> None:
        text = entry.text.strip()
        if len(text) < 2 or entry.label not in self.labels or text != entry.text:
            return
        attrs = tuple(sorted((k, v) for k, v in entry.attrs.items() if isinstance(v, (str, int, float, bool))))
        self._counts.setdefault((text, entry.label), Counter())[attrs] += 1
        self._compiled = None

    def add_spans(self, text: str, spans: Iterable[KnownSpan]) -> None:
        """Learn the names of ``spans`` of a document whose text is ``text``."""
        for s in spans:
            if s.label in self.labels:
                self.add(GazetteerEntry(text[s.start:s.end], s.label,
                                        {k: v for k, v in s.attrs.items() if isinstance(v, (str, int, float, bool))}))

    def __len__(self) -> int:
        return len(self._counts)

    def _pattern(self) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]]:
        names: dict[str, tuple[str, str]] = {}
        for text, label in self._counts:
            names.setdefault(text[0].lower() + text[1:], (text, label))
        if not names:
            return None, {}
        alternatives = "|".join(_case_free_first(t) for t, _ in sorted(names.values(), key=lambda x: -len(x[0])))
        return re.compile(rf"(?<![\w\-])(?:{alternatives})(?![\w\-])"), names

    def _attrs(self, key: tuple[str, str]) -> dict[str, AttrValue]:
        counts = self._counts.get(key)
        if not counts:
            return {}
        return dict(counts.most_common(1)[0][0])

    def _find(self, text: str) -> list[Suggestion]:
        if self._compiled is None:
            self._compiled = self._pattern()
        pattern, names = self._compiled
        if pattern is None:
            return []
        out = []
        for m in pattern.finditer(text):
            found = m.group(0)
            key = names[found[0].lower() + found[1:]]
            out.append(Suggestion(m.start(), m.end(), key[1], self._attrs(key), self.name))
        return out

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        out = self._find(doc.text)
        own = Gazetteer(labels=self.labels)
        own.add_spans(doc.text, doc.spans)
        if len(own):  # the document's own actors, with the attributes they have here
            out += own._find(doc.text)
        return out
