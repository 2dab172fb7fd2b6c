"""The interface of the suggesters: what goes in (a document, its date, the spans it already has),
what comes out (proposed spans with attributes and the ``source`` that made them), and the
Protocol every suggester follows. Pure data: no Textual, no store, no pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

__all__ = ["ArticleDate", "AttrValue", "Candidate", "DocumentInput", "KnownSpan", "SpanRef", "Suggester", "Suggestion"]


@dataclass(frozen=True, slots=True)
class SpanRef:
    """Another span named by position, for a ``ref`` attribute (a QUOTE's speaker): an existing
    span of the document or another suggestion. It becomes a span id only where the suggestion is
    written into a record (see :mod:`annotator.suggest.records`)."""

    start: int
    end: int
    label: str

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


AttrValue = str | int | float | bool | SpanRef


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed span: ``text[start:end]`` with ``label`` and ``attrs``, made by ``source``
    (``rule:date``, ``rule:quantity``, ``rule:quote``, ``gazetteer``, ``patterns``,
    ``model:fr_core_news_sm``)."""

    start: int
    end: int
    label: str
    attrs: Mapping[str, AttrValue]
    source: str

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def replace_attrs(self, attrs: Mapping[str, AttrValue]) -> Suggestion:
        return Suggestion(self.start, self.end, self.label, attrs, self.source)


@dataclass(frozen=True, slots=True)
class KnownSpan:
    """A span the document already has (the annotator's, or accepted before)."""

    start: int
    end: int
    label: str
    attrs: Mapping[str, object] = field(default_factory=dict)
    id: str = ""

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


#: What a suggester that reads other labels sees of them: spans already there and suggestions kept.
Candidate = KnownSpan | Suggestion

_DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$")


@dataclass(frozen=True, slots=True)
class ArticleDate:
    """The date an article was published (``meta.date``): to the month, or to the day."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> ArticleDate | None:
        """``"2018-05"`` or ``"2018-05-14"`` (a real calendar day); None for anything else."""
        return _parse_article_date(value) if isinstance(value, str) else None


@lru_cache(maxsize=1024)  # documents of one batch share a few dates: each is read once
def _parse_article_date(value: str) -> ArticleDate | None:
    m = _DATE.match(value)
    if m is None:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    day = int(m.group(3)) if m.group(3) else None
    if day is not None:
        import datetime

        try:
            datetime.date(year, month, day)
        except ValueError:
            return None
    return ArticleDate(year, month, day)


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """One document as the suggesters see it: its exact text, its metadata (``meta["date"]`` is
    the article's date, ``YYYY-MM`` or ``YYYY-MM-DD``) and the spans it already has."""

    text: str
    meta: Mapping[str, object] = field(default_factory=dict)
    spans: tuple[KnownSpan, ...] = ()
    id: str = ""

    @property
    def date(self) -> ArticleDate | None:
        return ArticleDate.parse(self.meta.get("date"))

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> DocumentInput:
        """From a native record (or a document ``{id, text, meta}``)."""
        spans = tuple(
            KnownSpan(s["start"], s["end"], s["label"], dict(s.get("attrs") or {}), s["id"])
            for s in record.get("spans") or ()
        )
        meta = record.get("meta") or {}
        return cls(str(record["text"]), meta if isinstance(meta, Mapping) else {}, spans, str(record.get("id", "")))


class Suggester(Protocol):
    """Proposes spans over one document. Pure: reads the document, returns suggestions.

    ``name`` is the ``source`` of what it proposes; ``labels`` the labels it may propose;
    ``reads`` the labels it needs to see first (the quote suggester reads ACTOR candidates to name
    speakers); ``nests``: its spans may contain other suggestions (a quote holds dates and
    actors); ``priority``: who wins a conflict (lower first: user patterns, rules, gazetteer, model).
    """

    name: str
    labels: frozenset[str]
    reads: frozenset[str]
    nests: bool
    priority: int

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        """Suggestions for ``doc``; ``candidates`` are the spans of the ``reads`` labels, known
        and suggested, in text order."""
        ...
