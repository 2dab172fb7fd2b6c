"""spaCy DocBin: loaded back by spaCy itself; ents non-overlapping, all aligned spans in sc, user_data."""

from __future__ import annotations

import shutil

import pytest

from annotator.errors import UsageError
from annotator.formats import spacy_docbin
from annotator.formats.common import LossyExport
from tests.formats.fmt_helpers import SCHEME, options, record, same_records, sample_records, write_read

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


def load(path):
    """The Docs as ``spacy train`` reads them: its corpus reader over the exported folder."""
    from spacy.training import Corpus

    return [eg.reference for eg in Corpus(str(path), shuffle=False)(spacy.blank("fr"))]


def test_spacy_reads_the_docbin_and_entities_and_spans_match(tmp_path):
    recs = sample_records()
    report, items, log, _ = write_read("spacy", recs, tmp_path / "x.spacy", allow_lossy=True)
    assert not log, log.lines()
    docs = load(tmp_path / "x.spacy")
    assert [d.text for d in docs] == [r["text"] for r in recs]  # exact text: CRLF, NBSP, emoji, NFD
    lost_ids = {(l.doc_id, item.split(" ")[2]) for l in report.losses for item in l.items}
    for doc, rec in zip(docs, recs):
        expected = {(s["start"], s["end"], s["label"]) for s in rec["spans"] if (rec["id"], s["id"]) not in lost_ids}
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]} == expected
        ents = [(e.start_char, e.end_char) for e in doc.ents]
        assert all(a[1] <= b[0] for a, b in zip(ents, ents[1:]))  # non-overlapping
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} <= expected
        assert doc.user_data["annotator_record"]["id"] == rec["id"]
    # nested ACTOR 'pompier' inside 'Le pompier 🇫🇷' stays in sc, not in ents
    emoji = docs[2]
    assert "pompier" in [s.text for s in emoji.spans["sc"]] and "pompier" not in [e.text for e in emoji.ents]
    same_records(recs, items)  # our own import restores everything from user_data


def test_misaligned_span_is_reported_with_the_alignment_mode(tmp_path):
    t = "D'août 2014"
    rec = record("d", t, [{"id": "x", "start": 3, "end": 11, "label": "DATE", "text": t[3:], "attrs": {}, "source": "manual"}])
    with pytest.raises(LossyExport) as exc:
        spacy_docbin.write(iter([rec]), str(tmp_path / "x.spacy"), SCHEME, options())
    assert "alignment_mode=strict" in str(exc.value.problems[0]) and not (tmp_path / "x.spacy").exists()
    report = spacy_docbin.write(iter([rec]), str(tmp_path / "x.spacy"), SCHEME, options(align="expand", allow_lossy=True))
    assert "written as 2:11 (alignment_mode=expand)" in str(report.losses[0])
    assert [e.text for e in load(tmp_path / "x.spacy")[0].ents] == ["août 2014"]


def test_foreign_docbin_without_user_data(tmp_path):
    nlp = spacy.blank("fr")
    doc = nlp.make_doc("Emmanuel Macron parle à Paris.")
    doc.ents = [doc.char_span(0, 15, label="PER"), doc.char_span(24, 29, label="LOC")]
    DocBin(docs=[doc]).to_disk(tmp_path / "f.spacy")
    from annotator.errors import ProblemLog
    from annotator.formats.common import known_names
    from annotator.formats.labelmap import LabelMap

    log = ProblemLog()
    items = list(spacy_docbin.read(str(tmp_path / "f.spacy"), SCHEME, options(), log))
    assert not items and "'LOC' x1" in log.lines()[0] and "'PER' x1" in log.lines()[0]
    log = ProblemLog()
    lm = LabelMap([("PER", "ACTOR"), ("LOC", "")], known=known_names(SCHEME))
    opts = options(label_map=lm)
    items = list(spacy_docbin.read(str(tmp_path / "f.spacy"), SCHEME, opts, log))
    assert not log
    assert items[0].document.id == "f-1"
    assert [(s["text"], s["label"]) for s in items[0].record["spans"]] == [("Emmanuel Macron", "ACTOR")]
    assert any("dropped on purpose" in n for n in opts.notes.lines())


def test_not_a_docbin(tmp_path):
    from annotator.errors import ProblemLog

    (tmp_path / "x.spacy").write_bytes(b"garbage")
    log = ProblemLog()
    assert not list(spacy_docbin.read(str(tmp_path / "x.spacy"), SCHEME, options(), log))
    assert "not a spaCy DocBin file" in log.lines()[0]


