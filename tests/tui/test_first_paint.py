"""The article's first rows drawn before the screen is built (annotator.tui.first_paint, issue 15).

They must be the rows the screen's first frame draws, character for character, at every terminal
size (else the words would jump once the screen is up); keys typed while the screen is built must
all run, in order, once the article is laid out; the terminal must get its settings back, and
the normal screen back when the screen never starts (a scheme it cannot show).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from pathlib import Path

import pytest
from textual import events

from annotator.model import text_sha256
from annotator.model.types import ImportItem, NewDocument
from annotator.store import open_store
from annotator.tui.app import build_app
from annotator.tui.first_paint import FOREGROUND, SURFACE, article_box, first_rows, render
from tests.conftest import SCHEME_PATH
from tests.tui.helpers import SCHEME, make_store
from tests.tui.test_terminal_bytes import article_text

SEED = next(Path(__file__).resolve().parents[2].joinpath("seeds").glob("*.txt")).read_text(encoding="utf-8")
TRICKY = ("Titre\x1b[31m rouge\x07 et\ttab\r\n\n" + "«\u00a0Une phrase, assez longue pour passer à la ligne\u00a0», "
          "dit-il le 29 août 2014. " * 12 + "\n\n" + "motsansespacetreslong" * 9 + "\n" + "漢字と絵文字 🙂 " * 20)


@pytest.mark.parametrize("size", [(120, 40), (100, 30), (80, 24), (79, 24), (200, 50)])
@pytest.mark.parametrize("text", [SEED, TRICKY, article_text(60)], ids=["seed", "tricky", "long"])
async def test_the_early_rows_are_the_rows_of_the_first_frame(tmp_path, size, text):
    box = article_box(*size)
    assert box is not None
    rows = first_rows(text, box)
    assert 0 < len(rows) <= box.rows
    if len(text) > 10_000:
        assert len(rows) == box.rows  # a long text fills the box from its prefix alone
    store = make_store(tmp_path / "s.db", seeds=False)
    store.import_items([ImportItem(NewDocument("d", text, text_sha256(text), {}, "d.txt"), None)])
    app = build_app(store, SCHEME, "alice", "d")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        view = app.screen.view
        assert view.scrollable_content_region.width == box.width
        screen_rows = app.screen._compositor.render_strips()
        for i, row in enumerate(rows):
            drawn = screen_rows[box.y + i].crop(box.x, box.x + box.width)
            assert drawn.text.rstrip() == row.rstrip(), (i, row)
        if len(rows) == box.rows:
            assert view.region.y == box.y and view.scrollable_content_region.height == box.rows
        cell = screen_rows[box.y].crop(box.x + 1, box.x + 2)  # a cell of text, not the cursor
        style = next(iter(cell)).style
        assert style is not None and style.bgcolor is not None and style.color is not None
        assert style.bgcolor.get_truecolor() == SURFACE and style.color.get_truecolor() == FOREGROUND
    store.close()


def test_nothing_in_the_text_reaches_the_terminal_as_a_control():
    box = article_box(120, 40)
    assert box is not None
    out = render(first_rows(TRICKY, box), box, truecolor=True)
    body = out.split("\x1b[2J", 1)[1]
    text_only = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", body)  # the rows without the moves and colours written
    assert not [c for c in text_only if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0], text_only
    assert "␛[31m rouge␇ et→tab" in text_only  # shown as glyphs, one cell each, as the article view does
    assert body.startswith(f"\x1b[{box.y + 1};{box.x + 1}H\x1b[7mT\x1b[27mitre")  # the cursor on the first


async def test_keys_typed_while_the_screen_is_built_all_run_in_order(tmp_path, monkeypatch):
    text = "Daech a perdu Mossoul en juin 2014.\n" * 20  # one row a line
    store = make_store(tmp_path / "s.db", seeds=False)
    store.import_items([ImportItem(NewDocument("d", text, text_sha256(text), {}, "d.txt"), None)])
    app = build_app(store, SCHEME, "alice", "d")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        launching = [True]
        monkeypatch.setattr(app, "_launching", lambda: launching[0])
        for key in ["down", "down", "ctrl+right", "1"]:
            app._driver.send_message(events.Key(key, None))
        await pilot.pause(0.05)
        view = app.screen.view
        assert view.cursor == 0 and not app.screen.record.spans, "run before the article was laid out"
        launching[0] = False
        await pilot.pause(0.05)
        await pilot.pause()
        line = len(text) // 20
        assert [(s["start"], s["text"]) for s in app.screen.record.spans.values()] == [(2 * line + 6, "a")]
    store.close()


def _read_until(fd: int, needle: bytes | None, timeout: float, seen: bytes = b"") -> bytes:
    """Output until ``needle`` shows (None: until the process has closed the terminal)."""
    deadline = time.monotonic() + timeout
    while (needle is None or needle not in seen) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            seen += chunk
    if needle is not None:
        assert needle in seen, f"{needle!r} never appeared; last output: {seen[-400:]!r}"
    return seen


def _spawn(args: list[str], cwd: Path) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, as a user would start it, in a terminal of 100 x 30
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # before anything reads it
        os.chdir(cwd)
        # the size is the terminal's: no COLUMNS or LINES (GNU readline, loaded in pytest's process,
        # puts them in its C environment, where os.environ does not see them), no other driver
        env = {k: v for k, v in os.environ.items()
               if k not in ("COLUMNS", "LINES", "TEXTUAL_DRIVER", "ANNOTATOR_NO_FIRST_PAINT")}
        env.update({"TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none", "COLORTERM": "truecolor"})
        os.execve(sys.executable, [sys.executable, "-m", "annotator", *args], env)
    return pid, fd


def _finish(pid: int, fd: int, seen: bytes) -> tuple[int, bytes, int]:
    """The exit code, all the output, and the terminal's local modes once the process is gone."""
    seen = _read_until(fd, None, 30, seen)
    _, status = os.waitpid(pid, 0)
    modes = termios.tcgetattr(fd)[3]
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen, modes


