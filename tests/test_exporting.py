"""Export: native JSONL that validates and re-imports to the same records, written atomically."""

from __future__ import annotations

import os
import subprocess

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.exporting import export, export_query
from annotator.importing import import_sources
from annotator.model import text_sha256
from annotator.session import Session
from annotator.model.types import NewDocument
from annotator.store import open_store
from tests.conftest import ANNOTATOR, SCHEME_PATH

TEXT = "D’août 2014 à mars 2018, la coalition a réalisé 29.307 raids\u00a0aériens 👍🏽 «\u00a0accomplie\u00a0».\r\nFin."


def test_export_has_every_field_and_validates(tmp_path, store, scheme):
    store.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {"date": "2018-05"}, "d1.txt")])
    s = Session(store, scheme, "alice")
    s.add_span("d1", 2, 11, "DATE", {"value": "2014-08"})
    s.add_span("d1", 48, 54, "QUANTITY", {"value": 29307})
    s.set_status("d1", "done")
    out = tmp_path / "out.jsonl"
    result = export(store, scheme, str(out))
    assert result.records == 1
    (rec,) = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert set(rec) == {"id", "text", "text_sha256", "meta", "annotator", "status", "schema", "schema_version",
                        "spans", "flags", "updated_at"}
    assert rec["text"] == TEXT and rec["text_sha256"] == text_sha256(TEXT)
    assert [(sp["text"], sp["label"]) for sp in rec["spans"]] == [("août 2014", "DATE"), ("29.307", "QUANTITY")]
    scheme.validate_record(rec)
    proc = subprocess.run([*ANNOTATOR, "validate", str(out), "--schema", str(SCHEME_PATH)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_status_and_annotator_filters(tmp_path, store, scheme):
    store.add_documents([NewDocument(f"d{i}", TEXT, text_sha256(TEXT), {}, "x") for i in range(3)])
    alice, bob = Session(store, scheme, "alice"), Session(store, scheme, "bob")
    alice.set_status("d0", "done")
    alice.add_span("d1", 2, 11, "DATE")
    bob.set_status("d2", "done")
    ids = lambda annotator=None, status=None: [(r.id, r.annotator) for r in
                                               store.iter_records(export_query(annotator, status))]
    assert ids(status="done") == [("d0", "alice"), ("d2", "bob")]
    assert ids(annotator="alice", status="done") == [("d0", "alice")]
    # with an annotator named, documents they have not touched are exported as todo
    assert ids(annotator="alice") == [("d0", "alice"), ("d1", "alice"), ("d2", "alice")]
    assert ids(annotator="alice", status="todo") == [("d2", "alice")]
    # everyone's: each annotator's untouched documents are to do too, so nothing still to do is missed
    assert ids(status="todo") == [("d0", "bob"), ("d1", "bob"), ("d2", "alice")]
    assert len(ids()) == 6


def test_todo_export_of_a_store_nobody_has_opened(tmp_path, store, scheme):
    """Documents nobody has started are exported once each, to do, with no annotator."""
    store.add_documents([NewDocument(f"d{i}", TEXT, text_sha256(TEXT), {}, "x") for i in range(2)])
    out = tmp_path / "todo.jsonl"
    assert export(store, scheme, str(out), status="todo").records == 2
    recs = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [(r["id"], r["annotator"], r["status"], r["spans"]) for r in recs] == [
        ("d0", None, "todo", []), ("d1", None, "todo", [])]
    for r in recs:
        scheme.validate_record(r)
    assert export(store, scheme, str(out), status="done").records == 0


def test_export_is_atomic_and_leaves_no_temporary_file(tmp_path, store, scheme):
    store.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {}, "x")])
    out = tmp_path / "exports" / "a.jsonl"
    out.parent.mkdir()
    out.write_bytes(b"previous\n")

    def boom():
        raise RuntimeError("disk on fire")

    try:
        export(store, scheme, str(out), status=None, annotator="alice", on_record=boom)
    except RuntimeError:
        pass
    assert out.read_bytes() == b"previous\n"
    assert os.listdir(out.parent) == ["a.jsonl"]
    export(store, scheme, str(out), status=None, annotator="alice")
    assert orjson.loads(out.read_bytes())["id"] == "d1"


