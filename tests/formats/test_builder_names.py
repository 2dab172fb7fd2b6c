"""Annotator names read from other tools' user fields and from file names (issue 11, item 9):
kept as they are when they can be names, otherwise read with ``_`` *and said*; two names that
would become one are a problem, never merged."""

from __future__ import annotations

import orjson

from annotator.agreement.reading import file_annotator
from annotator.errors import ProblemLog
from annotator.formats import labelstudio, prodigy
from tests.formats.fmt_helpers import SCHEME, options


def _task(who: str, text: str = "Le ministre a parlé.") -> dict:
    return {"text": text, "_annotator_id": who, "answer": "accept",
            "spans": [{"start": 3, "end": 11, "label": "ACTOR"}]}


def _read(module, path, opts):
    log = ProblemLog()
    return list(module.read(str(path), SCHEME, opts, log)), log


def test_a_unicode_user_name_is_kept_as_it_is(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(orjson.dumps(_task("news-josé")) + b"\n")
    opts = options()
    items, log = _read(prodigy, p, opts)
    assert not log, log.lines()
    assert items[0].record["annotator"] == "news-josé"
    assert not opts.notes.lines()


def test_a_user_name_that_cannot_be_a_name_is_read_with_a_note(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(orjson.dumps(_task("news-jean dupont")) + b"\n" + orjson.dumps(_task("news-jean dupont", "Autre.")
                                                                                   | {"spans": []}) + b"\n")
    opts = options()
    items, log = _read(prodigy, p, opts)
    assert not log, log.lines()
    assert {i.record["annotator"] for i in items if i.record} == {"news-jean_dupont"}
    notes = [n for n in opts.notes.lines() if "cannot be an annotator name" in n]
    assert notes == [f"{p}:1: _annotator_id: 'news-jean dupont' cannot be an annotator name (an annotator name is 1-64 "
                     "letters, digits or _.@+- (no spaces or other signs); ' ' (U+0020) is not allowed): read as "
                     "'news-jean_dupont'"]  # said once, not per task


def test_two_user_names_that_would_become_one_are_a_problem(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(orjson.dumps(_task("jean dupont")) + b"\n" + orjson.dumps(_task("jean_dupont")) + b"\n")
    _items, log = _read(prodigy, p, options())
    assert log.lines() == [f"{p}:2: _annotator_id: 'jean_dupont' and 'jean dupont' would both be read as "
                                     "annotator 'jean_dupont'; rename one of them in the file"]


def test_label_studio_completed_by_emails_and_ids_are_names(tmp_path):
    task = {"data": {"text": "Le ministre a parlé."}, "annotations": [
        {"completed_by": {"email": "hélène@example.org"}, "result": []},
        {"completed_by": 7, "result": []}]}
    p = tmp_path / "ls.json"
    p.write_bytes(orjson.dumps([task]))
    items, log = _read(labelstudio, p, options())
    assert not log, log.lines()
    assert sorted(i.record["annotator"] for i in items if i.record) == ["hélène@example.org", "user-7"]


def test_an_envelope_naming_an_impossible_annotator_is_a_problem_not_ignored(tmp_path):
    task = _task("alice") | {"annotator_record": {"v": 1, "id": "d1", "annotator": "bob smith"}}
    p = tmp_path / "in.jsonl"
    p.write_bytes(orjson.dumps(task) + b"\n")
    _items, log = _read(prodigy, p, options())
    assert any("annotator_record.annotator" in str(x) and "' ' (U+0020) is not allowed" in str(x) for x in log.lines())


def test_a_file_name_labels_its_records_as_it_is():
    assert file_annotator("runs/josé.jsonl") == "josé"
    assert file_annotator("a b.jsonl") != file_annotator("a_b.jsonl")  # once both became a_b
