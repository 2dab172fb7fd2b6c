"""The page frames drawn ahead of their keys (tui/page_ahead.py): a page key writes the same bytes
with them as without them, over runs of mixed keys; a frame is not written once anything it was
drawn from changed; a key that does not do what its frame foresaw gets the article drawn again."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from annotator.model import text_sha256
from annotator.model.types import ImportItem, NewDocument, RecordParts
from annotator.tui import page_ahead
from annotator.tui.app import build_app
from annotator.tui.page_ahead import PageAhead
from annotator.tui.widgets.span_index import ViewSpan
from tests.tui.helpers import SCHEME, make_store
from tests.tui.test_terminal_bytes import HEIGHT, WIDTH, article_text, parse, press, spans_of, start


def same(written: str) -> str:
    """What a key wrote, but for the clock time of the header's "saved" and the synchronised
    update's end and start between two writes (a page frame drawn ahead is a write of its own)."""
    return re.sub(r"\d\d:\d\d:\d\d", "hh:mm:ss", written).replace("\x1b[?2026l\x1b[?2026h", "")


MIXED = ["pagedown", "pagedown", "pagedown", "pageup", "down", "down", "pagedown", "ctrl+right", "3",
         "pagedown", "pageup", "pageup", "tab", "pagedown", "shift+down", "pagedown", "escape", "pagedown",
         "ctrl+z", "pageup", "right", "pageup", "ctrl+end", "pageup", "pagedown", "ctrl+home", "pagedown"]


def article_app(path: Path) -> tuple[Any, Any]:
    """The test article (test_terminal_bytes) in a store of its own, and the app on it."""
    text = article_text()
    store = make_store(path, seeds=False)
    record: RecordParts = {"annotator": "alice", "status": "in_progress", "flags": [], "updated_at": None,
                           "spans": spans_of(text)}
    store.import_items([ImportItem(NewDocument("long", text, text_sha256(text), {}, "long.txt"), record)])
    return build_app(store, SCHEME, "alice", "long"), store


Between = Callable[[Pilot[Any], int], Awaitable[None]]


async def frames_of(app: Any, keys: list[str], between: Between | None = None) -> tuple[list[str], int]:
    """The bytes each key wrote, and how many frames were written ahead of their keys."""
    written: list[str] = []
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        screen = app.screen
        screen.page_ahead.prepare(screen, screen.view)  # again: drawn for the headless driver before start()
        for i, key in enumerate(keys):
            if between is not None:
                await between(pilot, i)
            await press(pilot, key)
            written.append("".join(app._driver.written))
            await pilot.pause(0.05)  # a pause (QUIET is made shorter): the frames are drawn
        count = screen.page_ahead.written
        assert screen.page_ahead.taken == count  # every frame written ahead was what its key did
        await pilot.pause()
    return written, count


@pytest.fixture
def twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Runs keys on the article with frames drawn ahead, then on a fresh copy without them."""

    monkeypatch.setattr(page_ahead, "QUIET", 0.005)

    async def run(keys: list[str], between: Between | None = None) -> tuple[list[str], list[str], int]:
        app, store = article_app(tmp_path / "ahead.db")
        try:
            with_ahead, count = await frames_of(app, keys, between)
        finally:
            store.close()
        app, store = article_app(tmp_path / "plain.db")
        try:
            with monkeypatch.context() as patched:
                patched.setattr(PageAhead, "prepare", lambda self, screen, view: None)
                without, _ = await frames_of(app, keys, between)
        finally:
            store.close()
        return with_ahead, without, count

    return run


async def test_page_keys_write_what_they_would_without_frames_drawn_ahead(twice):
    with_ahead, without, count = await twice(MIXED)
    for key, a, b in zip(MIXED, with_ahead, without):
        # the same cells; a page frame drawn ahead is its own write, the header's and side panel's after it
        assert sorted(parse(a).rows) == sorted(parse(b).rows), key
        assert same(a) == same(b), key
    # most page keys found their frame ready (not those after a selection, nor at the ends)
    pages = [k for k in MIXED if k in ("pagedown", "pageup")]
    assert count >= len(pages) - 3, (count, len(pages))  # 14 of 16 here


async def test_a_span_added_out_of_sight_is_on_the_page_it_was_drawn_ahead_for(twice):
    """The next page's frame is drawn, then a span is added on that page (no key: as a suggestion
    or another window's write would); the page key shows it, as it would without frames ahead."""
    keys = ["pagedown", "pagedown", "pageup", "pagedown"]

    async def add_span(pilot: Pilot, i: int) -> None:
        if i == 2:
            await pilot.pause()  # the frames of the next page keys are drawn
            view = pilot.app.screen.view
            lay = view.layout_info
            h = view.scrollable_content_region.height
            start = lay.row_starts[int(view.scroll_offset.y) - h + 2]  # on the page above
            view.add_span(ViewSpan("new", start, start + 5, "DATE"))

    with_ahead, without, count = await twice(keys, add_span)
    assert same(with_ahead[2]) == same(without[2])
    assert count == 3  # the page up's frame was not written: a row it drew had changed


async def test_a_key_that_does_not_do_what_its_frame_foresaw_gets_the_article_drawn_again(tmp_path, monkeypatch):
    app, store = article_app(tmp_path / "s.db")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        await press(pilot, "pagedown")
        await pilot.pause()  # the frames of the next page keys are drawn
        view = app.screen.view
        height = view.scrollable_content_region.height
        page = view.page_target

        def elsewhere(direction: int):  # the key now moves the cursor a row further than foreseen
            top, cursor, x = page(direction)
            return top, view.layout_info.offset_at(view.layout_info.row_of(cursor) + 1, x), x

        monkeypatch.setattr(view, "page_target", elsewhere)
        rendered = view.rows_rendered
        frame = await press(pilot, "pagedown")
        assert app.screen.page_ahead.written == 1  # the frame drawn ahead went out
        # then the whole article again, drawn as the key left it
        assert view.rows_rendered > rendered
        assert set(range(1, 1 + height)) <= frame.rows
        text = "".join(app._driver.written)
        assert text.count("\x1b[2;1H") >= 2
        await pilot.pause()
    store.close()


async def test_frames_are_drawn_right_after_a_page_key_and_after_a_pause_after_other_keys(tmp_path):
    app, store = article_app(tmp_path / "s.db")
    try:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await start(pilot)
            screen = app.screen
            ahead = screen.page_ahead
            await press(pilot, "pagedown")
            assert set(ahead._ready) == {"pagedown", "pageup"}  # drawn once the page key's frame was out
            for _ in range(5):  # a burst of cursor keys: nothing drawn after each
                await press(pilot, "down")
                assert not ahead._ready
            await pilot.pause(3 * page_ahead.QUIET)
            assert set(ahead._ready) == {"pagedown", "pageup"}
            frame = await press(pilot, "pagedown")
            assert ahead.written == ahead.taken == 1 and len(frame.rows) > 30
            for key in ["pagedown"] * 4 + ["pageup"] * 3:  # reading on, then back: each frame ready
                await press(pilot, key)
            assert ahead.written == ahead.taken == 8
    finally:
        store.close()
