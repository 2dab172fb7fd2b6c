"""The screens need a terminal: with standard input or output not one (a pipe, a file, cron),
``annotate`` and ``review`` refuse in one line, exit 2, instead of writing escape codes into the
pipe and never exiting. (``annotator web`` runs them under textual-serve's driver: tests/web.)"""

from __future__ import annotations

import os
import pty
import subprocess

from tests.cli.conftest import TEXT, records, write_jsonl
from tests.conftest import ANNOTATOR, SCHEME_PATH

ADVICE = "(annotator import and export work without one)"


def _run(args, **kw):
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    # a timeout only so that a screen waiting for keys fails the test instead of hanging it
    return subprocess.run([*ANNOTATOR, *map(str, args), "--schema", str(SCHEME_PATH)], capture_output=True,
                          text=True, env=env, timeout=300, **kw)


def test_annotate_into_a_pipe_refuses_in_one_line(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    proc = _run(["annotate", "a.txt", "--db", "s.db"], cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert proc.stdout == ""  # no escape codes
    assert proc.stderr.splitlines()[-1] == (
        f"annotator: annotate opens a screen and needs a terminal, but standard input and output are not one {ADVICE}")


def test_annotate_with_a_terminal_for_input_only_refuses(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    main, tty = pty.openpty()
    try:
        proc = _run(["annotate", "a.txt", "--db", "s.db"], cwd=tmp_path, stdin=tty)
    finally:
        os.close(tty)
        os.close(main)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == (
        f"annotator: annotate opens a screen and needs a terminal, but standard output is not one {ADVICE}")


def test_review_into_a_pipe_refuses_in_one_line(tmp_path):
    both = write_jsonl(tmp_path / "both.jsonl", records(2, "alice") + records(2, "bob"))
    proc = _run(["review", both, "--db", tmp_path / "s.db"], stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == (
        f"annotator: review opens a screen and needs a terminal, but standard input and output are not one {ADVICE}")
