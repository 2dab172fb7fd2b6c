"""A reviewer's session: the merge plan of one document against the reviewer's gold record in
the store, and the verbs that change that record (accept, reject, pick a version, add).

The gold record is an ordinary record of the annotator named ``reviewer``: every decision is one
durable, undoable action, and a review stops and resumes like annotation does. A candidate is
"in gold" when the gold record has a span equal to it by value (offsets, label, attributes, a
speaker compared by the offsets and label of the span it names). Rejecting takes a candidate out
of gold; an undecided candidate is one that is not in gold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

from annotator.agreement.spans import Mark, Ref, marks_of
from annotator.errors import ActionRefused
from annotator.model import actions
from annotator.model.actions import LabelRules, Plan
from annotator.model.types import Decision, Op, Span, Status
from annotator.model.working import WorkingRecord
from annotator.review.merge import (
    ACCEPTED,
    ADDED,
    AUTO_ACCEPTED,
    PICKED,
    Candidate,
    MergePlan,
    RangeIds,
    Region,
    plan_merge,
    provenance,
    resolve_refs,
)
from annotator.store.base import Change, Store


@dataclass(slots=True)
class ReviewState:
    """One document under review: the others' records, the plan, and the gold record."""

    doc_id: str
    text: str
    annotators: tuple[str, ...]  # whose records are merged (the reviewer excluded), sorted
    records: dict[str, list[Span]]
    plan: MergePlan
    gold: WorkingRecord
    gold_ids: dict[Mark, str]  # gold span id of each mark the gold record holds
    candidate_marks: frozenset[Mark]

    def in_gold(self, c: Candidate) -> str | None:
        return self.gold_ids.get(c.mark)

    def added(self) -> list[Span]:
        """Gold spans that are no annotator's candidate (the reviewer's own)."""
        return [self.gold.spans[sid] for m, sid in self.gold_ids.items() if m not in self.candidate_marks]


class _RangeIds:
    """(start, end, label) -> span id of a working record, read through its index (no copy)."""

    __slots__ = ("_rec",)

    def __init__(self, rec: WorkingRecord):
        self._rec = rec

    def get(self, key: tuple[int, int, str], default: str | None = None) -> str | None:
        found = self._rec.span_with_range(*key)
        return default if found is None else found


