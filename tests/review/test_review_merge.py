"""The review merge: candidates, auto-acceptance, disputed regions, decisions to gold spans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.spans import Mark, Ref
from annotator.errors import ActionRefused
from annotator.review.merge import (
    ACCEPTED,
    REJECTED,
    gold_spans,
    ids_by_key,
    pick,
    plan_merge,
    resolve_refs,
)
from tests.conftest import make_record

TEXT = "Le président Macron a déclaré que la France enverra 300 soldats au Mali en 2019 ."
MACRON, FRANCE, QUOTE, DATE = (13, 19), (37, 43), (30, 80), (76, 80)


def sp(sid: str, rng: tuple[int, int], label: str, **attrs) -> dict:
    return {"id": sid, "start": rng[0], "end": rng[1], "label": label, "text": TEXT[rng[0]:rng[1]], "attrs": attrs,
            "source": "manual"}


@pytest.fixture
def refs(scheme):
    return scheme.ref_attrs


def test_identical_work_is_all_auto_accepted(refs):
    spans = [sp("s1", MACRON, "ACTOR", kind="person"), sp("s2", QUOTE, "QUOTE", speaker="s1")]
    plan = plan_merge({"a": spans, "b": spans, "c": spans}, refs)
    assert plan.regions == () and len(plan.auto) == 2
    assert all(c.annotators == ("a", "b", "c") for c in plan.auto)
    gold = gold_spans(plan, {}, TEXT)
    assert [(s["id"], s["label"], s["attrs"]) for s in gold.spans] == [
        ("s1", "ACTOR", {"kind": "person"}), ("s2", "QUOTE", {"speaker": "s1"})]
    assert gold.spans[0]["provenance"] == {"annotators": ["a", "b", "c"], "decision": "auto_accepted"}
    assert gold.dropped == []


def test_speaker_compared_by_offsets_not_ids(refs):
    a = [sp("s1", MACRON, "ACTOR"), sp("s2", QUOTE, "QUOTE", speaker="s1")]
    b = [sp("x9", QUOTE, "QUOTE", speaker="y7"), sp("y7", MACRON, "ACTOR")]
    c = [sp("s1", FRANCE, "ACTOR"), sp("s2", QUOTE, "QUOTE", speaker="s1"), sp("s3", MACRON, "ACTOR")]
    plan = plan_merge({"a": a, "b": b, "c": c}, refs)
    quotes = [cand for cand in plan.candidates if cand.label == "QUOTE"]
    assert {cand.annotators for cand in quotes} == {("a", "b"), ("c",)}
    ab = next(q for q in quotes if q.annotators == ("a", "b"))
    assert ab.mark.attr("speaker") == Ref(*MACRON, "ACTOR") and ab.span_ids == ("s2", "x9")
    # the ACTOR Macron: everyone has it -> auto; France only c -> disputed; both QUOTE versions disputed
    assert [x.key for x in plan.auto] == [(*MACRON, "ACTOR")]


def test_attributes_must_match_for_auto_acceptance(refs):
    plan = plan_merge({"a": [sp("s1", MACRON, "ACTOR", kind="person")], "b": [sp("s1", MACRON, "ACTOR", kind="state")]},
                      refs)
    assert plan.auto == ()
    (region,) = plan.regions
    assert [c.mark.attr("kind") for c in region.candidates] == ["person", "state"]
    gold = gold_spans(plan, pick(region, "b"), TEXT)
    assert [(s["attrs"], s["provenance"]) for s in gold.spans] == [
        ({"kind": "state"}, {"annotators": ["b"], "decision": "picked"})]


def test_min_agree(refs):
    x = [sp("s1", MACRON, "ACTOR")]
    recs = {"a": x, "b": x, "c": [sp("s1", (3, 19), "ACTOR")]}
    assert plan_merge(recs, refs).auto == ()
    plan = plan_merge(recs, refs, min_agree=2)
    assert [c.annotators for c in plan.auto] == [("a", "b")]
    (region,) = plan.regions  # c's longer ACTOR is still a candidate
    assert [c.annotators for c in region.candidates] == [("c",)]
    with pytest.raises(ValueError):
        plan_merge(recs, refs, min_agree=0)


def test_two_versions_reaching_min_agree_are_both_disputed(refs):
    p, s = sp("s1", MACRON, "ACTOR", kind="person"), sp("s1", MACRON, "ACTOR", kind="state")
    plan = plan_merge({"a": [p], "b": [p], "c": [s], "d": [s]}, refs, min_agree=2)
    assert plan.auto == () and len(plan.regions[0].candidates) == 2


def test_regions_group_overlapping_candidates_and_come_first(refs):
    a = [sp("s1", (3, 19), "ACTOR"), sp("s2", (37, 43), "ACTOR"), sp("s3", DATE, "DATE")]
    b = [sp("s1", MACRON, "ACTOR"), sp("s2", (29, 63), "QUOTE"), sp("s3", DATE, "DATE")]
    plan = plan_merge({"a": a, "b": b}, refs)
    assert [(r.start, r.end) for r in plan.regions] == [(3, 19), (29, 63)]
    assert [c.key for c in plan.regions[1].candidates] == [(29, 63, "QUOTE"), (37, 43, "ACTOR")]
    assert [c.key for c in plan.candidates][-1] == (*DATE, "DATE")  # the agreed one comes last
    assert plan.regions[0].version("a")[0].key == (3, 19, "ACTOR")
    assert plan.region_of(plan.regions[1].candidates[1]) is plan.regions[1]
    assert plan.region_of(plan.auto[0]) is None
    assert len(plan.undecided({plan.regions[0].candidates[0]: REJECTED})) == 3


def test_adjacent_candidates_are_separate_regions(refs):
    plan = plan_merge({"a": [sp("s1", (0, 2), "ACTOR")], "b": [sp("s1", (2, 5), "ACTOR")]}, refs)
    assert len(plan.regions) == 2


def test_decisions_to_gold_with_provenance(refs, scheme):
    a = [sp("s1", MACRON, "ACTOR"), sp("s2", QUOTE, "QUOTE", speaker="s1"), sp("s3", DATE, "DATE", value="2019")]
    b = [sp("s1", MACRON, "ACTOR"), sp("s2", QUOTE, "QUOTE", speaker="s1", mode="indirect")]
    plan = plan_merge({"a": a, "b": b}, refs)
    by_key = {(c.key, c.annotators): c for c in plan.candidates}
    decisions = {by_key[((*QUOTE, "QUOTE"), ("b",))]: ACCEPTED, by_key[((*QUOTE, "QUOTE"), ("a",))]: REJECTED,
                 by_key[((*DATE, "DATE"), ("a",))]: REJECTED}
    added = [Mark(*FRANCE, "ACTOR", frozenset({("kind", "state")}))]
    gold = gold_spans(plan, decisions, TEXT, added)
    assert [(s["id"], s["label"], s["attrs"], s["provenance"]["decision"], s["provenance"]["annotators"])
            for s in gold.spans] == [
        ("s1", "ACTOR", {}, "auto_accepted", ["a", "b"]),
        ("s2", "QUOTE", {"speaker": "s1", "mode": "indirect"}, "accepted", ["b"]),
        ("s3", "ACTOR", {"kind": "state"}, "added", []),
    ]
    record = make_record(TEXT, [], annotator="reviewer")
    record["spans"] = gold.spans
    scheme.validate_record(record)  # provenance and all: a valid export record


def test_rejecting_the_speaker_drops_the_ref_and_says_so(refs):
    a = [sp("s1", MACRON, "ACTOR", kind="person"), sp("s2", QUOTE, "QUOTE", speaker="s1")]
    b = [sp("s1", MACRON, "ACTOR", kind="state"), sp("s2", QUOTE, "QUOTE", speaker="s1")]
    plan = plan_merge({"a": a, "b": b}, refs)
    assert [c.label for c in plan.auto] == ["QUOTE"]
    decisions = {c: REJECTED for c in plan.disputed}
    gold = gold_spans(plan, decisions, TEXT)
    assert gold.spans[0]["attrs"] == {} and gold.dropped == [("s1", "speaker")]
    gold = gold_spans(plan, pick(plan.regions[0], "a"), TEXT)  # either version keeps the speaker
    assert gold.spans[1]["attrs"] == {"speaker": "s1"} and gold.dropped == []


def test_two_versions_of_one_span_cannot_both_be_gold(refs):
    plan = plan_merge({"a": [sp("s1", MACRON, "ACTOR", kind="person")], "b": [sp("s1", MACRON, "ACTOR")]}, refs)
    with pytest.raises(ActionRefused, match="two versions"):
        gold_spans(plan, {c: ACCEPTED for c in plan.disputed}, TEXT)


def test_resolve_refs_into_a_reviewer_record():
    quote = Mark(*QUOTE, "QUOTE", frozenset({("mode", "direct"), ("speaker", Ref(*MACRON, "ACTOR"))}))
    record_spans = [sp("s7", MACRON, "ACTOR")]
    assert resolve_refs(quote, ids_by_key(record_spans)) == ({"mode": "direct", "speaker": "s7"}, [])
    assert resolve_refs(quote, {}) == ({"mode": "direct"}, ["speaker"])


def test_nobody_and_nothing(refs):
    plan = plan_merge({}, refs)
    assert plan.candidates == () and gold_spans(plan, {}, TEXT).spans == []
    plan = plan_merge({"a": [], "b": []}, refs)
    assert plan.candidates == ()


ranges = st.tuples(st.integers(0, 60), st.integers(1, 10), st.sampled_from(["ACTOR", "DATE"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(ranges, max_size=6), min_size=1, max_size=4), st.integers(1, 4))
def test_every_span_lands_in_exactly_one_candidate_and_regions_partition_disputes(recs, k):
    records = {}
    for n, spans in enumerate(recs):
        uniq = {(s, min(s + w, len(TEXT)), lab) for s, w, lab in spans}
        records[f"ann{n}"] = [sp(f"s{i}", (s, e), lab) for i, (s, e, lab) in enumerate(sorted(uniq))]
    plan = plan_merge(records, {}, min_agree=k)
    seen = [(a, i) for c in plan.candidates for a, i in zip(c.annotators, c.span_ids)]
    assert sorted(seen) == sorted((a, s["id"]) for a, spans in records.items() for s in spans)
    for c in plan.auto:
        assert len(c.annotators) >= k
    for r in plan.regions:
        assert all(r.start <= c.start and c.end <= r.end for c in r.candidates)
    for r1, r2 in zip(plan.regions, plan.regions[1:]):
        assert r1.end <= r2.start  # regions do not overlap each other
    gold = gold_spans(plan, {}, TEXT)  # auto-accepted only: never two with one key
    assert len({(s["start"], s["end"], s["label"]) for s in gold.spans}) == len(gold.spans)
