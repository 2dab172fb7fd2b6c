"""Every kind of bad input named in the core issue gets a clear FILE:LINE: field: message,
a file with bad lines is rejected whole (the store is unchanged), and --skip-invalid imports the rest."""

from __future__ import annotations

import copy
import io
import subprocess

import orjson
import pytest

from annotator.formats.jsonl import read_jsonl
from annotator.errors import ProblemLog
from tests.conftest import ANNOTATOR, SCHEME_PATH, make_record

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak."
GOOD = make_record(TEXT, [
    {"start": 0, "end": 27, "label": "ACTOR", "attrs": {"kind": "coalition"}},
    {"start": 39, "end": 49, "label": "QUANTITY", "attrs": {"value": 75, "unit": "membres"}},
    {"start": 37, "end": 51, "label": "QUOTE", "attrs": {"speaker": "s1", "mode": "direct"}},
])


def _mutated(fn) -> bytes:
    rec = copy.deepcopy(GOOD)
    fn(rec)
    return orjson.dumps(rec)


def _problems(data: bytes, good_lines: int = 0) -> list[str]:
    log = ProblemLog()
    items = list(read_jsonl(io.BytesIO(data), "in.jsonl", _scheme(), "bob", log))
    assert len(items) == good_lines, "a line with a problem is never yielded as an item"
    return [str(p) for p in log.kept]


_SCHEME = None


def _scheme():
    global _SCHEME
    if _SCHEME is None:
        from annotator.schema import load_scheme

        _SCHEME = load_scheme(SCHEME_PATH)
    return _SCHEME


def test_a_good_record_is_read():
    log = ProblemLog()
    items = list(read_jsonl(io.BytesIO(orjson.dumps(GOOD)), "in.jsonl", _scheme(), "bob", log))
    assert not log and len(items) == 1
    assert items[0].record["annotator"] == "alice"
    assert [s["id"] for s in items[0].record["spans"]] == ["s1", "s2", "s3"]


def _set_span(i, **kw):
    return lambda r: r["spans"][i].update(kw)


def _set_attr(i, **kw):
    return lambda r: r["spans"][i]["attrs"].update(kw)


CASES = [
    ("not json", b"{nope", "in.jsonl:1: not valid JSON"),
    ("not an object", b"[1, 2]", "in.jsonl:1: expected a JSON object, found an array"),
    ("a string", b'"text"', "in.jsonl:1: expected a JSON object, found a string"),
    ("missing field", _mutated(lambda r: r.pop("text")), "in.jsonl:1: text: missing field"),
    ("wrong type", _mutated(lambda r: r.update(schema_version="1")), "in.jsonl:1: schema_version: Input should be a valid integer"),
    ("start as float", _mutated(_set_span(0, start=0.0)), "in.jsonl:1: spans[0].start: Input should be a valid integer"),
    ("NaN", orjson.dumps(GOOD).replace(b'"value":75', b'"value":NaN'), "in.jsonl:1: not valid JSON (NaN and Infinity"),
    ("Infinity", orjson.dumps(GOOD).replace(b'"value":75', b'"value":Infinity'), "in.jsonl:1: not valid JSON (NaN and Infinity"),
    ("too deep", b'{"id": "x", "text": "a", "meta": ' + b'{"a": ' * 70 + b"1" + b"}" * 70 + b"}", "in.jsonl:1: JSON nested deeper than 64 levels"),
    ("invalid utf-8", b'{"id": "x", "text": "caf\xc3"}', "in.jsonl:1: invalid UTF-8 at byte 24 of the file"),
    ("lone surrogate", b'{"id": "x", "text": "a\\ud800b"}', "in.jsonl:1: not valid JSON: lone surrogate"),
    ("span past the end", _mutated(_set_span(0, end=999)), "in.jsonl:1: spans[0].end: end 999 is past the end of the text (61 characters)"),
    ("start >= end", _mutated(_set_span(0, start=27)), "in.jsonl:1: spans[0].end: end 27 must be greater than start 27"),
    ("negative start", _mutated(_set_span(0, start=-1)), "in.jsonl:1: spans[0].start: Input should be greater than or equal to 0"),
    ("text differs", _mutated(_set_span(0, text="La Coalition internationale")), "in.jsonl:1: spans[0].text: 'La Coalition internationale' differs from the document text at 0:27"),
    ("unknown label", _mutated(_set_span(0, label="PERSON")), "in.jsonl:1: spans[0].label: unknown label 'PERSON'"),
    ("attr wrong type", _mutated(_set_attr(1, value="75")), "in.jsonl:1: spans[1].attrs.value: must be a number, not str"),
    ("unknown choice", _mutated(_set_attr(0, kind="alien")), "in.jsonl:1: spans[0].attrs.kind: Input should be 'person'"),
    ("unknown attribute", _mutated(_set_attr(0, colour="red")), "in.jsonl:1: spans[0].attrs.colour: unknown field"),
    ("ref to missing span", _mutated(_set_attr(2, speaker="s9")), "in.jsonl:1: spans[2].attrs.speaker: refers to span 's9', which does not exist"),
    ("ref to wrong label", _mutated(_set_attr(2, speaker="s2")), "in.jsonl:1: spans[2].attrs.speaker: refers to span 's2', a QUANTITY; it must be a ACTOR"),
    ("sha mismatch", _mutated(lambda r: r.update(text_sha256="0" * 64)), "in.jsonl:1: text_sha256: does not match the text"),
    ("duplicate span ids", _mutated(_set_span(1, id="s1")), "in.jsonl:1: spans[1].id: duplicate span id 's1'"),
    ("same start end label", _mutated(lambda r: r["spans"].append({**r["spans"][0], "id": "s4"})), "in.jsonl:1: spans[3]: same start, end and label as span 's1'"),
    ("bad status", _mutated(lambda r: r.update(status="finished")), "in.jsonl:1: status: Input should be 'todo'"),
    ("unknown field", _mutated(lambda r: r.update(colour=1)), "in.jsonl:1: colour: unknown field"),
]


