"""The whole report on small corpora: edge cases with defined answers, and every figure checked
against a naive per-token / per-character computation (Cohen and Fleiss by their formulas,
alpha by the krippendorff package on the full reliability matrix)."""

from __future__ import annotations

import random

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.agreement import corpus as corpus_mod
from annotator.agreement.figures import DocFigures, Figures, LabelF1, SingleAnnotatorDoc
from annotator.agreement.report import agreement
from annotator.errors import InvalidData
from annotator.text.words import token_spans
from tests.conftest import make_record

TEXT = "Le président Macron a déclaré que la France enverra 300 soldats au Mali en 2019 ."
MACRON = (13, 19)
FRANCE = (37, 43)
SOLDATS = (52, 63)  # "300 soldats"
QUOTE = (30, 80)  # "que la France enverra 300 soldats au Mali en 2019"
DATE = (76, 80)  # "2019"
LABELS = ["ACTOR", "DATE", "QUANTITY", "QUOTE"]


def sp(rng: tuple[int, int], label: str, **attrs) -> dict:
    return {"start": rng[0], "end": rng[1], "label": label, "attrs": attrs}


def write(tmp_path, name: str, records: list[dict]) -> str:
    path = tmp_path / name
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return str(path)


def figures(tmp_path, scheme, files: dict[str, list[dict]], labels=LABELS) -> Figures:
    paths = [write(tmp_path, name, recs) for name, recs in files.items()]
    return agreement(corpus_mod.from_files(paths, scheme, labels), scheme)


def test_identical_annotations_agree_perfectly(tmp_path, scheme):
    spans = [sp(MACRON, "ACTOR", kind="person"), sp(QUOTE, "QUOTE"), sp(DATE, "DATE", value="2019")]
    fig = figures(tmp_path, scheme, {"a.jsonl": [make_record(TEXT, spans, annotator="ann")],
                                     "b.jsonl": [make_record(TEXT, spans, annotator="bob")]})
    assert fig.annotators == ("ann", "bob") and fig.documents == fig.compared_documents == 1
    (pair,) = fig.pairs
    assert pair.exact.f1 == pair.partial.f1 == 1.0 and pair.cohen_kappa == 1.0
    assert pair.exact.per_label["QUANTITY"] == LabelF1(f1=None, precision=None, recall=None)
    assert pair.attributes["ACTOR.kind"].share == 1.0 and pair.attributes["QUOTE.speaker"].share is None
    assert fig.fleiss_kappa == pytest.approx(1.0) and fig.krippendorff_alpha == pytest.approx(1.0)


def test_worked_example(tmp_path, scheme):
    # a: ACTOR Macron, QUOTE, ACTOR France (nested in the QUOTE); b: ACTOR "président Macron", QUOTE, QUANTITY
    a = [sp(MACRON, "ACTOR"), sp(QUOTE, "QUOTE"), sp(FRANCE, "ACTOR")]
    b = [sp((3, 19), "ACTOR"), sp(QUOTE, "QUOTE"), sp(SOLDATS, "QUANTITY")]
    fig = figures(tmp_path, scheme, {"a.jsonl": [make_record(TEXT, a, annotator="a")],
                                     "b.jsonl": [make_record(TEXT, b, annotator="b")]})
    (pair,) = fig.pairs
    # exact: the QUOTE only -> 1 of 3 each way
    assert pair.exact.f1 == pytest.approx(1 / 3)
    # partial: + ACTOR Macron / "président Macron"
    assert pair.partial.f1 == pytest.approx(2 / 3)
    actor = pair.partial.per_label["ACTOR"]
    assert (actor.f1, actor.precision, actor.recall) == pytest.approx((2 / 3, 1.0, 0.5))
    # tokens: Le président Macron a déclaré que la France enverra 300 soldats au Mali en 2019 .
    # a: O O A O O Q Q A Q Q Q Q Q Q Q O ; b: O A A O O Q Q Q Q N N Q Q Q Q O  (A ACTOR, Q QUOTE, N QUANTITY)
    a_tok = ["O", "O", "A", "O", "O", "Q", "Q", "A", "Q", "Q", "Q", "Q", "Q", "Q", "Q", "O"]
    b_tok = ["O", "A", "A", "O", "O", "Q", "Q", "Q", "Q", "N", "N", "Q", "Q", "Q", "Q", "O"]
    cats = ["O", "A", "Q", "N"]
    p_o = sum(x == y for x, y in zip(a_tok, b_tok)) / 16
    p_e = sum(a_tok.count(c) * b_tok.count(c) for c in cats) / 256
    assert pair.cohen_kappa == pytest.approx((p_o - p_e) / (1 - p_e))


