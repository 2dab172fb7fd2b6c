"""Suggestions made in a child process (annotator.suggest.process): the same suggestions as made
here, kept in the store by the child, the session's tags learnt, a child that dies or fails said
as an error and started again, and one that is closed ended at once."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from annotator.errors import AnnotatorError
from annotator.model import text_sha256
from annotator.model.types import NewDocument, Span
from annotator.store import open_store
from annotator.suggest.kept import document_input
from annotator.suggest.process import SuggestingProcess, make_suggesting, screen_suggesting
from tests.tui.helpers import SCHEME

TEXT = ("Le 3 avril 2018, la coalition a mené 29.307 raids aériens en Irak. « La coalition compte 75 membres », "
        "a précisé Brett Mc Gurk.")
OTHER = "Zorglub est arrivé à Bagdad le 5 mai 2018."


def dies() -> None:
    os._exit(3)  # the child ends in the middle of a request


def refuses() -> None:
    raise AnnotatorError("no pipeline here")


def sleeps() -> None:
    time.sleep(60)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a child that ended but was not reaped yet is a zombie: not running
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "s.db")
    s.add_documents([NewDocument("d", TEXT, text_sha256(TEXT), {"date": "2018-05-14"}, "d.txt"),
                     NewDocument("d2", OTHER, text_sha256(OTHER), {"date": "2018-05-05"}, "d2.txt")])
    yield s
    s.close()


def keys(suggestions) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in suggestions}


def test_the_child_makes_and_keeps_what_this_process_would_make(store):
    here = make_suggesting(SCHEME, "alice", model=False).compute(store, document_input(store.load("d", "alice")))
    process = SuggestingProcess(screen_suggesting(SCHEME, "alice", model=False))
    try:
        answer = process.for_document(store, "d")
        pid = process.pid
        assert pid is not None and pid != os.getpid()
        assert keys(answer.kept.suggestions) == keys(here) and here, "the same suggestions, made elsewhere"
        assert answer.kept.computed and answer.kept.kept
        assert store.suggestions("d", "alice").items is not None, "kept in the store by the child"
        again = process.for_document(store, "d")
        assert not again.kept.computed and keys(again.kept.suggestions) == keys(here), "read as kept"
        assert process.starts == 1, "one child for the session"
    finally:
        process.close()
    assert gone(pid)


def test_the_actors_the_session_tags_are_learnt_by_the_childs_gazetteer(store):
    process = SuggestingProcess(screen_suggesting(SCHEME, "alice", model=False))
    try:
        assert ("Zorglub" not in {OTHER[s.start:s.end] for s in process.for_document(store, "d").kept.suggestions})
        tagged: Span = {"id": "s1", "start": 0, "end": 7, "label": "ACTOR", "text": "Zorglub",
                        "attrs": {"kind": "person"}, "source": "manual"}
        process.learn("Zorglub, encore.", [tagged])  # tagged in a document of the session
        suggested = process.for_document(store, "d2").kept.suggestions
        actor = next(s for s in suggested if (s.start, s.end, s.label) == (0, 7, "ACTOR"))
        assert actor.attrs.get("kind") == "person"
    finally:
        process.close()


def test_a_child_that_dies_is_an_error_and_the_next_document_starts_another(store):
    process = SuggestingProcess(dies)
    try:
        with pytest.raises(AnnotatorError, match="ended before it answered"):
            process.for_document(store, "d")
        assert process.pid is None
        with pytest.raises(AnnotatorError, match="ended before it answered"):
            process.for_document(store, "d2")
        assert process.starts == 2
    finally:
        process.close()


def test_a_child_that_cannot_suggest_says_why_and_stays(store):
    process = SuggestingProcess(refuses)
    try:
        for doc in ("d", "d2"):
            with pytest.raises(AnnotatorError, match="no pipeline here"):
                process.for_document(store, doc)
        assert process.starts == 1
    finally:
        process.close()


def test_closing_ends_a_busy_child_at_once_and_its_request_fails(store):
    process = SuggestingProcess(sleeps)
    errors: list[Exception] = []

    def ask() -> None:
        try:
            process.for_document(store, "d")
        except AnnotatorError as exc:
            errors.append(exc)

    asking = threading.Thread(target=ask)
    asking.start()
    deadline = time.monotonic() + 10
    while process.pid is None and time.monotonic() < deadline:
        time.sleep(0.01)
    pid = process.pid
    assert pid is not None
    process.close()
    asking.join(10)
    assert not asking.is_alive() and errors, "the request waiting for it failed"
    assert gone(pid)
    with pytest.raises(AnnotatorError, match="closed"):
        process.for_document(store, "d")


def test_a_killed_child_is_replaced_for_the_next_document(store):
    process = SuggestingProcess(screen_suggesting(SCHEME, "alice", model=False))
    try:
        process.for_document(store, "d")
        first = process.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert gone(first)
        answer = process.for_document(store, "d2")
        assert answer.kept.suggestions and process.starts == 2 and process.pid != first
    finally:
        process.close()
