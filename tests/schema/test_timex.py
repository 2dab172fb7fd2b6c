"""TIMEX3 values said in words (issue 11, item 13): what a value looks like, with examples, and the
value a French date means when this small reader can tell -- in the attribute form's message and in
``annotator validate``, never the 400-character pattern."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from annotator.errors import ActionRefused
from annotator.schema.timex import TIMEX_PATTERN, is_timex, suggest_timex, timex_problem
from tests.conftest import ANNOTATOR, make_record


@pytest.mark.parametrize("text,value", [
    ("juin 2014", "2014-06"), ("Juin 2014", "2014-06"), ("en juin 2014", "2014-06"), ("D'août 2014", "2014-08"),
    ("sept. 2017", "2017-09"), ("le 1er mai 2018", "2018-05-01"), ("26 avril 2018", "2018-04-26"),
    ("lundi 26 avril 2018", "2018-04-26"), ("26/04/2018", "2018-04-26"), ("26.04.2018", "2018-04-26"),
    ("04/2018", "2018-04"), ("2018/04/26", "2018-04-26"), ("2018-4-26", "2018-04-26"), ("avril", "XXXX-04"),
    ("29 février", "XXXX-02-29"), ("lundi", "XXXX-WXX-1"), ("aujourd’hui", "PRESENT_REF"),
    ("present_ref", "PRESENT_REF"),
])
def test_french_dates_the_reader_can_tell(text, value):
    assert suggest_timex(text) == value
    assert is_timex(value)


@pytest.mark.parametrize("text", ["hier", "31 février 2018", "30/02/2018", "banana 2014", "juin juillet", "13/2018",
                                  "le jour où", ""])
def test_no_guess_rather_than_a_wrong_one(text):
    assert suggest_timex(text) is None


def test_the_message_says_what_a_value_looks_like_and_suggests_one():
    msg = timex_problem("juin 2014")
    assert msg == ("'juin 2014' is not a TIMEX3 value; did you mean 2014-06? "
                   "(values look like 2014-06, 2018-04-26, 2018-W17, XXXX-WXX-1, PRESENT_REF)")
    plain = timex_problem("hier")
    assert plain is not None and "2018-W17 (a week)" in plain and "PRESENT_REF (now)" in plain
    assert timex_problem("2014-06") is None


def test_a_final_newline_is_not_a_value():
    assert not is_timex("2014-06\n")  # Python's $ alone would let it through; JSON Schema's does not


def test_the_attribute_form_gets_the_words(scheme):
    with pytest.raises(ActionRefused) as exc:
        scheme.validate_attrs("DATE", {"value": "juin 2014"})
    assert exc.value.field == "attrs.value"
    assert "did you mean 2014-06?" in str(exc.value)
    assert TIMEX_PATTERN not in str(exc.value) and len(str(exc.value)) < 200


def test_validate_says_it_in_words(tmp_path):
    rec = make_record("Il est venu en juin 2014.", [{"start": 15, "end": 24, "label": "DATE",
                                                    "attrs": {"value": "juin 2014"}}])
    path = tmp_path / "bad.jsonl"
    path.write_bytes(orjson.dumps(rec) + b"\n")
    proc = subprocess.run([*ANNOTATOR, "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    line = next(x for x in proc.stdout.splitlines() if "spans[0].attrs.value" in x)
    assert line == (f"{path}:1: spans[0].attrs.value: 'juin 2014' is not a TIMEX3 value; did you mean 2014-06? "
                    "(values look like 2014-06, 2018-04-26, 2018-W17, XXXX-WXX-1, PRESENT_REF)")


def test_the_json_schema_keeps_the_pattern(scheme):
    value = scheme.record_json_schema["$defs"]["DATEAttrs"]["properties"]["value"]
    assert {"type": "string", "pattern": TIMEX_PATTERN} in value["anyOf"]