def test_no_spans_on_either_side(tmp_path, scheme):
    fig = figures(tmp_path, scheme, {"a.jsonl": [make_record(TEXT, [], annotator="a")],
                                     "b.jsonl": [make_record(TEXT, [], annotator="b")]})
    (pair,) = fig.pairs
    assert (pair.exact.f1, pair.exact.precision, pair.exact.recall) == (None, None, None)
    assert pair.exact.per_label == {lab: LabelF1(f1=None, precision=None, recall=None) for lab in LABELS}
    assert pair.cohen_kappa is None and fig.fleiss_kappa is None and fig.krippendorff_alpha is None
    assert fig.per_doc == (DocFigures("doc1", ("a", "b"), exact_f1=None, partial_f1=None, fleiss_kappa=None),)


def test_spans_on_one_side_only(tmp_path, scheme):
    fig = figures(tmp_path, scheme, {"a.jsonl": [make_record(TEXT, [sp(MACRON, "ACTOR")], annotator="a")],
                                     "b.jsonl": [make_record(TEXT, [], annotator="b")]})
    (pair,) = fig.pairs
    assert pair.exact.f1 == 0.0 and pair.exact.recall == 0.0 and pair.exact.precision is None
    assert pair.cohen_kappa == 0.0  # p_o = 15/16 = p_e: no better than chance
    assert fig.krippendorff_alpha is not None and fig.krippendorff_alpha < 0.1


def test_one_annotator_only(tmp_path, scheme):
    fig = figures(tmp_path, scheme, {"a.jsonl": [make_record(TEXT, [sp(MACRON, "ACTOR")], annotator="a")]})
    assert fig.annotators == ("a",) and fig.pairs == () and fig.compared_documents == 0
    assert fig.fleiss_kappa is None and fig.krippendorff_alpha is None
    assert fig.only_one_annotator == (SingleAnnotatorDoc("doc1", "a"),)
    assert orjson.loads(fig.to_json())["only_one_annotator"] == [{"id": "doc1", "annotator": "a"}]


def test_a_document_only_one_annotator_did_is_reported_and_left_out(tmp_path, scheme):
    both = [sp(MACRON, "ACTOR")]
    fig = figures(tmp_path, scheme, {
        "a.jsonl": [make_record(TEXT, both, annotator="a"), make_record(TEXT, [sp(FRANCE, "ACTOR")], id="solo", annotator="a")],
        "b.jsonl": [make_record(TEXT, both, annotator="b")],
    })
    assert fig.documents == 2 and fig.compared_documents == 1
    assert fig.only_one_annotator == (SingleAnnotatorDoc("solo", "a"),)
    (pair,) = fig.pairs
    assert pair.documents == 1 and pair.exact.f1 == 1.0 and pair.cohen_kappa == 1.0
    assert [d.id for d in fig.per_doc] == ["doc1"]


def test_three_annotators_pairs_use_the_documents_both_did(tmp_path, scheme):
    s1, s2 = [sp(MACRON, "ACTOR")], [sp(FRANCE, "ACTOR")]
    fig = figures(tmp_path, scheme, {
        "a.jsonl": [make_record(TEXT, s1, id="d1", annotator="a"), make_record(TEXT, s1, id="d2", annotator="a")],
        "b.jsonl": [make_record(TEXT, s1, id="d1", annotator="b"), make_record(TEXT, s2, id="d2", annotator="b")],
        "c.jsonl": [make_record(TEXT, s2, id="d2", annotator="c")],
    })
    by_pair = {(p.a, p.b): p for p in fig.pairs}
    assert by_pair[("a", "b")].documents == 2 and by_pair[("a", "b")].exact.f1 == 0.5
    assert by_pair[("a", "c")].documents == 1 and by_pair[("a", "c")].exact.f1 == 0.0
    assert by_pair[("b", "c")].exact.f1 == 1.0
    assert fig.fleiss_documents == 1  # only d2 was done by everyone
    assert [d.id for d in fig.per_doc] == ["d2", "d1"]  # worst first
    assert fig.overall.exact.f1 == pytest.approx(2 * 2 / (4 + 2 + 2))


