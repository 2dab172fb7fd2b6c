"""Per-keystroke latency of ArticleView, measured with a synchronous paint.

    python -m benchmarks.bench_view [--size 120x40] [--presses 40]

For the seed article, a ~1 MB article with 20,000 spans and a ~200 KB article
with no newline, prints the median and p95 ms per key (cursor move,
shift-extend, word move, page down, add span, remove span), the rows
re-rendered per key, the first paint time, and the 1 MB / seed ratio.

Harness (shared/docs/textual.md §4.3): each key goes through the driver like a
real terminal key, the message queues are drained without idle sleeps (twice:
see keystroke_ms), then the dirty regions are painted synchronously.  So a figure is the key's whole
cost: handler + re-render of the changed rows + compositor.  The no-op key
baseline (harness overhead) is printed too and is NOT subtracted.
Targets (not asserted): p95 <= 16 ms per key, 1 MB <= 1.5x seed, first paint
of 1 MB <= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
from pathlib import Path
from time import perf_counter

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402

from annotator.tui.widgets.article_view import ArticleView, ViewSpan  # noqa: E402
from benchmarks.gen_article import one_line, one_megabyte  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COLORS = {"ACTOR": "#3b82f6", "DATE": "#16a34a", "QUANTITY": "#d97706", "QUOTE": "#a855f7"}
KEYS = ["cursor move", "shift-extend", "word move", "page down", "add span", "remove span"]
EXTRA = ["full repaint"]


class Host(App):
    def __init__(self, text: str, spans: list[ViewSpan]) -> None:
        super().__init__()
        self._doc = (text, spans)

    def compose(self) -> ComposeResult:
        yield ArticleView(*self._doc, COLORS, id="view")

    def on_mount(self) -> None:
        self.query_one(ArticleView).focus()


def paint_now(screen) -> None:
    """What the 60 Hz screen timer would paint next tick, now."""
    screen._compositor.update_widgets(set(screen._compositor.visible_widgets))
    screen._compositor_refresh()


async def keystroke_ms(pilot, key: str) -> float:
    app = pilot.app
    t0 = perf_counter()
    app._driver.send_message(events.Key(key, None))
    # Two drains: the first lets the App forward the key to the focused widget,
    # the second lets the widget run the bound action (measured: one drain
    # returns before the action ran, so its cost would land on the next key).
    await pilot._wait_for_screen()
    await pilot._wait_for_screen()
    paint_now(app.screen)
    return (perf_counter() - t0) * 1000


def seed_article(text: str | None = None) -> tuple[str, list[ViewSpan]]:
    """The first seed article (or ``text``), with spans at a density like the 1 MB one."""
    if text is None:
        path = next(iter(sorted((ROOT / "seeds").glob("*.txt"))))
        text = path.read_text(encoding="utf-8")
    spans: list[ViewSpan] = []
    patterns = [
        ("QUOTE", r'"[^"\n]{3,400}"'),
        ("DATE", r"\b(?:en |le )?(?:\d{1,2} )?(?:janvier|février|mars|avril|mai|juin|juillet"
                 r"|août|septembre|octobre|novembre|décembre) \d{4}|\b\d{4}-\d{2}\b"),
        ("QUANTITY", r"\b\d+ [a-zé]+"),
        ("ACTOR", r"\b[A-Z][\w'-]+(?: [A-Z][\w'-]+)*"),
    ]
    for label, pattern in patterns:
        for m in re.finditer(pattern, text):
            spans.append(ViewSpan(f"{label}{m.start()}", m.start(), m.end(), label))
    return text, spans


def summarize(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


async def bench_one(
    name: str, text: str, spans: list[ViewSpan], size: tuple[int, int], presses: int
) -> dict[str, tuple[float, float, float]]:
    results: dict[str, tuple[float, float, float]] = {}
    t0 = perf_counter()
    app = Host(text, spans)
    async with app.run_test(size=size) as pilot:
        await pilot._wait_for_screen()
        paint_now(app.screen)
        first_paint = (perf_counter() - t0) * 1000
        view = app.query_one(ArticleView)

        # load() of the same document into the running view, then paint
        t1 = perf_counter()
        view.load(text, spans)
        paint_now(app.screen)
        load_paint = (perf_counter() - t1) * 1000

        async def run_key(label: str, key: str, reset=None) -> None:
            times, rows = [], []
            for i in range(presses + 3):
                if reset is not None:
                    reset()
                    await pilot._wait_for_screen()
                    paint_now(app.screen)
                before = view.rows_rendered
                ms = await keystroke_ms(pilot, key)
                if i >= 3:
                    times.append(ms)
                    rows.append(view.rows_rendered - before)
            med, p95 = summarize(times)
            results[label] = (med, p95, statistics.mean(rows))

        mid = len(text) // 2
        view.move_cursor(mid)
        await pilot._wait_for_screen()
        paint_now(app.screen)
        await run_key("no-op key (baseline)", "f12")

        # alternate directions so the cursor stays mid-document
        times, rows = [], []
        for i in range(presses + 3):
            before = view.rows_rendered
            ms = await keystroke_ms(pilot, "right" if (i // 5) % 2 == 0 else "left")
            if i >= 3:
                times.append(ms)
                rows.append(view.rows_rendered - before)
        results["cursor move"] = (*summarize(times), statistics.mean(rows))

        view.move_cursor(mid)
        await run_key("shift-extend", "shift+right")
        view.move_cursor(mid)
        await run_key("word move", "ctrl+right")

        # page down from the top; back to the top (unmeasured, cache dropped)
        # before running off the end, so every measured press scrolls a page
        def page_reset() -> None:
            lay = view.layout_info
            height = view.scrollable_content_region.height
            if lay.row_of(view.cursor) + 2 * height >= lay.row_count:
                view.move_cursor(0)
                view._row_cache.clear()

        view.move_cursor(0)
        await pilot._wait_for_screen()
        paint_now(app.screen)
        await run_key("page down", "pagedown", reset=page_reset)

        # add / remove spans inside the viewport, painted synchronously
        view.move_cursor(mid)
        await pilot._wait_for_screen()
        paint_now(app.screen)
        lay = view.layout_info
        top = int(view.scroll_offset.y)
        add_times, add_rows, rem_times, rem_rows = [], [], [], []
        for i in range(presses + 3):
            row = top + (i % max(1, view.scrollable_content_region.height - 2))
            start = lay.row_starts[min(row, lay.row_count - 1)]
            span = ViewSpan(f"bench{i}", start, min(len(text), start + 30), "QUOTE")
            before = view.rows_rendered
            t = perf_counter()
            view.add_span(span)
            paint_now(app.screen)
            ms = (perf_counter() - t) * 1000
            if i >= 3:
                add_times.append(ms)
                add_rows.append(view.rows_rendered - before)
            before = view.rows_rendered
            t = perf_counter()
            view.remove_span(span.id)
            paint_now(app.screen)
            ms = (perf_counter() - t) * 1000
            if i >= 3:
                rem_times.append(ms)
                rem_rows.append(view.rows_rendered - before)
        # every visible row re-rendered (what a page down costs when it can scroll)
        rep_times, rep_rows = [], []
        for i in range(presses + 3):
            before = view.rows_rendered
            t = perf_counter()
            view._invalidate_all()
            paint_now(app.screen)
            ms = (perf_counter() - t) * 1000
            if i >= 3:
                rep_times.append(ms)
                rep_rows.append(view.rows_rendered - before)
        results["full repaint"] = (*summarize(rep_times), statistics.mean(rep_rows))
        results["add span"] = (*summarize(add_times), statistics.mean(add_rows))
        results["remove span"] = (*summarize(rem_times), statistics.mean(rem_rows))
        results["first paint"] = (first_paint, first_paint, 0)
        results["load + paint"] = (load_paint, load_paint, 0)
        await pilot.pause()

    print(f"\n{name}: {len(text):,} chars, {len(spans):,} spans, "
          f"{len(view.layout_info.row_starts):,} rows at {size[0]}x{size[1]}")
    print(f"  {'key':<24}{'median ms':>10}{'p95 ms':>9}{'rows/key':>10}")
    for label in ["no-op key (baseline)", *KEYS, *EXTRA]:
        med, p95, rows = results[label]
        flag = "" if p95 <= 16 else "  (over 16 ms)"
        print(f"  {label:<24}{med:>10.2f}{p95:>9.2f}{rows:>10.1f}{flag}")
    print(f"  {'first paint (app start)':<24}{results['first paint'][0]:>10.1f}")
    print(f"  {'load() + paint':<24}{results['load + paint'][0]:>10.1f}")
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="120x40", help="terminal WxH (default 120x40)")
    parser.add_argument("--presses", type=int, default=40, help="measured presses per key")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))

    # warm up Textual and Python caches once, so the seed is not charged for them
    await bench_one("warm-up (ignore)", *seed_article(), (w, h), 5)

    t = perf_counter()
    mb = one_megabyte()
    line = one_line()
    print(f"\n(generated the articles in {(perf_counter() - t) * 1000:.0f} ms)")
    seed = await bench_one("seed article", *seed_article(), (w, h), args.presses)
    big = await bench_one("1 MB article", *mb, (w, h), args.presses)
    await bench_one("200 KB one-line article", *line, (w, h), args.presses)

    print("\nratio 1 MB / seed (median, p95):")
    for label in KEYS:
        s_med, s_p95, s_rows = seed[label]
        b_med, b_p95, b_rows = big[label]
        print(f"  {label:<24}{b_med / s_med:>8.2f}x{b_p95 / s_p95:>8.2f}x")
        if label == "page down" and s_rows < b_rows / 2:
            # The seed fits on one screen: its page down scrolls nothing, so
            # also compare with the cost of redrawing the seed's whole screen.
            r_med, r_p95, _ = seed["full repaint"]
            print(f"  {'  vs seed full repaint':<24}{b_med / r_med:>8.2f}x{b_p95 / r_p95:>8.2f}x"
                  f"   (the seed fits one screen: its page down scrolls nothing)")
    print(f"  {'first paint':<24}{big['first paint'][0] / seed['first paint'][0]:>8.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
