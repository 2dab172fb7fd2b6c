"""The format table, format guessing, and --map / --map-file parsing."""

from __future__ import annotations

import orjson
import pytest

from annotator.errors import UsageError
from annotator.formats import registry
from annotator.formats.common import known_names
from annotator.formats.labelmap import LabelMap, build_label_map
from tests.formats.fmt_helpers import SCHEME


def test_every_format_is_registered_with_its_directions():
    assert list(registry.FORMATS) == ["jsonl", "spacy", "prodigy", "doccano", "label-studio", "brat", "conll", "hf"]
    for name, f in registry.FORMATS.items():
        if f.can_read:
            assert callable(f.read())
        if f.can_write:
            assert callable(f.write())
    with pytest.raises(UsageError, match="export-only"):
        registry.FORMATS["hf"].read()
    with pytest.raises(UsageError, match="unknown format"):
        registry.get_format("xml")


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("a.spacy", b"", "spacy"),
    ("a.conll", b"", "conll"),
    ("a.iob", b"", "conll"),
    ("a.txt", b"x", "jsonl"),
    ("t.json", b'  [{"data": {"text": "x"}}]', "label-studio"),
    ("t.jsonl", b'{"data": {"text": "x"}, "annotations": []}\n', "label-studio"),
    ("d.jsonl", b'\n{"text": "x", "label": [[0, 1, "A"]]}\n', "doccano"),
    ("d.jsonl", b'{"text": "x", "entities": [{"start_offset": 0}], "relations": []}\n', "doccano"),
    ("p.jsonl", b'{"text": "x", "tokens": [], "spans": [], "_input_hash": 1}\n', "prodigy"),
    ("p.jsonl", b'{"text": "x", "spans": []}\n', "prodigy"),
    ("n.jsonl", b'{"id": "a", "text": "x"}\n', "jsonl"),
    ("n.jsonl", b'{"id": "a", "text": "x", "spans": [], "schema": "news"}\n', "jsonl"),
    ("h.jsonl", b'{"tokens": ["a"], "ner_tags": [0]}\n', "hf"),
])
def test_guess_format(tmp_path, name, content, expected):
    p = tmp_path / name
    p.write_bytes(content)
    assert registry.guess_format(p)[0] == expected


def test_guess_folders_and_failures(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.ann").write_text("")
    (tmp_path / "t").mkdir()
    assert registry.guess_format(tmp_path / "b")[0] == "brat"
    assert registry.guess_format(tmp_path / "t")[0] == "jsonl"
    (tmp_path / "odd.json").write_bytes(orjson.dumps({"foo": 1}))
    with pytest.raises(UsageError, match="cannot tell the format.*foo.*--format"):
        registry.guess_format(tmp_path / "odd.json")
    (tmp_path / "odd.jsonl").write_bytes(b"nope\n")  # native JSONL: its reader says what is wrong, line by line
    assert registry.guess_format(tmp_path / "odd.jsonl")[0] == "jsonl"
    with pytest.raises(UsageError, match="no such file"):
        registry.guess_format(tmp_path / "missing")
    (tmp_path / "h.jsonl").write_bytes(b'{"tokens": ["a"], "ner_tags": [0]}\n')
    with pytest.raises(UsageError, match="export-only"):
        registry.resolve_sources([str(tmp_path / "h.jsonl")], "auto")


def test_label_map_both_ways_and_tallies():
    lm = LabelMap([("PER", "ACTOR"), ("ORG", "ACTOR"), ("MISC", "")], known=known_names(SCHEME))
    assert lm.to_label("PER") == "ACTOR" and lm.to_label("ORG") == "ACTOR" and lm.to_label("DATE") == "DATE"
    assert lm.to_label("MISC") is None and lm.to_label("LOC", "f", 3) is None and lm.to_label("LOC") is None
    assert lm.external("ACTOR") == "PER" and lm.external("DATE") == "DATE"
    p = lm.unmapped_problem("f")
    assert "'LOC' x2 (first at f:3)" in p.message and "--map LOC=ACTOR" in p.message
    assert "'MISC' x1" in lm.dropped_note()
    with pytest.raises(UsageError, match="not in the scheme: PERSON"):
        LabelMap([("PER", "PERSON")], known=known_names(SCHEME))
    with pytest.raises(UsageError, match="mapped twice"):
        LabelMap([("PER", "ACTOR"), ("PER", "DATE")], known=known_names(SCHEME))


def test_map_files(tmp_path):
    (tmp_path / "m.txt").write_text("# CoNLL-2003 to news\nPER = ACTOR\nORG=ACTOR  # orgs too\n\nMISC=\n")
    lm = build_label_map(["LOC=ACTOR"], str(tmp_path / "m.txt"), known=known_names(SCHEME))
    assert lm.to_scheme == {"PER": "ACTOR", "ORG": "ACTOR", "MISC": "", "LOC": "ACTOR"}
    (tmp_path / "m.json").write_text('{"PER": "ACTOR"}')
    assert build_label_map([], str(tmp_path / "m.json"), known=known_names(SCHEME)).to_scheme == {"PER": "ACTOR"}
    (tmp_path / "bad.txt").write_text("PER ACTOR\n")
    with pytest.raises(UsageError, match=r"bad.txt:1: expected SRC=LABEL"):
        build_label_map([], str(tmp_path / "bad.txt"), known=known_names(SCHEME))
    with pytest.raises(UsageError, match="expected SRC=LABEL"):
        build_label_map(["PER"], None, known=known_names(SCHEME))
    (tmp_path / "unknown.txt").write_text("PER=ACTOR\n# places\nLOC=PLACE\n")
    with pytest.raises(UsageError, match=r"unknown.txt:3: 'PLACE' is not a label of the scheme"):
        build_label_map([], str(tmp_path / "unknown.txt"), known=known_names(SCHEME))
    (tmp_path / "unknown.json").write_text('{"PER": "ACTOR", "LOC": "PLACE"}')
    with pytest.raises(UsageError, match=r"unknown.json: 'LOC': 'PLACE' is not a label"):
        build_label_map([], str(tmp_path / "unknown.json"), known=known_names(SCHEME))
