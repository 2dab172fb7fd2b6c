"""The benchmark scripts run (on tiny corpora) and print their figures: a script that no longer
matches the code fails here, not on the day someone measures."""

from __future__ import annotations

import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "benchmarks").glob("*.py")))
def test_every_benchmark_compiles(script):
    py_compile.compile(str(ROOT / "benchmarks" / script), doraise=True)


@pytest.mark.parametrize("args,expect", [
    (["bench_store.py", "--docs", "200", "--actions", "20"], "durable action median"),
    (["bench_formats.py", "--docs", "30", "--formats", "jsonl,doccano,conll", "--memory-docs", "20,40"], "conll"),
    (["bench_agree.py", "--docs", "60", "--repeat", "1"], "annotator agree --db --json"),
    (["bench_suggest.py", "--quality", "--no-model"], "QUOTE.speaker"),
    (["bench_suggest.py", "--store", "--docs", "50"], "(50 kept)"),
    # the screens' benchmark builds its 1 MB article whatever --presses says (about 15 s); it runs
    # `annotator` in a child without a terminal, which the command refuses unless told it is headless
    (["bench_tui.py", "--presses", "1"], "cold start of `annotator` on the seed"),
])
def test_benchmarks_run_on_a_tiny_corpus(args, expect):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / args[0]), *args[1:]], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert expect in proc.stdout and "Traceback" not in proc.stderr
