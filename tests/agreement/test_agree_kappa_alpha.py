"""Kappa and alpha: textbook and hand-worked numbers, the krippendorff package on the full
per-character matrix, and per-unit labels of nested spans."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement import alpha, kappa, units
from annotator.agreement.spans import Mark

LABELS = ("ACTOR", "QUOTE")


# -- Cohen --------------------------------------------------------------------------------------

def test_cohen_by_hand():
    # 10 tokens. A: O O O O O O ACTOR ACTOR ACTOR QUOTE; B: O O O O O ACTOR ACTOR ACTOR O QUOTE
    # agree on 8 of 10: p_o = 0.8. A uses O 6, ACTOR 3, QUOTE 1; B uses O 6, ACTOR 3, QUOTE 1.
    # p_e = 0.6*0.6 + 0.3*0.3 + 0.1*0.1 = 0.46; kappa = (0.8 - 0.46) / 0.54 = 0.62963
    a = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2]
    b = [0, 0, 0, 0, 0, 1, 1, 1, 0, 2]
    c = np.zeros((3, 3))
    for x, y in zip(a, b):
        c[x, y] += 1
    assert kappa.cohen_kappa(c) == pytest.approx(0.34 / 0.54)


def test_cohen_undefined_and_extremes():
    assert kappa.cohen_kappa(np.zeros((3, 3))) is None
    assert kappa.cohen_kappa(np.array([[7.0, 0], [0, 0]])) is None  # everyone said O everywhere
    assert kappa.cohen_kappa(np.array([[5.0, 0], [0, 5]])) == 1.0
    assert kappa.cohen_kappa(np.array([[0.0, 5], [5, 0]])) == -1.0


# -- Fleiss -------------------------------------------------------------------------------------

# Fleiss (1971)'s worked example as in most textbooks: 10 subjects, 14 raters, 5 categories.
FLEISS_EXAMPLE = np.array([
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
])


def test_fleiss_textbook_example():
    assert kappa.fleiss_kappa(FLEISS_EXAMPLE) == pytest.approx(0.20993, abs=1e-5)


def test_fleiss_weights_equal_repeated_rows():
    w = np.array([1, 3, 1, 2, 1, 1, 4, 1, 1, 2])
    assert kappa.fleiss_kappa(FLEISS_EXAMPLE, w) == pytest.approx(kappa.fleiss_kappa(np.repeat(FLEISS_EXAMPLE, w, axis=0)))


def test_fleiss_two_raters_by_hand():
    # 4 units, 2 raters: (O,O) (O,A) (A,A) (A,A). p_o = (1 + 0 + 1 + 1) / 4 = 0.75;
    # shares O 3/8, A 5/8: p_e = 9/64 + 25/64 = 34/64; kappa = (0.75 - 34/64) / (30/64) = 14/30
    counts = np.array([[2, 0], [1, 1], [0, 2], [0, 2]])
    assert kappa.fleiss_kappa(counts) == pytest.approx(14 / 30)
    assert kappa.fleiss_kappa(np.array([[2, 0], [2, 0]])) is None
    assert kappa.fleiss_kappa(np.zeros((0, 2))) is None


# -- Krippendorff -------------------------------------------------------------------------------

def test_alpha_by_hand():
    # coder 1: a a b b, coder 2: a b b b. Coincidences o_aa 2, o_ab = o_ba 1, o_bb 4; n_a 3, n_b 5, n 8.
    # alpha = 1 - (n - 1) (o_ab + o_ba) / (2 n_a n_b) = 1 - 7 * 2 / 30 = 16 / 30
    counts = np.array([[2, 0], [1, 1], [0, 2], [0, 2]])
    assert alpha.krippendorff_alpha(counts) == pytest.approx(16 / 30)


def test_alpha_undefined():
    assert alpha.krippendorff_alpha(np.array([[3, 0], [2, 0]])) is None  # one value only
    assert alpha.krippendorff_alpha(np.array([[1, 0], [0, 1]])) is None  # nothing paired
    assert alpha.krippendorff_alpha(np.zeros((0, 3), dtype=int)) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(-1, 3), min_size=3, max_size=3), min_size=2, max_size=60),
       st.lists(st.integers(1, 4), min_size=60, max_size=60))
def test_alpha_compaction_is_exact(rows, weights):
    """Our compacted, weighted input gives the package's own answer on the full reliability data."""
    import krippendorff

    data = np.array(rows, dtype=float).T  # coders x units, -1 missing
    w = np.array(weights[: len(rows)])
    full = np.repeat(data, w, axis=1)
    full[full < 0] = np.nan
    counts = np.stack([(data == v).sum(axis=0) for v in range(4)], axis=1)
    ours = alpha.krippendorff_alpha(counts, w)
    paired = (~np.isnan(full)).sum(axis=0) >= 2
    values = np.unique(full[:, paired][~np.isnan(full[:, paired])])
    if ours is None:
        assert values.size < 2
        return
    theirs = krippendorff.alpha(reliability_data=full, value_domain=[0, 1, 2, 3], level_of_measurement="nominal")
    assert ours == pytest.approx(theirs, abs=1e-9)


