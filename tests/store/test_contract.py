"""What every store backend must do, whatever its SQL: durable actions, undo and redo across a
reopen, per-annotator work, import that rolls back whole, consistent snapshots, two writers at
once, kill -9. Parametrised by backend (``conftest.py``)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time

import orjson
import pytest

from annotator.errors import ActionRefused, InvalidData, StoreError
from annotator.formats.jsonl import record_line
from annotator.importing import import_sources
from annotator.model import text_sha256
from annotator.model.types import TODO_STATUSES, ImportItem, NewDocument
from annotator.session import RecordChanged, Session
from annotator.store import history as history_mod
from annotator.store.base import RecordQuery
from tests.conftest import SCHEME_PATH, make_record

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak."


def _doc(doc_id="d1", text=TEXT):
    return NewDocument(doc_id, text, text_sha256(text), {}, f"{doc_id}.txt")


@pytest.fixture
def store(backend, db):
    s = backend.open(db)
    yield s
    s.close()


@pytest.fixture
def session(store, scheme):
    store.add_documents([_doc()])
    return Session(store, scheme, "alice")


def test_actions_go_through_the_rules_and_a_removal_clears_links(session):
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


def test_an_action_is_durable_once_it_returns(backend, db, scheme):
    with backend.open(db) as st:
        st.add_documents([_doc()])
        Session(st, scheme, "alice").add_span("d1", 0, 27, "ACTOR")
    with backend.open(db, create=False) as st:
        assert [s["text"] for s in st.load("d1", "alice").spans.values()] == ["La coalition internationale"]


def test_several_steps_are_one_action(session, scheme):
    """The action API's multi-step action: many spans added at once, one undo takes them back."""
    from annotator.model import actions

    plans = [lambda r, s=s, e=e: actions.plan_add_span(r, scheme, s, e, "ACTOR") for s, e in ((0, 12), (56, 60))]
    plans.append(lambda r: actions.plan_add_span(r, scheme, 38, 52, "QUOTE", {"speaker": "s1"}))
    change = session.edit("d1", plans)
    assert sorted(s["text"] for s in change.record.spans.values()) == ["Irak", "La coalition", "« 75 membres »"]
    assert change.record.status == "in_progress"
    session.undo("d1")
    rec = session.record("d1")
    assert rec.spans == {} and rec.status == "todo"
    with pytest.raises(ActionRefused):  # a refused step refuses the whole action
        session.edit("d1", [plans[0], lambda r: actions.plan_add_span(r, scheme, 0, 999, "DATE")])
    assert session.record("d1").spans == {}


def test_undo_and_redo_survive_a_reopen(backend, db, scheme):
    with backend.open(db) as st:
        st.add_documents([_doc()])
        s = Session(st, scheme, "alice")
        s.add_span("d1", 0, 27, "ACTOR")
        s.add_span("d1", 39, 49, "QUANTITY", {"value": 75})
        s.add_span("d1", 56, 60, "ACTOR")
        s.undo("d1")
    with backend.open(db) as st:
        s = Session(st, scheme, "alice")
        assert sorted(s.record("d1").spans) == ["s1", "s2"]
        s.undo("d1")
        assert sorted(s.record("d1").spans) == ["s1"]
    with backend.open(db) as st:
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


def test_undo_redo_match_a_model_of_stacks_across_compaction(backend, db, scheme, monkeypatch):
    """Random sequences of do/undo/redo agree with a plain list-based model, across compaction
    and a reopen, and a snapshot reads the same record."""
    rnd = random.Random(7)
    monkeypatch.setattr(history_mod, "COMPACT_AFTER", 5)
    with backend.open(db) as st:
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
    with backend.open(db) as st:
        assert {(sp["start"], sp["end"]) for sp in st.load("d1", "alice").spans.values()} == state
        exported = [orjson.loads(record_line(r, "news", 1)) for r in st.iter_records()]
        assert {(sp["start"], sp["end"]) for sp in exported[0]["spans"]} == state


