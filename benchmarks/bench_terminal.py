"""Keys in a real terminal, annotator beside SLATE (the curses annotation tool), key for key.

    python benchmarks/bench_terminal.py [--presses 20] [--warmup 3] [--rounds 1] [--launches 3] [--quick]
                                        [--compare CHECKOUT] [--key KEY ...] [--article seed|"1 MB"]

Both tools run in tmux panes of 120x40 on the same article with the same spans. A key is sent
with ``send-keys`` and timed until ``capture-pane -p -e`` shows a different screen, polled every
1.5 ms (one tmux control-mode client does both, so no process is started per poll). Presses
alternate between the two tools (annotator, SLATE, annotator, ...), each press on a screen that
has settled (unchanged for 60 ms); the first ``--warmup`` presses of every key are not counted.
Printed per key: median and p95 in ms for both and the ratio annotator / SLATE (target: p95 <= 16
and a ratio <= 1), and the CPU time the tool's process used per press (the key and everything it
caused until its screen settled: read from /proc, so the load of a shared machine does not move
it). ``--compare CHECKOUT`` runs a second annotator from another source tree (say, main before a
change) as ``base`` beside them, under its own annotator name on the same store, its presses
alternating with the others', and prints annotator / base; ``--key`` keeps only some keys. Then
launch to first words (from the command given to tmux until the pane shows the article's first
words; for annotator also until its whole first screen, which comes after the article's first rows)
on the seed, 1 MB and 8 MB, each checkout's modules byte-compiled first (as an installation has them). Same-run baselines: a bare curses program that redraws one
line per key, and ``cat`` echoing a character. annotator draws a label, a remove and an undo
before their commit (its header says "saving" until the commit returns): a press is timed to
that first frame, and its screen counts as settled only once the header no longer says saving.

Articles: the seed article with spans at the 1 MB article's density (benchmarks/bench_view.py),
and benchmarks/gen_article.py's ~1 MB article with 20,000 nested spans; both tools get the same
spans (SLATE: its token spans covering them). At 1 MB SLATE is also run with no annotation at
all (``SLATE bare``): it walks every annotation on every key, so that is its best case; the
ratio is taken against the faster of the two. The 8 MB article (launch only; annotator takes
articles up to 8 MiB) has no span.

SLATE (``slate-nlp`` on the package index) is installed into this script's own virtualenv,
``benchmarks/.venv-slate`` (git-ignored), on first run. Its input is what it expects: tokens
separated by spaces, one sentence per line, a blank line between paragraphs. Its keys: right
moves one token (so it is also its word move), down/up one sentence, page down/up shift the
view 10 lines; a label key (``-c`` config: 1-4 as in annotator) toggles a label on the token
under the cursor, ``u`` removes it. It has no undo, no span focus and no attribute form (its
``t`` free-text label mode shows nothing until a character is typed): those rows say n/a.
SLATE keeps labels in memory and writes them every 100 keys or on save; annotator commits each
label durably (SQLite, synchronous=FULL) before its screen says saved (it draws the label first).

Needs tmux (``apt-get install tmux``) and the package index. The machine is shared: run it
twice and compare, and read the baselines printed beside the figures.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import shlex
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.importing import import_sources  # noqa: E402
from annotator.model import text_sha256  # noqa: E402
from annotator.model.types import ImportItem, NewDocument, RecordParts, Span  # noqa: E402
from annotator.schema import load_scheme  # noqa: E402
from annotator.store import Store, open_store  # noqa: E402
from annotator.tui.widgets.span_index import ViewSpan  # noqa: E402
from benchmarks.bench_view import seed_article  # noqa: E402
from benchmarks.gen_article import generate_article, one_megabyte  # noqa: E402

WIDTH, HEIGHT = 120, 40
POLL = 0.0015  # seconds between two captures while waiting for a key's frame
SETTLE = 0.060  # a screen unchanged this long has settled
TIMEOUT = 2.0  # a key whose screen has not changed by then is reported, not timed
SLATE_VERSION = "1.1.3"
SLATE_VENV = ROOT / "benchmarks" / ".venv-slate"
SCREEN_UP = "all saved"  # annotator's header once its screen's first frame is out
SAVING = "… saving".encode()  # annotator's header while a drawn action's commit has not returned
ANNOTATOR = "bench"
BASE_ANNOTATOR = "bench-base"  # --compare: the other checkout's annotator works on its own record
LABEL_KEY = "3"  # QUANTITY in both tools: never the label of a single word in these articles
SLATE_LABELS = (("ACTOR", "1", "blue"), ("DATE", "2", "green"), ("QUANTITY", "3", "yellow"), ("QUOTE", "4", "magenta"))


# -- documents ---------------------------------------------------------------------------------------


@dataclass
class Article:
    name: str
    doc_id: str
    text: str
    spans: list[ViewSpan]
    marker: str = ""  # the first words, as both tools show them
    slate_annotations: str = ""  # SLATE's annotation file for the spans

    def __post_init__(self) -> None:
        self.marker = " ".join(self.text.split()[:2])


def slate_input(text: str, spans: list[ViewSpan]) -> tuple[str, list[str]]:
    """SLATE's text (whitespace tokens, one sentence per line, blank line between paragraphs) and
    its annotation lines covering ``spans`` (a span becomes the tokens it overlaps)."""
    lines: list[str] = []
    tok_pos: list[tuple[int, int, int, int]] = []  # (start, end, line, token) per token, in order
    for para in re.finditer(r"[^\n]+", text):
        sentence: list[str] = []
        for m in re.finditer(r"\S+", para.group()):
            tok_pos.append((para.start() + m.start(), para.start() + m.end(), len(lines), len(sentence)))
            sentence.append(m.group())
            if re.search(r"[.!?][\"»”)]*$", m.group()):
                lines.append(" ".join(sentence))
                sentence = []
        if sentence:
            lines.append(" ".join(sentence))
        lines.append("")
    starts = [t[0] for t in tok_pos]
    ann: list[str] = []
    for s in spans:
        i = max(0, bisect.bisect_right(starts, s.start) - 1)
        if tok_pos[i][1] <= s.start:
            i += 1
        j = bisect.bisect_left(starts, s.end) - 1
        if i >= len(tok_pos) or j < i:
            continue
        a, b = tok_pos[i][2:], tok_pos[j][2:]
        where = f"({a[0]}, {a[1]})" if a == b else f"(({a[0]}, {a[1]}), ({b[0]}, {b[1]}))"
        ann.append(f"{where} - {s.label}")
    return "\n".join(lines) + "\n", ann


def ensure_slate() -> Path:
    """SLATE in the benchmark's own virtualenv (created on first use)."""
    exe = SLATE_VENV / "bin" / "slate"
    if not exe.exists():
        print(f"installing slate-nlp {SLATE_VERSION} into {SLATE_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(SLATE_VENV)], check=True)
        subprocess.run([str(SLATE_VENV / "bin" / "pip"), "install", "-q", f"slate-nlp=={SLATE_VERSION}"], check=True)
    return exe


SLATE_CONFIG = """
import argparse, sys
import slate.config as c
args = argparse.Namespace(config_file=None, ann_scope="token", ann_type="categorical")
labels = {name: ((key,), color) for name, key, color in %r}
print(c.Config(args, labels))
"""


def slate_config(path: Path) -> None:
    """SLATE's default keys plus one single-key label per label of annotator's scheme."""
    out = subprocess.run([str(SLATE_VENV / "bin" / "python"), "-c", SLATE_CONFIG % (SLATE_LABELS,)],
                         capture_output=True, text=True, check=True).stdout
    path.write_text(out, encoding="utf-8")


# -- tmux --------------------------------------------------------------------------------------------


class Tmux:
    """One tmux server of its own, driven through a control-mode client (no process per command)."""

    def __init__(self, workdir: Path) -> None:
        self.sock = f"bench-terminal-{os.getpid()}"
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(
            "set -g default-terminal tmux-256color\n"
            f"set -g default-size {WIDTH}x{HEIGHT}\nset -g status off\nset -g escape-time 0\n"
            "set -g remain-on-exit on\nset -g history-limit 0\n", encoding="utf-8")
        started = subprocess.run(["tmux", "-L", self.sock, "-f", str(self.conf), "new-session", "-d", "-s", "ctl",
                                  "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 100000"], capture_output=True, text=True)
        if started.returncode != 0:
            hint = "" if stat.S_ISCHR(os.stat("/dev/null").st_mode) else " (/dev/null is not a device: tmux needs it)"
            raise SystemExit(f"tmux could not start a server: {started.stderr.strip()}{hint}")
        self.proc = subprocess.Popen(["tmux", "-L", self.sock, "-C", "attach", "-t", "ctl"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in, self._out = self.proc.stdin, self.proc.stdout
        self.read_reply()  # the attach itself
        self.socket = Path(self.cmd("display-message -p '#{socket_path}'")[0].decode().strip())

    def send(self, line: str) -> None:
        self._in.write(line.encode() + b"\n")
        self._in.flush()

    def read_reply(self) -> list[bytes]:
        lines: list[bytes] = []
        inside = False
        while True:
            raw = self._out.readline()
            if not raw:
                raise RuntimeError("tmux control client went away")
            if not inside:
                if raw.startswith(b"%begin"):
                    inside = True
                continue  # notifications between replies
            if raw.startswith((b"%end", b"%error")):
                if raw.startswith(b"%error"):
                    raise RuntimeError(f"tmux: {b''.join(lines).decode(errors='replace')}")
                return lines
            lines.append(raw)

    def cmd(self, line: str) -> list[bytes]:
        self.send(line)
        return self.read_reply()

    def capture(self, target: str) -> bytes:
        return b"".join(self.cmd(f"capture-pane -p -e -t ={target}:"))

    def keys(self, target: str, *keys: str) -> None:
        self.cmd(f"send-keys -t ={target}: " + " ".join(shlex.quote(k) for k in keys))

    def start(self, name: str, command: str, cwd: Path) -> None:
        """A session ``name`` of 120x40 running ``command``."""
        self.cmd(f"new-session -d -s {name} -x {WIDTH} -y {HEIGHT} -c {shlex.quote(str(cwd))} {shlex.quote(command)}")

    def respawn(self, name: str, command: str, cwd: Path) -> float:
        """Run ``command`` anew in the pane; the time it was started."""
        t = time.perf_counter()
        self.cmd(f"respawn-pane -k -t ={name}: -c {shlex.quote(str(cwd))} {shlex.quote(command)}")
        return t

    def kill(self, name: str) -> None:
        try:
            self.cmd(f"kill-session -t ={name}")
        except RuntimeError:
            pass

    def close(self) -> None:
        try:
            self.cmd("kill-server")
        except (RuntimeError, BrokenPipeError):
            pass
        self.proc.kill()
        self.proc.wait()
        for leftover in (self.socket, self.socket.with_name(self.socket.name + ".lock")):
            leftover.unlink(missing_ok=True)


def cpu_ns(pid: int) -> int:
    """CPU time used so far by every thread of a process, in ns (Linux schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended meanwhile
    return total


@dataclass
class Pane:
    tmux: Tmux
    name: str
    screen: bytes = b""
    pid: int | None = None  # the process in the pane, once known (its CPU time per key is read)
    settled: bool = False  # the screen was seen settled and nothing was sent since
    last_cpu_ms: float | None = None  # CPU time of the process for the last press and all it caused

    def find_pid(self) -> None:
        self.pid = int(self.tmux.cmd(f"display-message -p -t ={self.name}: '#{{pane_pid}}'")[0])

    def settle(self, limit: float = 10.0) -> bytes:
        """Wait until the screen stays unchanged for SETTLE; return it."""
        if self.settled:
            now = self.tmux.capture(self.name)
            if now == self.screen:
                return now  # settled after the last press and unchanged since
        self.settled = False
        t_end = time.perf_counter() + limit
        last = self.tmux.capture(self.name)
        since = time.perf_counter()
        while time.perf_counter() < t_end:
            time.sleep(0.005)
            now = self.tmux.capture(self.name)
            if now != last:
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= SETTLE and SAVING not in now:
                break  # (annotator draws a label before its commit: settled once it says saved)
        self.screen = last
        return last

    def press(self, key: str) -> float | None:
        """Send ``key`` on a settled screen; ms until the screen differs (None: no change). With
        the pane's pid known, the screen is then let settle and ``last_cpu_ms`` is the CPU time
        the process used from the key to then (all the key caused, later frames included)."""
        before = self.settle()
        tmux = self.tmux
        self.settled = False
        self.last_cpu_ms = None
        cpu0 = cpu_ns(self.pid) if self.pid else 0
        t0 = time.perf_counter()
        tmux.keys(self.name, key)
        deadline = t0 + TIMEOUT
        tick = t0
        while True:
            now = tmux.capture(self.name)
            t = time.perf_counter()
            if now != before:
                self.screen = now
                if self.pid:
                    self.settle()
                    self.settled = True
                    self.last_cpu_ms = (cpu_ns(self.pid) - cpu0 ) / 1e6
                return (t - t0) * 1000
            if t > deadline:
                return None
            tick += POLL
            pause = tick - time.perf_counter()
            if pause > 0:
                time.sleep(pause)

    def text(self) -> str:
        return re.sub(r"\x1b\[[0-9;:]*m", "", self.screen.decode(errors="replace"))

    def plain(self) -> str:
        return re.sub(rb"\x1b\[[0-9;:]*m", b"", self.tmux.capture(self.name)).decode(errors="replace")

    def wait_for(self, marker: str, t0: float, limit: float = 60.0, *, gone: bool = False) -> float:
        """ms from ``t0`` until the pane shows ``marker`` (or no longer does), polled every 5 ms."""
        deadline = t0 + limit
        while time.perf_counter() < deadline:
            plain = self.plain()
            if (marker in plain) != gone:
                return (time.perf_counter() - t0) * 1000
            time.sleep(0.005)
        state = "still" if gone else "not"
        raise RuntimeError(f"{self.name}: {marker!r} {state} on screen after {limit:.0f} s:\n{plain}")


# -- measuring ---------------------------------------------------------------------------------------


@dataclass
class Samples:
    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # key -> tool -> ms

    timeouts: dict[str, int] = field(default_factory=dict)  # "key (tool)" -> presses that changed nothing
    cpu: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # key -> tool -> CPU ms per press

    def add(self, key: str, tool: str, ms: float | None, cpu_ms: float | None = None) -> None:
        if ms is not None:
            self.values.setdefault(key, {}).setdefault(tool, []).append(ms)
            if cpu_ms is not None:
                self.cpu.setdefault(key, {}).setdefault(tool, []).append(cpu_ms)
        else:
            self.timeouts[f"{key} ({tool})"] = self.timeouts.get(f"{key} ({tool})", 0) + 1


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Tool:
    name: str
    pane: Pane
    keys: dict[str, str | None]  # our key name -> tmux key (None: n/a)


A_KEYS: dict[str, str | None] = {"cursor right": "Right", "cursor down": "Down", "cursor up": "Up", "word": "C-Right",
          "page down": "NPage", "page up": "PPage", "label": LABEL_KEY, "remove": "DC", "undo": "C-z",
          "focus next span": "Tab", "attribute form": "Enter"}
S_KEYS: dict[str, str | None] = {"cursor right": "Right", "cursor down": "Down", "cursor up": "Up", "word": "Right",
                                 "page down": "NPage", "page up": "PPage", "label": LABEL_KEY, "remove": "u",
                                 "undo": None, "focus next span": None, "attribute form": None}
KEY_ORDER = list(A_KEYS)


ANNOTATORS = {"annotator": ANNOTATOR, "base": BASE_ANNOTATOR}  # tool -> its annotator name in the store


def run_keys(tools: list[Tool], presses: int, warmup: int, out: Samples, spans_of: Callable[[str], int],
             keys: set[str] | None = None) -> int:
    """Every key (of ``keys``, if given: label, remove and undo go together), presses alternating
    between the tools; returns the labels annotator refused."""
    total = presses + warmup

    def wanted(*names: str) -> bool:
        return keys is None or any(n in keys for n in names)

    def each(i: int, key: str, tool: Tool) -> None:
        k = tool.keys[key]
        if k is None:
            return
        ms = tool.pane.press(k)
        if i >= warmup:
            out.add(key, tool.name, ms, tool.pane.last_cpu_ms)

    for i in range(total if wanted("cursor right") else 0):
        for t in tools:
            each(i, "cursor right", t)
    for i in range(total if wanted("cursor down", "cursor up") else 0):
        for key in ("cursor down", "cursor up"):
            for t in tools:
                each(i, key, t)
    for i in range(total if wanted("word") else 0):
        for t in tools:
            each(i, "word", t)
    for i in range(total if wanted("page down", "page up") else 0):
        for key in ("page down", "page up"):
            for t in tools:
                each(i, key, t)
    refused = 0
    for i in range(total if wanted("label", "remove", "undo") else 0):
        for t in tools:
            if t.name in ANNOTATORS:
                t.pane.press("C-Right")
                before = spans_of(ANNOTATORS[t.name])
                ms = t.pane.press(LABEL_KEY)
                if spans_of(ANNOTATORS[t.name]) != before + 1:  # refused (a notice changed the screen)
                    refused += 1
                    if os.environ.get("BENCH_SHOW_REFUSED"):
                        print(f"  ({t.name} refused a label; its screen:)\n" + t.pane.plain(), flush=True)
                    continue
                if i >= warmup:
                    out.add("label", t.name, ms, t.pane.last_cpu_ms)
                each(i, "remove", t)
                t.pane.press(LABEL_KEY)
                each(i, "undo", t)
            else:
                t.pane.press(t.keys["word"] or "Right")
                each(i, "label", t)
                each(i, "remove", t)
    for i in range(total if wanted("focus next span") else 0):
        for t in tools:
            each(i, "focus next span", t)
    for i in range(total if wanted("attribute form") else 0):
        for t in tools:
            if t.keys["attribute form"] is not None:
                each(i, "attribute form", t)
                t.pane.press("Escape")
    return refused


def report(title: str, samples: Samples, tools: list[str], note: str = "") -> None:
    slates = [t for t in tools if t.startswith("SLATE")]
    print(f"\n{title}: ms, median / p95, then the CPU ms the process used per press (mean; the key and all it "
          f"caused until the screen settled) ({note}ratio: annotator median / the fastest SLATE median"
          + ("; vs base: annotator median / base median" if "base" in tools else "") + ")")
    head = f"  {'key':<17}" + "".join(f"{t:>26}" for t in tools) + f"{'ratio':>8}" + (
        f"{'vs base':>9}" if "base" in tools else "")
    print(head)
    for key in KEY_ORDER:
        row = samples.values.get(key, {})
        cpu = samples.cpu.get(key, {})
        cells = []
        for t in tools:
            v = row.get(t)
            c = f"{statistics.fmean(cpu[t]):>5.1f}" if cpu.get(t) else f"{'':>5}"
            cells.append(f"{stats(v)[0]:>7.1f} / {stats(v)[1]:>6.1f} {c}" if v else f"{'n/a':>24}")
        others = [stats(row[t])[0] for t in slates if row.get(t)]
        ratio = f"{stats(row['annotator'])[0] / min(others):>7.2f}x" if others and row.get("annotator") else f"{'':>8}"
        vs = ""
        if "base" in tools:
            vs = f"{stats(row['annotator'])[0] / stats(row['base'])[0]:>8.2f}x" if row.get("base") and row.get(
                "annotator") else f"{'':>9}"
        print(f"  {key:<17}" + "".join(f"{c:>26}" for c in cells) + ratio + vs)


# -- main --------------------------------------------------------------------------------------------

CURSES_BASELINE = """
import curses
def main(w):
    curses.curs_set(0)
    n = 0
    w.addstr(0, 0, "ready")
    w.refresh()
    while True:
        ch = w.getch()
        n += 1
        w.addstr(0, 0, "key %d: %d    " % (n, ch))
        w.refresh()
curses.wrapper(main)
"""


def prepare(work: Path, quick: bool, launch: bool) -> tuple[Path, list[Article], Article | None]:
    scheme = load_scheme(ROOT / "schemas" / "news.toml")
    db = work / "bench.db"
    store = open_store(db)
    import_sources(store, [ROOT / "seeds"], scheme, ANNOTATOR)
    seed_id = store.documents(ANNOTATOR)[0].id
    seed_text, seed_spans = seed_article(store.load(seed_id, ANNOTATOR).text)
    seed_spans = list({(s.start, s.end, s.label): s for s in seed_spans}.values())
    articles = [Article("seed", seed_id, seed_text, seed_spans), Article("1 MB", "one-megabyte", *one_megabyte())]
    # the biggest article annotator takes is 8 MiB of UTF-8 (this text has a few accents)
    big = Article("8 MB", "eight-megabytes", *generate_article(1_000_000 if quick else 8_000_000, 0, seed=1)) \
        if launch else None
    for a in [*articles, *([big] if big else [])]:
        spans: list[Span] = [{"id": s.id, "start": s.start, "end": s.end, "label": s.label,
                              "text": a.text[s.start:s.end], "attrs": {}, "source": "manual"} for s in a.spans]
        for who in (ANNOTATOR, BASE_ANNOTATOR):  # the same record for annotator and its --compare twin
            rec: RecordParts = {"annotator": who, "status": "in_progress", "flags": [], "updated_at": None,
                                "spans": spans}
            source = "seed" if a.doc_id == seed_id else "bench"
            store.import_items([ImportItem(NewDocument(a.doc_id, a.text, text_sha256(a.text), {}, source), rec)],
                               replace=True)
        stext, ann = slate_input(a.text, a.spans)
        (work / f"{a.doc_id}.txt").write_text(stext, encoding="utf-8")
        a.slate_annotations = "".join(x + "\n" for x in ann)
        (work / f"{a.doc_id}.txt.annotations").write_text(a.slate_annotations, encoding="utf-8")
        (work / f"{a.doc_id}.bare.txt").write_text(stext, encoding="utf-8")
    store.close()
    return db, articles, big


BASE_MAIN = "import sys; from annotator.cli import main; sys.exit(main())"


def commands(work: Path, db: Path, slate: Path, compare: Path | None
             ) -> tuple[Callable[[str, bool], str], Callable[[str, bool], str]]:
    annotator_exe = Path(sys.executable).with_name("annotator")
    env = "env COLORTERM=truecolor "

    def ann(doc_id: str, base: bool) -> str:
        """annotator (``base``: the checkout given to --compare, under its own annotator name)."""
        store = shlex.quote(str(db))
        if base:
            assert compare is not None
            exe = f"PYTHONPATH={shlex.quote(str(compare))} {shlex.quote(sys.executable)} -c {shlex.quote(BASE_MAIN)}"
            return env + f"{exe} --db {store} --annotator {BASE_ANNOTATOR} --doc {doc_id}"
        return env + f"{shlex.quote(str(annotator_exe))} --db {store} --annotator {ANNOTATOR} --doc {doc_id}"

    def sla(doc_id: str, bare: bool) -> str:
        # -o: reuse the annotation file; the bare twin has none
        name = f"{doc_id}.bare.txt" if bare else f"{doc_id}.txt"
        return env + f"{shlex.quote(str(slate))} {name} -c slate.config -o -l {shlex.quote(str(work / 'slate-log'))}"

    return ann, sla


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1, help="interleaved runs of every key, pooled")
    ap.add_argument("--launches", type=int, default=3, help="launches per tool and article")
    ap.add_argument("--quick", action="store_true", help="a 1 MB article in place of the 8 MB one (launch)")
    ap.add_argument("--compare", type=Path, metavar="CHECKOUT",
                    help="also run the annotator of another source checkout (e.g. main before a change) as 'base', "
                         "its presses and launches alternating with the others'")
    ap.add_argument("--only", choices=["keys", "launch", "baseline"], action="append")
    ap.add_argument("--article", choices=["seed", "1 MB"], action="append", help="keys on these only")
    ap.add_argument("--key", choices=list(A_KEYS), action="append",
                    help="these keys only (label, remove and undo are pressed together)")
    args = ap.parse_args()
    only = set(args.only or ["keys", "launch", "baseline"])
    slate = ensure_slate()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as d:
        work = Path(d)
        slate_config(work / "slate.config")
        t = time.perf_counter()
        db, articles, big = prepare(work, args.quick, "launch" in only)
        print(f"(prepared the articles and the store in {time.perf_counter() - t:.1f} s; "
              f"load average before: {load[0]:.2f})", flush=True)
        ann, sla = commands(work, db, slate, args.compare)
        byte_compiled([ROOT, *([args.compare] if args.compare else [])])
        tmux = Tmux(work)
        try:
            if "baseline" in only:
                baseline(tmux, work, args.presses, args.warmup)
            if "keys" in only:
                store = open_store(db)
                try:
                    for a in articles:
                        if args.article and a.name not in args.article:
                            continue
                        keys_on(tmux, work, a, ann, sla, store, args)
                finally:
                    store.close()
            if "launch" in only:
                assert big is not None
                launches(tmux, work, [*articles, big], ann, sla, args.launches, args.compare is not None)
        finally:
            tmux.close()
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} (2 cores; other work on the machine moves these figures)")


def byte_compiled(checkouts: list[Path]) -> None:
    """Byte-compile each checkout's ``annotator`` package, as installing it does. A source tree run
    with PYTHONDONTWRITEBYTECODE set (as on this project's machine, whose environment tmux passes
    on) never gets its ``.pyc`` files written, so every launch compiled annotator's modules from
    source: 45-100 ms of CPU that an installed annotator never spends."""
    for checkout in checkouts:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "annotator")], check=True,
                       stdout=subprocess.DEVNULL)


def durable_commits(work: Path, n: int = 30) -> tuple[float, float]:
    """ms of a bare durable SQLite transaction (WAL, synchronous=FULL, one row) on the same disk:
    what a label, a remove or an undo waits for before the screen may say saved."""
    import sqlite3

    path = work / "commit-baseline.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
    times = []
    for i in range(n):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.execute("COMMIT")
        times.append((time.perf_counter() - t) * 1000)
    conn.close()
    return stats(times)


def baseline(tmux: Tmux, work: Path, presses: int, warmup: int) -> None:
    script = work / "curses_line.py"
    script.write_text(CURSES_BASELINE, encoding="utf-8")
    tmux.start("curses", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", work)
    tmux.start("cat", "cat", work)
    panes = {"bare curses, one line": Pane(tmux, "curses"), "cat echo": Pane(tmux, "cat")}
    for p in panes.values():
        p.settle()
    got: dict[str, list[float]] = {n: [] for n in panes}
    for i in range(presses + warmup):
        for name, p in panes.items():
            ms = p.press("x")
            if i >= warmup and ms is not None:
                got[name].append(ms)
    print("\nbaselines (same run): ms, median / p95")
    for name, v in got.items():
        med, p95 = stats(v)
        print(f"  {name:<24}{med:>8.2f} / {p95:>6.2f}")
    med, p95 = durable_commits(work)
    print(f"  {'durable SQLite commit':<24}{med:>8.2f} / {p95:>6.2f}   (bare, same disk: a label waits for one)")
    tmux.kill("curses")
    tmux.kill("cat")


def keys_on(tmux: Tmux, work: Path, a: Article, ann: Callable[[str, bool], str], sla: Callable[[str, bool], str],
            store: Store, args: argparse.Namespace) -> None:
    variants = [("SLATE", False)] + ([("SLATE bare", True)] if a.name != "seed" else [])
    samples = Samples()
    refused = 0
    for _ in range(args.rounds):
        tmux.start("ann", ann(a.doc_id, False), work)
        tools = [Tool("annotator", Pane(tmux, "ann"), A_KEYS)]
        if args.compare:
            tmux.start("base", ann(a.doc_id, True), work)
            tools.append(Tool("base", Pane(tmux, "base"), A_KEYS))
        for name, bare in variants:
            sess = "slb" if bare else "sl"
            # SLATE writes its labels back every 100 keys: every round starts from the same file
            (work / f"{a.doc_id}.txt.annotations").write_text(a.slate_annotations, encoding="utf-8")
            tmux.start(sess, sla(a.doc_id, bare), work)
            tools.append(Tool(name, Pane(tmux, sess), S_KEYS))
        for t in tools:
            t.pane.wait_for(a.marker, time.perf_counter())
            t.pane.settle()
            t.pane.find_pid()
        refused += run_keys(tools, args.presses, args.warmup, samples,
                            lambda who: len(store.load(a.doc_id, who).spans), set(args.key) if args.key else None)
        for s in ("ann", "base", "sl", "slb"):
            tmux.kill(s)
        # annotator's labels were removed again (remove, undo); SLATE's annotation file is rewritten
        # only on save, which the benchmark never asks for
    n = f"{len(a.text):,} chars, {len(a.spans):,} spans"
    report(f"{a.name} ({n}), {args.presses} presses per key x {args.rounds} round(s)", samples,
           ["annotator", *(["base"] if args.compare else []), *[v[0] for v in variants]])
    if refused:
        print(f"  (annotator refused {refused} label(s): not counted)")
    if samples.timeouts:
        print(f"  (screen unchanged {TIMEOUT:.0f} s after the key, not counted: {samples.timeouts})")
    med, p95 = durable_commits(work)
    print(f"  a bare durable SQLite commit on this disk right after: {med:.2f} / {p95:.2f} ms "
          "(annotator's label, remove and undo each wait for one; SLATE writes nothing then)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 10 ms resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def launches(tmux: Tmux, work: Path, arts: list[Article], ann: Callable[[str, bool], str],
             sla: Callable[[str, bool], str], n: int, compare: bool) -> None:
    tools = ["annotator", *(["base"] if compare else []), "SLATE"]
    print(f"\nlaunch to first words: s, median of {n} (min - max), and the CPU time the process had used by "
          "then (what a quiet machine would take); SLATE on the same article with the same spans. annotator "
          "draws the article's first rows before its screen is built (tui/first_paint.py): `screen` is the "
          "median to its whole first frame (the header saying all saved); SLATE's first words are its whole screen")
    print(f"  {'article':<10}" + "".join(f"{t:>24}{'cpu':>6}" + (f"{'screen':>8}" if t != "SLATE" else "")
                                         for t in tools) + f"{'ratio':>8}")
    panes = {t: Pane(tmux, f"launch-{i}") for i, t in enumerate(tools)}
    for pane in panes.values():
        tmux.start(pane.name, "true", work)
    for a in arts:
        got: dict[str, list[float]] = {t: [] for t in tools}
        whole: dict[str, list[float]] = {t: [] for t in tools}
        cpu: dict[str, list[float]] = {t: [] for t in tools}
        commands = {"annotator": ann(a.doc_id, False), "SLATE": sla(a.doc_id, False)}
        if compare:
            commands["base"] = ann(a.doc_id, True)
        for _ in range(n):
            for name in tools:
                pane, command = panes[name], commands[name]
                tmux.respawn(pane.name, "true", work)
                pane.wait_for(a.marker, time.perf_counter(), gone=True)  # the last run's words are gone
                time.sleep(0.2)
                t0 = tmux.respawn(pane.name, command, work)
                got[name].append(pane.wait_for(a.marker, t0) / 1000)
                pid = int(tmux.cmd(f"display-message -p -t ={pane.name}: '#{{pane_pid}}'")[0])
                cpu[name].append(cpu_seconds(pid))  # the command execs itself: `env` becomes the tool
                if name != "SLATE":
                    whole[name].append(pane.wait_for(SCREEN_UP, t0) / 1000)
        cells = "".join(f"{statistics.median(got[k]):.2f} ({min(got[k]):.2f} - {max(got[k]):.2f})".rjust(24)
                        + f"{statistics.median(cpu[k]):>6.2f}"
                        + (f"{statistics.median(whole[k]):>8.2f}" if whole[k] else "") for k in tools)
        ratio = statistics.median(got["annotator"]) / statistics.median(got["SLATE"])
        print(f"  {a.name:<10}{cells}{ratio:>7.2f}x", flush=True)


if __name__ == "__main__":
    main()
