"""Start ``annotator web`` as a user would (a subprocess), read its links, and read an app's screen
text out of the websocket frames that xterm.js would draw."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ANNOTATOR

CHROMIUM = os.environ.get("ANNOTATOR_CHROMIUM", "/usr/bin/chromium")
# Headless, and none of Chromium's own calls home (this machine's network is closed).
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# CSI (with private and intermediate bytes), OSC (ended by BEL or ST), and two-byte escapes.
ANSI = re.compile(r"\x1b\[[0-9;?<>=:]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]")
LISTENING = re.compile(r"^annotator web: listening on (http://\S+)$", re.MULTILINE)
LINK = re.compile(r"^\s+(annotate|review)\s+(\S+)\s+(https?://\S+/\?token=(\S+))$")


def screen_text(frames: list[bytes]) -> str:
    """The text the app wrote in these frames, escape sequences removed."""
    return ANSI.sub("", b"".join(frames).decode("utf-8", "replace"))


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    base: str
    links: dict[tuple[str, str], str]  # (screen, name) -> the private link
    tokens: dict[tuple[str, str], str]
    stdout: str
    log_path: Path
    exit_code: int | None = field(default=None)
    db: Path = field(default=Path("annotator.db"))

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, needle: str, count: int = 1, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log()
            if text.count(needle) >= count:
                return text
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} (x{count}) never appeared in the server's log:\n{self.log()[-2000:]}")

    def stop(self) -> int:
        """ctrl+c, as a user would, and the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("annotator web did not stop within 15 s of ctrl+c") from None
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.exit_code = self.process.returncode
        return self.exit_code


def start_server(args: list[str], log_path: Path, cwd: Path | None = None, timeout: float = 30.0) -> RunningServer:
    """``annotator web ARGS`` on a free port; returns once it has printed its links."""
    env = dict(os.environ, TEXTUAL_ANIMATIONS="none")
    with open(log_path, "wb") as log:
        process = subprocess.Popen([*ANNOTATOR, "web", "--port", "0", *args], stdout=subprocess.PIPE, stderr=log,
                                   cwd=cwd, env=env)
    assert process.stdout is not None
    out = b""
    deadline = time.monotonic() + timeout
    while b"Press ctrl+c" not in out:
        if process.poll() is not None:
            out += process.stdout.read()
            raise AssertionError(f"annotator web exited ({process.returncode}): {out!r} {log_path.read_text()!r}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"annotator web printed no links within {timeout} s: {out!r}")
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            out += os.read(process.stdout.fileno(), 65536)
    text = out.decode()
    links: dict[tuple[str, str], str] = {}
    tokens: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        if m := LINK.match(line):
            links[(m[1], m[2])] = m[3]
            tokens[(m[1], m[2])] = m[4]
    listening = LISTENING.search(text)
    assert listening, text
    base = listening[1]  # where this server is reached (the links may name a reverse proxy)
    return RunningServer(process, base, links, tokens, text, log_path)
