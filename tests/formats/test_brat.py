"""brat: standoff lines, CRLF counted, fragments across line breaks, safe file names, annotation.conf."""

from __future__ import annotations


from annotator.formats import brat
from annotator.errors import ProblemLog
from tests.formats.fmt_helpers import SCHEME, options, record, sample_records, same_records, span, write_read


def read(path, **kw):
    log = ProblemLog()
    opts = options(**kw)
    return list(brat.read(str(path), SCHEME, opts, log)), log, opts


def test_roundtrip_is_identity(tmp_path):
    recs = sample_records()
    report, items, log, _ = write_read("brat", recs, tmp_path / "out")
    assert not log, log.lines()
    assert not report.lossy
    same_records(recs, items)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "annotation.conf" in names and "visual.conf" in names and "crlf.ann" in names
    assert not any(n.startswith(".annotator-export-") for n in names)


def test_ann_lines_and_crlf_offsets(tmp_path):
    recs = sample_records()[:1]
    brat.write(iter(recs), str(tmp_path / "o"), SCHEME, options())
    txt = (tmp_path / "o" / "crlf.txt").read_bytes()
    assert txt == recs[0]["text"].encode()  # CRLF kept, byte for byte
    ann = (tmp_path / "o" / "crlf.ann").read_text(encoding="utf-8").splitlines()
    start = recs[0]["text"].index("« Nous")  # counts the CR of the first line
    assert f"T1\tQUOTE {start} {start + 18}\t« Nous resterons »" in ann
    assert "R1\tSpeaker Arg1:T1 Arg2:T2" in ann and "A1\tmode T1 direct" in ann
    conf = (tmp_path / "o" / "annotation.conf").read_text()
    assert "Speaker\tArg1:QUOTE, Arg2:ACTOR" in conf and "mode\tArg:QUOTE, Value:direct|indirect" in conf


def test_span_across_line_breaks_is_written_as_fragments_and_read_back(tmp_path):
    t = "« Premier.\r\nSecond »\n"
    rec = record("multi", t, [span("q", t, "« Premier.\r\nSecond »\n", "QUOTE")])
    report, items, log, _ = write_read("brat", [rec], tmp_path / "o")
    ann = (tmp_path / "o" / "multi.ann").read_text(encoding="utf-8")
    assert "T1\tQUOTE 0 10;12 20\t« Premier. Second »" in ann
    assert not log and not report.lossy
    same_records([rec], items)


def test_file_names_come_from_an_allow_list(tmp_path):
    ids = ["../../etc/passwd", ".hidden", "CON", "a/b", "a_b", "A_B", "é t\u00e9", "x" * 250]
    recs = [record(i, "Paul.", [span("a", "Paul.", "Paul", "ACTOR")]) for i in ids]
    out = tmp_path / "deep" / "out"
    report, items, log, _ = write_read("brat", recs, out)
    assert not log, log.lines()
    for p in tmp_path.rglob("*"):
        assert out in p.parents or p == out or p in out.parents, p
    stems = [p.stem for p in out.glob("*.txt")]
    assert len(stems) == len(ids) and len({s.lower() for s in stems}) == len(ids)
    assert all(not s.startswith(".") and s.split(".")[0].upper() != "CON" and len(s) <= 120 for s in stems)
    assert all(c.isascii() and (c.isalnum() or c in "._-") for s in stems for c in s)
    assert sorted(it.document.id for it in items) == sorted(ids)  # the index restores the ids


def test_foreign_folder_events_notes_attributes_and_discontinuous(tmp_path):
    d = tmp_path / "coll"
    (d / "sub").mkdir(parents=True)
    text = "Paul a dit oui et puis non.\n"
    (d / "sub" / "doc1.txt").write_bytes(text.encode())
    (d / "sub" / "doc1.ann").write_text(
        "T1\tPER 0 4\tPaul\nT2\tQUOTE 11 14;23 26\toui non\nR1\tSpeaker Arg1:T2 Arg2:T1\n"
        "A1\tkind T1 person\nA2\tNegated T1\nE1\tSay:T2 Agent:T1\n#1\tAnnotatorNotes T1\tfree text\n", encoding="utf-8")
    (d / "lonely.ann").write_text("T1\tPER 0 1\tx\n", encoding="utf-8")
    items, log, opts = read(d, label_map=_map(("PER", "ACTOR")))
    lines = log.lines()
    assert any("lonely.ann: no lonely.txt beside it" in l for l in lines)
    assert any("doc1.ann:2: T2: discontinuous span (2 fragments" in l and "--split-discontinuous" in l for l in lines)
    items, log, opts = read(d / "sub", label_map=_map(("PER", "ACTOR")), split_discontinuous=True)
    assert not log, log.lines()
    rec = items[0].record
    assert items[0].document.id == "doc1"
    assert [s["text"] for s in rec["spans"] if s["label"] == "QUOTE"] == ["oui", "non"]
    a = next(s for s in rec["spans"] if s["label"] == "ACTOR")
    assert a["attrs"] == {"kind": "person"}
    assert all(s["attrs"]["speaker"] == a["id"] for s in rec["spans"] if s["label"] == "QUOTE")
    notes = "\n".join(opts.notes.lines())
    assert "E1: events" in notes and "'Negated' is not in the scheme" in notes and "free-text note" in notes


def _map(*pairs):
    from annotator.formats.common import known_names
    from annotator.formats.labelmap import LabelMap

    return LabelMap(pairs, known=known_names(SCHEME))


def test_text_mismatch_suggests_utf16(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    text = "😀 Paul"
    (d / "x.txt").write_text(text, encoding="utf-8")
    (d / "x.ann").write_text("T1\tACTOR 3 7\tPaul\n", encoding="utf-8")  # brat UI count after an astral char
    items, log, _ = read(d)
    assert "x.ann:1: T1: offsets 3 7 are outside the text" in log.lines()[0] and "--offsets utf16" in log.lines()[0]
    items, log, _ = read(d, offsets="utf16")
    assert not log and items[0].record["spans"][0]["text"] == "Paul"


def test_malformed_lines(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    (d / "x.txt").write_text("Paul", encoding="utf-8")
    (d / "x.ann").write_text("T1\tACTOR 0\tPaul\nR1\tSpeaker Arg1:T1\nQ1\tfoo\nT2\tACTOR 0 9\tPaul\n", encoding="utf-8")
    items, log, _ = read(d)
    lines = log.lines()
    assert any("x.ann:1: T1: expected T<n>" in l for l in lines)
    assert any("x.ann:2: R1: expected R<n>" in l for l in lines)
    assert any("x.ann:3: Q1: unknown annotation type" in l for l in lines)
    assert any("x.ann:4: T2: offsets 0 9 are outside the text" in l for l in lines)
