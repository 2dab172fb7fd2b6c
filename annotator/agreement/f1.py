"""Span F1, precision and recall between two annotators, overall and per label.

For a pair (A, B), A is taken as the reference and B as the prediction:

* precision = matched / spans of B: the share of B's spans that A also has;
* recall = matched / spans of A: the share of A's spans that B also has;
* F1 = 2 * matched / (spans of A + spans of B), their harmonic mean, the same in both directions.

"matched" counts the pairs found by :mod:`annotator.agreement.matching` (exact or partial).
Counts are summed over the documents both annotators did before dividing (micro average).
A figure whose denominator is 0 is ``None``: precision when B has no span, recall when A has
none, and all three when neither has one (nothing to agree or disagree on). When only one side
has spans, F1 is 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.agreement.matching import exact_pairs_indexed, partial_pairs, range_index
from annotator.agreement.spans import Mark


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass(slots=True)
class Tally:
    """Span counts of one comparison: A's spans, B's spans, matched pairs."""

    a: int = 0
    b: int = 0
    matched: int = 0

    def add(self, other: Tally) -> None:
        self.a += other.a
        self.b += other.b
        self.matched += other.matched

    @property
    def precision(self) -> float | None:
        return ratio(self.matched, self.b)

    @property
    def recall(self) -> float | None:
        return ratio(self.matched, self.a)

    @property
    def f1(self) -> float | None:
        return ratio(2 * self.matched, self.a + self.b)

    def figures(self) -> dict[str, float | None]:
        return {"f1": self.f1, "precision": self.precision, "recall": self.recall}


@dataclass(slots=True)
class Side:
    """One annotator's spans of one document (their labels listed once for all the pairs it is in)."""

    marks: Sequence[Mark]
    labels: list[str] = field(init=False)
    index: dict[tuple[int, int, str], int] = field(init=False)

    def __post_init__(self) -> None:
        self.labels = [m.label for m in self.marks]
        self.index = range_index(self.marks)


@dataclass(slots=True)
class DocResult:
    """One document's comparison of a pair: the totals and the exact index pairs."""

    exact: Tally
    partial: Tally
    exact_pairs: list[tuple[int, int]]


@dataclass(slots=True)
class PairCounts:
    """Span counts of one pair of annotators summed over documents, per label.

    Labels are collected in lists and counted once, when a figure is asked for."""

    a: list[str] = field(default_factory=list)
    b: list[str] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    _counted: dict[str, Counter[str]] | None = None

    def add_doc(self, sa: Side, sb: Side) -> DocResult:
        """Compare one document and add its counts."""
        a, b = sa.marks, sb.marks
        exact = exact_pairs_indexed(sa.index, sb.index)
        partial = partial_pairs(a, b, exact)
        self.a.extend(sa.labels)
        self.b.extend(sb.labels)
        labels = sa.labels
        self.exact.extend([labels[i] for i, _j in exact])
        self.partial.extend([labels[i] for i, _j in partial])
        self._counted = None
        return DocResult(Tally(len(a), len(b), len(exact)), Tally(len(a), len(b), len(partial)), exact)

    def counted(self) -> dict[str, Counter[str]]:
        """Spans of A and B and matched pairs, per label (``a``, ``b``, ``exact``, ``partial``)."""
        if self._counted is None:
            self._counted = {"a": Counter(self.a), "b": Counter(self.b), "exact": Counter(self.exact),
                             "partial": Counter(self.partial)}
        return self._counted

    def tally(self, kind: str, label: str | None = None) -> Tally:
        """Counts of ``kind`` (exact or partial) matching, for one label or (None) all."""
        if label is None:
            return Tally(len(self.a), len(self.b), len(self.exact if kind == "exact" else self.partial))
        c = self.counted()
        return Tally(c["a"][label], c["b"][label], c[kind][label])

    def figures(self, kind: str, labels: Iterable[str]) -> dict[str, Any]:
        """``{"f1", "precision", "recall", "per_label": {label: {...}}}`` for ``kind`` exact or partial."""
        out: dict[str, Any] = self.tally(kind).figures()
        out["per_label"] = {lab: self.tally(kind, lab).figures() for lab in labels}
        return out


def pooled(counts: Iterable[PairCounts], labels: Iterable[str]) -> dict[str, Any]:
    """F1 over several pairs' counts added up (a micro average over pairs), overall and per label:
    ``{"exact": {"f1", "per_label": {label: {"f1"}}}, "partial": {...}}``."""
    total = {"a": Counter(), "b": Counter(), "exact": Counter(), "partial": Counter()}
    for c in counts:
        for k, v in c.counted().items():
            total[k].update(v)
    labels = list(labels)

    def score(kind: str, label: str | None) -> float | None:
        if label is None:
            return Tally(total["a"].total(), total["b"].total(), total[kind].total()).f1
        return Tally(total["a"][label], total["b"][label], total[kind][label]).f1

    return {kind: {"f1": score(kind, None), "per_label": {lab: {"f1": score(kind, lab)} for lab in labels}}
            for kind in ("exact", "partial")}
