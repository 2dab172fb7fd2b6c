"""``annotator web``: page open to the app's first frame, key to updated frame, memory per browser
session, and how many sessions one machine holds.

    python benchmarks/bench_web.py [--presses 30] [--sessions 1,5,10,20,40] [--page-runs 5]

The server is the real command (``annotator web --port 0``) on the seed article, in a subprocess.

- Page open: headless Chromium (Debian's) opens a private link in a fresh context; an init script
  stamps, in the page's own clock, the first websocket frame and the frame that completes the first
  screen (its header says "all saved"). Then key to frame in the same page: from the keydown to the
  next frame the page receives (xterm draws it on the next animation frame).
- Sessions at once: N websocket clients (what the page's script does, without a browser each: N
  Chromiums would take the cores being measured) start together, then each presses keys with a
  think time of 0.15-0.35 s: cursor moves, and every tenth key a tag then an undo (durable actions
  on the same store file). Key to frame: from sending the key to the first frame back. Memory: RSS
  of each session's process tree (and USS, what that session alone holds).
- Baseline, measured in the same run: the same keys into ``annotator annotate`` in a pseudo-terminal
  of the same size, from the write to the first bytes back; and a ping over the websocket (the
  server's relay with no app in the way).

Target (issue 14): key to frame p95 under 100 ms; the figure is the largest N that keeps it.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import random
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import psutil  # type: ignore[import-untyped]  # noqa: E402

from annotator.importing import import_sources  # noqa: E402
from annotator.schema import load_scheme  # noqa: E402
from annotator.store import open_store  # noqa: E402
from tests.web.helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    RunningServer,
    screen_text,
    start_server,
)

SCHEME_PATH = ROOT / "schemas" / "news.toml"
COLS, ROWS = 120, 40
RIGHT, LEFT, TAG, UNDO = "\x1b[C", "\x1b[D", "1", "\x1a"
CYCLE = [RIGHT] * 4 + [LEFT] * 4 + [TAG, UNDO]  # ten keys: eight cursor moves, a tag, its undo
DURABLE = {TAG, UNDO}
READY = "all saved"  # the header of a freshly opened document: the first screen is complete
QUIET_S = 0.06  # no frame for this long: the app has finished answering the last key


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def med_p95(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} / {pct(values, 0.95):7.1f}"


# --- websocket sessions -------------------------------------------------------------------------


@dataclass
class WsSession:
    """One browser session as textual.js drives it: the app's frames and when each arrived."""

    ws: aiohttp.ClientWebSocketResponse
    opened_at: float
    frames: list[bytes] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    pongs: dict[str, float] = field(default_factory=dict)
    ready_at: float | None = None
    new_frame: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for message in self.ws:
            now = perf_counter()
            if message.type == aiohttp.WSMsgType.BINARY:
                self.frames.append(message.data)
                self.arrivals.append(now)
                if self.ready_at is None and READY in screen_text(self.frames):
                    self.ready_at = now
                self.new_frame.set()
            elif message.type == aiohttp.WSMsgType.TEXT and message.data.startswith('["pong"'):
                self.pongs[message.json()[1]] = now
                self.new_frame.set()

    async def wait(self, test, timeout: float = 60.0) -> None:
        async with asyncio.timeout(timeout):
            while not test():
                self.new_frame.clear()
                await self.new_frame.wait()

    async def quiet(self) -> None:
        """Wait until no frame has come for QUIET_S (bounded)."""
        deadline = perf_counter() + 2.0
        while perf_counter() < deadline:
            last = self.arrivals[-1] if self.arrivals else 0.0
            gap = perf_counter() - last
            if gap >= QUIET_S:
                return
            await asyncio.sleep(QUIET_S - gap)

    async def key(self, data: str) -> float:
        """ms from sending ``data`` as stdin to the first frame back."""
        before = len(self.frames)
        t0 = perf_counter()
        await self.ws.send_json(["stdin", data])
        await self.wait(lambda: len(self.frames) > before, timeout=30)
        return (self.arrivals[before] - t0) * 1000

    async def ping(self, tag: str) -> float:
        t0 = perf_counter()
        await self.ws.send_json(["ping", tag])
        await self.wait(lambda: tag in self.pongs, timeout=10)
        return (self.pongs[tag] - t0) * 1000


async def open_session(http: aiohttp.ClientSession, server: RunningServer, name: str) -> WsSession:
    url = (server.base.replace("http:", "ws:") + "/ws/" + server.tokens[("annotate", name)]
           + f"?width={COLS}&height={ROWS}")
    t0 = perf_counter()
    ws = await http.ws_connect(url, max_msg_size=0)
    session = WsSession(ws, t0)
    session.reader = asyncio.create_task(session.read())
    await ws.send_json(["resize", {"width": COLS, "height": ROWS}])
    await session.wait(lambda: session.ready_at is not None)
    return session


async def close_session(session: WsSession) -> None:
    await session.ws.close()
    if session.reader is not None:
        await session.reader


def session_trees(server_pid: int) -> list[list[psutil.Process]]:
    trees = []
    for child in psutil.Process(server_pid).children():
        try:
            trees.append([child, *child.children(recursive=True)])
        except psutil.NoSuchProcess:
            continue
    return trees


