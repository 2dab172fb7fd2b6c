"""A reviewer's session: the merge plan of one document against the reviewer's gold record in
the store, and the verbs that change that record (accept, reject, pick a version, add).

The gold record is an ordinary record of the annotator named ``reviewer``: every decision is one
durable, undoable action, and a review stops and resumes like annotation does. A candidate is
"in gold" when the gold record has a span equal to it by value (offsets, label, attributes, a
speaker compared by the offsets and label of the span it names), or a span that stands for it
while its speaker link waits (links.py). Rejecting takes a candidate out of gold and records the
rejection (a flag of the gold record); a disputed candidate is decided when it is in gold, rejected,
or replaced by another version of its region (settled.py). Only done records are votes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain
from typing import Any

from annotator.agreement.spans import Mark, Ref, marks_of
from annotator.errors import ActionRefused
from annotator.model import actions
from annotator.model.actions import LabelRules, Plan
from annotator.model.types import Decision, Op, Span, Status
from annotator.model.working import WorkingRecord
from annotator.review.links import WaitingLink, key_of, standing_ids, unlinked, waiting_links, with_refs
from annotator.review.merge import (
    ACCEPTED,
    ADDED,
    AUTO_ACCEPTED,
    PICKED,
    Candidate,
    Key,
    MergePlan,
    RangeIds,
    Region,
    plan_merge,
    provenance,
    resolve_refs,
)
from annotator.review.settled import Decisions, Who, parse_rejection, rejection_comment, rejections, who
from annotator.store.base import Change, Store


@dataclass(slots=True)
class ReviewState:
    """One document under review: the others' done records, the plan, and the gold record."""

    doc_id: str
    text: str
    annotators: tuple[str, ...]  # whose done records are merged (the reviewer excluded), sorted
    records: dict[str, list[Span]]
    plan: MergePlan
    gold: WorkingRecord
    gold_ids: dict[Mark, str]  # gold span id of each mark the gold record holds
    candidate_marks: frozenset[Mark]
    unfinished: tuple[str, ...] = ()  # others whose record is not done: not counted
    ref_candidates: tuple[Candidate, ...] = ()  # the plan's candidates with refs (links.with_refs)
    # what follows from the gold record (ReviewSession._decorated, again after each decision):
    waiting: tuple[WaitingLink, ...] = ()  # links gold cannot hold yet (their target is not in gold)
    standing: dict[Candidate, str] = field(default_factory=dict)  # in gold, a link of theirs waiting
    rejected: dict[Who, str] = field(default_factory=dict)  # rejected candidates -> their flag
    own: list[Span] = field(default_factory=list)  # gold spans that are no annotator's candidate
    decisions: Decisions | None = None  # which disputed candidates are decided (settled.py)
    decided: Sequence[bool] = ()  # each disputed candidate decided or not, in plan.disputed's order
    open_regions: tuple[Region, ...] = ()  # disputed regions not settled yet

    def in_gold(self, c: Candidate) -> str | None:
        sid = self.gold_ids.get(c.mark)
        return sid if sid is not None or not self.standing else self.standing.get(c)

    def rejection(self, c: Candidate) -> str | None:
        """The id of the flag that says ``c`` was rejected, if it was."""
        return self.rejected.get(who(c)) if self.rejected else None

    def added(self) -> list[Span]:
        """Gold spans that are no annotator's candidate (the reviewer's own)."""
        return self.own

    def _own(self) -> list[Span]:
        standing = set(self.standing.values())
        own = [self.gold.spans[sid] for m, sid in self.gold_ids.items()
               if m not in self.candidate_marks and sid not in standing]
        return sorted(own, key=lambda s: (s["start"], -s["end"], s["label"], s["id"]))


