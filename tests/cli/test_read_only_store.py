"""A store that cannot be written (immutable file, read-only mount, no permission): reading
commands work on it, a writing one says so in one line and exits 1."""

from __future__ import annotations

import orjson

from tests.cli.conftest import records, run, write_jsonl
from tests.store.conftest import Backend


def test_import_into_a_read_only_store_is_one_line_and_export_works(db, tmp_path):
    more = write_jsonl(tmp_path / "more.jsonl", records(4, annotator="bob"))
    with Backend(tmp_path).read_only(str(db)):
        proc = run("import", more, "--db", db)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines()[-1] == (
            f"annotator: {db}: the store is read-only (its file or folder cannot be written: permissions, an "
            "immutable file or a read-only mount); nothing was changed")

        proc = run("export", "--db", db, "--out", tmp_path / "out.jsonl")
        assert proc.returncode == 0, proc.stderr
        assert [orjson.loads(line)["annotator"] for line in (tmp_path / "out.jsonl").read_bytes().splitlines()] == [
            "alice"] * 3
        proc = run("stats", "--db", db, "--json")
        assert proc.returncode == 0 and orjson.loads(proc.stdout)["documents"] == 3, proc.stderr
