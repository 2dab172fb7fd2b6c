"""The SQLite store: durable actions, undo/redo from the log (also after a restart), per-annotator
work, two processes at once, kill -9, format version and migration, files that are not stores."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import orjson
import pytest

from annotator.errors import ActionRefused, InvalidData, StoreError
from annotator.model import text_sha256
from annotator.session import Session
from annotator.model.types import NewDocument
from annotator.store import open_store
from annotator.formats.jsonl import record_line
from annotator.store import migrations
from annotator.store import history as history_mod
from annotator.store import sqlite as sqlite_mod

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak."


def _doc(doc_id="d1", text=TEXT):
    return NewDocument(doc_id, text, text_sha256(text), {}, f"{doc_id}.txt")


@pytest.fixture
def session(store, scheme):
    store.add_documents([_doc()])
    return Session(store, scheme, "alice")


def test_add_remove_and_attributes_go_through_the_rules(session):
    ch = session.add_span("d1", 0, 27, "ACTOR", {"kind": "coalition"})
    assert ch.record.spans["s1"]["text"] == "La coalition internationale"
    assert ch.record.status == "in_progress"
    with pytest.raises(ActionRefused) as exc:
        session.add_span("d1", 0, 27, "ACTOR")
    assert exc.value.field == "label"
    with pytest.raises(ActionRefused) as exc:
        session.add_span("d1", 5, 500, "DATE")
    assert exc.value.field == "end"
    with pytest.raises(ActionRefused) as exc:
        session.set_attrs("d1", "s1", {"kind": "alien"})
    assert exc.value.field == "attrs.kind"
    q = session.add_span("d1", 37, 51, "QUOTE", {"speaker": "s1"})
    assert q.record.spans["s2"]["attrs"] == {"speaker": "s1"}
    with pytest.raises(ActionRefused, match="must be a ACTOR"):
        session.add_span("d1", 39, 49, "QUOTE", {"speaker": "s2"})
    with pytest.raises(ActionRefused, match="does not exist"):
        session.set_attrs("d1", "s2", {"speaker": "s9"})
    # removing the speaker clears the quote's link in the same action, and undo restores both
    removed = session.remove_span("d1", "s1")
    assert "s1" not in removed.record.spans and removed.record.spans["s2"]["attrs"] == {}
    back = session.undo("d1")
    assert back.record.spans["s2"]["attrs"] == {"speaker": "s1"} and "s1" in back.record.spans


def test_undo_and_redo_survive_a_restart(tmp_path, scheme):
    path = tmp_path / "s.db"
    with open_store(path) as st:
        st.add_documents([_doc()])
        s = Session(st, scheme, "alice")
        s.add_span("d1", 0, 27, "ACTOR")
        s.add_span("d1", 39, 49, "QUANTITY", {"value": 75})
        s.add_span("d1", 56, 60, "ACTOR")
        s.undo("d1")
    with open_store(path) as st:
        s = Session(st, scheme, "alice")
        assert sorted(s.record("d1").spans) == ["s1", "s2"]
        s.undo("d1")
        assert sorted(s.record("d1").spans) == ["s1"]
    with open_store(path) as st:
        s = Session(st, scheme, "alice")
        s.redo("d1")
        s.redo("d1")
        assert sorted(s.record("d1").spans) == ["s1", "s2", "s3"]
        assert s.redo("d1") is None
        # a new action clears the redo stack
        s.undo("d1")
        s.set_attrs("d1", "s1", {"kind": "coalition"})
        assert s.redo("d1") is None
        # undo walks all the way back, including the automatic in_progress status
        while s.undo("d1") is not None:
            pass
        rec = s.record("d1")
        assert rec.spans == {} and rec.status == "todo"


def test_undo_redo_match_a_model_of_stacks(tmp_path, scheme):
    """Random sequences of do/undo/redo agree with a plain list-based model, across compaction."""
    import random

    rnd = random.Random(7)
    history_mod.COMPACT_AFTER, saved = 5, history_mod.COMPACT_AFTER
    try:
        with open_store(tmp_path / "s.db") as st:
            st.add_documents([_doc()])
            s = Session(st, scheme, "alice")
            done: list[tuple[int, int]] = []
            undone: list[tuple[int, int]] = []
            state: set[tuple[int, int]] = set()
            for step in range(120):
                r = rnd.random()
                if r < 0.5:
                    start = rnd.randrange(0, 50)
                    end = start + rnd.randrange(1, 10)
                    if (start, end) in state:
                        continue
                    s.add_span("d1", start, end, "ACTOR")
                    state.add((start, end))
                    done.append((start, end))
                    undone.clear()
                elif r < 0.8:
                    ch = s.undo("d1")
                    assert (ch is None) == (not done)
                    if done:
                        state.discard(done[-1])
                        undone.append(done.pop())
                else:
                    ch = s.redo("d1")
                    assert (ch is None) == (not undone)
                    if undone:
                        state.add(undone[-1])
                        done.append(undone.pop())
                got = {(sp["start"], sp["end"]) for sp in s.record("d1").spans.values()}
                assert got == state, step
        with open_store(tmp_path / "s.db") as st:
            exported = [orjson.loads(record_line(r, "news", 1)) for r in st.iter_records()]
            assert {(sp["start"], sp["end"]) for sp in exported[0]["spans"]} == state
    finally:
        history_mod.COMPACT_AFTER = saved


def test_work_is_kept_per_annotator(store, scheme):
    store.add_documents([_doc()])
    alice, bob = Session(store, scheme, "alice"), Session(store, scheme, "bob")
    alice.add_span("d1", 0, 27, "ACTOR")
    bob.add_span("d1", 39, 49, "QUANTITY")
    bob.undo("d1")
    assert list(alice.record("d1").spans) == ["s1"]
    assert bob.record("d1").spans == {}
    assert alice.undo("d1") is not None and alice.record("d1").spans == {}


def test_import_of_a_record_never_overwrites_different_work_without_replace(store, scheme, tmp_path):
    from annotator.importing import import_sources
    from tests.conftest import make_record

    store.add_documents([_doc()])
    Session(store, scheme, "alice").add_span("d1", 0, 27, "ACTOR")
    path = tmp_path / "r.jsonl"
    path.write_bytes(orjson.dumps(make_record(TEXT, [{"start": 56, "end": 60, "label": "ACTOR"}], id="d1")) + b"\n")
    with pytest.raises(InvalidData, match="already holds different work of 'alice'"):
        import_sources(store, [path], scheme, "alice")
    assert [s["text"] for s in store.load("d1", "alice").spans.values()] == ["La coalition internationale"]
    import_sources(store, [path], scheme, "alice", replace=True)
    assert [s["text"] for s in store.load("d1", "alice").spans.values()] == ["Irak"]
    Session(store, scheme, "alice").undo("d1")
    assert [s["text"] for s in store.load("d1", "alice").spans.values()] == ["La coalition internationale"]


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


WORKER = textwrap.dedent("""
    import sys
    from annotator.schema import load_scheme
    from annotator.session import Session
    from annotator.store import open_store
    db, who, n, scheme_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    st = open_store(db)
    s = Session(st, load_scheme(scheme_path), who)
    for i in range(n):
        s.add_span("d1", i, i + 1, "ACTOR")
        print(i, flush=True)
    st.close()
