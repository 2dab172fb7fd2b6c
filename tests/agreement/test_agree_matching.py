"""Exact and partial span matching, and span F1: cases worked out by hand, properties, and
nervaluate as an independent implementation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.f1 import PairCounts, Tally
from annotator.agreement.figures import LabelF1
from annotator.agreement.matching import match
from annotator.agreement.spans import Mark

LABELS = ["ACTOR", "DATE", "QUOTE"]
CODE = {lab: i + 1 for i, lab in enumerate(LABELS)}


def M(start: int, end: int, label: str = "ACTOR") -> Mark:
    return Mark(start, end, label)


def arrays(marks: list[Mark], base: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.array([m.start + base for m in marks], np.int64), np.array([m.end + base for m in marks], np.int64),
            np.array([CODE[m.label] for m in marks], np.int8))


def exact_pairs(a: list[Mark], b: list[Mark]) -> list[tuple[int, int]]:
    m = match(*arrays(a), *arrays(b))
    return sorted(zip(m.exact_a.tolist(), m.exact_b.tolist()))


def partial_pairs(a: list[Mark], b: list[Mark]) -> list[tuple[int, int]]:
    m = match(*arrays(a), *arrays(b))
    return sorted(zip(m.partial_a.tolist(), m.partial_b.tolist()))


def counts_over(docs: list[tuple[list[Mark], list[Mark]]]) -> PairCounts:
    """Pair counts over documents laid end to end (as the report lays out the corpus)."""
    a_parts, b_parts, base = [], [], 0
    for a, b in docs:
        a_parts.append(arrays(a, base))
        b_parts.append(arrays(b, base))
        base += 1 + max([m.end for m in a + b], default=0)
    a_arr = [np.concatenate([p[k] for p in a_parts]) for k in range(3)]
    b_arr = [np.concatenate([p[k] for p in b_parts]) for k in range(3)]
    m = match(*a_arr, *b_arr)
    return PairCounts.count(len(LABELS) + 1, a_arr[2], b_arr[2], a_arr[2][m.exact_a], a_arr[2][m.partial_a])


def counts(a: list[Mark], b: list[Mark]) -> PairCounts:
    return counts_over([(a, b)])


# -- by hand -------------------------------------------------------------------------------------

def test_exact_needs_same_start_end_and_label():
    a = [M(0, 5), M(10, 15, "DATE"), M(20, 30, "QUOTE")]
    b = [M(0, 5), M(10, 15, "ACTOR"), M(20, 31, "QUOTE")]
    assert exact_pairs(a, b) == [(0, 0)]


def test_partial_same_label_overlap_one_to_one():
    a = [M(0, 5), M(10, 15, "DATE"), M(20, 30, "QUOTE")]
    b = [M(3, 8), M(12, 20, "ACTOR"), M(29, 40, "QUOTE")]
    # ACTOR 0-5 / 3-8 share 2 chars; DATE vs ACTOR: labels differ; QUOTE 20-30 / 29-40 share 1 char
    assert partial_pairs(a, b) == [(0, 0), (2, 2)]


def test_adjacent_spans_do_not_overlap():
    assert partial_pairs([M(0, 5)], [M(5, 9)]) == []


def test_greedy_takes_the_largest_overlap_first():
    # a0 overlaps b0 by 3 and b1 by 4; a1 overlaps only b1 (by 2). Greedy: a0-b1 (4), then a1 has nothing left.
    a = [M(0, 10), M(12, 20)]
    b = [M(0, 3), M(6, 14)]
    assert partial_pairs(a, b) == [(0, 1)]
    # ties in overlap go to the smaller boundary difference: a0 overlaps both by 4
    a = [M(0, 8)]
    b = [M(0, 4), M(4, 12)]  # boundary differences: b0 0 + 4 = 4, b1 4 + 4 = 8
    assert partial_pairs(a, b) == [(0, 0)]


def test_exact_pairs_are_always_partial_pairs():
    # b1 contains a0 (same overlap as the exact b0) but the exact pair wins the tie
    a = [M(5, 10)]
    b = [M(0, 20), M(5, 10)]
    assert partial_pairs(a, b) == [(0, 1)]


def test_f1_worked_by_hand():
    a = [M(0, 5), M(10, 15, "DATE"), M(20, 40, "QUOTE")]
    b = [M(0, 5), M(10, 14, "DATE"), M(50, 52, "ACTOR")]
    c = counts(a, b)
    e = c.figures("exact", LABELS)
    assert (e.f1, e.precision, e.recall) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    actor = e.per_label["ACTOR"]
    assert (actor.f1, actor.precision, actor.recall) == pytest.approx((2 / 3, 1 / 2, 1.0))
    assert e.per_label["DATE"] == LabelF1(f1=0.0, precision=0.0, recall=0.0)
    assert e.per_label["QUOTE"] == LabelF1(f1=0.0, precision=None, recall=0.0)
    p = c.figures("partial", LABELS)
    assert (p.f1, p.precision, p.recall) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert p.per_label["DATE"] == LabelF1(f1=1.0, precision=1.0, recall=1.0)


def test_direction_precision_is_against_b():
    a = [M(0, 5), M(10, 15)]
    b = [M(0, 5)]
    e = counts(a, b).figures("exact", LABELS)
    assert (e.precision, e.recall) == (1.0, 0.5)
    e = counts(b, a).figures("exact", LABELS)
    assert (e.precision, e.recall) == (0.5, 1.0)


def test_no_spans_on_either_side_is_undefined():
    assert counts([], []).figures("exact", LABELS).f1 is None
    assert Tally().figures() == LabelF1(f1=None, precision=None, recall=None)
    one_sided = counts([M(0, 5)], []).figures("partial", LABELS)
    assert one_sided.f1 == 0.0 and one_sided.precision is None and one_sided.recall == 0.0


def test_counts_add_over_documents():
    c = counts_over([([M(0, 5)], [M(0, 5)]), ([M(0, 5), M(7, 9)], [])])
    assert c.tally("exact") == Tally(3, 1, 1)
    assert c.figures("exact", ["ACTOR"]).f1 == pytest.approx(2 * 1 / 4)


# -- properties ----------------------------------------------------------------------------------

def marks(max_size: int = 8) -> st.SearchStrategy[list[Mark]]:
    span = st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from(LABELS[:2]))
    return st.lists(span, max_size=max_size, unique_by=lambda t: t).map(
        lambda xs: list({(s, s + n, lab): Mark(s, s + n, lab) for s, n, lab in xs}.values()))


@settings(max_examples=300, deadline=None)
@given(marks(), marks())
def test_partial_matching_is_one_to_one_maximal_and_contains_exact(a, b):
    pairs = partial_pairs(a, b)
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    for i, j in pairs:
        assert a[i].label == b[j].label and min(a[i].end, b[j].end) > max(a[i].start, b[j].start)
    assert set(exact_pairs(a, b)) <= set(pairs)
    used_a, used_b = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, x in enumerate(a):  # greedy leaves no matchable pair behind
        for j, y in enumerate(b):
            if i not in used_a and j not in used_b and x.label == y.label:
                assert min(x.end, y.end) <= max(x.start, y.start)


def greedy_by_definition(a: list[Mark], b: list[Mark]) -> list[tuple[int, int]]:
    """The scheme as the docs state it, over every pair at once (no exact pass first)."""
    ranked = sorted((-(min(x.end, y.end) - max(x.start, y.start)), abs(x.start - y.start) + abs(x.end - y.end),
                     x.start, y.start, i, j)
                    for i, x in enumerate(a) for j, y in enumerate(b)
                    if x.label == y.label and min(x.end, y.end) > max(x.start, y.start))
    used_a, used_b, out = set(), set(), []
    for *_rank, i, j in ranked:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return sorted(out)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(marks(12), marks(12)), min_size=1, max_size=4))
def test_vectorized_matching_equals_the_definition(docs):
    """Many documents at once (laid end to end) give each document's greedy pairs."""
    a_all, b_all, want, base = [], [], [], 0
    for a, b in docs:
        want += [(i + len(a_all), j + len(b_all)) for i, j in greedy_by_definition(a, b)]
        a_all += [Mark(m.start + base, m.end + base, m.label) for m in a]
        b_all += [Mark(m.start + base, m.end + base, m.label) for m in b]
        base += 60
    assert partial_pairs(a_all, b_all) == sorted(want)


