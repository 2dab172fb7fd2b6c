"""What every store backend must do with kept suggestions (``Store.suggestions``,
``save_suggestions``, ``reject_suggestion``, ``reopen``): durable, per annotator, rejections kept
whatever is computed again, exports unaffected. Parametrised by backend (``conftest.py``)."""

from __future__ import annotations

import threading

import orjson
import pytest

from annotator.errors import StoreError
from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.session import Session
from annotator.store.base import RecordQuery, SuggestionsRow

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak en juin 2014."
ITEMS = orjson.dumps([{"start": 66, "end": 75, "label": "DATE", "attrs": {"value": "2014-06"},
                       "source": "rule:date"}])


def _doc(doc_id="d1", text=TEXT):
    return NewDocument(doc_id, text, text_sha256(text), {}, f"{doc_id}.txt")


@pytest.fixture
def store(backend, db):
    s = backend.open(db)
    s.add_documents([_doc(), _doc("d2", "Une autre dépêche, de Bagdad.")])
    yield s
    s.close()


def _row(doc_id="d1", annotator="alice", items=ITEMS, made_by="rule:date", at="2026-01-02T03:04:05.000Z"):
    return SuggestionsRow(doc_id, annotator, items, made_by, at)


def test_suggestions_never_computed_read_as_none(store):
    kept = store.suggestions("d1", "alice")
    assert kept.items is None and kept.rejected == frozenset() and kept.computed_at is None


def test_kept_suggestions_are_durable_and_replaced_whole(backend, db, store):
    assert store.save_suggestions([_row()]) == 1
    store.close()
    with backend.open(db, create=False) as st:
        kept = st.suggestions("d1", "alice")
        assert orjson.loads(kept.items) == orjson.loads(ITEMS)
        assert (kept.made_by, kept.computed_at) == ("rule:date", "2026-01-02T03:04:05.000Z")
        st.save_suggestions([_row(items=b"[]", made_by="rule:date gazetteer", at="2026-02-01T00:00:00.000Z")])
    with backend.open(db, create=False) as st:
        kept = st.suggestions("d1", "alice")
        assert orjson.loads(kept.items) == [] and kept.made_by == "rule:date gazetteer"
        assert st.suggestions("d2", "alice").items is None


def test_suggestions_and_rejections_are_each_annotators_own(store):
    store.save_suggestions([_row(), _row(annotator="bob", items=b"[]")])
    assert store.reject_suggestion("d1", "alice", (66, 75, "DATE")) is True
    assert orjson.loads(store.suggestions("d1", "alice").items) == orjson.loads(ITEMS)
    assert orjson.loads(store.suggestions("d1", "bob").items) == []
    assert store.suggestions("d1", "alice").rejected == {(66, 75, "DATE")}
    assert store.suggestions("d1", "bob").rejected == frozenset()
    assert store.suggestions("d2", "alice").rejected == frozenset()  # per document too
    assert store.suggestions("d1", "carol").items is None


def test_a_rejection_is_kept_across_a_reopen_and_a_new_computation(backend, db, store):
    store.save_suggestions([_row()])
    assert store.reject_suggestion("d1", "alice", (66, 75, "DATE")) is True
    assert store.reject_suggestion("d1", "alice", (66, 75, "DATE")) is False  # once is enough
    assert store.reject_suggestion("d1", "alice", (0, 12, "ACTOR")) is True  # not computed: kept all the same
    store.close()
    with backend.open(db, create=False) as st:
        st.save_suggestions([_row(at="2026-03-01T00:00:00.000Z")])  # computed again
        kept = st.suggestions("d1", "alice")
        assert kept.rejected == {(66, 75, "DATE"), (0, 12, "ACTOR")}
        assert kept.computed_at == "2026-03-01T00:00:00.000Z"


