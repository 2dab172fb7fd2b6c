"""The fast record decoder is a filter in front of the pydantic record model: every line it
accepts, the model accepts too. Checked on valid records, on hand-picked bad ones and on
records mutated at random, field by field."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from annotator.model.record import Record
from annotator.model.span import Flag, Provenance, Span
from annotator.schema import load_scheme
from annotator.schema.record_decoder import RecordDecoder
from tests.conftest import make_record

TEXT = "Le 12 mai, l’ONU a déclaré « 75 membres » à Genève.\nD’après Paris, rien."


def rich_record() -> dict[str, Any]:
    rec = make_record(TEXT, [
        {"start": 3, "end": 9, "label": "DATE", "attrs": {"value": "XXXX-05-12"}},
        {"start": 11, "end": 16, "label": "ACTOR", "attrs": {"kind": "organization"}},
        {"start": 28, "end": 38, "label": "QUANTITY", "attrs": {"value": 75, "unit": "membres", "approximate": False}},
        {"start": 26, "end": 40, "label": "QUOTE", "attrs": {"mode": "direct", "speaker": "s2"}},
    ], meta={"source": "afp", "tags": ["a", {"b": [1, 2.5, None, True]}]},
        flags=[{"id": "f1", "comment": "date?", "at": "2026-01-02T03:04:05Z"}])
    rec["spans"][1]["provenance"] = {"annotators": ["a", "b"], "decision": "accepted"}
    rec["spans"][2]["source"] = "model.v2"
    rec["spans"][0]["source"] = "rule:date"
    rec["spans"][1]["source"] = "model:fr_core_news_sm"
    return rec


@pytest.fixture(scope="module")
def decoder(scheme):
    return RecordDecoder(scheme)


def model_accepts(scheme, line: bytes) -> bool:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(obj, dict):
        return False
    try:
        scheme.validate_record(obj)
    except ValidationError:
        return False
    return True


def test_the_types_list_the_models_fields(decoder):
    record_type = decoder._decoder.type
    assert set(record_type.__struct_fields__) == {f.alias or name for name, f in Record.model_fields.items()}
    for span_type in decoder.span_types.values():
        assert set(span_type.__struct_fields__) | {"label"} == set(Span.model_fields)
    from annotator.schema import record_decoder as rd

    assert set(rd.Flag.__struct_fields__) == set(Flag.model_fields)
    assert set(rd.Provenance.__struct_fields__) == set(Provenance.model_fields)


def test_valid_records_pass_both(decoder, scheme):
    for rec in (rich_record(), make_record(TEXT), make_record("", status="todo", annotator=None)):
        line = orjson.dumps(rec)
        assert model_accepts(scheme, line)
        done = decoder.decode(line)
        assert done is not None
        assert done.record.id == rec["id"] and done.columns.starts == [s["start"] for s in rec["spans"]]


def _set(rec: dict, path: tuple, value: Any) -> dict:
    rec = copy.deepcopy(rec)
    target = rec
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return rec


BAD = [
    (("id",), "doc\n"), (("id",), ""), (("id",), "x" * 257), (("id",), "a\x85b"),
    (("annotator",), "alice\n"), (("annotator",), "al ice"), (("updated_at",), "2026-01-02T03:04:05Z\n"),
    (("updated_at",), "yesterday"), (("text_sha256",), "0" * 64), (("schema",), "other"), (("schema_version",), 2),
    (("schema_version",), 0), (("schema_version",), 1.0), (("schema_version",), True), (("status",), "finished"),
    (("spans", 0, "id"), "s1\n"), (("spans", 0, "id"), "s 1"), (("spans", 0, "start"), -1),
    (("spans", 0, "start"), 3.0), (("spans", 0, "end"), 200), (("spans", 0, "end"), 3), (("spans", 0, "text"), "x"),
    (("spans", 0, "label"), "PLACE"), (("spans", 0, "source"), "Manual"), (("spans", 0, "source"), "manual\n"),
    (("spans", 0, "source"), ":rule"), (("spans", 0, "source"), "model:" + "x" * 59), (("spans", 0, "source"), "model:a b"),
    (("spans", 0, "attrs", "value"), "2014\n"), (("spans", 0, "attrs", "value"), "May"),
    (("spans", 0, "attrs", "value"), "٢٠١٤"), (("spans", 0, "attrs", "other"), 1),
    (("spans", 1, "attrs", "kind"), "people"), (("spans", 2, "attrs", "value"), True),
    (("spans", 2, "attrs", "value"), "75"), (("spans", 2, "attrs", "approximate"), 0),
    (("spans", 2, "attrs", "unit"), "x" * 10_001), (("spans", 3, "attrs", "speaker"), "s3"),
    (("spans", 3, "attrs", "speaker"), "s4"), (("spans", 3, "attrs", "speaker"), "s9"),
    (("spans", 3, "attrs", "speaker"), "s2\n"), (("spans", 1, "provenance", "decision"), "maybe"),
    (("spans", 1, "provenance", "extra"), 1), (("spans", 1, "id"), "s1"), (("flags", 0, "id"), "f 1"),
    (("flags", 0, "comment"), "x" * 10_001), (("flags", 0, "x"), 1), (("spans", 0, "extra"), 1), (("extra",), 1),
]


@pytest.mark.parametrize("path,value", BAD, ids=[f"{'.'.join(map(str, p))}={v!r}"[:60] for p, v in BAD])
def test_bad_records_are_refused_by_both(decoder, scheme, path, value):
    line = orjson.dumps(_set(rich_record(), path, value))
    assert not model_accepts(scheme, line)
    assert decoder.decode(line) is None


def test_same_range_twice_and_duplicate_flags_are_refused(decoder, scheme):
    rec = rich_record()
    rec["spans"].append({**rec["spans"][0], "id": "s9"})
    assert decoder.decode(orjson.dumps(rec)) is None
    rec = rich_record()
    rec["flags"].append(dict(rec["flags"][0]))
    assert decoder.decode(orjson.dumps(rec)) is None


def test_deep_meta_and_bad_json_go_to_the_careful_reader(decoder):
    deep = rich_record()
    nested: Any = 1
    for _ in range(70):
        nested = [nested]
    deep["meta"] = {"x": nested}
    assert decoder.decode(orjson.dumps(deep)) is None
    for line in (b"", b"[]", b'{"id": "x"', b"\xff", b'{"id": "\\ud800"}', b"NaN", orjson.dumps(rich_record()) + b" x"):
        assert decoder.decode(line) is None


def test_required_attributes_are_required(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "news"\nversion = 1\n[[label]]\nname = "DATE"\nkey = "1"\ncolor = "#000000"\n'
                    '  [[label.attr]]\n  name = "value"\n  type = "timex"\n  required = true\n', encoding="utf-8")
    scheme = load_scheme(path)
    dec = RecordDecoder(scheme)
    good = make_record(TEXT, [{"start": 3, "end": 9, "label": "DATE", "attrs": {"value": "2014-05-12"}}])
    assert dec.decode(orjson.dumps(good)) is not None
    for attrs in ({}, {"value": None}):
        bad = make_record(TEXT, [{"start": 3, "end": 9, "label": "DATE", "attrs": attrs}])
        assert dec.decode(orjson.dumps(bad)) is None and not model_accepts(scheme, orjson.dumps(bad))


# -- at random ------------------------------------------------------------------------------------

def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


PATHS = _paths(rich_record())
NASTY = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 300), st.sampled_from([2**63, -(2**63) - 1, 10**30, 1.0, 0.5, 1e308, -0.0]),
    st.sampled_from(["", "\n", "s1\n", "s2", "s3", "s4", "s1", "f1", "2014", "2014\n", "٣", "PRESENT_REF", "manual",
                     "Manual", "done", "todo", "news", "alice", "a b", "x" * 65, "direct", "ACTOR", "QUOTE", "DATE",
                     "\u2028", "e\u0301", "🙂", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z\n"]),
    st.text(max_size=12), st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.sampled_from(["a", "id"]),
                                                                                 st.integers(0, 3), max_size=2),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["set", "delete", "add"]), NASTY),
                min_size=1, max_size=3))
def test_whatever_the_decoder_accepts_the_model_accepts(decoder, scheme, changes):
    rec = rich_record()
    for path, how, value in changes:
        try:
            parent = rec
            for key in path[:-1]:
                parent = parent[key]
            if how == "set":
                parent[path[-1]] = value
            elif how == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent["x_" + str(path[-1])] = value
            else:
                parent.append(value)
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # the path no longer leads anywhere after an earlier change
    try:
        line = orjson.dumps(rec)
    except (TypeError, orjson.JSONEncodeError):
        return
    if decoder.decode(line) is not None:
        assert model_accepts(scheme, line), line


def test_the_decoder_decodes_what_it_is_given(decoder):
    with pytest.raises(msgspec.DecodeError):
        decoder._decoder.decode(b"{")