def test_work_is_kept_per_annotator(store, scheme):
    store.add_documents([_doc()])
    alice, bob = Session(store, scheme, "alice"), Session(store, scheme, "bob")
    alice.add_span("d1", 0, 27, "ACTOR")
    bob.add_span("d1", 39, 49, "QUANTITY")
    bob.undo("d1")
    assert list(alice.record("d1").spans) == ["s1"]
    assert bob.record("d1").spans == {}
    assert alice.undo("d1") is not None and alice.record("d1").spans == {}
    assert store.annotators() == ["alice", "bob"] and store.record_annotators("d1") == ["alice", "bob"]
    assert store.reviewable("alice") == ["d1"] and store.reviewable("nobody") == ["d1"]


def test_documents_in_import_order_with_each_annotators_status(store, scheme):
    store.add_documents([_doc(f"d{i}") for i in range(4)])
    s = Session(store, scheme, "alice")
    s.set_status("d0", "done")
    s.add_span("d2", 0, 12, "ACTOR")
    assert [(d.id, d.position, d.status, d.spans) for d in store.documents("alice")] == [
        ("d0", 1, "done", 0), ("d1", 2, "todo", 0), ("d2", 3, "in_progress", 1), ("d3", 4, "todo", 0)]
    assert store.document_count() == 4 and store.position("d2") == 3
    assert store.neighbour("d1", "alice", 1) == "d2" and store.neighbour("d1", "alice", -1) == "d0"
    assert store.neighbour(None, "alice", -1) == "d3"
    assert store.neighbour("d2", "alice", 1, TODO_STATUSES) == "d3"
    assert s.first_document() == "d1" and s.next_todo("d3") == "d1" and s.next_todo("d1") == "d2"


def test_import_of_a_record_never_overwrites_different_work_without_replace(store, scheme, tmp_path):
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


def test_an_import_with_a_problem_rolls_back_whole(store, scheme, tmp_path):
    store.add_documents([_doc("d1")])
    items = [ImportItem(_doc("new1"), None), ImportItem(_doc("new2"), None),
             ImportItem(_doc("d1", "another text"), None)]  # same id, other text: a problem
    with pytest.raises(InvalidData, match="different text"):
        store.import_items(items)
    assert store.document_count() == 1
    # refused by the caller's check once every item is in: nothing stays either
    from annotator.store.base import ImportRejected

    with pytest.raises(ImportRejected):
        store.import_items([ImportItem(_doc("new1"), None)], accept=lambda: False)
    assert store.document_count() == 1
    # a replaced record rolled back is not left in the process's memory either
    Session(store, scheme, "alice").add_span("d1", 0, 12, "ACTOR")
    rec = make_record(TEXT, [{"start": 56, "end": 60, "label": "ACTOR"}], id="d1")
    from annotator.formats.jsonl import canonical_record

    with pytest.raises(ImportRejected):
        store.import_items([ImportItem(_doc("d1"), canonical_record(rec, "alice"))], replace=True, accept=lambda: False)
    assert [s["text"] for s in store.load("d1", "alice").spans.values()] == ["La coalition"]


