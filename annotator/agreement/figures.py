"""The agreement figures of a corpus as typed, read-only objects (:class:`Figures`), and the one
JSON object they print as (``annotator agree --json``, :meth:`Figures.to_json`)::

    {"annotators": [...], "documents": N, "compared_documents": M, "labels": [...],
     "partial_scheme": "...", "unit_labels": "...",
     "pairs": [{"a", "b", "documents",
                "exact": {"f1", "precision", "recall", "per_label": {LABEL: {"f1", "precision", "recall"}}},
                "partial": {...same shape...}, "cohen_kappa",
                "attributes": {"LABEL.attr": share}, "attributes_compared": {"LABEL.attr": pairs}}],
     "overall": {"exact": {"f1", "per_label": {LABEL: {"f1"}}}, "partial": {...},
                 "attributes": {...}, "attributes_compared": {...}},
     "fleiss_kappa", "fleiss_documents", "krippendorff_alpha",
     "only_one_annotator": [{"id", "annotator"}], "left_out": {annotator: {status: records}},
     "per_doc": [{"id", "annotators", "exact_f1", "partial_f1", "fleiss_kappa"}]}

``documents`` counts every document someone worked on; ``compared_documents`` those that two or
more annotators did, the only ones any figure uses. A pair's figures use the documents both did.
``overall`` pools the counts of every pair (a micro average over pairs), so its F1 weighs each
pair by its number of spans. ``per_doc`` lists the compared documents worst first (lowest exact
F1, then partial F1, then kappa); a document where nobody marked anything comes last. A figure
that is undefined is ``None`` (``null`` in JSON; see each module for when).

This module imports nothing but the standard library and orjson: the objects can be read (by the
command line's tables, the review screen) without numpy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annotator.agreement.definitions import PARTIAL_SCHEME, UNIT_LABELS


@dataclass(frozen=True, slots=True)
class LabelF1:
    """Span F1, precision and recall of one pair on one label (or on every label together), A
    taken as the reference (see :mod:`annotator.agreement.f1`)."""

    f1: float | None
    precision: float | None
    recall: float | None


@dataclass(frozen=True, slots=True)
class F1Figures:
    """A pair's span figures for one kind of matching (exact or partial): over every label in
    scope, and per label (scope order)."""

    f1: float | None
    precision: float | None
    recall: float | None
    per_label: Mapping[str, LabelF1]

    def label_f1(self, label: str) -> float | None:
        return self.per_label[label].f1


@dataclass(frozen=True, slots=True)
class PooledF1:
    """Span F1 over the counts of every pair added up, for one kind of matching: over every label
    in scope, and per label (scope order)."""

    f1: float | None
    per_label: Mapping[str, float | None]

    def label_f1(self, label: str) -> float | None:
        return self.per_label[label]


@dataclass(frozen=True, slots=True)
class AttributeFigures:
    """One attribute (``"QUOTE.speaker"``) on exactly matched spans: the share of pairs of values
    that are equal, over how many pairs were compared (see :mod:`annotator.agreement.attributes`)."""

    share: float | None
    compared: int


@dataclass(frozen=True, slots=True)
class PairFigures:
    """Annotators ``a`` and ``b`` on the ``documents`` both did."""

    a: str
    b: str
    documents: int
    exact: F1Figures
    partial: F1Figures
    cohen_kappa: float | None
    attributes: Mapping[str, AttributeFigures]  # every attribute in scope, in scheme order


@dataclass(frozen=True, slots=True)
class OverallFigures:
    """Every pair's counts pooled (a micro average over pairs)."""

    exact: PooledF1
    partial: PooledF1
    attributes: Mapping[str, AttributeFigures]