@pytest.mark.parametrize("name,line,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_line_is_reported_with_file_line_and_field(name, line, expected):
    problems = _problems(line)
    assert any(p.startswith(expected) for p in problems), problems


def test_line_over_the_limit_is_reported_and_the_next_line_still_read():
    from annotator.files.lines import MAX_LINE_BYTES

    big = b'{"id": "x", "text": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}'
    data = big + b"\n" + orjson.dumps(GOOD) + b"\n"
    log = ProblemLog()
    items = list(read_jsonl(io.BytesIO(data), "in.jsonl", _scheme(), "bob", log))
    assert [str(p) for p in log.kept] == [f"in.jsonl:1: line longer than {MAX_LINE_BYTES >> 20} MiB"]
    assert len(items) == 1 and items[0].line == 2


def test_same_document_and_annotator_twice_in_one_file():
    data = orjson.dumps(GOOD) + b"\n" + orjson.dumps(GOOD) + b"\n"
    assert _problems(data, good_lines=1) == ["in.jsonl:2: id: document 'doc1' of annotator 'alice' is already on line 1"]


def test_invalid_utf8_offset_counts_bytes_of_earlier_lines():
    data = orjson.dumps(GOOD) + b"\n" + b'{"id": "\xff"}\n'
    offset = len(orjson.dumps(GOOD)) + 1 + 8
    assert _problems(data, good_lines=1) == [
        f"in.jsonl:2: invalid UTF-8 at byte {offset} of the file: annotator reads UTF-8; if the file is Latin-1 or "
        "Windows-1252, convert it first: iconv -f WINDOWS-1252 -t UTF-8 in.jsonl > in.utf8.jsonl"]


# -- through the command line: the store is unchanged, every bad line listed ------------------------


def _run(*args, cwd):
    return subprocess.run([*ANNOTATOR, *args, "--schema", str(SCHEME_PATH)], capture_output=True, text=True, cwd=cwd)


def test_file_with_bad_lines_is_rejected_whole_and_store_unchanged(tmp_path):
    good2 = make_record("Un autre texte.", id="doc2")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(orjson.dumps(GOOD) + b"\nnot json\n" + orjson.dumps(good2) + b"\n[]\n")
    proc = _run("import", str(path), "--db", "s.db", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert f"{path}:2: not valid JSON" in proc.stderr
    assert f"{path}:4: expected a JSON object" in proc.stderr
    assert "Traceback" not in proc.stderr
    stats = _run("stats", "--db", "s.db", "--json", cwd=tmp_path)
    assert orjson.loads(stats.stdout)["documents"] == 0

    proc = _run("import", str(path), "--db", "s.db", "--skip-invalid", cwd=tmp_path)
    assert proc.returncode == 1
    assert "2 new document(s)" in proc.stderr and f"{path}:2: not valid JSON" in proc.stderr
    assert orjson.loads(_run("stats", "--db", "s.db", "--json", cwd=tmp_path).stdout)["documents"] == 2


def test_only_the_first_50_problems_are_listed_then_a_count(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"nope\n" * 120)
    proc = _run("import", str(path), "--db", "s.db", cwd=tmp_path)
    assert proc.returncode == 1
    listed = [ln for ln in proc.stderr.splitlines() if ": not valid JSON" in ln]
    assert len(listed) == 50
    assert "... and 70 more problem(s)" in proc.stderr


def test_validate_prints_every_problem_and_exits_1(tmp_path):
    path = tmp_path / "v.jsonl"
    path.write_bytes(b"\n".join(line for _n, line, _e in CASES[:6]) + b"\n" + orjson.dumps(GOOD) + b"\n")
    proc = _run("validate", str(path), cwd=tmp_path)
    assert proc.returncode == 1
    for i, (_n, _line, expected) in enumerate(CASES[:6], 1):
        assert expected.replace("in.jsonl:1:", f"{path}:{i}:") in proc.stdout
    assert "1 valid line(s)" in proc.stderr
    ok = tmp_path / "ok.jsonl"
    ok.write_bytes(orjson.dumps(GOOD) + b"\n")
    assert _run("validate", str(ok), cwd=tmp_path).returncode == 0


def test_usage_errors_exit_2(tmp_path):
    proc = subprocess.run([*ANNOTATOR, "export", "--status", "finished"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    proc = subprocess.run([*ANNOTATOR, "frobnicate"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2


@pytest.mark.parametrize("cmd", ["import", "export", "validate", "stats", "schema", "annotate"])
def test_every_command_has_help(cmd):
    proc = subprocess.run([*ANNOTATOR, cmd, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "usage: annotator" in proc.stdout
