"""Bad input never raises: arbitrary JSON shaped like each format goes to problems or notes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats import registry
from annotator.errors import ProblemLog
from tests.formats.fmt_helpers import SCHEME, options

scalars = st.none() | st.booleans() | st.integers(-3, 40) | st.sampled_from(["", "ACTOR", "QUOTE", "speaker", "x", "T1", "r1"])
values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(
    st.sampled_from(["start", "end", "label", "id", "text", "labels", "value", "from_id", "to_id", "type", "head",
                     "child", "token_start", "token_end", "start_offset", "end_offset", "attrs", "spans"]), c, max_size=5),
    max_leaves=12)
TEXT = "« Oui », dit Paul 😀."


def task(keys):
    return st.fixed_dictionaries({}, optional={k: values for k in keys}).map(lambda d: {"text": TEXT, **d})


SHAPES = {
    "prodigy": task(["tokens", "spans", "relations", "answer", "meta", "_annotator_id", "annotator_record"]),
    "doccano": task(["id", "label", "entities", "relations", "annotator_record"]),
    "label-studio": st.fixed_dictionaries({"data": st.just({"text": TEXT}) | values},
                                          optional={"annotations": values, "predictions": values, "meta": values,
                                                    "id": values}),
}


@pytest.mark.parametrize("fmt", list(SHAPES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_json_readers_never_raise(fmt, data):
    rows = data.draw(st.lists(SHAPES[fmt], min_size=1, max_size=3))
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "in.jsonl"
        p.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
        log = ProblemLog()
        items = list(registry.get_format(fmt).read()(str(p), SCHEME, options(), log))
        for it in items:
            SCHEME.validate_record({**it.record, "id": it.document.id, "text": it.document.text,
                                    "text_sha256": it.document.text_sha256, "meta": it.document.meta,
                                    "schema": SCHEME.name, "schema_version": SCHEME.version} if it.record else None) \
                if it.record else None


ann_lines = st.lists(st.sampled_from([
    "T1\tACTOR 0 1\t«", "T2\tQUOTE 0 7;8 9\t« Oui » ,", "T3\tACTOR 13 17\tPaul", "R1\tSpeaker Arg1:T2 Arg2:T3",
    "R2\tSpeaker Arg1:T3", "A1\tkind T3 person", "A2\tkind T9 x", "A3\tmode T2 loud", "#1\tAnnotatorNotes T3\t{\"value\": 3}",
    "#2\tAnnotatorNotes T1\t[1]", "E1\tX:T1", "T4\tACTOR 99 100\tzz", "T5\tACTOR a b\tx", "\t", "T6", "R3\tSpeaker Arg1:T2 Arg2:T2",
    "T7\tACTOR 18 20\t😀", "N1\tReference T3 Wikidata:Q1\tPaul",
]), max_size=8)


@settings(max_examples=150, deadline=None)
@given(lines=ann_lines, split=st.booleans())
def test_brat_reader_never_raises(lines, split):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "d.txt").write_text(TEXT, encoding="utf-8")
        (Path(tmp) / "d.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
        log = ProblemLog()
        list(registry.get_format("brat").read()(tmp, SCHEME, options(split_discontinuous=split), log))


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.sampled_from(["Paul B-ACTOR", "Paul I-ACTOR", "x O", "-DOCSTART- -X- O O", "", "y L-ACTOR",
                                       "z U-QUOTE", "w", "v B-", "é E-DATE S-DATE"]), max_size=12),
       tags=st.sampled_from(["iob1", "iob2", "bilou"]))
def test_conll_reader_never_raises(lines, tags):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.conll"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        list(registry.get_format("conll").read()(str(p), SCHEME, options(tags=tags), ProblemLog()))


@pytest.mark.parametrize(("fmt", "row", "expected"), [
    ("doccano", {"text": TEXT, "entities": [{"id": [1], "label": "ACTOR", "start_offset": 0, "end_offset": 1}]},
     "entities[0]: the id '[1]' must be a string or a number"),
    ("doccano", {"text": TEXT, "entities": [], "relations": [{"from_id": [1], "to_id": {"a": 1}, "type": "speaker"}]},
     "relations[0]: a relation's ends must be ids"),
    ("doccano", {"text": TEXT, "label": [[0, 1, "ACTOR"]], "annotator_record": {"spans": [[[0], 1, "ACTOR", {}]]}},
     "annotator_record.spans[0]: expected [start, end, label, {extras}]"),
    ("doccano", {"text": TEXT, "label": [[0, 1, 7]]}, "label[0]: expected integer start and end offsets and a label name"),
    ("label-studio", {"data": {"text": TEXT}, "annotations": [{"result": [
        {"id": ["x"], "type": "labels", "value": {"start": 0, "end": 1, "labels": ["ACTOR"]}}]}]}, "must be a string or a number"),
    ("label-studio", {"data": {"text": TEXT}, "annotations": [{"result": [
        {"id": "x", "type": "labels", "value": {"start": 0, "end": 1, "labels": [5]}}]}]}, "a label must be a string"),
    ("label-studio", {"data": {"text": TEXT}, "annotations": [], "meta": {"annotator_record": [5]}}, None),
    ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 1, "label": "ACTOR"}], "relations": [{"head": [0], "child": 1}]},
     "relations[0]: needs head and child"),
    ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 1, "label": "ACTOR"}], "annotator_record": {"status": 3}},
     "status"),
])
def test_regressions(tmp_path, fmt, row, expected):
    p = tmp_path / "in.jsonl"
    p.write_bytes(orjson.dumps(row) + b"\n")
    log = ProblemLog()
    items = list(registry.get_format(fmt).read()(str(p), SCHEME, options(), log))
    if expected is None:
        assert not log and items
    else:
        assert not items and any(expected in line for line in log.lines()), log.lines()
        assert all(line.startswith(f"{p}:1: ") for line in log.lines())