def test_speaker_is_compared_by_the_actor_it_points_to(tmp_path, scheme):
    def rec(name, actor_id, speaker_rng, mode):
        spans = [{"id": actor_id, **sp(MACRON, "ACTOR")}, {"id": "other", **sp(FRANCE, "ACTOR")},
                 {"id": "q", **sp(QUOTE, "QUOTE", mode=mode,
                                  speaker=actor_id if speaker_rng == MACRON else "other")}]
        return make_record(TEXT, spans, annotator=name)

    fig = figures(tmp_path, scheme, {"a.jsonl": [rec("a", "s1", MACRON, "indirect")],
                                     "b.jsonl": [rec("b", "zz9", MACRON, "direct")],
                                     "c.jsonl": [rec("c", "s1", FRANCE, "indirect")]})
    by_pair = {(p.a, p.b): p for p in fig.pairs}
    assert by_pair[("a", "b")].attributes["QUOTE.speaker"].share == 1.0  # same actor, different ids
    assert by_pair[("a", "b")].attributes["QUOTE.mode"].share == 0.0
    assert by_pair[("a", "c")].attributes["QUOTE.speaker"].share == 0.0  # same id, different actor
    assert by_pair[("a", "c")].attributes["QUOTE.mode"].share == 1.0
    assert fig.overall.attributes["QUOTE.speaker"].share == pytest.approx(1 / 3)
    assert fig.overall.attributes["QUOTE.speaker"].compared == 3
    assert fig.overall.attributes["ACTOR.kind"].share is None  # never set: nothing compared


def test_unset_against_set_is_a_difference(tmp_path, scheme):
    fig = figures(tmp_path, scheme, {"a.jsonl": [make_record(TEXT, [sp(DATE, "DATE", value="2019")], annotator="a")],
                                     "b.jsonl": [make_record(TEXT, [sp(DATE, "DATE")], annotator="b")]})
    assert fig.pairs[0].attributes["DATE.value"].share == 0.0


def test_same_id_different_text_is_an_error_naming_both(tmp_path, scheme):
    a = write(tmp_path, "a.jsonl", [make_record(TEXT, [], annotator="a")])
    b = write(tmp_path, "b.jsonl", [make_record(TEXT + " Fin.", [], annotator="b")])
    with pytest.raises(InvalidData) as info:
        corpus_mod.from_files([a, b], scheme, LABELS)
    (problem,) = info.value.problems
    assert problem.file == b and problem.line == 1 and f"{a}:1" in problem.message and "different text" in problem.message


def test_same_annotator_twice_is_an_error(tmp_path, scheme):
    a = write(tmp_path, "a.jsonl", [make_record(TEXT, [], annotator="a")])
    b = write(tmp_path, "b.jsonl", [make_record(TEXT, [], annotator="a")])
    with pytest.raises(InvalidData, match="also in"):
        corpus_mod.from_files([a, b], scheme, LABELS)


def test_invalid_lines_are_listed(tmp_path, scheme):
    bad = make_record(TEXT, [sp(MACRON, "ACTOR")], annotator="a")
    bad["spans"][0]["text"] = "wrong"
    path = write(tmp_path, "a.jsonl", [bad])
    with pytest.raises(InvalidData) as info:
        corpus_mod.from_files([path], scheme, LABELS)
    assert info.value.problems[0].file == path and info.value.problems[0].line == 1


@pytest.mark.parametrize("readers", [1, 4])
def test_problems_name_the_line_of_the_file_whichever_part_it_is_in(tmp_path, scheme, readers):
    recs = [make_record(TEXT, [sp(MACRON, "ACTOR")], id=f"d{i}", annotator="a") for i in range(40)]
    recs[33]["spans"][0]["text"] = "wrong"
    recs[35]["status"] = "finished"
    recs[38] = make_record(TEXT, [], id="d5", annotator="a")
    path = write(tmp_path, "a.jsonl", recs)
    with pytest.raises(InvalidData) as info:
        corpus_mod.from_files([path], scheme, LABELS, readers=readers)
    assert [(p.line, p.field) for p in info.value.problems] == [(34, "spans[0].text"), (36, "status"),
                                                                (39, "annotator")]
    assert f"{path}:6" in info.value.problems[2].message