def test_kept_suggestions_change_no_export_no_record_and_no_count(store, scheme):
    Session(store, scheme, "alice").add_span("d1", 0, 27, "ACTOR", {"kind": "coalition"})
    queries = [RecordQuery(), RecordQuery(untouched=True), RecordQuery(annotator="alice", untouched=True),
               RecordQuery(annotator="bob", untouched=True), RecordQuery(status="todo", untouched=True)]
    before = [list(store.iter_records(q)) for q in queries]
    counts = [store.count_records(q) for q in queries]
    docs = store.documents("bob")
    store.save_suggestions([_row(), _row("d2"), _row(annotator="bob"), _row("d2", annotator="bob")])
    store.reject_suggestion("d1", "bob", (66, 75, "DATE"))
    store.reject_suggestion("d2", "carol", (0, 3, "ACTOR"))
    assert [list(store.iter_records(q)) for q in queries] == before
    assert [store.count_records(q) for q in queries] == counts
    assert store.annotators() == ["alice"]  # suggestions are no record: bob and carol have none
    assert store.record_annotators("d2") == []
    assert store.documents("bob") == docs
    assert store.load("d1", "bob").status == "todo" and store.load("d1", "bob").spans == {}


def test_many_rows_are_kept_in_batches(store):
    rows = [_row("d1" if i % 2 else "d2", f"ann{i}", orjson.dumps([i])) for i in range(23)]
    assert store.save_suggestions(rows, batch=5) == 23
    assert orjson.loads(store.suggestions("d2", "ann22").items) == [22]
    assert orjson.loads(store.suggestions("d1", "ann7").items) == [7]


def test_a_failed_batch_keeps_what_earlier_batches_committed_and_nothing_of_its_own(store):
    rows = [_row(annotator="a1"), _row(annotator="a2"), _row(annotator="a3"), _row("nope", annotator="a4")]
    with pytest.raises(StoreError, match="nope"):
        store.save_suggestions(rows, batch=3)
    assert [store.suggestions("d1", a).items is not None for a in ("a1", "a2", "a3")] == [True, True, True]
    with pytest.raises(StoreError, match="nope"):
        store.save_suggestions([_row(annotator="b1"), _row("nope", annotator="b2")], batch=3)
    assert store.suggestions("d1", "b1").items is None  # its batch rolled back whole


def test_a_read_only_store_reads_suggestions_and_refuses_to_keep_any(backend, db, store):
    store.save_suggestions([_row()])
    store.close()
    with backend.read_only(db), backend.open(db, create=False) as st:
        assert st.read_only
        assert orjson.loads(st.suggestions("d1", "alice").items) == orjson.loads(ITEMS)
        with pytest.raises(StoreError, match="read-only"):
            st.reject_suggestion("d1", "alice", (66, 75, "DATE"))
        with pytest.raises(StoreError, match="read-only"):
            st.save_suggestions([_row("d2")])
    with backend.open(db, create=False) as st:
        assert st.suggestions("d1", "alice").rejected == frozenset()
        assert st.suggestions("d2", "alice").items is None


def test_another_connection_reads_and_writes_beside_the_first_from_another_thread(store, scheme):
    """What a screen's background worker does: its own connection (``reopen``), used on its own
    thread while the first one acts; each sees what the other committed."""
    other = store.reopen()
    try:
        assert other.document_count() == 2 and other.read_only == store.read_only
        session = Session(store, scheme, "alice")
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                for i in range(20):
                    other.save_suggestions([_row(items=orjson.dumps([i]))])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        thread = threading.Thread(target=worker)
        thread.start()
        for start, end in ((0, 12), (13, 27), (70, 74)):
            session.add_span("d1", start, end, "ACTOR")
        thread.join()
        assert errors == []
        assert orjson.loads(store.suggestions("d1", "alice").items) == [19]
        assert len(other.load("d1", "alice").spans) == 3
        other.reject_suggestion("d1", "alice", (66, 75, "DATE"))
        assert store.suggestions("d1", "alice").rejected == {(66, 75, "DATE")}
    finally:
        other.close()
