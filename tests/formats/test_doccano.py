"""doccano: both JSONL variants, UTF-16 offsets by default, grapheme mode, relations, bad input."""

from __future__ import annotations

import orjson

from annotator.formats import doccano
from annotator.errors import ProblemLog
from tests.formats.fmt_helpers import SCHEME, options, record, sample_records, same_records, span, write_read


def read(path, **kw):
    log = ProblemLog()
    opts = options(**kw)
    return list(doccano.read(str(path), SCHEME, opts, log)), log, opts


def test_roundtrip_is_identity_in_utf16_and_codepoints(tmp_path):
    recs = sample_records()
    for unit in ("utf16", "codepoint"):
        report, items, log, _ = write_read("doccano", recs, tmp_path / f"{unit}.jsonl", offsets=unit)
        assert not log and not report.lossy
        same_records(recs, items)


def test_utf16_offsets_as_doccano_counts_them(tmp_path):
    # the doccano issue #2290 example: firetrucks is 22-32 in UTF-16, 19-29 in code points
    text = "👨🏻‍🚒 firemen drive firetrucks"
    p = tmp_path / "d.jsonl"
    p.write_text(orjson.dumps({"id": 7, "text": text, "label": [[22, 32, "ACTOR"]]}).decode() + "\n", encoding="utf-8")
    items, log, _ = read(p)
    assert not log, log.lines()
    s = items[0].record["spans"][0]
    assert (s["start"], s["end"], s["text"]) == (19, 29, "firetrucks")
    assert items[0].document.id == "7"
    # export writes UTF-16 again
    report = doccano.write(iter([record("x", text, [span("a", text, "firetrucks", "ACTOR")])]), str(tmp_path / "o.jsonl"),
                           SCHEME, options())
    row = orjson.loads((tmp_path / "o.jsonl").read_bytes())
    assert [(e["start_offset"], e["end_offset"]) for e in row["entities"]] == [(22, 32)]
    assert report.records == 1


def test_grapheme_mode(tmp_path):
    text = "🇫🇷 Élise dit"
    p = tmp_path / "g.jsonl"
    p.write_text(orjson.dumps({"text": text, "label": [[2, 7, "ACTOR"]]}).decode() + "\n", encoding="utf-8")
    items, log, _ = read(p, offsets="grapheme")
    assert not log
    assert items[0].record["spans"][0]["text"] == "Élise"
    assert items[0].document.id == "g-1"


def test_grapheme_export_reports_a_span_inside_a_cluster(tmp_path):
    text = "Ame\u0301lie"
    rec = record("x", text, [{"id": "a", "start": 0, "end": 3, "label": "ACTOR", "text": "Ame", "attrs": {}, "source": "manual"}])
    report, items, log, _ = write_read("doccano", [rec], tmp_path / "g.jsonl", offsets="grapheme", allow_lossy=True)
    assert report.lossy and "inside a grapheme cluster" in str(report.losses[0])


def test_offset_inside_surrogate_pair_is_a_problem(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text(orjson.dumps({"text": "😀 ok", "label": [[1, 4, "ACTOR"]]}).decode() + "\n", encoding="utf-8")
    items, log, _ = read(p)
    assert not items
    assert "bad.jsonl:1: label[0]: utf16 offset 1 falls inside a surrogate pair" in log.lines()[0]


def test_relations_variant_and_doccano_1_5_data_key(tmp_path):
    p = tmp_path / "rel.jsonl"
    text = "« Oui », dit Paul."
    rows = [
        {"text": text, "entities": [{"id": 91, "label": "QUOTE", "start_offset": 0, "end_offset": 7},
                                    {"id": 92, "label": "PER", "start_offset": 13, "end_offset": 17}],
         "relations": [{"id": 5, "from_id": 91, "to_id": 92, "type": "said_by"}], "source": "AFP"},
        {"id": 3, "data": text, "label": [[13, 17, "PER"]]},
    ]
    p.write_text("".join(orjson.dumps(r).decode() + "\n" for r in rows), encoding="utf-8")
    items, log, _ = read(p, label_map=_map(("PER", "ACTOR"), ("said_by", "speaker")))
    assert not log, log.lines()
    q = next(s for s in items[0].record["spans"] if s["label"] == "QUOTE")
    a = next(s for s in items[0].record["spans"] if s["label"] == "ACTOR")
    assert q["attrs"]["speaker"] == a["id"]
    assert items[0].document.meta == {"source": "AFP"}
    assert items[1].record["spans"][0]["text"] == "Paul"


def _map(*pairs):
    from annotator.formats.common import known_names
    from annotator.formats.labelmap import LabelMap

    return LabelMap(pairs, known=known_names(SCHEME))


def test_unmapped_labels_are_one_problem_with_counts(tmp_path):
    p = tmp_path / "u.jsonl"
    text = "Paul et Marie à Paris."
    p.write_text(orjson.dumps({"text": text, "label": [[0, 4, "PER"], [8, 13, "PER"], [16, 21, "LOC"]]}).decode() + "\n",
                 encoding="utf-8")
    items, log, _ = read(p)
    msg = "\n".join(log.lines())
    assert "2 label(s) not in the scheme and not mapped: 'PER' x2 (first at" in msg
    assert "'LOC' x1" in msg and "--map PER=" in msg


def test_bad_rows_are_located(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_bytes(b'{"text": "abc", "label": [[0, 9, "ACTOR"]]}\n{"label": []}\n{"text": "x", "label": ["POS"]}\nnot json\n')
    items, log, _ = read(p)
    lines = log.lines()
    assert any(l.startswith("b.jsonl:1: label[0]: utf16 offset 9 is out of range") or "b.jsonl:1:" in l for l in lines)
    assert any("b.jsonl:2: text: missing" in l for l in lines)
    assert any("b.jsonl:3: label[0]: expected [start, end" in l for l in lines)
    assert any("b.jsonl:4: not valid JSON" in l for l in lines)
    assert not items
    assert all(str(tmp_path) in l for l in lines)
