"""Big JSONL files are validated by forked children; the verdicts are those of the in-process path."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from annotator.errors import InvalidData
from annotator.formats import parallel
from annotator.formats.jsonl import read_jsonl
from annotator.errors import ProblemLog
from annotator.importing import import_sources
from tests.conftest import ANNOTATOR, SCHEME_PATH, make_record

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs fork and two cores")


def _lines(n: int, bad: dict[int, bytes]) -> bytes:
    out = []
    for i in range(1, n + 1):
        if i in bad:
            out.append(bad[i])
        else:
            text = f"Texte numéro {i} de la coalition."
            out.append(orjson.dumps(make_record(text, [{"start": 0, "end": 5, "label": "ACTOR"}], id=f"d{i}")))
    return b"\n".join(out) + b"\n"


BAD = {
    7: b"not json",
    50: orjson.dumps(make_record("abc", [{"start": 0, "end": 9, "label": "ACTOR"}], id="x50")),
    120: orjson.dumps(make_record("Texte numéro 3 de la coalition.", [{"start": 0, "end": 5, "label": "ACTOR"}], id="d3")),
    199: b'{"id": 5, "text": "t"}',
}


def _sequential(path) -> list[str]:
    log = ProblemLog(limit=1000)
    with open(path, "rb") as f:
        list(read_jsonl(f, str(path), _scheme(), "bob", log))
    return sorted(str(p) for p in log.kept)


def _scheme():
    from annotator.schema import load_scheme

    return load_scheme(SCHEME_PATH)


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_parallel_check_finds_what_the_sequential_one_finds(tmp_path, parts):
    path = tmp_path / "big.jsonl"
    path.write_bytes(_lines(200, BAD))
    problems, total = parallel.start_check(str(path), _scheme(), "bob", parts=parts, limit=1000).result(1000)
    assert sorted(str(p) for p in problems) == _sequential(path)
    assert total == len(problems) == 4  # including the duplicate d3 (line 120 repeats line 3)


def test_split_points_start_lines(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"a\nbb\nccc\ndddd\n" * 10)
    parts = parallel.split(str(path), 3)
    data = path.read_bytes()
    assert parts[0][0] == 0 and parts[-1][1] == len(data)
    for start, end, first in parts:
        assert start == 0 or data[start - 1:start] == b"\n"
        assert data[:start].count(b"\n") + 1 == first


def test_import_of_a_big_file_with_bad_lines_is_rolled_back(tmp_path, store, scheme, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    path = tmp_path / "big.jsonl"
    path.write_bytes(_lines(200, BAD))
    with pytest.raises(InvalidData) as exc:
        import_sources(store, [path], scheme, "bob")
    assert exc.value.total == 4
    assert store.document_count() == 0
    good = tmp_path / "good.jsonl"
    good.write_bytes(_lines(200, {}))
    result = import_sources(store, [good], scheme, "bob")
    assert result.summary.records_added == 200 and store.document_count() == 200
    # --skip-invalid takes the in-order path and keeps the good lines of the bad file
    result = import_sources(store, [path], scheme, "carol", skip_invalid=True)
    assert result.problems.total == 4


def test_validate_command_on_a_big_file(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(_lines(60_000, {59_999: b"[]"}))
    assert path.stat().st_size > parallel.PARALLEL_MIN_BYTES
    proc = subprocess.run([*ANNOTATOR, "validate", str(path), "--schema", str(SCHEME_PATH)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.strip() == f"{path}:59999: expected a JSON object, found an array"
    assert "59999 valid line(s), 1 problem(s)" in proc.stderr
