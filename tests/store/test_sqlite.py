"""What only the SQLite backend has: a file, its format version and migration, files that are
not stores, damaged files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from annotator.errors import StoreError
from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.store import describe_db, migrations, open_store, resolve_db

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak."


def _doc(doc_id="d1", text=TEXT):
    return NewDocument(doc_id, text, text_sha256(text), {}, f"{doc_id}.txt")


def test_opening_dispatches_on_the_db_value(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.db"))
    assert resolve_db(None) == str(tmp_path / "env.db") and resolve_db("x.db") == "x.db"
    with open_store(None) as st:
        assert st.location == str(tmp_path / "env.db")
    with pytest.raises(StoreError, match=r"mysql://bob@db:3306/work: no store backend") as exc:
        open_store("mysql://bob:secret@db:3306/work")
    assert "secret" not in str(exc.value)
    assert describe_db("postgresql://bob:pw@host/db") == "postgresql://bob@host/db"
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "missing.db", create=False)


def test_a_file_that_is_not_a_store_gets_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not an annotator store, or damaged"):
        open_store(junk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="is an SQLite file but not an annotator store"):
        open_store(other)


def test_a_damaged_store_gets_a_clear_error_and_cli_exit_1(tmp_path, scheme):
    path = tmp_path / "s.db"
    with open_store(path) as st:
        st.add_documents([_doc(f"d{i}", TEXT * 40) for i in range(200)])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    for i in range(8192, min(len(data), 8192 + 4096 * 6)):
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        open_store(path)
    proc = subprocess.run([sys.executable, "-m", "annotator", "stats", "--db", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and str(path) in proc.stderr


def test_a_newer_store_format_is_refused(tmp_path):
    path = tmp_path / "s.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.FORMAT_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer than this annotator"):
        open_store(path)


def test_an_older_store_is_backed_up_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    with open_store(path) as st:
        st.add_documents([_doc()])
    # Pretend the code moved on to format N+1 with a migration that adds a column.
    old = migrations.FORMAT_VERSION

    def add_column(conn):
        conn.execute("ALTER TABLE documents ADD COLUMN language TEXT")

    monkeypatch.setattr(migrations, "FORMAT_VERSION", old + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, old, add_column)
    with open_store(path) as st:
        assert st.document_count() == 1
    backup = tmp_path / f"s.db.v{old}.bak"
    assert backup.exists()
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old + 1
    assert "language" in [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    conn.close()


def test_a_store_on_a_read_only_mount_reads_and_exports(tmp_path):
    """A read-only mount (no -wal/-shm can be made beside the file): opened immutable, read and
    exported; an import is one line, exit 1. Run in a user and mount namespace, where an
    unprivileged user may bind-mount a folder read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()
    with open_store(folder / "s.db") as st:
        st.add_documents([_doc("d1"), _doc("d2", "Autre texte.")])
    (tmp_path / "x.txt").write_text("Un texte de plus.")
    python = sys.executable
    script = (f"mount --bind -o ro {folder} {folder} && "
              f"{python} -c 'from annotator.store import open_store; s = open_store(\"{folder}/s.db\"); "
              f"print(\"read_only\", s.read_only, s.document_count())' && "
              f"{python} -m annotator export --db {folder}/s.db --status all --out {tmp_path}/out.jsonl; "
              f"{python} -m annotator import {tmp_path}/x.txt --db {folder}/s.db; echo import-exit $?")
    proc = subprocess.run(["unshare", "--map-root-user", "--mount", "sh", "-c", script], capture_output=True,
                          text=True)
    assert "read_only True 2" in proc.stdout, proc.stderr
    assert [line.split('"id":"')[1][:2] for line in (tmp_path / "out.jsonl").read_text().splitlines()] == ["d1",
                                                                                                            "d2"]
    assert "import-exit 1" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert f"annotator: {folder}/s.db: the store is read-only" in proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["s.db"]  # nothing was made beside it


def test_a_write_that_finds_the_store_read_only_says_so_and_changes_nothing(tmp_path, scheme):
    """Found out only by a write (here: the connection made query-only under the store): the
    StoreError of a read-only store, and ``read_only`` turns True."""
    from annotator.session import Session

    with open_store(tmp_path / "s.db") as st:
        st.add_documents([_doc()])
        alice = Session(st, scheme, "alice")
        alice.add_span("d1", 0, 27, "ACTOR")
        st._conn.execute("PRAGMA query_only = 1")
        with pytest.raises(StoreError, match="the store is read-only"):
            alice.add_span("d1", 56, 60, "ACTOR")
        assert st.read_only is True
        assert [s["text"] for s in st.load("d1", "alice").spans.values()] == ["La coalition internationale"]


def test_a_store_path_that_is_not_a_regular_file_is_refused_untouched(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (tmp_path, fifo):
        with pytest.raises(StoreError, match="is not a file"):
            open_store(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no journal made beside it


def test_a_format_1_store_gets_the_assignments_table_after_a_backup(tmp_path, scheme):
    """Format 2 adds assignments: a store written before them is backed up, migrated, and assigns."""
    from annotator.assigning import assign
    from annotator.session import Session

    path = tmp_path / "old.db"
    with open_store(path) as st:
        st.add_documents([_doc("d1"), _doc("d2", "Une autre dépêche.")])
        Session(st, scheme, "alice").add_span("d1", 0, 12, "ACTOR")
    conn = sqlite3.connect(path)  # as annotator wrote it before format 2
    for table in ("assignments", "suggestions", "suggestion_rejections"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with open_store(path) as st:
        assert len(assign(st, ["alice", "bob"], 2).pairs) == 4
        assert [s["text"] for s in st.load("d1", "alice").spans.values()] == ["La coalition"]
    backup = sqlite3.connect(tmp_path / "old.db.v1.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM sqlite_master WHERE name = 'assignments'").fetchone()[0] == 0
    backup.close()


def test_a_format_2_store_gets_the_suggestion_tables_after_a_backup(tmp_path, scheme):
    """Format 3 keeps suggestions: a store written before them is backed up, migrated, its work
    kept, and it keeps suggestions and rejections from then on."""
    from annotator.session import Session
    from annotator.store.base import SuggestionsRow

    path = tmp_path / "old.db"
    with open_store(path) as st:
        st.add_documents([_doc("d1")])
        Session(st, scheme, "alice").add_span("d1", 0, 12, "ACTOR")
    conn = sqlite3.connect(path)  # as annotator wrote it before format 3
    conn.execute("DROP TABLE suggestions")
    conn.execute("DROP TABLE suggestion_rejections")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with open_store(path) as st:
        assert [s["text"] for s in st.load("d1", "alice").spans.values()] == ["La coalition"]
        assert st.suggestions("d1", "alice").items is None
        st.save_suggestions([SuggestionsRow("d1", "alice", "[]", "rule:date", "2026-01-01T00:00:00.000Z")])
        assert st.reject_suggestion("d1", "alice", (0, 2, "DATE"))
    with open_store(path) as st:
        assert st.suggestions("d1", "alice").rejected == {(0, 2, "DATE")}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.FORMAT_VERSION == 3
    conn.close()
    backup = sqlite3.connect(tmp_path / "old.db.v2.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 2
    assert backup.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'suggestion%'").fetchone()[0] == 0
    assert backup.execute("SELECT count(*) FROM records").fetchone()[0] == 1
    backup.close()
