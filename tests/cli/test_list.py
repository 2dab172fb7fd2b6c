"""``annotator list``: each document with its status per annotator; JSON lines when standard
output is not a terminal (or with --json), a table on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess

import orjson

from tests.cli.conftest import records, run, write_jsonl
from tests.conftest import ANNOTATOR, SCHEME_PATH


def _lines(proc):
    assert proc.returncode == 0, proc.stderr
    return [orjson.loads(x) for x in proc.stdout.splitlines()]


def _store(tmp_path):
    """d1..d3 done by alice; bob in progress on d1, with a flag; d4 nobody touched."""
    bob = records(1, "bob", "in_progress")
    bob[0]["flags"] = [{"id": "f1", "comment": "à revoir"}]
    path = write_jsonl(tmp_path / "in.jsonl", records(3) + bob + [{"id": "d4", "text": "Personne."}])
    proc = run("import", path, "--db", tmp_path / "s.db")
    assert proc.returncode == 0, proc.stderr
    return tmp_path / "s.db"


def test_every_document_with_each_annotators_work_as_json_lines(tmp_path):
    db = _store(tmp_path)
    rows = _lines(run("list", "--db", db))
    assert [r["id"] for r in rows] == ["d1", "d2", "d3", "d4"]
    assert [r["position"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["annotators"] == {"alice": {"status": "done", "spans": 1, "flags": 0},
                                     "bob": {"status": "in_progress", "spans": 1, "flags": 1}}
    assert rows[3]["annotators"] == {"alice": {"status": "todo", "spans": 0, "flags": 0},
                                     "bob": {"status": "todo", "spans": 0, "flags": 0}}
    assert run("list", "--db", db, "--json").stdout == run("list", "--db", db).stdout


def test_filters_by_annotator_and_status(tmp_path):
    db = _store(tmp_path)
    rows = _lines(run("list", "--db", db, "--annotator", "bob", "--status", "in_progress"))
    assert [(r["id"], list(r["annotators"])) for r in rows] == [("d1", ["bob"])]
    assert [r["id"] for r in _lines(run("list", "--db", db, "--status", "todo"))] == ["d2", "d3", "d4"]
    assert [r["id"] for r in _lines(run("list", "--db", db, "--annotator", "carol", "--status", "todo"))] == [
        "d1", "d2", "d3", "d4"]
    assert _lines(run("list", "--db", db, "--status", "skipped")) == []


def test_a_store_nobody_has_started(tmp_path):
    (tmp_path / "a.txt").write_text("Un article.", encoding="utf-8")
    run("import", tmp_path / "a.txt", "--db", tmp_path / "s.db")
    assert _lines(run("list", "--db", tmp_path / "s.db", "--status", "todo")) == [
        {"id": "a", "position": 1, "annotators": {}}]
    proc = run("list", "--db", tmp_path / "missing.db")
    assert proc.returncode == 1 and proc.stderr.strip() == (f"annotator: {tmp_path / 'missing.db'}: no such store "
                                                  f"(annotator import SOURCES... --db {tmp_path / 'missing.db'} makes one)")


def test_a_table_on_a_terminal_shows_ids_literally(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", records(1) + [{"id": "[bold]x\x1b", "text": "Texte."}])
    assert run("import", path, "--db", tmp_path / "s.db").returncode == 1  # a control character: refused
    path = write_jsonl(tmp_path / "in.jsonl", records(1) + [{"id": "[bold]x[/]", "text": "Texte."}])
    assert run("import", path, "--db", tmp_path / "s.db").returncode == 0
    main, tty = pty.openpty()
    try:
        proc = subprocess.run([*ANNOTATOR, "list", "--db", str(tmp_path / "s.db"), "--schema", str(SCHEME_PATH)],
                              stdout=tty, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "100"})
        os.close(tty)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end closed: all read
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(main)
    assert proc.returncode == 0, proc.stderr
    text = out.decode()
    assert "2 of 2 document(s)" in text and "alice" in text
    assert "done · 1 span(s)" in text and "todo · 0 span(s)" in text
    assert "[bold]x[/]" in text  # markup in an id is shown as it is
