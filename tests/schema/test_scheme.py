"""The label scheme: the default file, its compiled models, malformed schemes, the JSON Schema."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from annotator.errors import SchemeError
from annotator.schema import Scheme, parse_scheme, read_scheme_file
from annotator.schema.timex import is_timex
from tests.conftest import ANNOTATOR, ROOT, SCHEME_PATH


def test_default_scheme_labels_keys_and_attributes(scheme):
    assert [lab.name for lab in scheme.labels] == ["ACTOR", "DATE", "QUANTITY", "QUOTE"]
    assert {k: lab.name for k, lab in scheme.by_key.items()} == {"1": "ACTOR", "2": "DATE", "3": "QUANTITY", "4": "QUOTE"}
    assert scheme.label("ACTOR").attr("kind").choices == ("person", "organization", "state", "armed_group", "coalition", "other")
    assert scheme.label("DATE").attr("value").type == "timex"
    assert [(a.name, a.type) for a in scheme.label("QUANTITY").attrs] == [("value", "number"), ("unit", "text"), ("approximate", "bool")]
    assert scheme.ref_attrs == {"QUOTE": (("speaker", frozenset({"ACTOR"})),)}


@pytest.mark.parametrize("value", ["2014-06", "2018-04-26", "2018-W17", "XXXX-WXX-1", "PRESENT_REF", "2014", "2018-Q1",
                                   "2018-SU", "201", "19", "2018-04-10T14:30", "2018-04-10TMO", "P3Y", "PT2H", "P3Y7M", "PXY",
                                   "2018-W15-WE", "XXXX-04"])
def test_timex_values_accepted(value):
    assert is_timex(value)


@pytest.mark.parametrize("value", ["2014-13", "2018-04-32", "juin 2014", "2018/04/26", "", "P", "2018-W54", "present_ref"])
def test_timex_values_refused(value):
    assert not is_timex(value)


@pytest.mark.parametrize("label,attrs,field", [
    ("ACTOR", {"kind": "alien"}, "attrs.kind"),
    ("DATE", {"value": "juin 2014"}, "attrs.value"),
    ("QUANTITY", {"value": "75"}, "attrs.value"),
    ("QUANTITY", {"value": float("nan")}, "attrs.value"),
    ("QUANTITY", {"value": True}, "attrs.value"),
    ("QUANTITY", {"approximate": "yes"}, "attrs.approximate"),
    ("QUOTE", {"mode": "shouted"}, "attrs.mode"),
    ("QUOTE", {"colour": "red"}, "attrs.colour"),
])
def test_attribute_types_are_enforced(scheme, label, attrs, field):
    from annotator.errors import ActionRefused

    with pytest.raises(ActionRefused) as exc:
        scheme.validate_attrs(label, attrs)
    assert exc.value.field == field


def test_valid_attributes_keep_their_values_and_drop_unset(scheme):
    assert scheme.validate_attrs("QUANTITY", {"value": 75, "unit": "membres", "approximate": None}) == {"value": 75, "unit": "membres"}
    assert scheme.validate_attrs("QUANTITY", {"value": 2.5}) == {"value": 2.5}


BASE = """
name = "t"
version = 1
[[label]]
name = "A"
key = "1"
color = "#112233"
"""


@pytest.mark.parametrize("extra,needle", [
    ('[[label.attr]]\nname = "x"\ntype = "colour"\n', "label A, attr 'x': unknown type 'colour'"),
    ('[[label]]\nname = "A"\nkey = "2"\ncolor = "red"\n', "label A: duplicate label"),
    ('[[label]]\nname = "B"\nkey = "1"\ncolor = "red"\n', "label B: duplicate hotkey '1' (also label A)"),
    ('[[label.attr]]\nname = "who"\ntype = "ref"\ntargets = ["PERSON"]\n', "label A, attr 'who': `targets` names label(s) that do not exist: PERSON"),
    ('[[label.attr]]\nname = "k"\ntype = "choice"\n', "label A, attr 'k': a choice attribute needs `choices`"),
])
def test_malformed_scheme_is_refused_naming_file_and_entry(tmp_path, extra, needle):
    path = tmp_path / "bad.toml"
    path.write_text(BASE + extra, encoding="utf-8")
    with pytest.raises(SchemeError) as exc:
        read_scheme_file(path)
    assert str(exc.value).startswith(f"{path}: ")
    assert needle in str(exc.value)


def test_scheme_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(SchemeError, match="not valid TOML"):
        read_scheme_file(path)


def test_cli_refuses_malformed_scheme_with_exit_1_and_no_traceback(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BASE + '[[label.attr]]\nname = "x"\ntype = "colour"\n', encoding="utf-8")
    proc = subprocess.run([*ANNOTATOR, "schema", "--schema", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "unknown type 'colour'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_checked_in_json_schema_matches_the_code(scheme):
    from annotator.cli.schema_cmd import json_schema_text

    checked_in = (ROOT / "schemas" / "record.schema.json").read_text(encoding="utf-8")
    assert checked_in == json_schema_text(scheme), "regenerate: annotator schema --json-schema > schemas/record.schema.json"


def test_json_schema_command_prints_the_record_schema():
    proc = subprocess.run([*ANNOTATOR, "schema", "--json-schema", "--schema", str(SCHEME_PATH)], capture_output=True)
    assert proc.returncode == 0
    schema = orjson.loads(proc.stdout)
    assert schema["type"] == "object"
    assert {"id", "text", "text_sha256", "schema", "schema_version"} <= set(schema["required"])
    assert "spans" in schema["properties"]
    assert "provenance" in orjson.dumps(schema).decode()


def test_a_small_custom_scheme_compiles():
    s = Scheme(parse_scheme({"name": "x", "version": 2, "label": [
        {"name": "P", "key": "p", "color": "red", "attr": [{"name": "n", "type": "number", "required": True}]}]}))
    assert s.validate_attrs("P", {"n": 1}) == {"n": 1}