def test_export_is_a_folder_of_chunks_spacy_train_reads_in_order(tmp_path, monkeypatch):
    """Memory stays flat in corpus size: one DocBin per chunk, written as it fills (issue 11)."""
    monkeypatch.setattr(spacy_docbin, "CHUNK_DOCS", 2)
    t = "La coalition a parlé."
    recs = [record(f"d{i}", t, [{"id": "a", "start": 3, "end": 12, "label": "ACTOR", "text": "coalition",
                                 "attrs": {}, "source": "manual"}]) for i in range(5)]
    out = tmp_path / "train"
    (out / "keep").mkdir(parents=True)
    (out / "keep" / "mine.spacy").write_bytes(b"")  # a file of the user's, in the way of spacy train
    # a folder holding anything but an earlier export of ours is refused, untouched (spacy train
    # would read the user's files beside ours)
    with pytest.raises(UsageError, match="not an earlier annotator export"):
        spacy_docbin.write(iter(recs), str(out), SCHEME, options())
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["keep", "keep/mine.spacy"]
    shutil.rmtree(out / "keep")
    built = []
    monkeypatch.setattr(spacy_docbin, "to_doc", _counting(spacy_docbin.to_doc, built))
    written = []
    real = DocBin.to_bytes

    def to_bytes(self):
        written.append(len(self))  # each chunk is serialised once it is full: a DocBin never holds more
        return real(self)

    monkeypatch.setattr(DocBin, "to_bytes", to_bytes)
    report = spacy_docbin.write(iter(recs), str(out), SCHEME, options())
    assert written == [2, 2, 1] and len(built) == 5
    assert sorted(f.name for f in out.glob("*.spacy")) == ["annotations-00000.spacy", "annotations-00001.spacy",
                                                          "annotations-00002.spacy"]
    assert any("spacy train reads the folder" in n for n in report.notes)
    assert [d.user_data["annotator_record"]["id"] for d in load(out)] == [f"d{i}" for i in range(5)]
    # a smaller export into the same folder leaves no chunk of the earlier one behind
    spacy_docbin.write(iter(recs[:2]), str(out), SCHEME, options())
    assert sorted(f.name for f in out.glob("*.spacy")) == ["annotations-00000.spacy"]
    assert [d.user_data["annotator_record"]["id"] for d in load(out)] == ["d0", "d1"]
    # our import reads the folder (and guesses it from the .spacy files)
    from annotator.formats.registry import guess_format

    assert guess_format(out)[0] == "spacy"
    log = __import__("annotator.errors", fromlist=["ProblemLog"]).ProblemLog()
    items = list(spacy_docbin.read(str(out), SCHEME, options(), log))
    assert not log and [i.document.id for i in items] == ["d0", "d1"]


def _counting(fn, calls):
    def wrapped(*args, **kw):
        calls.append(1)
        return fn(*args, **kw)

    return wrapped


def test_encoders_looked_up_once_write_the_same_bytes_and_are_put_back(tmp_path):
    """srsly's Packer searched every package's entry points for each Doc (a third of the export's
    CPU); during an export the encoders are looked up once. Same bytes; the registry restored."""
    from srsly.msgpack import msgpack_encoders

    nlp = spacy.blank("fr")
    rec = sample_records()[0]
    doc, _ = spacy_docbin.to_doc(nlp, rec, SCHEME, options(allow_lossy=True))
    plain = DocBin(store_user_data=True)
    plain.add(doc)
    calls = []
    real = type(msgpack_encoders).get_all
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(type(msgpack_encoders), "get_all", lambda self: calls.append(1) or real(self))
        with spacy_docbin._msgpack_encoders_looked_up_once():
            once = DocBin(store_user_data=True)
            for _ in range(5):
                once.add(doc)
        assert len(calls) == 1  # not once per Packer
    assert "get_all" not in vars(msgpack_encoders)  # the registry's own method again
    assert once.user_data[0] == plain.user_data[0] and once.span_groups[0] == plain.span_groups[0]
    with pytest.raises(RuntimeError), spacy_docbin._msgpack_encoders_looked_up_once():
        raise RuntimeError("an export that fails")
    assert "get_all" not in vars(msgpack_encoders)
