"""``annotator agree`` prints, byte for byte, what it printed for the golden corpus: the JSON object
(key order, nulls, float digits) and the tables (see golden/generate.py for the corpus and how to
write the expected outputs again after a deliberate change)."""

from __future__ import annotations

import difflib
import importlib.util
import subprocess
import sys
from pathlib import Path

import orjson

GOLDEN = Path(__file__).resolve().parent / "golden"
spec = importlib.util.spec_from_file_location("agree_golden_generate", GOLDEN / "generate.py")
assert spec is not None and spec.loader is not None
generate = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = generate
spec.loader.exec_module(generate)


def _run(*extra: str) -> bytes:
    proc = subprocess.run(generate.command(*extra), capture_output=True, env=generate.environment(),
                          check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def _diff(got: bytes, want: bytes) -> str:
    return "\n".join(difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(), "expected", "got",
                                          lineterm="", n=1))


def test_the_json_is_the_golden_one():
    got, want = _run("--json"), (GOLDEN / "agree.json").read_bytes()
    assert got == want, _diff(got, want)
    fig = orjson.loads(got)  # the corpus exercises what the output can hold
    assert len(fig["annotators"]) == 5 and len(fig["only_one_annotator"]) > 5 and fig["left_out"]
    assert any(d["exact_f1"] is None for d in fig["per_doc"]) and any(d["exact_f1"] == 1.0 for d in fig["per_doc"])
    assert any(v is None for p in fig["pairs"] for v in p["attributes"].values())


def test_the_tables_are_the_golden_ones():
    got, want = _run("--by-doc"), (GOLDEN / "agree_tables.txt").read_bytes()
    assert got == want, _diff(got, want)
    assert "[bold]x[/bold]" in got.decode()  # an id holding markup is shown as text
