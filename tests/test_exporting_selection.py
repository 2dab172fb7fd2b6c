"""Training exports take one record per document (issue 11, item 11): the reviewed one where there
is one, else the only one; several and none reviewed is refused with the choices named, before
anything is written. --prefer and --all-annotators choose otherwise, on purpose."""

from __future__ import annotations

import json
import subprocess

import orjson
import pytest

from annotator.exporting import Selection, SeveralRecords, export
from annotator.formats.common import Options
from annotator.formats.registry import FORMATS
from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.review.session import ReviewSession
from annotator.session import Session
from tests.conftest import ANNOTATOR, SCHEME_PATH

TEXT = "La coalition a frappé Mossoul en juin 2014, selon Brett Mc Gurk."


def span(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


@pytest.fixture
def corpus(store, scheme):
    """d0: alice and bob, not reviewed; d1: alice, bob and the reviewer's gold; d2: alice only."""
    store.add_documents([NewDocument(f"d{i}", TEXT, text_sha256(TEXT), {}, f"d{i}.txt") for i in range(3)])
    for who, label in (("alice", "ACTOR"), ("bob", "ACTOR")):
        s = Session(store, scheme, who)
        for doc in ("d0", "d1") if who == "bob" else ("d0", "d1", "d2"):
            s.add_span(doc, *span("La coalition"), label)
            if who == "alice":
                s.add_span(doc, *span("juin 2014"), "DATE")
            s.set_status(doc, "done")
    rs = ReviewSession(store, scheme, "reviewer")
    rs.open("d1")
    rs.set_status("d1", "done")
    return store


def records_in(path) -> list[tuple[str, str]]:
    return [(r["id"], r["annotator"]) for r in map(orjson.loads, path.read_bytes().splitlines())]


def test_the_training_formats_are_a_property_of_the_registry():
    assert {name for name, f in FORMATS.items() if f.training} == {"spacy", "hf", "conll"}


@pytest.mark.parametrize("fmt", ["conll", "spacy", "hf"])
def test_several_records_and_none_reviewed_is_refused_naming_the_choices(corpus, scheme, tmp_path, fmt):
    dest = tmp_path / "exports" / f"out.{fmt}"
    with pytest.raises(SeveralRecords) as exc:
        export(corpus, scheme, str(dest), fmt, Options(allow_lossy=True))
    message = str(exc.value)
    assert message.startswith("1 document(s) have records of several annotators and none reviewed (d0: alice, bob)")
    for choice in ("--annotator NAME", "--prefer reviewer,alice", "--all-annotators"):
        assert choice in message
    assert not (tmp_path / "exports").exists() or list((tmp_path / "exports").iterdir()) == []  # nothing left


def test_the_reviewed_record_or_the_only_one(corpus, scheme, tmp_path):
    rs = ReviewSession(corpus, scheme, "reviewer")
    rs.open("d0")
    rs.set_status("d0", "done")
    report = export(corpus, scheme, str(tmp_path / "x.conll"), "conll", Options(allow_lossy=True))
    assert report.records == 3
    assert "one record per document: the reviewed one for 2 document(s), the only one for 1" in report.notes
    import spacy  # the real consumer: one Doc per document, no copy of any

    export(corpus, scheme, str(tmp_path / "x.spacy"), "spacy", Options(allow_lossy=True))
    from annotator.formats.spacy_docbin import read_docs

    docs = list(read_docs(tmp_path / "x.spacy", spacy.blank("fr").vocab))
    assert [(d.user_data["annotator_record"]["id"], d.user_data["annotator_record"]["annotator"]) for d in docs] == [
        ("d0", "reviewer"), ("d1", "reviewer"), ("d2", "alice")]


def test_prefer_takes_the_first_listed_who_has_a_record_per_document(corpus, scheme, tmp_path):
    out = tmp_path / "hf"
    report = export(corpus, scheme, str(out), "hf", Options(allow_lossy=True), selection=Selection(("bob", "alice")))
    rows = [json.loads(line) for line in (out / "data.jsonl").read_text().splitlines()]
    assert [(r["document"], r["annotator"]) for r in rows] == [("d0", "bob"), ("d1", "bob"), ("d2", "alice")]
    assert report.records == 3
    report = export(corpus, scheme, str(tmp_path / "r.jsonl"), "jsonl", selection=Selection(("reviewer",)))
    assert records_in(tmp_path / "r.jsonl") == [("d1", "reviewer")]
    assert report.notes == ["2 document(s) left out: none of reviewer has a record of them (e.g. d0: alice, bob)"]


def test_all_annotators_is_every_record_on_purpose(corpus, scheme, tmp_path):
    report = export(corpus, scheme, str(tmp_path / "x.conll"), "conll", Options(allow_lossy=True),
                    selection=Selection(all_annotators=True))
    assert report.records == 6
    conll = (tmp_path / "x.conll").read_text(encoding="utf-8")
    assert conll.count("-DOCSTART-") == 6


def test_native_jsonl_keeps_everyones_records(corpus, scheme, tmp_path):
    export(corpus, scheme, str(tmp_path / "all.jsonl"))
    assert records_in(tmp_path / "all.jsonl") == [("d0", "alice"), ("d0", "bob"), ("d1", "alice"), ("d1", "bob"),
                                                  ("d1", "reviewer"), ("d2", "alice")]


def test_the_cli_refuses_with_exit_2_and_takes_the_options(corpus, tmp_path):
    db = corpus.path
    base = [*ANNOTATOR, "export", "--db", str(db), "--schema", str(SCHEME_PATH), "--format", "conll", "--allow-lossy"]
    proc = subprocess.run([*base, "--out", str(tmp_path / "x.conll")], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--prefer reviewer,alice" in proc.stderr and not (tmp_path / "x.conll").exists()
    proc = subprocess.run([*base, "--prefer", "reviewer,alice", "--out", str(tmp_path / "x.conll")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "exported 3 record(s)" in proc.stderr
    proc = subprocess.run([*base, "--all-annotators", "--out", str(tmp_path / "y.conll")], capture_output=True, text=True)
    assert proc.returncode == 0 and "exported 6 record(s)" in proc.stderr
    proc = subprocess.run([*base, "--all-annotators", "--annotator", "alice", "--out", "-"], capture_output=True,
                          text=True)
    assert proc.returncode == 2 and "--prefer and --all-annotators do not apply" in proc.stderr
