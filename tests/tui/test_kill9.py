"""End to end in a real pseudo-terminal: a key press that the screen shows as saved survives
``kill -9`` of the process a moment later."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

import pytest

from annotator.store import open_store
from tests.conftest import SCHEME_PATH

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen += chunk
            if needle in seen:
                return seen
    raise AssertionError(f"{needle!r} never appeared; last output: {seen[-400:]!r}")


def test_a_tag_shown_as_saved_survives_kill_9(tmp_path):
    doc = tmp_path / "article.txt"
    doc.write_text("Daech a perdu la ville en juin 2014.", encoding="utf-8")
    db = tmp_path / "s.db"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, as a user would start it
        os.environ.update({"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30", "TEXTUAL_ANIMATIONS": "none"})
        os.execv(sys.executable, [sys.executable, "-m", "annotator", "annotate", str(doc), "--db", str(db),
                                  "--annotator", "alice", "--schema", str(SCHEME_PATH)])
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        _read_until(fd, "all saved".encode(), 30)  # the first frame is on screen
        os.write(fd, b"1")  # tag the word under the cursor ("Daech") as ACTOR
        _read_until(fd, "✓ saved".encode(), 15)  # the screen says it is saved...
    finally:
        os.kill(pid, signal.SIGKILL)  # ...and the process dies at once
        os.waitpid(pid, 0)
        os.close(fd)
    with open_store(db) as store:
        spans = list(store.load("article", "alice").spans.values())
    assert [(s["text"], s["label"]) for s in spans] == [("Daech", "ACTOR")]
