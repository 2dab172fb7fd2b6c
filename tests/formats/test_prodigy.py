"""Prodigy: tokens rebuild the text, token_end inclusive, relations on last tokens, answers."""

from __future__ import annotations

import orjson

from annotator.formats import prodigy
from annotator.errors import ProblemLog
from tests.formats.fmt_helpers import SCHEME, TRICKY, options, record, sample_records, same_records, span, write_read


def read(path, **kw):
    log = ProblemLog()
    opts = options(**kw)
    return list(prodigy.read(str(path), SCHEME, opts, log)), log, opts


def test_roundtrip_is_identity_and_tokens_rebuild_text(tmp_path):
    recs = sample_records()
    report, items, log, _ = write_read("prodigy", recs, tmp_path / "p.jsonl")
    assert not log, log.lines()
    same_records(recs, items)
    for line, rec in zip((tmp_path / "p.jsonl").read_bytes().splitlines(), recs):
        task = orjson.loads(line)
        assert "".join(t["text"] + (" " if t["ws"] else "") for t in task["tokens"]) == rec["text"]
        for s in task["spans"]:
            assert task["tokens"][s["token_start"]]["start"] == s["start"]
            assert task["tokens"][s["token_end"]]["end"] == s["end"]  # token_end is inclusive
        for r in task["relations"]:
            assert r["head"] == r["head_span"]["token_end"] and r["child"] == r["child_span"]["token_end"]
        assert isinstance(task["_input_hash"], int) and task["answer"] == "accept"


def test_same_text_same_input_hash(tmp_path):
    t = TRICKY["quotes"]
    recs = [record("d", t, [], annotator="a"), record("d", t, [span("x", t, "le ministre", "ACTOR")], annotator="b")]
    prodigy.write(iter(recs), str(tmp_path / "p.jsonl"), SCHEME, options())
    a, b = (orjson.loads(x) for x in (tmp_path / "p.jsonl").read_bytes().splitlines())
    assert a["_input_hash"] == b["_input_hash"] and a["_task_hash"] != b["_task_hash"]


def test_foreign_tasks_answers_and_relations_by_token(tmp_path):
    text = "« Non », dit Paul."
    toks = [{"text": "«", "start": 0, "end": 1, "id": 0, "ws": True}, {"text": "Non", "start": 2, "end": 5, "id": 1, "ws": True},
            {"text": "»", "start": 6, "end": 7, "id": 2, "ws": False}, {"text": ",", "start": 7, "end": 8, "id": 3, "ws": True},
            {"text": "dit", "start": 9, "end": 12, "id": 4, "ws": True}, {"text": "Paul", "start": 13, "end": 17, "id": 5, "ws": False},
            {"text": ".", "start": 17, "end": 18, "id": 6, "ws": False}]
    good = {"text": text, "tokens": toks, "_input_hash": -123, "_task_hash": 9, "_annotator_id": "news-paul", "answer": "accept",
            "spans": [{"start": 0, "end": 7, "token_start": 0, "token_end": 2, "label": "QUOTE"},
                      {"token_start": 5, "token_end": 5, "label": "PER"}],
            "relations": [{"head": 2, "child": 5, "label": "SPEAKER"}]}
    p = tmp_path / "in.jsonl"
    lines = [good, {**good, "answer": "ignore"}, {**good, "answer": "reject", "_annotator_id": "x"}]
    p.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    items, log, opts = read(p, label_map=_map(("PER", "ACTOR")))
    assert not log, log.lines()
    assert len(items) == 1
    rec = items[0].record
    assert items[0].document.id == "prodigy--123" and rec["annotator"] == "news-paul"
    assert items[0].document.meta["prodigy"]["_task_hash"] == 9
    q = next(s for s in rec["spans"] if s["label"] == "QUOTE")
    a = next(s for s in rec["spans"] if s["label"] == "ACTOR")
    assert q["attrs"] == {"speaker": a["id"]} and a["text"] == "Paul"
    notes = opts.notes.lines()
    assert any("answered 'ignore': skipped" in n for n in notes) and any("answered 'reject'" in n for n in notes)


def _map(*pairs):
    from annotator.formats.common import known_names
    from annotator.formats.labelmap import LabelMap

    return LabelMap(pairs, known=known_names(SCHEME))


def test_inconsistent_token_offsets_are_problems(tmp_path):
    text = "Paul dit."
    toks = [{"text": "Paul", "start": 0, "end": 4, "id": 0, "ws": True}, {"text": "dit", "start": 5, "end": 8, "id": 1, "ws": False}]
    p = tmp_path / "bad.jsonl"
    p.write_bytes(orjson.dumps({"text": text, "tokens": toks, "spans": [
        {"start": 0, "end": 8, "token_start": 0, "token_end": 0, "label": "ACTOR"}]}) + b"\n"
        + orjson.dumps({"text": text, "spans": [{"start": 0, "end": 4, "label": "ACTOR", "text": "Pual"}]}) + b"\n"
        + orjson.dumps({"text": text, "answer": "maybe"}) + b"\n")
    items, log, _ = read(p)
    lines = log.lines()
    assert not items
    assert f"{p}:1: spans[0]: start/end 0:8 disagree with tokens 0..0" in lines[0]
    assert f"{p}:2: spans[0].text: 'Pual' is not the text" in lines[1]
    assert f"{p}:3: answer:" in lines[2]


def _reference_tokens(text, spans, words=None):
    """prodigy_tokens as it was before its hot path was made faster (issue 11): the reference."""
    from bisect import bisect_left, bisect_right

    from annotator.formats.common import cut_tokens

    starts = {s["start"] for s in spans}
    ends = {s["end"] for s in spans}
    edges = sorted(starts | ends)
    toks = []

    def add(a, b):
        toks.append({"text": text[a:b], "start": a, "end": b, "id": len(toks), "ws": False})

    def gap(a, b):
        cuts = [a, *edges[bisect_right(edges, a):bisect_left(edges, b)], b]
        first = True
        for x, y in zip(cuts, cuts[1:]):
            if first and toks and toks[-1]["end"] == x and text[x] == " " and x not in starts and x + 1 not in ends:
                toks[-1]["ws"] = True
                x += 1
            first = False
            if x < y:
                add(x, y)

    pos = 0
    for a, b in cut_tokens(text, edges, tokens=words):
        if a > pos:
            gap(pos, a)
        add(a, b)
        pos = b
    if pos < len(text):
        gap(pos, len(text))
    return toks


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab é'-.,\n\r\t\u00a01«»", max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)),
                                                                    max_size=5))
def test_the_faster_tokens_are_the_reference_tokens(text, cuts):
    spans = [{"start": min(a, b), "end": max(a, b)} for a, b in cuts if min(a, b) < max(a, b) <= len(text)]
    assert prodigy.prodigy_tokens(text, spans) == _reference_tokens(text, spans)
    for t in TRICKY.values():
        assert prodigy.prodigy_tokens(t, []) == _reference_tokens(t, [])