def test_todo_and_skipped_records_are_left_out(tmp_path, scheme):
    fig = figures(tmp_path, scheme, {
        "a.jsonl": [make_record(TEXT, [], annotator="a", status="done"),
                    make_record(TEXT, [], id="d2", annotator="a", status="todo")],
        "b.jsonl": [make_record(TEXT, [], annotator="b", status="in_progress"),
                    make_record(TEXT, [], id="d2", annotator="b", status="skipped")],
    })
    assert fig.documents == 1 and fig.left_out == {"a": {"todo": 1}, "b": {"skipped": 1}}


def test_records_without_annotator_take_the_file_name(tmp_path, scheme):
    rec = make_record(TEXT, [])
    del rec["annotator"]
    fig = figures(tmp_path, scheme, {"alice.jsonl": [rec], "bob.jsonl": [rec]})
    assert fig.annotators == ("alice", "bob")


def test_labels_restrict_every_figure(tmp_path, scheme):
    a = [sp(MACRON, "ACTOR"), sp(DATE, "DATE")]
    b = [sp(MACRON, "ACTOR"), sp((72, 80), "DATE")]
    fig = figures(tmp_path, scheme, {"a.jsonl": [make_record(TEXT, a, annotator="a")],
                                     "b.jsonl": [make_record(TEXT, b, annotator="b")]}, labels=["ACTOR"])
    (pair,) = fig.pairs
    assert list(pair.exact.per_label) == ["ACTOR"] and pair.exact.f1 == 1.0
    assert pair.cohen_kappa == 1.0 and list(pair.attributes) == ["ACTOR.kind"]


def test_from_records_for_one_document(scheme):
    c = corpus_mod.from_records(TEXT, {"a": [{"id": "s1", **sp(MACRON, "ACTOR")}], "b": []}, scheme)
    fig = agreement(c, scheme)
    assert fig.pairs[0].exact.recall == 0.0


# -- against a naive per-unit computation -------------------------------------------------------

WORDS = ["la", "coalition", "a", "dit", "qu'elle", "partira", "le", "3", "mai", "2018", ",", "Paris", "."]


def random_corpus(seed: int, n_docs: int, annotators: list[str]) -> dict[str, list[dict]]:
    rnd = random.Random(seed)
    files: dict[str, list[dict]] = {a: [] for a in annotators}
    for d in range(n_docs):
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 25)))
        toks = token_spans(text)
        base = []
        for _ in range(rnd.randint(0, 6)):
            if not toks:
                break
            i = rnd.randrange(len(toks))
            j = min(len(toks), i + rnd.randint(1, 4))
            base.append((toks[i][0], toks[j - 1][1], rnd.choice(LABELS)))
        for a in annotators:
            if rnd.random() < 0.15:
                continue  # this annotator did not do the document
            spans = {}
            for s, e, lab in base:
                r = rnd.random()
                if r < 0.2:
                    continue
                if r < 0.3:
                    lab = rnd.choice(LABELS)
                elif r < 0.4 and e - s > 1:
                    e -= 1
                spans[(s, e, lab)] = {"start": s, "end": e, "label": lab}
            files[a].append(make_record(text, list(spans.values()), id=f"d{d}", annotator=a))
    return files