# -- units: nested spans and segments -----------------------------------------------------------

def corpus_of(*docs: tuple[str, dict[str, list[Mark]]]):
    """A corpus of documents ``(text, {annotator: marks})`` (ids d0, d1...)."""
    from annotator.agreement.corpus import from_documents
    from annotator.schema import load_scheme

    scheme = load_scheme(None)
    spans = [(f"d{k}", text, {ann: [{"id": f"s{i}", "start": m.start, "end": m.end, "label": m.label,
                                     "text": text[m.start:m.end]} for i, m in enumerate(ms)]
                              for ann, ms in marks.items()})
             for k, (text, marks) in enumerate(docs)]
    return from_documents(spans, scheme, LABELS)


def lay_out(corpus, annotators: int = 2):
    return units.layout(corpus, list(range(annotators)), np.arange(len(corpus.doc_ids)))


def test_token_labels_innermost_span_wins():
    text = "Il a dit que Paris va bien ."
    # tokens: Il a dit que Paris va bien .
    quote = Mark(9, 26, "QUOTE")  # "que Paris va bien"
    actor = Mark(13, 18, "ACTOR")  # "Paris"
    lay = lay_out(corpus_of((text, {"a": [quote, actor], "b": [quote]})))
    tu = units.token_units(lay)
    per_token = np.repeat(tu.codes, tu.weight, axis=1)
    # O O O QUOTE ACTOR QUOTE QUOTE O for a; QUOTE on Paris for b
    assert per_token[0].tolist() == [0, 0, 0, 2, 1, 2, 2, 0]
    assert per_token[1].tolist() == [0, 0, 0, 2, 2, 2, 2, 0]
    cu = units.char_units(lay)
    per_char = np.repeat(cu.codes, cu.weight, axis=1)
    assert per_char[0, 13:18].tolist() == [1] * 5 and per_char[0, 12] == 2 and per_char[0, 18] == 2
    assert per_char[0, 8] == 0 and per_char[0, 26] == 0


def test_a_token_belongs_to_a_span_sharing_one_character():
    tu = units.token_units(lay_out(corpus_of(("abcdef ghi", {"a": [Mark(4, 8, "ACTOR")], "b": []}))))
    assert np.repeat(tu.codes, tu.weight, axis=1).tolist() == [[1, 1], [0, 0]]


def test_equal_lengths_first_label_of_the_scheme_wins():
    cu = units.char_units(lay_out(corpus_of(("abc def", {"a": [Mark(0, 3, "QUOTE"), Mark(0, 3, "ACTOR")]})), 1))
    assert np.repeat(cu.codes, cu.weight, axis=1)[0].tolist() == [1, 1, 1, 0, 0, 0, 0]


def naive_codes(text_len: int, marks: list[Mark]) -> list[int]:
    code = {lab: i + 1 for i, lab in enumerate(LABELS)}
    out = []
    for c in range(text_len):
        cover = [m for m in marks if m.start <= c < m.end]
        best = min(cover, key=lambda m: (m.end - m.start, code[m.label]), default=None)
        out.append(0 if best is None else code[best.label])
    return out


span_lists = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 15), st.sampled_from(LABELS)), max_size=6).map(
    lambda xs: list({(s, min(s + n, 40), lab): Mark(s, min(s + n, 40), lab) for s, n, lab in xs}.values()))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(span_lists, span_lists, st.booleans()), min_size=1, max_size=3))
def test_segments_equal_a_naive_per_character_painting(docs_marks):
    docs = [("x" * 40, {"a": a, "b": b} if b_did else {"a": a}) for a, b, b_did in docs_marks]
    corpus = corpus_of(*docs)
    cu = units.char_units(lay_out(corpus, len(corpus.annotators)))
    got = np.repeat(cu.codes, cu.weight, axis=1)
    want_a = [c for _t, m in docs for c in naive_codes(40, m["a"])]
    want_b = [c for _t, m in docs for c in (naive_codes(40, m["b"]) if "b" in m else [-1] * 40)]
    assert got.tolist() == ([want_a, want_b] if "b" in corpus.annotators else [want_a])
    assert np.repeat(cu.doc, cu.weight).tolist() == [d for d in range(len(docs)) for _ in range(40)]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5000), st.lists(st.lists(st.integers(0, 5000), max_size=30), max_size=4))
def test_cuts_dense_or_sparse_are_the_sorted_distinct_values(n_units, parts):
    arrays = [np.array([min(x, n_units) for x in p], dtype=np.int64) for p in parts] or [np.zeros(0, np.int64)]
    assert units._cuts(n_units, arrays).tolist() == sorted({int(x) for a in arrays for x in a})