@dataclass(frozen=True, slots=True)
class DocFigures:
    """One compared document: span F1 pooled over its pairs, Fleiss' kappa over its annotators."""

    id: str
    annotators: tuple[str, ...]
    exact_f1: float | None
    partial_f1: float | None
    fleiss_kappa: float | None

    def worst_first(self) -> tuple[bool, float, float, float]:
        """Sort key: lowest exact F1, then partial F1, then kappa; undefined F1 last."""
        e, p, k = self.exact_f1, self.partial_f1, self.fleiss_kappa
        return (e is None, 2.0 if e is None else e, 2.0 if p is None else p, 2.0 if k is None else k)


@dataclass(frozen=True, slots=True)
class SingleAnnotatorDoc:
    """A document only one annotator did: reported, left out of every figure."""

    id: str
    annotator: str


@dataclass(frozen=True, slots=True)
class Figures:
    """Every agreement figure of a corpus (see the module docstring)."""

    annotators: tuple[str, ...]  # those who worked on some document, in the order first seen
    documents: int  # documents someone worked on
    compared_documents: int  # documents two or more annotators did
    labels: tuple[str, ...]  # the labels in scope, scheme order
    pairs: tuple[PairFigures, ...]  # every pair of annotators, in combinations() order
    overall: OverallFigures
    fleiss_kappa: float | None
    fleiss_documents: int  # the documents every annotator did, which Fleiss' kappa uses
    krippendorff_alpha: float | None
    only_one_annotator: tuple[SingleAnnotatorDoc, ...]
    left_out: Mapping[str, Mapping[str, int]]  # annotator -> status (todo, skipped) -> records
    per_doc: tuple[DocFigures, ...]  # the compared documents, worst first

    @property
    def partial_scheme(self) -> str:
        """How partial matches are made, in words."""
        return PARTIAL_SCHEME

    @property
    def unit_labels(self) -> str:
        """How a token or a character gets its label, in words."""
        return UNIT_LABELS

    def to_json(self) -> bytes:
        """The figures as ``annotator agree --json`` prints them (indented, no final newline)."""
        import orjson

        return orjson.dumps(self._json_object(), option=orjson.OPT_INDENT_2)

    def _json_object(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "compared_documents": self.compared_documents,
            "labels": list(self.labels),
            "partial_scheme": self.partial_scheme,
            "unit_labels": self.unit_labels,
            "pairs": [{"a": p.a, "b": p.b, "documents": p.documents, "exact": _f1_object(p.exact),
                       "partial": _f1_object(p.partial), "cohen_kappa": p.cohen_kappa,
                       **_attributes_object(p.attributes)} for p in self.pairs],
            "overall": {"exact": _pooled_object(self.overall.exact), "partial": _pooled_object(self.overall.partial),
                        **_attributes_object(self.overall.attributes)},
            "fleiss_kappa": self.fleiss_kappa,
            "fleiss_documents": self.fleiss_documents,
            "krippendorff_alpha": self.krippendorff_alpha,
            "only_one_annotator": [{"id": d.id, "annotator": d.annotator} for d in self.only_one_annotator],
            "left_out": {ann: dict(counts) for ann, counts in self.left_out.items()},
            "per_doc": [{"id": d.id, "annotators": d.annotators, "exact_f1": d.exact_f1, "partial_f1": d.partial_f1,
                         "fleiss_kappa": d.fleiss_kappa} for d in self.per_doc],
        }


def _scores_object(s: LabelF1 | F1Figures) -> dict[str, Any]:
    return {"f1": s.f1, "precision": s.precision, "recall": s.recall}


def _f1_object(f: F1Figures) -> dict[str, Any]:
    return {**_scores_object(f), "per_label": {lab: _scores_object(s) for lab, s in f.per_label.items()}}


def _pooled_object(f: PooledF1) -> dict[str, Any]:
    return {"f1": f.f1, "per_label": {lab: {"f1": v} for lab, v in f.per_label.items()}}


def _attributes_object(attrs: Mapping[str, AttributeFigures]) -> dict[str, dict[str, Any]]:
    return {"attributes": {k: a.share for k, a in attrs.items()},
            "attributes_compared": {k: a.compared for k, a in attrs.items()}}