def naive_unit_labels(n: int, bounds: list[tuple[int, int]], spans: list[dict]) -> list[int]:
    """Per unit (bounds: its start/end offsets) the code of the innermost overlapping span."""
    code = {lab: i + 1 for i, lab in enumerate(LABELS)}
    out = []
    for us, ue in bounds:
        over = [s for s in spans if s["start"] < ue and s["end"] > us]
        best = min(over, key=lambda s: (s["end"] - s["start"], code[s["label"]]), default=None)
        out.append(0 if best is None else code[best["label"]])
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000), st.integers(1, 6), st.sampled_from([["a", "b"], ["a", "b", "c"]]), st.sampled_from([1, 3]))
def test_figures_equal_a_naive_computation(tmp_path_factory, scheme, seed, n_docs, annotators, readers):
    """Whether the files are read whole or in parts (readers), the figures are the naive ones."""
    import krippendorff

    files = random_corpus(seed, n_docs, annotators)
    tmp = tmp_path_factory.mktemp("c")
    paths = [write(tmp, f"{a}.jsonl", r) for a, r in files.items()]
    fig = agreement(corpus_mod.from_files(paths, scheme, LABELS, readers=readers), scheme)
    recs = {a: {r["id"]: r for r in rs} for a, rs in files.items()}
    present = [a for a in annotators if recs[a]]
    docs = sorted({d for a in present for d in recs[a]}, key=lambda d: int(d[1:]))
    compared = [d for d in docs if sum(d in recs[a] for a in present) >= 2]
    tok = {a: [] for a in present}
    char = {a: [] for a in present}
    for d in compared:
        text = next(recs[a][d]["text"] for a in present if d in recs[a])
        toks = token_spans(text)
        chars = [(i, i + 1) for i in range(len(text))]
        for a in present:
            spans = recs[a][d]["spans"] if d in recs[a] else None
            tok[a] += naive_unit_labels(0, toks, spans) if spans is not None else [-1] * len(toks)
            char[a] += naive_unit_labels(0, chars, spans) if spans is not None else [-1] * len(chars)
    by_pair = {(p.a, p.b): p for p in fig.pairs}
    for (x, y), p in by_pair.items():
        pairs = [(u, v) for u, v in zip(tok[x], tok[y]) if u >= 0 and v >= 0]
        n = len(pairs)
        if n == 0:
            assert p.cohen_kappa is None
            continue
        p_o = sum(u == v for u, v in pairs) / n
        p_e = sum(sum(u == c for u, _ in pairs) * sum(v == c for _, v in pairs) for c in range(5)) / n / n
        if p_e == 1:
            assert p.cohen_kappa is None
        else:
            assert p.cohen_kappa == pytest.approx((p_o - p_e) / (1 - p_e))
    if len(present) >= 2:
        rows = [[tok[a][u] for a in present] for u in range(len(tok[present[0]])) if all(tok[a][u] >= 0 for a in present)]
        if rows:
            m = len(present)
            p_o = sum((sum(r.count(c) ** 2 for c in range(5)) - m) / (m * (m - 1)) for r in rows) / len(rows)
            p_e = sum((sum(r.count(c) for r in rows) / (len(rows) * m)) ** 2 for c in range(5))
            want = None if p_e == 1 else (p_o - p_e) / (1 - p_e)
            assert fig.fleiss_kappa == pytest.approx(want)
        data = np.array([char[a] for a in present], dtype=float)
        data[data < 0] = np.nan
        paired = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
        if np.unique(paired[~np.isnan(paired)]).size >= 2:
            want = krippendorff.alpha(reliability_data=data, value_domain=range(5), level_of_measurement="nominal")
            assert fig.krippendorff_alpha == pytest.approx(want, abs=1e-9)
        else:
            assert fig.krippendorff_alpha is None


def test_the_store_read_in_parts_gives_the_figures_of_the_files(tmp_path, scheme, store):
    """Parts of the store's documents, read by forked readers, each in its own snapshot, give
    the same corpus as the files; edits not yet folded into the stored spans are counted."""
    from annotator.importing import import_sources
    from annotator.store import RecordQuery
    from annotator.session import Session

    files = random_corpus(7, 9, ["a", "b", "c"])
    paths = [write(tmp_path, f"{a}.jsonl", r) for a, r in files.items()]
    import_sources(store, paths, scheme, "nobody")
    want = agreement(corpus_mod.from_files(paths, scheme, LABELS), scheme)
    for readers in (1, 3, 20):
        assert agreement(corpus_mod.from_store(store, scheme, LABELS, readers=readers), scheme) == want
    parts = store.parts(4)
    ids = [r.id for part in parts for r in store.iter_records(RecordQuery(part=part))]
    assert sorted(ids) == sorted(r.id for r in store.iter_records())
    doc = next(r for r in store.iter_records(RecordQuery(annotator="a")) if r.status in ("done", "in_progress"))
    Session(store, scheme, "a").add_span(doc.id, 0, 2, "ACTOR")  # an action, not yet folded in
    edited = agreement(corpus_mod.from_store(store, scheme, LABELS, readers=3), scheme)
    assert edited != want
    assert edited == agreement(corpus_mod.from_store(store, scheme, LABELS, readers=1), scheme)


def test_token_figures_from_a_forked_child_are_the_same(tmp_path, scheme, monkeypatch):
    from annotator.agreement import report

    files = random_corpus(11, 6, ["a", "b", "c"])
    corpus = corpus_mod.from_files([write(tmp_path, f"{a}.jsonl", r) for a, r in files.items()], scheme, LABELS)
    here = agreement(corpus, scheme)
    monkeypatch.setattr(report, "FORK_MIN_CHARS", 0)
    assert agreement(corpus, scheme, fork=True) == here
