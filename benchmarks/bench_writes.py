"""What running store writes off the event loop costs per key (issue 11, item 14).

    python benchmarks/bench_writes.py [--presses 40]

The annotate screen, 120x40, key sent like a terminal's to the painted frame (the harness of
bench_tui.py): tag the word under the cursor (a durable action), then remove it (another). Each
press alternates between the two ways a write can run, in the same process on the same store, so
the machine's noise falls on both alike:

- in place: the verb runs on the event loop (as before the store writer; the review screen still
  does this);
- writer: the verb runs on the store writer's thread and the key waits for it (what the annotate
  screen does; it only stops waiting when the store's lock is held elsewhere).

Prints median / p95 in ms of each and the writer's ratio to in place (target: at most 1.1x).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.importing import import_sources  # noqa: E402
from annotator.store import open_store  # noqa: E402
from annotator.tui.app import build_app  # noqa: E402
from benchmarks.bench_tui import SCHEME, add_generated, stats  # noqa: E402
from benchmarks.bench_view import keystroke_ms, seed_article  # noqa: E402
from benchmarks.gen_article import one_megabyte  # noqa: E402


async def bench(store, doc_id: str, presses: int) -> dict[str, list[float]]:
    app = build_app(store, SCHEME, "bench", doc_id)
    times: dict[str, list[float]] = {"tag in place": [], "tag writer": [], "remove in place": [],
                                     "remove writer": []}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot._wait_for_screen()
        screen = app.screen
        screen.view.move_cursor(len(screen.view.text) // 3)
        done = 0
        for i in range(presses * 4):
            if done >= presses * 2:
                break
            way = "writer" if i % 2 else "in place"
            screen.WRITES_OFF_LOOP = way == "writer"
            await keystroke_ms(pilot, "ctrl+right")
            before = len(screen.record.spans)
            t = await keystroke_ms(pilot, "2")
            if len(screen.record.spans) != before + 1:
                continue  # refused (already a DATE there): not timed
            r = await keystroke_ms(pilot, "delete")
            assert screen.writes_waited == 0, "a write went to the background: the store was locked"
            if done >= 4:  # warm-up
                times[f"tag {way}"].append(t)
                times[f"remove {way}"].append(r)
            done += 1
        await pilot.pause()
    return times


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presses", type=int, default=40)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "bench.db")
        import_sources(store, [ROOT / "seeds"], SCHEME, "bench")
        seed_id = store.documents("bench")[0].id
        seed_text, seed_spans = seed_article(store.load(seed_id, "bench").text)
        add_generated(store, seed_id, seed_text, list({(s.start, s.end, s.label): s for s in seed_spans}.values()))
        add_generated(store, "one-megabyte", *one_megabyte())
        print("annotate screen 120x40, key to painted frame, ms median / p95; writes alternate in place / writer")
        for name, doc_id in (("seed", seed_id), ("1 MB", "one-megabyte")):
            t = await bench(store, doc_id, args.presses)
            for key in ("tag", "remove"):
                (m0, p0), (m1, p1) = stats(t[f"{key} in place"]), stats(t[f"{key} writer"])
                print(f"{name:>5} {key:<7} in place {m0:6.2f} / {p0:6.2f}   writer {m1:6.2f} / {p1:6.2f}   "
                      f"ratio {m1 / m0:4.2f}x median, {p1 / p0:4.2f}x p95  (n={len(t[f'{key} writer'])})")
        store.close()


if __name__ == "__main__":
    asyncio.run(main())
