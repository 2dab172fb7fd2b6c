"""ACTOR suggestions from actors already accepted: an actor tagged once is proposed everywhere its
name recurs, with the same attributes (``gazetteer``).

Entries come from the document's own ACTOR spans and from any other records given (the store's
accepted actors, or the records read by ``annotator suggest``). A name matches on word edges,
exactly, except the case of its first letter (``La coalition`` at a sentence start, ``la
coalition`` inside one). Names of one character are ignored. Matching finds the words of the text
that start a name with one compiled pattern of the names' first words (a trie), so thousands of
names cost little.
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
from annotator.text.word_index import WordScan

__all__ = ["Gazetteer", "GazetteerEntry"]


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    text: str
    label: str
    attrs: Mapping[str, AttrValue]


_WORD = re.compile(r"\w+")


def _edge(text: str, i: int) -> bool:
    """No word character or hyphen at ``i`` (the outside of a name's edge)."""
    return i < 0 or i >= len(text) or not (text[i].isalnum() or text[i] in "_-")


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
        self._index: dict[str, list[tuple[str, str]]] | None = None
        self._scan: WordScan | None = None

    def add(self, entry: GazetteerEntry) -> None:
        text = entry.text.strip()
        if len(text) < 2 or entry.label not in self.labels or text != entry.text:
            return
        attrs = tuple(sorted((k, v) for k, v in entry.attrs.items() if isinstance(v, (str, int, float, bool))))
        self._counts.setdefault((text, entry.label), Counter())[attrs] += 1
        self._index = self._scan = None

    def add_spans(self, text: str, spans: Iterable[KnownSpan]) -> None:
        """Learn the names of ``spans`` of a document whose text is ``text``."""
        for s in spans:
            if s.label in self.labels:
                self.add(GazetteerEntry(text[s.start:s.end], s.label,
                                        {k: v for k, v in s.attrs.items() if isinstance(v, (str, int, float, bool))}))

    def __len__(self) -> int:
        return len(self._counts)

    def _by_first_word(self) -> dict[str, list[tuple[str, str]]]:
        """Names by their first word (lower case), longest first."""
        index: dict[str, list[tuple[str, str]]] = {}
        for text, label in self._counts:
            first = _WORD.search(text)
            if first is None or first.start() != 0:
                continue
            index.setdefault(first.group().lower(), []).append((text, label))
        for names in index.values():
            names.sort(key=lambda n: -len(n[0]))
        return index

    def _attrs(self, key: tuple[str, str]) -> dict[str, AttrValue]:
        counts = self._counts.get(key)
        if not counts:
            return {}
        return dict(counts.most_common(1)[0][0])

    def _find(self, text: str) -> list[Suggestion]:
        if self._index is None or self._scan is None:
            self._index = self._by_first_word()
            self._scan = WordScan(self._index)
        index = self._index
        if not index:
            return []
        out = []
        done = 0
        for at, word in self._scan.found(text):  # the words that start a name, found in one pass
            names = index[word]
            if at < done or not _edge(text, at - 1):
                continue
            for name, label in names:
                end = at + len(name)
                if (text.startswith(name[1:], at + 1) and text[at].lower() == name[0].lower()
                        and _edge(text, end)):
                    out.append(Suggestion(at, end, label, self._attrs((name, label)), self.name))
                    done = end
                    break
        return out

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        out = self._find(doc.text)
        own = Gazetteer(labels=self.labels)
        own.add_spans(doc.text, doc.spans)
        if len(own):  # the document's own actors, with the attributes they have here
            out += own._find(doc.text)
        return out