def memory_mib(server_pid: int) -> tuple[list[float], list[float], float]:
    """RSS and USS (MiB) of each session's process tree, and the server's own RSS."""
    rss, uss = [], []
    for tree in session_trees(server_pid):
        try:
            rss.append(sum(p.memory_info().rss for p in tree) / 2**20)
            uss.append(sum(p.memory_full_info().uss for p in tree) / 2**20)
        except psutil.NoSuchProcess:
            continue
    return rss, uss, psutil.Process(server_pid).memory_info().rss / 2**20


def wait_sessions_gone(server_pid: int, timeout: float = 30.0) -> None:
    deadline = perf_counter() + timeout
    while session_trees(server_pid) and perf_counter() < deadline:
        time.sleep(0.1)


@dataclass
class Round:
    sessions: int
    first_frame_ms: list[float]
    cursor_ms: list[float]
    durable_ms: list[float]
    rss: list[float]
    uss: list[float]
    server_rss: float
    ping_ms: list[float]


async def one_round(server: RunningServer, count: int, presses: int, seed: int) -> Round:
    names = [f"u{i:02d}" for i in range(1, count + 1)]
    async with aiohttp.ClientSession() as http:
        sessions = await asyncio.gather(*(open_session(http, server, n) for n in names))
        first = [(s.ready_at - s.opened_at) * 1000 for s in sessions if s.ready_at is not None]
        for s in sessions:  # the first keys after opening set things up: not measured
            for key in (RIGHT, LEFT):
                await s.key(key)
        await asyncio.gather(*(s.quiet() for s in sessions))
        rss, uss, server_rss = memory_mib(server.process.pid)
        cursor: list[float] = []
        durable: list[float] = []
        pings: list[float] = []

        async def typist(index: int, s: WsSession) -> None:
            rng = random.Random(seed + index)
            await asyncio.sleep(rng.uniform(0, 0.35))
            for n in range(presses):
                await asyncio.sleep(rng.uniform(0.15, 0.35))
                await s.quiet()
                key = CYCLE[n % len(CYCLE)]
                (durable if key in DURABLE else cursor).append(await s.key(key))
                if n % 5 == 2:
                    await s.quiet()
                    pings.append(await s.ping(f"{index}-{n}"))

        await asyncio.gather(*(typist(i, s) for i, s in enumerate(sessions)))
        for s in sessions:
            await close_session(s)
    wait_sessions_gone(server.process.pid)  # nothing else runs meanwhile
    return Round(count, first, cursor, durable, rss, uss, server_rss, pings)


# --- the terminal baseline ----------------------------------------------------------------------


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{needle!r} never came from the terminal app")
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            seen += os.read(fd, 1 << 16)
    return seen


def _drain_quiet(fd: int) -> None:
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], QUIET_S)
        if not ready:
            return
        os.read(fd, 1 << 16)


def terminal_baseline(db: Path, presses: int) -> tuple[float, list[float], list[float]]:
    """The same keys into ``annotator annotate`` in a pseudo-terminal: ms from launch to the first
    screen complete, and from each key to the first bytes back."""
    t_launch = perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS),
                           "TEXTUAL_ANIMATIONS": "none"})
        os.execv(sys.executable, [sys.executable, "-m", "annotator", "annotate", "--db", str(db), "--annotator",
                                  "tty", "--schema", str(SCHEME_PATH)])
    cursor: list[float] = []
    durable: list[float] = []
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        _read_until(fd, READY.encode(), 60)
        launch = (perf_counter() - t_launch) * 1000
        for key in (RIGHT, LEFT):
            os.write(fd, key.encode())
            _drain_quiet(fd)
        rng = random.Random(1)
        for n in range(presses):
            time.sleep(rng.uniform(0.15, 0.35))
            _drain_quiet(fd)
            key = CYCLE[n % len(CYCLE)]
            t0 = perf_counter()
            os.write(fd, key.encode())
            select.select([fd], [], [], 30)
            (durable if key in DURABLE else cursor).append((perf_counter() - t0) * 1000)
            os.read(fd, 1 << 16)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return launch, cursor, durable


# --- the page in Chromium -----------------------------------------------------------------------

PAGE_PROBE = r"""
(() => {
  const Native = window.WebSocket;
  const bench = window.__bench = {opened: null, firstFrame: null, ready: null, keyAt: null, keyFrame: null, text: ""};
  const decoder = new TextDecoder();
  const ansi = /\x1b\[[0-9;?<>=:]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
  document.addEventListener("keydown", () => { bench.keyAt = performance.now(); bench.keyFrame = null; }, true);
  class Probed extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { bench.opened = performance.now(); });
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string") return;
        const now = performance.now();
        if (bench.firstFrame === null) bench.firstFrame = now;
        if (bench.keyAt !== null && bench.keyFrame === null) bench.keyFrame = now;
        if (bench.ready === null) {
          bench.text += decoder.decode(new Uint8Array(event.data), {stream: true}).replace(ansi, "");
          if (bench.text.includes("all saved")) bench.ready = now;
        }
      });
    }
  }
  window.WebSocket = Probed;
})();
"""