def test_a_store_that_cannot_be_written_reads_and_refuses_every_write(backend, db, scheme):
    """A read-only store (immutable file, read-only mount, no write grant) opens, says so in
    ``read_only``, reads and exports; every write raises StoreError naming it read-only (never the
    driver's own error) and changes nothing."""
    with backend.open(db) as s:
        assert s.read_only is False
        s.add_documents([_doc("d1"), _doc("d2", "Autre texte.")])
        Session(s, scheme, "alice").add_span("d1", 0, 27, "ACTOR", {"kind": "coalition"})
        before = list(s.iter_records(RecordQuery(untouched=True)))
    with backend.read_only(db):
        with backend.open(db, create=False) as s:
            assert s.read_only is True
            assert list(s.iter_records(RecordQuery(untouched=True))) == before
            assert s.load("d1", "alice").spans["s1"]["text"] == "La coalition internationale"
            alice = Session(s, scheme, "alice")
            writes = [
                lambda: alice.add_span("d1", 56, 60, "ACTOR"),
                lambda: alice.undo("d1"),
                lambda: alice.set_status("d1", "done"),
                lambda: s.add_documents([_doc("d3", "Un troisième.")]),
                lambda: s.compact("d1", "alice"),
            ]
            for write in writes:
                with pytest.raises(StoreError, match="the store is read-only"):
                    write()
            assert list(s.iter_records(RecordQuery(untouched=True))) == before
            assert s.load("d1", "alice").spans["s1"]["text"] == "La coalition internationale"
    with backend.open(db) as s:  # writable again: nothing had changed, and it works
        assert s.read_only is False and s.document_count() == 2
        assert list(s.iter_records(RecordQuery(untouched=True))) == before
        Session(s, scheme, "alice").add_span("d1", 56, 60, "ACTOR")


def test_an_import_counts_each_document_once_however_many_records_it_has(store):
    from annotator.formats.jsonl import canonical_record

    def items():
        for who in ("alice", "bob", "carol"):
            for doc_id in ("d1", "d2"):
                rec = make_record(TEXT, [{"start": 0, "end": 27, "label": "ACTOR"}], id=doc_id, annotator=who)
                yield ImportItem(_doc(doc_id), canonical_record(rec, who))

    s = store.import_items(items())
    assert (s.documents_added, s.documents_unchanged, s.records_added) == (2, 0, 6)
    s = store.import_items(items())
    assert (s.documents_added, s.documents_unchanged, s.records_added, s.records_unchanged) == (0, 2, 0, 6)
    s = store.import_items([ImportItem(_doc("d3"), None), ImportItem(_doc("d3"), None), ImportItem(_doc("d1"), None)])
    assert (s.documents_added, s.documents_unchanged) == (1, 1)


def test_a_snapshot_is_consistent_while_others_write(backend, db, scheme):
    """Records read from a snapshot all come from one moment: writes committed meanwhile are
    not seen, in the middle of the reading or after."""
    with backend.open(db) as st:
        st.add_documents([_doc(f"d{i}") for i in range(30)])
        s = Session(st, scheme, "alice")
        for i in range(30):
            s.add_span(f"d{i}", 0, 12, "ACTOR")
        reading = st.iter_records(RecordQuery(annotator="alice"))
        first = next(reading)  # the snapshot begins here
        with backend.open(db) as other:
            o = Session(other, scheme, "alice")
            for i in range(30):
                o.add_span(f"d{i}", 56, 60, "ACTOR")
            other.add_documents([_doc("late")])
        rest = list(reading)
        assert [r.id for r in [first, *rest]] == [f"d{i}" for i in range(30)]
        assert all(len(orjson.loads(r.spans)) == 1 for r in [first, *rest])
        after = list(st.iter_records(RecordQuery(annotator="alice")))
        assert len(after) == 30 and all(len(orjson.loads(r.spans)) == 2 for r in after)


def test_parts_cover_every_record_once(store, scheme):
    store.add_documents([_doc(f"d{i:02}") for i in range(25)])
    for who in ("alice", "bob"):
        s = Session(store, scheme, who)
        for i in range(0, 25, 2):
            s.add_span(f"d{i:02}", 0, 12, "ACTOR")
    parts = store.parts(4)
    assert 1 < len(parts) <= 4
    got = [(r.id, r.annotator) for p in parts for r in store.iter_records(RecordQuery(part=p))]
    assert sorted(got) == sorted((r.id, r.annotator) for r in store.iter_records())
    assert len(got) == 26 and store.size_hint() > 0