def _add_flag(rec: WorkingRecord, comment: str) -> list[Op]:
    return actions.plan_add_flag(rec, comment)


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
        """The documents to review: those someone other than the reviewer marked done, in import
        order (read once per session); with ``ready_only``, of those only the ones ready for
        review (every annotator they are assigned to has marked them done)."""
        if self._docs is None:
            done: set[str] = set()
            for annotator in self.store.annotators():
                if annotator != self.reviewer:
                    done.update(d.id for d in self.store.documents(annotator) if d.status == "done")
            docs = [d for d in self.store.reviewable(self.reviewer) if d in done]
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
        """The plan of the others' done records (a record still in progress is no vote) against
        the gold record. One annotator's record is never auto-accepted (unless --min-agree 1 says
        so): there is nobody to agree with."""
        others = [self.store.load(doc_id, a) for a in self.store.record_annotators(doc_id) if a != self.reviewer]
        annotators = tuple(r.annotator for r in others if r.status == "done")
        unfinished = tuple(r.annotator for r in others if r.status != "done")
        records = {r.annotator: r.sorted_spans() for r in others if r.status == "done"}
        if self.min_agree is None:
            k = max(2, len(annotators))  # everyone, and never one alone
        else:
            k = min(self.min_agree, max(1, len(annotators)))
        plan = plan_merge(records, self.scheme.ref_attrs, k)
        gold = self.store.load(doc_id, self.reviewer)
        return self._decorated(ReviewState(doc_id, gold.text, annotators, records, plan, gold, self._gold_ids(gold),
                                           frozenset(c.mark for c in plan.candidates), unfinished,
                                           with_refs(plan)))

    def _decorated(self, st: ReviewState, change: Change | None = None, before: ReviewState | None = None,
                   marks_kept: bool = False) -> ReviewState:
        """``st`` with what follows from its gold record: waiting links, rejections, decisions.
        Given the ``change`` from ``before`` (and ``marks_kept``: the gold marks were updated
        from it, no span with refs touched), only what the change touched is decided again."""
        ref_attrs = self.scheme.ref_attrs
        st.waiting = waiting_links(st.plan, st.ref_candidates, st.gold, ref_attrs) if st.ref_candidates else ()
        st.standing = standing_ids(st.ref_candidates, st.gold, ref_attrs) if st.waiting else {}
        if change is None or before is None or before.decisions is None:
            st.rejected = rejections(st.gold)
            st.own = st._own()
            decisions = Decisions(st.plan)
            decisions.update(range(len(st.plan.regions)), st.in_gold, st.rejected, st.own)
        else:
            st.rejected = dict(before.rejected)
            ranges: list[tuple[int, int]] = []
            own_changed = not marks_kept or bool(st.standing) or bool(before.standing)
            for op in change.ops:
                if op["op"] == "add_span" or op["op"] == "remove_span":
                    span = op["span"]
                elif op["op"] == "set_attrs":
                    span = st.gold.spans.get(op["id"]) or before.gold.spans.get(op["id"])  # type: ignore[assignment]
                    if span is None:
                        continue
                elif op["op"] == "add_flag" or op["op"] == "remove_flag":
                    named = parse_rejection(op["flag"]["comment"])
                    if named is not None:
                        if op["op"] == "add_flag":
                            st.rejected[named] = op["flag"]["id"]
                        else:
                            st.rejected.pop(named, None)
                        ranges.append(named[0][:2])
                    continue
                else:
                    continue
                ranges.append((span["start"], span["end"]))
                if not own_changed:
                    own_changed = any(m not in st.candidate_marks for m in marks_of([span], ref_attrs))
                    if op["op"] == "set_attrs":
                        own_changed = own_changed or any(
                            m not in st.candidate_marks for m in marks_of([{**span, "attrs": op["old"]}], ref_attrs))
            st.own = st._own() if own_changed else before.own
            decisions = before.decisions.copy()  # the earlier state keeps its own
            decisions.update(decisions.touched(ranges), st.in_gold, st.rejected, st.own)
        st.decisions = decisions
        st.decided = decisions.flags
        st.open_regions = decisions.open_regions()
        return st

    def refresh(self, st: ReviewState, change: Change | None = None) -> ReviewState:
        """``st`` after a decision: the gold record read again, the others' records and the plan
        kept (a decision changes only the reviewer's record). Given the ``change``, the marks of
        the gold spans it touched are updated in place of comparing every gold span again, and
        only the regions it touched are decided again."""
        gold = self.store.load(st.doc_id, self.reviewer)
        gold_ids = self._updated_ids(st.gold_ids, gold, change) if change is not None else None
        new = replace(st, gold=gold, gold_ids=gold_ids if gold_ids is not None else self._gold_ids(gold))
        return self._decorated(new, change, st, marks_kept=gold_ids is not None)

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
            # a ref (speaker) is resolved to the gold span with its offsets and label; when there
            # is none yet the link waits (ReviewState.waiting lists it; _link_step sets it later)
            ids: RangeIds = _RangeIds(rec) if has_refs else {}
            attrs, _waiting = resolve_refs(mark, ids)
            return actions.plan_add_span(rec, self.scheme, mark.start, mark.end, mark.label, attrs,
                                         provenance=provenance(who, decision))

        return step

    def _target_steps(self, st: ReviewState, c: Candidate, decision: Decision,
                      whose: tuple[str, ...]) -> tuple[list[Plan], list[Key]]:
        """Steps that put into gold the spans ``c``'s refs name (its speaker) that gold lacks:
        the one version of each that ``whose`` marked. A target with several such versions is
        not chosen here: the link waits for the reviewer's choice (ReviewState.waiting)."""
        steps: list[Plan] = []
        keys: list[Key] = []
        for _name, value in sorted(c.mark.attrs):
            if not isinstance(value, Ref) or st.gold.span_with_range(*key_of(value)) is not None:
                continue
            versions = [t for t in st.plan.candidates if t.key == key_of(value) and set(whose) & set(t.annotators)]
            if len(versions) == 1 and key_of(value) not in keys:
                steps.append(self._add_step(versions[0], decision))
                keys.append(key_of(value))
        return steps, keys

    def _link_step(self, st: ReviewState, keys: Iterable[Key], referrers: Iterable[tuple[str, str, Key]] = ()) -> Plan:
        """Link what waited for a span that this action puts at one of ``keys``: the gold spans
        whose candidates name it, and ``referrers`` ((span id, attribute, key) of refs to a version
        this action replaced)."""
        keys = set(keys)
        referrers = list(referrers)

        def step(rec: WorkingRecord) -> list[Op]:
            found = unlinked(st.ref_candidates, rec, self.scheme.ref_attrs)
            todo = [(sid, name, key_of(ref)) for sid, name, ref in found if key_of(ref) in keys]
            ops: list[Op] = []
            scratch = rec.copy()  # each link planned on the record as the previous one left it
            for sid, name, key in [*todo, *referrers]:
                target = scratch.span_with_range(*key)
                span = scratch.spans.get(sid)
                if target is None or span is None or span["attrs"].get(name) == target:
                    continue
                planned = actions.plan_set_attrs(scratch, self.scheme, sid, {**span["attrs"], name: target})
                scratch.apply(planned)
                ops.extend(planned)
            return ops

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
        referrers = [(sid, name, c.key) for sid, name in st.gold.referrers(same)] if same else []
        targets, keys = self._target_steps(st, c, ACCEPTED, c.annotators)  # its speaker with it
        steps += [*targets, self._add_step(c, ACCEPTED), self._link_step(st, [*keys, c.key], referrers)]
        steps += self._unreject_steps(st, [c])
        return self._apply(st.doc_id, steps)

    def reject(self, st: ReviewState, c: Candidate) -> Change:
        """Take ``c`` out of gold, or keep it out: either way the rejection is recorded (a flag of
        the gold record, see settled.py), which decides it."""
        sid = st.in_gold(c)
        if sid is None and st.rejection(c):
            raise ActionRefused("already rejected: it stays out of gold", "id")
        steps = [self._remove_step(sid)] if sid else []
        return self._apply(st.doc_id, [*steps, *self._reject_steps(st, [c])])

    def _reject_steps(self, st: ReviewState, cands: Iterable[Candidate]) -> list[Plan]:
        """Steps recording each of ``cands`` as rejected (a flag; see settled.py), once."""
        return [partial(_add_flag, comment=rejection_comment(c, st.text)) for c in cands if not st.rejection(c)]

    def _unreject_steps(self, st: ReviewState, cands: Iterable[Candidate]) -> list[Plan]:
        """Steps taking back the rejection of each of ``cands`` that was rejected."""
        return [partial(actions.plan_remove_flag, flag_id=flag) for c in cands if (flag := st.rejection(c))]

    def pick(self, st: ReviewState, region: Region, annotator: str) -> Change:
        """``annotator``'s version of a disputed region: theirs in gold, the others out."""
        if annotator not in st.annotators:
            raise ActionRefused(f"{annotator!r} did not annotate this document", "annotator")
        mine = set(region.version(annotator))
        removed = [sid for c in region.candidates if c not in mine and (sid := st.in_gold(c))]
        steps: list[Plan] = [self._remove_step(sid) for sid in removed]
        referrers = []  # refs to a version this pick replaces: they follow to the picked one, if it has one
        for sid in removed:
            old = st.gold.spans[sid]
            referrers += [(holder, name, (old["start"], old["end"], old["label"]))
                          for holder, name in st.gold.referrers(sid)]
        keys: list[Key] = []
        for c in self._targets_first(sorted(mine, key=lambda c: c.start)):
            if st.in_gold(c):
                continue
            targets, target_keys = self._target_steps(st, c, PICKED, (annotator,))
            new = [k for k in target_keys if k not in keys and all(m.key != k for m in mine)]
            steps += [t for t, k in zip(targets, target_keys) if k in new]
            steps.append(self._add_step(c, PICKED))
            keys += [*new, c.key]
        steps.append(self._link_step(st, keys, referrers))
        steps += self._unreject_steps(st, mine)
        steps += self._reject_steps(st, [c for c in region.candidates if c not in mine])  # decided: not taken
        return self._apply(st.doc_id, steps)

    def add(self, st: ReviewState, start: int, end: int, label: str) -> Change:
        """The reviewer's own span (provenance: added, with the annotators who had it, if any)."""
        who = tuple(a for c in st.plan.candidates if (c.start, c.end, c.label) == (start, end, label)
                    for a in c.annotators)
        return self._apply(st.doc_id, [lambda rec: actions.plan_add_span(
            rec, self.scheme, start, end, label, provenance=provenance(sorted(set(who)), ADDED)),
            self._link_step(st, [(start, end, label)])])

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
