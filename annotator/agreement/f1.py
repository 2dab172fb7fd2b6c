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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from annotator.agreement.figures import F1Figures, LabelF1, PooledF1

Matching = Literal["exact", "partial"]


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass(slots=True)
class Tally:
    """Span counts of one comparison: A's spans, B's spans, matched pairs."""

    a: int = 0
    b: int = 0
    matched: int = 0

    @property
    def precision(self) -> float | None:
        return ratio(self.matched, self.b)

    @property
    def recall(self) -> float | None:
        return ratio(self.matched, self.a)

    @property
    def f1(self) -> float | None:
        return ratio(2 * self.matched, self.a + self.b)

    def figures(self) -> LabelF1:
        return LabelF1(self.f1, self.precision, self.recall)


@dataclass(slots=True)
class PairCounts:
    """Span counts of one pair of annotators, per label code (index 0 unused: codes start at 1):
    A's spans, B's spans, exact and partial pairs."""

    a: np.ndarray
    b: np.ndarray
    exact: np.ndarray
    partial: np.ndarray

    @classmethod
    def count(cls, n_codes: int, a_codes: np.ndarray, b_codes: np.ndarray, exact_codes: np.ndarray,
              partial_codes: np.ndarray) -> PairCounts:
        def per_code(codes: np.ndarray) -> np.ndarray:
            return np.bincount(codes.astype(np.int64), minlength=n_codes)[:n_codes]

        return cls(per_code(a_codes), per_code(b_codes), per_code(exact_codes), per_code(partial_codes))

    def tally(self, kind: Matching, code: int | None = None) -> Tally:
        """Counts of ``kind`` (exact or partial) matching, for one label code or (None) all."""
        matched = self.exact if kind == "exact" else self.partial
        if code is None:
            return Tally(int(self.a.sum()), int(self.b.sum()), int(matched.sum()))
        return Tally(int(self.a[code]), int(self.b[code]), int(matched[code]))

    def figures(self, kind: Matching, labels: Sequence[str]) -> F1Figures:
        """The figures of ``kind`` (exact or partial) matching, overall and per label."""
        overall = self.tally(kind)
        return F1Figures(overall.f1, overall.precision, overall.recall,
                         {lab: self.tally(kind, c).figures() for c, lab in enumerate(labels, 1)})


def pooled(counts: Iterable[PairCounts], labels: Sequence[str]) -> tuple[PooledF1, PooledF1]:
    """F1 over several pairs' counts added up (a micro average over pairs), overall and per label:
    exact, then partial."""
    counts = list(counts)
    n = len(labels) + 1
    total = PairCounts(*(sum((getattr(c, k) for c in counts), np.zeros(n, np.int64))
                         for k in ("a", "b", "exact", "partial")))

    def of(kind: Matching) -> PooledF1:
        return PooledF1(total.tally(kind).f1, {lab: total.tally(kind, c).f1 for c, lab in enumerate(labels, 1)})

    return of("exact"), of("partial")