""")


def test_two_processes_on_one_file_lose_nothing(tmp_path):
    from tests.conftest import SCHEME_PATH

    path = tmp_path / "s.db"
    with open_store(path) as st:
        st.add_documents([_doc()])
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    n = 60
    procs = [subprocess.Popen([sys.executable, str(script), str(path), who, str(n), str(SCHEME_PATH)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for who in ("alice", "bob")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, errs) in zip(procs, outs):
        assert p.returncode == 0, errs
        assert "locked" not in errs
    with open_store(path) as st:
        assert len(st.load("d1", "alice").spans) == n
        assert len(st.load("d1", "bob").spans) == n


def test_kill_9_loses_no_action_that_had_returned(tmp_path):
    from tests.conftest import SCHEME_PATH

    path = tmp_path / "s.db"
    with open_store(path) as st:
        st.add_documents([_doc()])
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(path), "alice", "50", str(SCHEME_PATH)],
                            stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.05)
    with open_store(path) as st:
        assert len(st.load("d1", "alice").spans) >= acknowledged + 1


def test_a_record_imported_after_a_load_is_seen(store, scheme, tmp_path):
    """The store's cache of working records notices rows added by an import, not only actions."""
    from annotator.importing import import_sources
    from tests.conftest import make_record

    store.add_documents([_doc()])
    assert store.load("d1", "alice").spans == {}  # cached: alice has no record yet
    path = tmp_path / "r.jsonl"
    path.write_bytes(orjson.dumps(make_record(TEXT, [{"start": 0, "end": 12, "label": "ACTOR"}], id="d1")) + b"\n")
    import_sources(store, [path], scheme, "alice")
    assert [s["text"] for s in store.load("d1", "alice").spans.values()] == ["La coalition"]
