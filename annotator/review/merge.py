"""Merging several annotators' records of one document into a gold record (pure, no Textual).

1. :func:`plan_merge` turns every annotator's spans into *candidates*: each distinct span by
   value (start, end, label and attributes, a QUOTE's speaker compared by the offsets and label
   of the span it points to, not by id) with the annotators who marked exactly that.
2. A candidate marked by every annotator of the document, or by at least ``min_agree`` of them,
   is *auto-accepted* (unless another version of the same start, end and label qualifies too:
   then both are disputed). The other candidates are grouped into *disputed regions*: runs of
   candidates that overlap one another, whatever their labels.
3. The reviewer decides: accept or reject a candidate, or pick one annotator's version of a
   region (:func:`pick`); and adds spans of their own.
4. :func:`gold_spans` turns the decisions into the gold record's spans, each with its
   ``provenance``: the annotators who had it and the decision (auto_accepted, accepted, picked,
   added). :func:`resolve_refs` maps a candidate's speaker to a span id of the gold record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from annotator.agreement.spans import Mark, Ref, marks_of
from annotator.errors import ActionRefused
from annotator.model.rules import RefAttrs
from annotator.model.types import Attrs, Decision, Provenance, Span

# the reviewer's decisions (DECISIONS in model.types, the values ``provenance.decision`` takes) ...
ACCEPTED: Decision = "accepted"
PICKED: Decision = "picked"
AUTO_ACCEPTED: Decision = "auto_accepted"
ADDED: Decision = "added"
# ... and what happens to the versions a pick did not take (never stored)
REJECTED = "rejected"
Key = tuple[int, int, str]


class RangeIds(Protocol):
    """(start, end, label) -> the id of the record's span with these offsets and label."""

    def get(self, key: Key, default: None = None, /) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """One span by value and who marked it (annotators in the plan's order, with their span ids)."""

    mark: Mark
    annotators: tuple[str, ...]
    span_ids: tuple[str, ...]

    @property
    def start(self) -> int:
        return self.mark.start

    @property
    def end(self) -> int:
        return self.mark.end

    @property
    def label(self) -> str:
        return self.mark.label

    @property
    def key(self) -> Key:
        return (self.mark.start, self.mark.end, self.mark.label)


@dataclass(frozen=True, slots=True)
class Region:
    """Disputed candidates that overlap one another (a chain of overlaps), in text order."""

    start: int
    end: int
    candidates: tuple[Candidate, ...]

    def version(self, annotator: str) -> tuple[Candidate, ...]:
        """The candidates of this region that ``annotator`` marked."""
        return tuple(c for c in self.candidates if annotator in c.annotators)


@dataclass(frozen=True, slots=True)
class MergePlan:
    annotators: tuple[str, ...]
    min_agree: int
    auto: tuple[Candidate, ...]  # auto-accepted, text order
    regions: tuple[Region, ...]  # text order

    @property
    def disputed(self) -> tuple[Candidate, ...]:
        return tuple(c for r in self.regions for c in r.candidates)

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """Every candidate, disagreements first (regions in text order), then the auto-accepted."""
        return self.disputed + self.auto

    def region_of(self, candidate: Candidate) -> Region | None:
        return next((r for r in self.regions if candidate in r.candidates), None)

    def undecided(self, decisions: Mapping[Candidate, str]) -> tuple[Candidate, ...]:
        """Disputed candidates with no decision yet (left out of the gold spans)."""
        return tuple(c for c in self.disputed if c not in decisions)


def _order(c: Candidate) -> tuple:
    return (c.start, -c.end, c.label, -len(c.annotators), c.annotators)