@dataclass
class PageFigures:
    page_loaded_ms: list[float]
    socket_open_ms: list[float]
    first_frame_ms: list[float]
    ready_ms: list[float]
    key_ms: list[float]


def page_figures(server: RunningServer, runs: int, presses: int) -> PageFigures:
    from playwright.sync_api import sync_playwright

    loaded: list[float] = []
    opened: list[float] = []
    first: list[float] = []
    ready: list[float] = []
    keys: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for run in range(runs):
                # bypass_csp: Playwright's wait_for_function evaluates a string, which the page's CSP forbids
                context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
                page = context.new_page()
                page.add_init_script(PAGE_PROBE)
                page.goto(server.links[("annotate", "u01")])
                page.wait_for_function("window.__bench.ready !== null", timeout=60_000)
                bench = page.evaluate("window.__bench")
                loaded.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                opened.append(bench["opened"])
                first.append(bench["firstFrame"])
                ready.append(bench["ready"])
                if run == 0:
                    page.focus("textarea.xterm-helper-textarea")
                    for key in ("ArrowRight", "ArrowLeft"):  # set-up keys, not measured
                        page.keyboard.press(key)
                        page.wait_for_function("window.__bench.keyFrame !== null")
                    for n in range(presses):
                        page.wait_for_timeout(150)
                        page.keyboard.press("ArrowRight" if n % 8 < 4 else "ArrowLeft")
                        page.wait_for_function("window.__bench.keyFrame !== null", timeout=30_000)
                        keys.append(page.evaluate("window.__bench.keyFrame - window.__bench.keyAt"))
                context.close()
                wait_sessions_gone(server.process.pid)
        finally:
            browser.close()
    return PageFigures(loaded, opened, first, ready, keys)


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=30, help="measured keys per session")
    parser.add_argument("--sessions", default="1,5,10,20,40", help="session counts to try")
    parser.add_argument("--page-runs", type=int, default=5, help="page opens in Chromium")
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        with open_store(db) as store:
            import_sources(store, [ROOT / "seeds"], load_scheme(SCHEME_PATH), "bench")
        names = ",".join(f"u{i:02d}" for i in range(1, max(counts) + 1))
        server = start_server(["--db", str(db), "--schema", str(SCHEME_PATH), "--annotators", names],
                              folder / "server.log")
        try:
            print(f"annotator web on the seed article, {COLS}x{ROWS}; ms, median / p95; {os.cpu_count()} cores")
            tty_launch, tty_cursor, tty_durable = terminal_baseline(db, args.presses)
            page = page_figures(server, args.page_runs, args.presses)
            rounds = [asyncio.run(one_round(server, n, args.presses, seed=n)) for n in counts]
        finally:
            server.stop()

    print(f"\nChromium, {args.page_runs} page opens (ms from navigation start, median / p95):")
    print(f"  page loaded (HTML, script, CSS, font)   {med_p95(page.page_loaded_ms)}")
    print(f"  websocket open (the app process starts) {med_p95(page.socket_open_ms)}")
    print(f"  first frame of the app                  {med_p95(page.first_frame_ms)}")
    print(f"  first screen complete ('all saved')     {med_p95(page.ready_ms)}")
    print(f"  key to updated frame in the page        {med_p95(page.key_ms)}   ({len(page.key_ms)} cursor keys)")
    print("\nbaseline in the same run: the terminal app in a pseudo-terminal")
    print(f"  launch to first screen complete         {tty_launch:7.1f}   (one run)")
    print("  key to first bytes back:")
    print(f"  cursor move                             {med_p95(tty_cursor)}")
    print(f"  tag / undo (durable)                    {med_p95(tty_durable)}")
    print("\nsessions at once over the websocket (each: think 0.15-0.35 s, every 10th key a tag then an undo):")
    print(f"{'sessions':>9} {'first frame':>17} {'cursor key':>17} {'tag / undo':>17} {'all keys p95':>13}"
          f" {'x terminal':>11} {'ping p95':>9} {'RSS/session':>12} {'USS/session':>12} {'server':>8}")
    holds = 0
    for r in rounds:
        every = r.cursor_ms + r.durable_ms
        p95 = pct(every, 0.95)
        ratio = statistics.median(r.cursor_ms) / statistics.median(tty_cursor)
        if p95 < 100:
            holds = r.sessions
        print(f"{r.sessions:>9} {med_p95(r.first_frame_ms):>17} {med_p95(r.cursor_ms):>17} {med_p95(r.durable_ms):>17}"
              f" {p95:>13.1f} {ratio:>10.1f}x {pct(r.ping_ms, 0.95):>9.1f} {statistics.median(r.rss):>8.1f} MiB"
              f" {statistics.median(r.uss):>8.1f} MiB {r.server_rss:>4.0f} MiB")
    print(f"\nkey to frame p95 under 100 ms up to {holds} sessions at once (tried {', '.join(map(str, counts))});"
          " 'x terminal': median cursor key over the websocket / in the pseudo-terminal")


if __name__ == "__main__":
    main()