def _as_a_new_terminal(modes: int) -> bool:
    return all(modes & flag for flag in (termios.ECHO, termios.ICANON, termios.ISIG))


COMMON = ["--db", "s.db", "--annotator", "alice", "--no-suggest"]


def test_a_relaunch_draws_the_article_first_and_leaves_the_terminal_as_it_was(tmp_path):
    (tmp_path / "a.txt").write_text("Daech a perdu la ville en juin 2014.\n", encoding="utf-8")
    for run in range(2):  # the first imports (no early rows: the scheme is checked first), the second reopens
        pid, fd = _spawn(["annotate", *(["a.txt"] if run == 0 else []), *COMMON, "--schema", str(SCHEME_PATH)],
                         tmp_path)
        seen = _read_until(fd, b"all saved", 30)
        os.write(fd, b"\x11")  # ctrl+q
        code, seen, modes = _finish(pid, fd, seen)
        assert code == 0 and _as_a_new_terminal(modes), (code, seen[-300:])
        early, words, header = (seen.find(b"\x1b[?1049h\x1b[?25l"), seen.find(b"aech a perdu"),
                                seen.find(b"all saved"))
        if run == 0:
            assert early == -1
        else:  # the article's words first, then the screen's first frame (its header)
            assert early == 0 and early < words < header, seen[:300]


def test_a_scheme_the_screen_cannot_show_gives_the_normal_screen_back_after_the_early_rows(tmp_path):
    (tmp_path / "a.txt").write_text("Daech a perdu la ville en juin 2014.\n", encoding="utf-8")
    pid, fd = _spawn(["annotate", "a.txt", *COMMON, "--schema", str(SCHEME_PATH)], tmp_path)
    seen = _read_until(fd, b"all saved", 30)
    os.write(fd, b"\x11")
    assert _finish(pid, fd, seen)[0] == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(SCHEME_PATH.read_text(encoding="utf-8").replace('key = "1"', 'key = "ctrl+q"', 1),
                   encoding="utf-8")
    pid, fd = _spawn(["annotate", *COMMON, "--schema", str(bad)], tmp_path)
    code, seen, modes = _finish(pid, fd, b"")
    assert code == 1 and _as_a_new_terminal(modes)
    enter, leave = seen.find(b"\x1b[?1049h"), seen.find(b"\x1b[?1049l")
    message = seen.find(b"hotkey 'ctrl+q' is already the key of")  # checked once the rows are drawn
    assert 0 <= enter < leave < message, seen[-400:]  # the article, then the normal screen, then the error
    assert str(bad).encode() in seen and b"Traceback" not in seen


def test_keys_typed_at_once_during_launch_all_run_in_order_in_a_real_terminal(tmp_path):
    """Typed as soon as the article's words show, before the screen is built: down, down, next
    word, tag ACTOR; read by the terminal driver (tui/key_driver.py) and held until the article is
    laid out, they tag the second word of the third line."""
    lines = [f"Ligne {n} de l'article, assez courte pour une rangée.\n" for n in range(1, 8)]
    (tmp_path / "a.txt").write_text("".join(lines), encoding="utf-8")
    pid, fd = _spawn(["annotate", "a.txt", *COMMON, "--schema", str(SCHEME_PATH)], tmp_path)
    seen = _read_until(fd, b"all saved", 30)
    os.write(fd, b"\x11")
    assert _finish(pid, fd, seen)[0] == 0
    pid, fd = _spawn(["annotate", *COMMON, "--schema", str(SCHEME_PATH)], tmp_path)
    seen = _read_until(fd, b"igne 1 de", 30)  # the early rows (the cursor splits the first word)
    assert b"all saved" not in seen
    os.write(fd, b"\x1b[B\x1b[B\x1b[1;5C1")
    seen = _read_until(fd, "✓ saved".encode(), 30, seen)
    os.write(fd, b"\x11")
    assert _finish(pid, fd, seen)[0] == 0
    with open_store(tmp_path / "s.db") as store:
        spans = list(store.load("a", "alice").spans.values())
    third = len(lines[0]) + len(lines[1])
    assert [(s["start"], s["text"], s["label"]) for s in spans] == [(third + 6, "3", "ACTOR")]
