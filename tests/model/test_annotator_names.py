"""Annotator names (issue 11, item 9): Unicode letters are letters, a name is never rewritten, and
the JSON Schema's pattern means what the code's does."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata

import orjson
import pytest

from annotator.model import patterns
from annotator.model.name_chars import NAME_CHARS, UNICODE_VERSION, name_char_class
from annotator.model.patterns import ANNOTATOR_PATTERN, annotator_name_problem, is_annotator_name
from tests.conftest import ANNOTATOR, ROOT, make_record


@pytest.mark.parametrize("name", ["alice", "hélène", "josé", "Łukasz", "李雷", "Ольга", "हिन्दी", "a.b@c+d-e_1", "x" * 64])
def test_letters_of_any_script_make_a_name(name):
    assert is_annotator_name(name)
    assert annotator_name_problem(name) is None


@pytest.mark.parametrize("name,why", [
    ("", "cannot be empty"),
    ("x" * 65, "65 characters"),
    ("jean dupont", "' ' (U+0020) is not allowed"),
    ("alice\n", "'\\n' (U+000A) is not allowed"),  # Python's $ alone would let this through
    ("bob/..", "'/' (U+002F) is not allowed"),
    ("émoji😀", "(U+1F600) is not allowed"),
    ("a\u202eb", "(U+202E) is not allowed"),
])
def test_a_name_that_cannot_be_one_is_refused_naming_the_character(name, why):
    assert not is_annotator_name(name)
    assert why in (annotator_name_problem(name) or "")


def test_the_name_class_is_the_letters_marks_and_digits_of_the_bmp():
    if unicodedata.unidata_version == UNICODE_VERSION:
        assert name_char_class(unicodedata) == NAME_CHARS
    # under any Unicode: what was a letter, mark or digit then is one now (new letters are not names yet)
    ranges = re.findall(r"(\\u[0-9A-F]{4}|[0-9A-Za-z])(?:-(\\u[0-9A-F]{4}|[0-9A-Za-z]))?", NAME_CHARS)
    assert len(ranges) > 400
    for a, b in ranges:
        for cp in range(_cp(a), _cp(b or a) + 1):
            cat = unicodedata.category(chr(cp))
            assert cat[0] in "LM" or cat == "Nd", f"U+{cp:04X} is {cat}"


def _cp(token: str) -> int:
    return int(token[2:], 16) if token.startswith("\\u") else ord(token)


def test_the_json_schema_pattern_is_the_codes_and_portable():
    """The checked-in JSON Schema carries the code's pattern, written with nothing whose meaning
    differs between Python, Rust (pydantic) and ECMA-262 with or without the u flag."""
    schema = orjson.loads((ROOT / "schemas" / "record.schema.json").read_bytes())
    pattern = schema["properties"]["annotator"]["anyOf"][0]["pattern"]
    assert pattern == ANNOTATOR_PATTERN
    assert not re.search(r"\\[pPwWdDsSbB]", pattern), "a class escape whose meaning differs between engines"
    assert all(c.isascii() for c in pattern)


def test_the_record_model_takes_unicode_names_and_refuses_a_final_newline(scheme):
    from pydantic import ValidationError

    from annotator.model.problems import problems_from_validation

    scheme.validate_record(make_record("abc", annotator="hélène"))
    with pytest.raises(ValidationError) as exc:
        scheme.validate_record(make_record("abc", annotator="alice\n"))
    (problem,) = problems_from_validation(exc.value, "f.jsonl", 1)
    assert str(problem) == "f.jsonl:1: annotator: 'alice\\n': an annotator name is 1-64 letters, digits or _.@+- (no " \
                           "spaces or other signs)"  # in words: the pattern is 5,000 characters long
    decoded = scheme.decoder().decode(orjson.dumps(make_record("abc", annotator="hélène")))
    assert decoded is not None and decoded.record.annotator == "hélène"
    assert scheme.decoder().decode(orjson.dumps(make_record("abc", annotator="alice\n"))) is None


def _run(args, cwd, **env):
    return subprocess.run([*ANNOTATOR, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "ANNOTATOR_DB": str(cwd / "a.db"), **env})


def _unnamed_record(tmp_path):
    rec = make_record("Le ministre a parlé.", [{"start": 3, "end": 11, "label": "ACTOR"}])
    del rec["annotator"]
    src = tmp_path / "in.jsonl"
    src.write_bytes(orjson.dumps(rec) + b"\n")
    return src


def test_a_unicode_login_name_is_kept_as_it_is(tmp_path):
    src = _unnamed_record(tmp_path)
    proc = _run(["import", str(src)], tmp_path, LOGNAME="josé")
    assert proc.returncode == 0, proc.stderr
    out = _run(["export", "--out", "-"], tmp_path)
    assert orjson.loads(out.stdout.splitlines()[0])["annotator"] == "josé"


def test_a_login_name_that_cannot_be_a_name_is_refused_with_what_to_do(tmp_path):
    src = _unnamed_record(tmp_path)
    proc = _run(["import", str(src)], tmp_path, LOGNAME="jo sé")
    assert proc.returncode == 2
    assert "your login name 'jo sé' cannot be an annotator name" in proc.stderr
    assert "pass --annotator NAME" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "a.db").exists() or "jo_s" not in _run(["export", "--out", "-"], tmp_path).stdout


def test_annotator_option_takes_accented_names_and_refuses_others_with_the_reason(tmp_path):
    src = _unnamed_record(tmp_path)
    ok = _run(["import", str(src), "--annotator", "hélène"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert '"annotator":"hélène"' in _run(["export", "--out", "-"], tmp_path).stdout
    bad = _run(["export", "--annotator", "h lène", "--out", "-"], tmp_path)
    assert bad.returncode == 2
    assert "' ' (U+0020) is not allowed" in bad.stderr


def test_the_pattern_means_the_same_in_ecma_262_with_and_without_the_u_flag():
    """JSON Schema validators read ``pattern`` as ECMA-262 (Ajv with the u flag, others without):
    V8, in Debian's Chromium, gives the verdicts Python gives, both ways. Fails, never skips,
    without Chromium (.ci/run installs it)."""
    import os

    from tests.web.helpers import CHROMIUM, CHROMIUM_ARGS

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright's Python package is missing: pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    names = ["alice", "hélène", "josé", "李雷", "Ольга", "हिन्दी", "a.b@c+d-e_1", "x" * 64, "x" * 65, "", "jean dupont",
             "alice\n", "bob/..", "émoji😀", "𝐀lice", "a\u202eb", "e\u0301"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            verdicts = page.evaluate(
                "([p, names]) => [false, true].map(u => names.map(n => new RegExp(p, u ? 'u' : '').test(n)))",
                [ANNOTATOR_PATTERN, names])
        finally:
            browser.close()
    python = [is_annotator_name(n) for n in names]
    assert verdicts == [python, python]


def test_the_ascii_shortcut_agrees_with_the_full_pattern_on_every_ascii_name():
    """ASCII names are checked without compiling the 5,000-character class (start-up): both must
    give the same answer for every ASCII character, alone, inside a name and at its edges."""
    full = re.compile(patterns.ANNOTATOR_PATTERN)
    names = [""] + ["a" * n for n in (1, 63, 64, 65)]
    for c in map(chr, range(128)):
        names += [c, f"a{c}b", f"{c}ab", f"ab{c}", c * 64, c * 65]
    for name in names:
        assert patterns.is_annotator_name(name) == (full.fullmatch(name) is not None), repr(name)
    assert patterns.is_annotator_name("josé") and not patterns.is_annotator_name("jo sé")
    assert patterns.annotator_name_problem("jo\u00a0sé") is not None  # non-ASCII: the full pattern
