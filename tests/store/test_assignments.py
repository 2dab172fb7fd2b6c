"""Assignments and progress, on every backend: each document to K annotators, balanced by text
length, the same plan for the same seed, only what is new on a second run; the annotator's
navigation follows them; progress counts them; the review can keep to what is ready."""

from __future__ import annotations

import random
import subprocess

import orjson
import pytest

from annotator.assigning import assign, plan
from annotator.errors import UsageError
from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.review.session import ReviewSession
from annotator.session import Session
from tests.conftest import ANNOTATOR

TEAM = ["alice", "bob", "carol"]


def _docs(n: int, seed: int = 3, start: int = 0) -> list[NewDocument]:
    rnd = random.Random(seed)
    out = []
    for i in range(start, start + n):
        text = " ".join(["mot"] * rnd.randrange(5, 400))
        out.append(NewDocument(f"d{i:03}", text, text_sha256(text), {}, f"d{i}.txt"))
    return out


@pytest.fixture
def store(backend):
    s = backend.open(backend.new())
    yield s
    s.close()


def test_each_document_goes_to_k_annotators_balanced_by_length(store):
    docs = _docs(60)
    store.add_documents(docs)
    result = assign(store, TEAM, 2, seed=11)
    got = store.assignable()
    assert len(result.pairs) == 120 and result.documents == 60
    assert all(len(d.assigned) == 2 for d in got)
    load = {who: sum(d.length for d in got if who in d.assigned) for who in TEAM}
    assert load == result.load
    longest = max(len(d.text) for d in docs)
    assert max(load.values()) - min(load.values()) <= longest  # no annotator a whole article ahead
    assert sum(load.values()) == 2 * sum(len(d.text) for d in docs)
    # running it again assigns nothing; new documents only get theirs
    assert assign(store, TEAM, 2, seed=11).pairs == []
    store.add_documents(_docs(5, seed=4, start=60))
    again = assign(store, TEAM, 2, seed=11)
    assert len(again.pairs) == 10 and {store.assignable()[k - 1].id for k, _ in again.pairs} == {
        f"d{i:03}" for i in range(60, 65)}


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    from annotator.store.base import AssignableDocument

    docs = [AssignableDocument(i, f"d{i}", 100 + (i * 37) % 50, (), False) for i in range(1, 41)]
    assert plan(docs, TEAM, 2, seed=1).pairs == plan(docs, TEAM, 2, seed=1).pairs
    assert len({tuple(sorted(plan(docs, TEAM, 2, seed=s).pairs)) for s in range(10)}) > 1  # ties fall otherwise
    with pytest.raises(UsageError, match="--overlap"):
        plan(docs, TEAM, 4)


def test_todo_leaves_out_documents_already_done(store, scheme):
    store.add_documents(_docs(4))
    Session(store, scheme, "zoe").set_status("d001", "done")
    assign(store, ["alice", "bob"], 1, "todo")
    assert [d.id for d in store.assignable() if d.assigned] == ["d000", "d002", "d003"]
    assign(store, ["alice", "bob"], 1, "all")
    assert all(d.assigned for d in store.assignable())


def test_navigation_follows_assignments_until_all_are_shown(store, scheme):
    store.add_documents(_docs(6))
    store.add_assignments([(2, "alice"), (4, "alice"), (5, "bob")], "2026-01-01T00:00:00.000Z")
    alice = Session(store, scheme, "alice")
    assert alice.first_document() == "d001"
    assert [d.id for d in alice.documents()] == ["d001", "d003"]
    assert [d.position for d in alice.documents()] == [2, 4] and all(d.assigned for d in alice.documents())
    assert alice.next_todo("d001") == "d003" and alice.neighbour("d001", 1) == "d003"
    alice.set_status("d003", "done")
    assert alice.next_todo("d001") is None
    alice.show_all = True
    assert len(alice.documents()) == 6 and alice.next_todo("d001") == "d002"
    nobody = Session(store, scheme, "dan")  # nothing assigned: every document, as before assignments
    assert not nobody.has_assignments and nobody.first_document() == "d000" and len(nobody.documents()) == 6


def test_progress_and_documents_ready_for_review(store, scheme):
    store.add_documents(_docs(3))
    store.add_assignments([(1, "alice"), (1, "bob"), (2, "alice"), (2, "bob"), (3, "alice")], "t")
    a, b = Session(store, scheme, "alice"), Session(store, scheme, "bob")
    for doc in ("d000", "d001"):
        a.add_span(doc, 0, 3, "ACTOR")
        a.set_status(doc, "done")
    b.add_span("d000", 0, 3, "ACTOR")
    b.set_status("d000", "done")
    b.add_span("d001", 4, 7, "ACTOR")
    assert [(p.annotator, p.assigned, p.in_progress, p.done) for p in store.progress()] == [
        ("alice", 3, 0, 2), ("bob", 2, 1, 1)]
    assert store.ready_for_review() == ["d000"]
    review = ReviewSession(store, scheme, "carol", ready_only=True)
    assert review.documents() == ["d000"]
    assert ReviewSession(store, scheme, "carol").documents() == ["d000", "d001"]


def test_assign_and_progress_from_the_command_line(backend, tmp_path):
    db = backend.new()
    folder = tmp_path / "docs"
    folder.mkdir()
    for d in _docs(9):
        (folder / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
    run = lambda *a: subprocess.run([*ANNOTATOR, *a, "--db", db], capture_output=True, text=True)  # noqa: E731
    assert run("import", str(folder)).returncode == 0
    proc = run("assign", "--annotators", "alice,bob,carol", "--overlap", "2", "--seed", "5")
    assert proc.returncode == 0 and "9 document(s) assigned" in proc.stderr
    assert sorted(line.split(":")[0] for line in proc.stdout.splitlines()) == TEAM
    again = run("assign", "--annotators", "alice,bob,carol", "--overlap", "2", "--seed", "5")
    assert again.returncode == 0 and "nothing new to assign" in again.stderr
    out = orjson.loads(run("progress", "--json").stdout)
    assert out["documents"] == 9 and out["ready_for_review"] == []
    assert sum(r["assigned"] for r in out["annotators"]) == 18
    assert all(r["todo"] == r["assigned"] and r["done"] == 0 for r in out["annotators"])
    table = run("progress")
    assert table.returncode == 0 and "alice" in table.stdout and "ready for review" in table.stdout
    bad = run("assign", "--annotators", "alice", "--overlap", "2")
    assert bad.returncode == 2 and "--overlap must be between 1 and" in bad.stderr and "Traceback" not in bad.stderr
