"""Links (a QUOTE's speaker) in a gold record under review: the ones a candidate has that gold
cannot hold yet, and the ones an action cleared -- so that no link is ever dropped unsaid.

A gold span *stands for* a candidate when it has the candidate's offsets, label and plain (non
``ref``) attributes. When the candidate names a span by a ref (its speaker) and gold has no span
at the target's offsets and label, the gold span goes in without that attribute and the link
*waits*: the screen lists it, and the decision that puts a span there links it in the same action
(:meth:`annotator.review.session.ReviewSession.accept` and friends).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from annotator.agreement.spans import Ref
from annotator.model.rules import RefAttrs
from annotator.model.types import Op, Span
from annotator.model.working import WorkingRecord
from annotator.review.merge import Candidate, Key, MergePlan


@dataclass(frozen=True, slots=True)
class WaitingLink:
    """A ref a gold span's candidate has that gold cannot hold: no span at ``target`` yet."""

    holder: str  # the gold span's id
    attr: str  # the ref attribute (speaker)
    target: Ref  # the span it names, by offsets and label
    versions: int  # how many candidates have those offsets and label (2+: the reviewer chooses)


@dataclass(frozen=True, slots=True)
class LostLink:
    """A ref an action cleared: ``holder`` (as it is after the action) no longer names ``target``
    (as it was before)."""

    holder: Span
    attr: str
    target: Span


def key_of(ref: Ref) -> Key:
    return (ref.start, ref.end, ref.label)


def with_refs(plan: MergePlan) -> tuple[Candidate, ...]:
    """The candidates that name another span (the only ones links concern): computed once per plan."""
    return tuple(c for c in plan.candidates if any(isinstance(v, Ref) for _, v in c.mark.attrs))


def stands_for(span: Span, c: Candidate, ref_names: Iterable[str]) -> bool:
    """``span`` (of gold) has ``c``'s offsets, label and plain attributes."""
    refs = set(ref_names)
    plain = {k: v for k, v in span["attrs"].items() if k not in refs}
    return (span["start"], span["end"], span["label"]) == c.key and plain == {
        k: v for k, v in c.mark.attrs if not isinstance(v, Ref)}


def _standing(cands: Iterable[Candidate], gold: WorkingRecord,
              ref_attrs: RefAttrs) -> Iterator[tuple[Candidate, str, Span, list[str]]]:
    """Each of ``cands`` that a gold span stands for (:func:`stands_for`): the candidate, that
    span's id and the span, and the names of its label's ref attributes."""
    for c in cands:
        sid = gold.span_with_range(*c.key)
        if sid is None:
            continue
        span = gold.spans[sid]
        names = [name for name, _targets in ref_attrs.get(c.label, ())]
        if stands_for(span, c, names):
            yield c, sid, span, names


def unlinked(cands: Iterable[Candidate], gold: WorkingRecord, ref_attrs: RefAttrs) -> list[tuple[str, str, Ref]]:
    """``(gold span id, attribute, target)`` of each ref one of ``cands`` (:func:`with_refs`) has
    that the gold span standing for it lacks (whether or not gold has a span at the target now)."""
    out: list[tuple[str, str, Ref]] = []
    for c, sid, span, _names in _standing(cands, gold, ref_attrs):
        out.extend((sid, name, v) for name, v in sorted(c.mark.attrs)
                   if isinstance(v, Ref) and span["attrs"].get(name) is None)
    return sorted(set(out))


def waiting_links(plan: MergePlan, cands: Iterable[Candidate], gold: WorkingRecord,
                  ref_attrs: RefAttrs) -> tuple[WaitingLink, ...]:
    """The links gold cannot hold yet (their target is not in gold); ``cands``: the plan's
    candidates with refs."""
    found = [(sid, name, ref) for sid, name, ref in unlinked(cands, gold, ref_attrs)
             if gold.span_with_range(*key_of(ref)) is None]
    if not found:
        return ()
    versions = Counter(c.key for c in plan.candidates)
    return tuple(WaitingLink(sid, name, ref, versions[key_of(ref)]) for sid, name, ref in found)


def lost_links(ops: Iterable[Op], after: WorkingRecord, ref_attrs: RefAttrs) -> list[LostLink]:
    """The refs an action's ``ops`` cleared and that ``after`` (the record once they are applied)
    does not hold again: a span it named was removed, or another version replaced it and the
    holder could not follow."""
    ops = list(ops)
    removed = {op["span"]["id"]: op["span"] for op in ops if op["op"] == "remove_span"}
    out: dict[tuple[str, str], LostLink] = {}
    for op in ops:
        if op["op"] != "set_attrs" or op["id"] not in after.spans:
            continue
        holder = after.spans[op["id"]]
        for name, _targets in ref_attrs.get(holder["label"], ()):
            target_id = op["old"].get(name)
            target = removed.get(target_id) or after.spans.get(target_id) if isinstance(target_id, str) else None
            if target is not None and op["attrs"].get(name) is None and holder["attrs"].get(name) is None:
                out[(holder["id"], name)] = LostLink(holder, name, target)
    return list(out.values())


def standing_ids(cands: Iterable[Candidate], gold: WorkingRecord, ref_attrs: RefAttrs) -> dict[Candidate, str]:
    """Candidates with refs whose gold span stands for them while a link of theirs waits (the
    gold span lacks a ref whose target is not in gold, and has no other value for it): they count
    as in gold, their link still to come."""
    out: dict[Candidate, str] = {}
    for c, sid, span, names in _standing(cands, gold, ref_attrs):
        refs = {name: v for name, v in c.mark.attrs if isinstance(v, Ref)}
        ok = True
        for name in names:
            have = span["attrs"].get(name)
            want = refs.get(name)
            if have is None:
                ok = ok and (want is None or gold.span_with_range(*key_of(want)) is None)
            else:
                target = gold.spans.get(have) if isinstance(have, str) else None
                ok = ok and want is not None and target is not None and (
                    target["start"], target["end"], target["label"]) == key_of(want)
        if ok and any(span["attrs"].get(name) is None for name in refs):
            out[c] = sid
    return out