def plan_merge(records: Mapping[str, Sequence[Mapping[str, Any]]], ref_attrs: RefAttrs,
               min_agree: int | None = None) -> MergePlan:
    """Candidates of one document from each annotator's spans (``records``: annotator -> spans
    of their record, with ids). ``min_agree``: how many annotators auto-accept a candidate
    (default: all of them)."""
    annotators = tuple(records)
    k = max(1, len(annotators)) if min_agree is None else min_agree
    if k < 1:
        raise ValueError("min_agree must be at least 1")
    found: dict[Mark, list[tuple[str, str]]] = {}
    for ann in annotators:
        spans = records[ann]
        for span, mark in zip(spans, marks_of(spans, ref_attrs)):
            found.setdefault(mark, []).append((ann, span["id"]))
    cands = [Candidate(m, tuple(a for a, _ in who), tuple(i for _, i in who)) for m, who in found.items()]
    qualifying: dict[Key, int] = {}
    for c in cands:
        if len(c.annotators) >= k:
            qualifying[c.key] = qualifying.get(c.key, 0) + 1
    auto = sorted((c for c in cands if qualifying.get(c.key) == 1 and len(c.annotators) >= k), key=_order)
    auto_set = set(auto)
    disputed = sorted((c for c in cands if c not in auto_set), key=_order)
    regions: list[Region] = []
    group: list[Candidate] = []
    end = -1
    for c in disputed:  # sorted by start: a candidate starting at or after the group's end opens a new one
        if group and c.start >= end:
            regions.append(Region(group[0].start, end, tuple(group)))
            group = []
        end = max(end, c.end) if group else c.end
        group.append(c)
    if group:
        regions.append(Region(group[0].start, end, tuple(group)))
    return MergePlan(annotators, k, tuple(auto), tuple(regions))


def pick(region: Region, annotator: str) -> dict[Candidate, str]:
    """Decisions that take ``annotator``'s version of ``region``: theirs picked, the rest rejected."""
    return {c: PICKED if annotator in c.annotators else REJECTED for c in region.candidates}


def ids_by_key(spans: Iterable[Mapping[str, Any]]) -> dict[Key, str]:
    """Span ids of a record by (start, end, label), to resolve refs into that record."""
    return {(s["start"], s["end"], s["label"]): s["id"] for s in spans}


def resolve_refs(mark: Mark, ids: RangeIds) -> tuple[Attrs, list[str]]:
    """The attributes of ``mark`` for a record whose spans are ``ids``: each ref (a speaker)
    becomes the id of the span with the same offsets and label. Also the names of the refs that
    have no such span in the record (left unset)."""
    attrs: Attrs = {}
    missing = []
    for name, value in sorted(mark.attrs):
        if isinstance(value, Ref):
            target = ids.get((value.start, value.end, value.label))
            if target is None:
                missing.append(name)
            else:
                attrs[name] = target
        else:
            attrs[name] = value
    return attrs, missing


def provenance(annotators: Iterable[str], decision: Decision) -> Provenance:
    return {"annotators": list(annotators), "decision": decision}


@dataclass(frozen=True, slots=True)
class Gold:
    """The gold spans (record order) and the refs that had no target among them."""

    spans: list[Span]
    dropped: list[tuple[str, str]]  # (gold span id, attribute name)


def gold_spans(plan: MergePlan, decisions: Mapping[Candidate, Decision | str], text: str,
               added: Sequence[Mark] = ()) -> Gold:
    """The gold record's spans: auto-accepted candidates (unless rejected), disputed candidates
    accepted or picked, and the reviewer's ``added`` marks. Ids are ``s1``, ``s2``... in text
    order. Raises ActionRefused when two chosen spans have the same start, end and label."""
    chosen: list[tuple[Mark, tuple[str, ...], Decision]] = []
    for c in plan.auto:
        if decisions.get(c) != REJECTED:
            chosen.append((c.mark, c.annotators, AUTO_ACCEPTED))
    for c in plan.disputed:
        d = decisions.get(c)
        if d == ACCEPTED or d == PICKED:
            chosen.append((c.mark, c.annotators, ACCEPTED if d == ACCEPTED else PICKED))
        elif d not in (None, REJECTED):
            raise ValueError(f"unknown decision {d!r}")
    by_mark = {c.mark: c.annotators for c in plan.candidates}
    chosen.extend((m, by_mark.get(m, ()), ADDED) for m in added)
    chosen.sort(key=lambda x: (x[0].start, -x[0].end, x[0].label))
    ids: dict[Key, str] = {}
    for n, (m, _who, _d) in enumerate(chosen, 1):
        key = (m.start, m.end, m.label)
        if key in ids:
            raise ActionRefused(f"two versions of the {m.label} at {m.start}-{m.end} are chosen; keep one", "label")
        ids[key] = f"s{n}"
    spans: list[Span] = []
    dropped: list[tuple[str, str]] = []
    for m, who, decision in chosen:
        sid = ids[(m.start, m.end, m.label)]
        attrs, missing = resolve_refs(m, ids)
        dropped.extend((sid, name) for name in missing)
        spans.append({"id": sid, "start": m.start, "end": m.end, "label": m.label, "text": text[m.start:m.end],
                      "attrs": attrs, "source": "manual", "provenance": provenance(who, decision)})
    return Gold(spans, dropped)
