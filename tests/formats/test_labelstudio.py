"""Label Studio: tasks array / JSON lines, relations, cancelled annotations, predictions, UTF-16 check."""

from __future__ import annotations

import orjson

from annotator.formats import labelstudio
from annotator.errors import ProblemLog
from tests.formats.fmt_helpers import SCHEME, options, record, sample_records, same_records, span, write_read


def read(path, **kw):
    log = ProblemLog()
    opts = options(**kw)
    return list(labelstudio.read(str(path), SCHEME, opts, log)), log, opts


def test_roundtrip_is_identity(tmp_path):
    recs = sample_records()
    report, items, log, _ = write_read("label-studio", recs, tmp_path / "ls.json")
    assert not log, log.lines()
    same_records(recs, items)
    tasks = orjson.loads((tmp_path / "ls.json").read_bytes())
    assert isinstance(tasks, list) and len(tasks) == 4
    rel = [r for r in tasks[0]["annotations"][0]["result"] if r.get("type") == "relation"]
    assert rel == [{"from_id": "q1", "to_id": "a1", "type": "relation", "direction": "right", "labels": ["speaker"]}]


def test_two_annotators_share_one_task(tmp_path):
    t = "Paul parle."
    recs = [record("d", t, [span("a", t, "Paul", "ACTOR")], annotator="alice"), record("d", t, [], annotator="bob")]
    report, items, log, _ = write_read("label-studio", recs, tmp_path / "ls.json")
    tasks = orjson.loads((tmp_path / "ls.json").read_bytes())
    assert len(tasks) == 1 and len(tasks[0]["annotations"]) == 2
    same_records(recs, items)


def test_as_predictions_both_ways(tmp_path):
    recs = sample_records()[:1]
    report, items, log, opts = write_read("label-studio", recs, tmp_path / "p.json", as_predictions=True)
    task = orjson.loads((tmp_path / "p.json").read_bytes())[0]
    assert "predictions" in task and "annotations" not in task
    assert {s["source"] for s in items[0].record["spans"]} == {"prediction"}
    # read without --as-predictions: predictions are said to be skipped
    items, log, opts = read(tmp_path / "p.json")
    assert items and items[0].record is None
    assert any("prediction(s) not imported (--as-predictions" in n for n in opts.notes.lines())


def test_foreign_task_cancelled_and_multilabel_and_left_relation(tmp_path):
    text = "« Non », dit Marie Curie."
    task = {"id": 12, "data": {"text": text, "source": "LeMonde"}, "annotations": [
        {"id": 1, "was_cancelled": True, "result": []},
        {"id": 2, "completed_by": {"email": "marie@example.org"}, "result": [
            {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 7, "text": "« Non »", "labels": ["QUOTE"]}},
            {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 13, "end": 24, "text": "Marie Curie", "labels": ["PER"]}},
            {"from_id": "r2", "to_id": "r1", "type": "relation", "direction": "left", "labels": []},
            {"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["neg"]}},
        ]}]}
    p = tmp_path / "t.json"
    p.write_bytes(orjson.dumps([task], option=orjson.OPT_INDENT_2))
    items, log, opts = read(p, label_map=_map(("PER", "ACTOR")))
    assert not log, log.lines()
    rec = items[0].record
    assert items[0].document.id == "12" and items[0].document.meta == {"source": "LeMonde"}
    assert rec["annotator"] == "marie@example.org"
    q = next(s for s in rec["spans"] if s["label"] == "QUOTE")
    assert q["attrs"]["speaker"] == "r2" and q["id"] == "r1"
    notes = "\n".join(opts.notes.lines())
    assert "cancelled annotation 1 skipped" in notes and "not a text span" in notes


def _map(*pairs):
    from annotator.formats.common import known_names
    from annotator.formats.labelmap import LabelMap

    return LabelMap(pairs, known=known_names(SCHEME))


def test_old_utf16_export_is_refused_with_a_hint_then_read_with_offsets_utf16(tmp_path):
    # label-studio issue #1347: 💩This is an annotation. exported 13-23 instead of 12-22
    text = "💩This is an annotation."
    task = {"data": {"text": text}, "annotations": [{"result": [
        {"id": "x", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 13, "end": 23, "text": "annotation", "labels": ["ACTOR"]}}]}]}
    p = tmp_path / "old.json"
    p.write_bytes(orjson.dumps([task]))
    items, log, _ = read(p)
    assert not items
    assert "use --offsets utf16" in log.lines()[0] and "old.json:1: annotations[0].result[0].value.text" in log.lines()[0]
    items, log, _ = read(p, offsets="utf16")
    assert not log and items[0].record["spans"][0]["text"] == "annotation"


def test_squeezed_whitespace_in_value_text_is_accepted(tmp_path):
    text = "Berlin,  Germany"
    task = {"data": {"text": text}, "annotations": [{"result": [
        {"id": "x", "type": "labels", "value": {"start": 0, "end": 16, "text": "Berlin, Germany", "labels": ["ACTOR"]}}]}]}
    p = tmp_path / "w.jsonl"
    p.write_bytes(orjson.dumps(task) + b"\n")
    items, log, _ = read(p)
    assert not log and items[0].record["spans"][0]["text"] == text


def test_json_errors_are_located(tmp_path):
    p = tmp_path / "bad.json"
    p.write_bytes(b'[\n {"data": {"text": "a"}},\n {"data": {"text": NaN}}\n]\n')
    items, log, _ = read(p)
    assert log.lines()[0].startswith(f"{p}:3: not valid JSON")
    p.write_bytes(b'[\n {"data": {"text": "a"}},\n {"data": 3}\n')
    items, log, _ = read(p)
    assert any(":3: data: missing" in l for l in log.lines())
    assert any("not closed" in l for l in log.lines())