def test_a_record_imported_after_a_load_is_seen(store, scheme, tmp_path):
    """The cache of working records notices records added by an import, not only actions."""
    store.add_documents([_doc()])
    assert store.load("d1", "alice").spans == {}  # cached: alice has no record yet
    path = tmp_path / "r.jsonl"
    path.write_bytes(orjson.dumps(make_record(TEXT, [{"start": 0, "end": 12, "label": "ACTOR"}], id="d1")) + b"\n")
    import_sources(store, [path], scheme, "alice")
    assert [s["text"] for s in store.load("d1", "alice").spans.values()] == ["La coalition"]


def test_the_version_changes_with_every_change_of_the_record(backend, db, scheme):
    with backend.open(db) as st:
        st.add_documents([_doc()])
        v0 = st.version("d1", "alice")
        s = Session(st, scheme, "alice")
        s.add_span("d1", 0, 12, "ACTOR")
        v1 = st.version("d1", "alice")
        with backend.open(db) as other:  # another process's action
            Session(other, scheme, "alice").add_span("d1", 56, 60, "ACTOR")
        v2 = st.version("d1", "alice")
        assert len({v0, v1, v2}) == 3
        assert st.version("d1", "bob") == v0  # bob's record is untouched


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


def test_two_writers_at_once_lose_nothing(backend, db, tmp_path):
    with backend.open(db) as st:
        st.add_documents([_doc()])
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    n = 40
    # two processes, and the same annotator in both: every action applies to the fresh record
    procs = [subprocess.Popen([sys.executable, str(script), db, who, str(n), str(SCHEME_PATH)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("alice", "bob")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, errs) in zip(procs, outs):
        assert p.returncode == 0, errs
        assert "locked" not in errs
    with backend.open(db) as st:
        assert len(st.load("d1", "alice").spans) == n
        assert len(st.load("d1", "bob").spans) == n


def test_two_threads_as_one_annotator_never_lose_an_update(backend, db, scheme):
    """Two connections, one annotator, one document: each action is planned on the record as
    the other left it, so span ids never clash and nothing is overwritten."""
    with backend.open(db) as st:
        st.add_documents([_doc()])
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            with backend.open(db) as st:
                s = Session(st, scheme, "alice")
                for i in range(offset, 40, 2):
                    s.add_span("d1", i, i + 1, "ACTOR")
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with backend.open(db) as st:
        rec = st.load("d1", "alice")
        assert sorted(s["start"] for s in rec.spans.values()) == list(range(40))
        assert len(rec.spans) == 40


def test_kill_9_loses_no_action_that_had_returned(backend, db, tmp_path):
    with backend.open(db) as st:
        st.add_documents([_doc()])
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), db, "alice", "50", str(SCHEME_PATH)],
                            stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    assert proc.stdout is not None
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.05)
    with backend.open(db) as st:
        assert len(st.load("d1", "alice").spans) >= acknowledged + 1


def test_another_terminals_action_right_after_mine_is_still_seen_as_a_change(backend, db, scheme):
    """The version a session's own action left comes back with the action: another terminal's
    action committed between that commit and anything the session does next is a change (asked
    afterwards, the store would have answered with the other's version, passed off as seen)."""
    with backend.open(db) as st, backend.open(db) as other:
        st.add_documents([_doc()])
        s = Session(st, scheme, "alice")
        s.record("d1")  # as a screen that opened the document
        o = Session(other, scheme, "alice")
        apply = st.apply

        def apply_then_the_other_terminal(doc_id, annotator, plan):
            change = apply(doc_id, annotator, plan)
            o.add_span("d1", 56, 60, "ACTOR")  # committed right after alice's action
            return change

        st.apply = apply_then_the_other_terminal
        change = s.add_span("d1", 0, 12, "ACTOR")
        del st.apply
        assert change.version is not None
        assert s.changed("d1")
        with pytest.raises(RecordChanged):
            s.add_span("d1", 13, 27, "ACTOR")
        assert sorted(sp["text"] for sp in s.record("d1").spans.values()) == ["Irak", "La coalition"]