def test_cli_export_default_path_and_stdout(tmp_path, seed_path, any_db):
    run = lambda *a: subprocess.run([*ANNOTATOR, *a, "--db", any_db, "--schema", str(SCHEME_PATH)],
                                    capture_output=True, text=True, cwd=tmp_path)
    assert run("import", str(seed_path)).returncode == 0
    proc = run("export")
    assert proc.returncode == 0 and "exported 0 record(s)" in proc.stderr
    proc = run("export", "--status", "all", "--annotator", "alice")
    assert "exported 1 record(s) to exports/annotations.jsonl" in proc.stderr
    assert (tmp_path / "exports" / "annotations.jsonl").exists()
    proc = run("export", "--status", "all", "--annotator", "alice", "--out", "-")
    assert orjson.loads(proc.stdout)["meta"]["date"] == "2018-05"


def test_cli_import_then_export_of_three_annotators_is_the_identity(tmp_path, any_db):
    """On every backend, as a user runs it: records of three annotators in, the same records out;
    the same file again changes nothing; a file with a bad line changes nothing either."""
    texts = [TEXT, "Une autre dépêche\x00 de Bagdad, 12 mars 2019.", "Troisième."]
    lines = []
    for who in ("alice", "bob", "carol"):
        for i, text in enumerate(texts):
            spans = [{"id": "s1", "start": 0, "end": 3 + i, "label": "ACTOR", "text": text[:3 + i],
                      "attrs": {"kind": "state"}, "source": "manual"}] if who != "carol" or i else []
            lines.append({"id": f"doc{i}", "text": text, "text_sha256": text_sha256(text), "meta": {"i": i},
                          "annotator": who, "status": "done", "schema": "news", "schema_version": 1, "spans": spans,
                          "flags": [], "updated_at": "2026-01-02T03:04:05.000Z"})
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    run = lambda *a: subprocess.run([*ANNOTATOR, *a, "--db", any_db, "--schema", str(SCHEME_PATH)],  # noqa: E731
                                    capture_output=True, text=True, cwd=tmp_path)
    proc = run("import", str(src))
    assert proc.returncode == 0 and "3 new document(s)" in proc.stderr and "9 record(s) added" in proc.stderr
    assert "9 unchanged" in run("import", str(src)).stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(orjson.dumps({**lines[0], "id": "new-one"}) + b"\n" + b'{"id": "broken"\n')
    proc = run("import", str(bad))
    assert proc.returncode == 1 and "bad.jsonl:2" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("export", "--out", "-")
    assert proc.returncode == 0, proc.stderr
    out = [orjson.loads(x) for x in proc.stdout.splitlines()]
    key = lambda r: (r["id"], r["annotator"])  # noqa: E731
    assert sorted(out, key=key) == sorted(lines, key=key) and [r["id"] for r in out] == sorted(r["id"] for r in out)


# -- export then import is the identity, on awkward text ----------------------------------------

ALPHABET = st.sampled_from(list("abcdé ’'«»“”\u00a0\u202f\r\n") + ["e\u0301", "👍🏽", "🇫🇷", "👨‍👩‍👧", "\u2028", "中", "d'", "l’"])
texts = st.lists(ALPHABET, min_size=1, max_size=40).map("".join)


@st.composite
def doc_and_spans(draw):
    text = draw(texts)
    n = len(text)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["ACTOR", "DATE", "QUANTITY", "QUOTE"]))
        spans.append((start, end, label))
    return text, spans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc_and_spans())
def test_export_then_import_is_the_identity(tmp_path_factory, scheme, case):
    text, spans = case
    tmp = tmp_path_factory.mktemp("rt")
    with open_store(tmp / "a.db") as a:
        a.add_documents([NewDocument("d", text, text_sha256(text), {"k": "v"}, "x")])
        s = Session(a, scheme, "alice")
        for start, end, label in spans:
            try:
                s.add_span("d", start, end, label)
            except Exception:
                pass  # the same (start, end, label) twice
        first = tmp / "one.jsonl"
        export(a, scheme, str(first), status=None)
    with open_store(tmp / "b.db") as b:
        import_sources(b, [first], scheme, "nobody")
        second = tmp / "two.jsonl"
        export(b, scheme, str(second), status=None)
    one = [orjson.loads(x) for x in first.read_bytes().splitlines()]
    two = [orjson.loads(x) for x in second.read_bytes().splitlines()]
    assert one == two
    for rec in two:
        for sp in rec["spans"]:
            assert rec["text"][sp["start"]:sp["end"]] == sp["text"]