class ReviewSession:
    def __init__(self, store: Store, scheme: LabelRules, reviewer: str, min_agree: int | None = None,
                 ready_only: bool = False):
        self.store = store
        self.scheme = scheme
        self.reviewer = reviewer
        self.min_agree = min_agree
        self.ready_only = ready_only  # only documents every assigned annotator has marked done
        self._docs: list[str] | None = None
        self._places: dict[str, int] = {}

    @property
    def annotator(self) -> str:
        """Whose record this session edits (the gold record's)."""
        return self.reviewer

    def documents(self) -> list[str]:
        """The documents to review: those someone other than the reviewer has a record of, in
        import order (read once per session); with ``ready_only``, of those only the ones ready
        for review (every annotator they are assigned to has marked them done)."""
        if self._docs is None:
            docs = self.store.reviewable(self.reviewer)
            if self.ready_only:
                ready = set(self.store.ready_for_review())
                docs = [d for d in docs if d in ready]
            self._docs = docs
            self._places = {d: i for i, d in enumerate(self._docs)}
        return self._docs

    def position(self, doc_id: str) -> int:
        """1-based place of ``doc_id`` among :meth:`documents` (0: not one of them)."""
        self.documents()
        return self._places.get(doc_id, -1) + 1

    def neighbour(self, doc_id: str, direction: int) -> str | None:
        """The next (+1) or previous (-1) document to review; from outside the list, the first."""
        docs = self.documents()
        i = self._places.get(doc_id)
        if i is None:
            return docs[0] if docs else None
        i += direction
        return docs[i] if 0 <= i < len(docs) else None

    def first_document(self) -> str | None:
        """Where a review opens: the first document not reviewed yet, else the first."""
        docs = self.documents()
        return self._unreviewed(docs) or (docs[0] if docs else None)

    def next_unreviewed(self, doc_id: str) -> str | None:
        """The next document whose review is not done, after ``doc_id``, wrapping around; never
        ``doc_id`` itself (None: every other one is reviewed). One pass over the list."""
        docs = self.documents()
        start = self._places.get(doc_id, -1) + 1
        found = self._unreviewed(chain(docs[start:], docs[:start]))
        return None if found == doc_id else found

    def _unreviewed(self, order: Iterable[str]) -> str | None:
        done = {d.id for d in self.store.documents(self.reviewer) if d.status == "done"}
        return next((d for d in order if d not in done), None)

    def state(self, doc_id: str) -> ReviewState:
        annotators = tuple(a for a in self.store.record_annotators(doc_id) if a != self.reviewer)
        records = {a: self.store.load(doc_id, a).sorted_spans() for a in annotators}
        k = None if self.min_agree is None else min(self.min_agree, max(1, len(annotators)))
        plan = plan_merge(records, self.scheme.ref_attrs, k)
        gold = self.store.load(doc_id, self.reviewer)
        return ReviewState(doc_id, gold.text, annotators, records, plan, gold, self._gold_ids(gold),
                           frozenset(c.mark for c in plan.candidates))

    def refresh(self, st: ReviewState, change: Change | None = None) -> ReviewState:
        """``st`` after a decision: the gold record read again, the others' records and the plan
        kept (a decision changes only the reviewer's record). Given the ``change``, the marks of
        the gold spans it touched are updated in place of comparing every gold span again."""
        gold = self.store.load(st.doc_id, self.reviewer)
        gold_ids = self._updated_ids(st.gold_ids, gold, change) if change is not None else None
        return replace(st, gold=gold, gold_ids=gold_ids if gold_ids is not None else self._gold_ids(gold))

    def _updated_ids(self, ids: dict[Mark, str], gold: WorkingRecord, change: Change) -> dict[Mark, str] | None:
        """``ids`` after ``change``; None when a span it touched has refs or is the target of
        one (a speaker): their marks depend on other spans, so everything is compared again."""
        ref_attrs = self.scheme.ref_attrs
        out = dict(ids)
        for op in change.ops:
            new: Span | None = None  # a span's value after a change of attributes
            if op["op"] == "add_span" or op["op"] == "remove_span":
                span = op["span"]
            elif op["op"] == "set_attrs":
                if op["id"] not in gold.spans:
                    return None
                span = {**gold.spans[op["id"]], "attrs": op["old"]}
                new = {**span, "attrs": op["attrs"]}
            else:
                continue  # status and flags: no span changes
            if span["label"] in ref_attrs or gold.referrers(span["id"]):
                return None
            (mark,) = marks_of([span], ref_attrs)
            if op["op"] == "add_span":
                out[mark] = span["id"]
            else:
                out.pop(mark, None)
                if new is not None:
                    (changed,) = marks_of([new], ref_attrs)
                    out[changed] = new["id"]
        return out

    def _gold_ids(self, gold: WorkingRecord) -> dict[Mark, str]:
        spans = gold.sorted_spans()
        return {m: s["id"] for s, m in zip(spans, marks_of(spans, self.scheme.ref_attrs))}

    def open(self, doc_id: str) -> ReviewState:
        """The state of ``doc_id``; the first time, the auto-accepted candidates go into gold."""
        st = self.state(doc_id)
        if st.gold.status == "todo" and not st.gold.spans and st.plan.auto:
            self._apply(doc_id, [self._add_step(c, AUTO_ACCEPTED) for c in self._targets_first(st.plan.auto)])
            st = self.refresh(st)  # the plan stays what it was
        return st

    @staticmethod
    def _targets_first(cands: tuple[Candidate, ...] | list[Candidate]) -> list[Candidate]:
        """Spans without refs first, so that a quote's speaker is in gold before the quote."""
        return sorted(cands, key=lambda c: any(isinstance(v, Ref) for _, v in c.mark.attrs))

    def _add_step(self, c: Candidate | Mark, decision: Decision, annotators: tuple[str, ...] = ()) -> Plan:
        mark = c.mark if isinstance(c, Candidate) else c
        who = c.annotators if isinstance(c, Candidate) else annotators

        has_refs = any(isinstance(v, Ref) for _, v in mark.attrs)

        def step(rec: WorkingRecord) -> list[Op]:
            # a ref (speaker) is resolved to the gold span with its offsets and label, if any
            ids: RangeIds = _RangeIds(rec) if has_refs else {}
            attrs, _missing = resolve_refs(mark, ids)
            return actions.plan_add_span(rec, self.scheme, mark.start, mark.end, mark.label, attrs,
                                         provenance=provenance(who, decision))

        return step

    def _remove_step(self, span_id: str) -> Plan:
        return lambda rec: actions.plan_remove_span(rec, self.scheme, span_id)

    def _apply(self, doc_id: str, steps: list[Plan]) -> Change:
        """The steps as one action on the gold record (see :func:`actions.sequence`)."""
        return self.store.apply(doc_id, self.reviewer, actions.started(lambda r: actions.sequence(r, steps)))

    # -- decisions ----------------------------------------------------------------------------

    def accept(self, st: ReviewState, c: Candidate) -> Change:
        if st.in_gold(c):
            raise ActionRefused("this candidate is already in gold", "id")
        same = st.gold.span_with_range(c.start, c.end, c.label)
        steps = [self._remove_step(same)] if same else []  # another version of the same span: replace it
        return self._apply(st.doc_id, [*steps, self._add_step(c, ACCEPTED)])

    def reject(self, st: ReviewState, c: Candidate) -> Change:
        sid = st.in_gold(c)
        if sid is None:
            raise ActionRefused("this candidate is not in gold", "id")
        return self._apply(st.doc_id, [self._remove_step(sid)])

    def pick(self, st: ReviewState, region: Region, annotator: str) -> Change:
        """``annotator``'s version of a disputed region: theirs in gold, the others out."""
        if annotator not in st.annotators:
            raise ActionRefused(f"{annotator!r} did not annotate this document", "annotator")
        mine = set(region.version(annotator))
        steps: list[Plan] = [self._remove_step(sid) for c in region.candidates
                             if c not in mine and (sid := st.in_gold(c))]
        steps += [self._add_step(c, PICKED) for c in self._targets_first(sorted(mine, key=lambda c: c.start))
                  if not st.in_gold(c)]
        return self._apply(st.doc_id, steps)

    def add(self, st: ReviewState, start: int, end: int, label: str) -> Change:
        """The reviewer's own span (provenance: added, with the annotators who had it, if any)."""
        who = tuple(a for c in st.plan.candidates if (c.start, c.end, c.label) == (start, end, label)
                    for a in c.annotators)
        return self._apply(st.doc_id, [lambda rec: actions.plan_add_span(
            rec, self.scheme, start, end, label, provenance=provenance(sorted(set(who)), ADDED))])

    def remove(self, st: ReviewState, span_id: str) -> Change:
        return self._apply(st.doc_id, [self._remove_step(span_id)])

    def set_attrs(self, st: ReviewState, span_id: str, attrs: Mapping[str, Any]) -> Change:
        return self.store.apply(st.doc_id, self.reviewer,
                                lambda r: actions.plan_set_attrs(r, self.scheme, span_id, attrs))

    def set_status(self, doc_id: str, status: Status) -> Change:
        return self.store.apply(doc_id, self.reviewer, lambda r: actions.plan_set_status(r, status))

    def undo(self, doc_id: str) -> Change | None:
        return self.store.undo(doc_id, self.reviewer)

    def redo(self, doc_id: str) -> Change | None:
        return self.store.redo(doc_id, self.reviewer)