# -- nervaluate ----------------------------------------------------------------------------------

def _flat(draw_marks: list[Mark]) -> list[Mark]:
    """Keep the spans that overlap no other span of the same list (nervaluate's setting)."""
    return [m for m in draw_marks if not any(o is not m and min(o.end, m.end) > max(o.start, m.start) for o in draw_marks)]


def _unambiguous(a: list[Mark], b: list[Mark]) -> bool:
    """Every span overlaps at most one same-label span of the other side."""
    def n(x: Mark, ys: list[Mark]) -> int:
        return sum(1 for y in ys if y.label == x.label and min(x.end, y.end) > max(x.start, y.start))
    return all(n(x, b) <= 1 for x in a) and all(n(y, a) <= 1 for y in b)


def _nervaluate(docs_a: list[list[Mark]], docs_b: list[list[Mark]]) -> dict:
    from nervaluate import Evaluator

    def conv(docs):  # nervaluate's ends are inclusive
        return [[{"label": m.label, "start": m.start, "end": m.end - 1} for m in doc] for doc in docs]

    return Evaluator(conv(docs_a), conv(docs_b), tags=LABELS, loader="dict").evaluate()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(marks(), marks()), min_size=1, max_size=4))
def test_against_nervaluate(docs):
    docs = [(_flat(a), _flat(b)) for a, b in docs]
    c = counts_over(docs)
    ours_exact = c.figures("exact", LABELS)
    ours_partial = c.figures("partial", LABELS)
    theirs = _nervaluate([a for a, _ in docs], [b for _, b in docs])
    strict = theirs["overall"]["strict"]
    assert strict.correct == c.tally("exact").matched
    if ours_exact.f1 is not None:
        assert ours_exact.f1 == pytest.approx(strict.f1)
    if ours_exact.precision is not None:
        assert ours_exact.precision == pytest.approx(strict.precision)
    if ours_exact.recall is not None:
        assert ours_exact.recall == pytest.approx(strict.recall)
    if all(_unambiguous(a, b) for a, b in docs):
        for label, per in theirs["entities"].items():
            ent = per["ent_type"]
            assert ent.correct == c.tally("partial", CODE[label]).matched
            if ours_partial.label_f1(label) is not None:
                assert ours_partial.label_f1(label) == pytest.approx(ent.f1)


def test_against_nervaluate_fixed_case():
    a = [M(0, 5), M(10, 15, "DATE"), M(20, 40, "QUOTE")]
    b = [M(0, 5), M(10, 14, "DATE"), M(50, 52, "ACTOR")]
    theirs = _nervaluate([a], [b])
    c = counts(a, b)
    assert theirs["overall"]["strict"].f1 == pytest.approx(c.figures("exact", LABELS).f1)
    assert theirs["entities"]["DATE"]["ent_type"].f1 == pytest.approx(c.figures("partial", LABELS).label_f1("DATE"))
