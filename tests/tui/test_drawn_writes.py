"""Tag, remove, undo and redo are drawn while they commit (issue 15's optimistic paint), and the
screen still says saved only once the store has committed.

The store verb is held on the writer's thread until the key's frame has reached the terminal (a
driver that keeps what Textual writes); every write to the terminal notes whether the verb had
returned by then. So the frames written before the commit are those of the drawing, and what they
say is checked: the article's row of the span repainted, the header saying "saving", never
"saved" (the span list and the panel follow once the key is over). Nothing is timed: the hold is
released by the frame itself.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from textual import events
from textual.drivers.headless_driver import HeadlessDriver

from annotator.errors import StoreError
from tests.tui.helpers import make_app
from tests.tui.test_terminal_bytes import ARTICLE_RIGHT, parse

ARTICLE_ROW = 1  # the screen row of the test article's only line (the header is row 0)

TEXT = "Daech a perdu Mossoul en juin 2014, selon la coalition."


def word(w: str) -> int:
    return TEXT.index(w) + 1


def notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


@dataclass
class Written:
    """One write to the terminal: what it said, and whether the held verb had returned by then."""

    data: str
    committed: bool

    @property
    def rows(self) -> set[int]:
        return parse(self.data).rows


@dataclass
class Hold:
    """Holds store verbs on the writer's thread until a frame reaches the terminal."""

    painted: threading.Event = field(default_factory=threading.Event)
    committed: bool = True  # no held verb running
    calls: int = 0
    written: list[Written] = field(default_factory=list)

    def wrap(self, verb: Callable[..., Any], fail: Callable[[int], Exception | None] = lambda n: None, *,
             hold: bool = True) -> Callable[..., Any]:
        """``verb``, held until the next frame (``hold``); ``fail(n)`` may give an error for the n-th
        call (1-based) to raise in its place, as a store that refuses the write would."""

        def held(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            n = self.calls
            # released by the key's own frame; the bound only stops a broken test from hanging
            assert not hold or self.painted.wait(20), "the key's frame never reached the terminal before its commit"
            try:
                error = fail(n)
                if error is not None:
                    raise error
                return verb(*args, **kwargs)
            finally:
                self.committed = True

        return held

    def before_commit(self) -> list[Written]:
        return [w for w in self.written if not w.committed]


class HoldingDriver(HeadlessDriver):
    """Headless, but Textual renders its frames for it as for a terminal; each write is noted."""

    hold: Hold

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.hold.written.append(Written(data, self.hold.committed))
        self.hold.painted.set()


async def start(pilot: Any) -> Hold:
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    hold = Hold()
    app._driver.__class__ = HoldingDriver
    app._driver.hold = hold
    return hold


async def press(pilot: Any, hold: Hold, *keys: str) -> None:
    """Send ``keys`` at once, as a quick typist does (each waits in the queue behind the one
    before), then let the app handle them all."""
    await pilot._wait_for_screen()  # what changed before (a cursor moved) is painted first
    await pilot.pause()
    hold.painted.clear()
    hold.committed = False
    hold.written.clear()
    for key in keys:
        pilot.app._driver.send_message(events.Key(key, None))
    for _ in range(3):
        await pilot._wait_for_screen()
    await pilot.pause()


@pytest.fixture
def app_store(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    yield app, store
    store.close()


def saved_texts(store: Any) -> list[str]:
    return sorted(s["text"] for s in store.load("d", "alice").spans.values())


async def test_a_tag_is_drawn_before_its_commit_and_says_saved_only_after(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        session.commit = hold.wrap(session.commit)
        screen.view.move_cursor(word("Daech"))
        await press(pilot, hold, "1")
        early = hold.before_commit()
        assert early, "nothing reached the terminal before the commit returned"
        assert any(ARTICLE_ROW in w.rows for w in early), "the new span was drawn before the commit"
        assert any("… saving" in w.data for w in early)
        assert not any("saved" in w.data for w in early), "saved was said before the commit returned"
        later = "".join(w.data for w in hold.written if w.committed)
        assert "✓ saved" in later
        assert hold.calls == 1 and saved_texts(store) == ["Daech"]
        assert [s["text"] for s in screen.record.spans.values()] == ["Daech"]
        assert screen.record.spans[screen.focused_span_id]["text"] == "Daech"
        assert "✓ saved" in screen.header.render_text().plain


async def test_a_tags_first_frames_are_the_article_row_and_the_header_alone(app_store):
    """Painted together by the compositor, the header (top row) and the article's row would have it
    render every widget under the box around both, the span list and the panel among them; they
    are rendered apart (and written in one write, each row from its own first cell), and the
    side panels are updated once they are out."""
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        in_list_at_commit: list[int] = []
        commit = hold.wrap(session.commit)

        def commit_noting(*args: Any) -> Any:
            in_list_at_commit.append(screen.span_list.count)
            return commit(*args)

        session.commit = commit_noting
        screen.view.move_cursor(word("Mossoul"))
        await press(pilot, hold, "1")
        early = [w.data for w in hold.before_commit()]
        assert [parse(data).rows for data in early] == [{ARTICLE_ROW, 0}], early
        assert row_ends(early[0])[ARTICLE_ROW] < ARTICLE_RIGHT, early  # the article's row alone
        assert in_list_at_commit == [0], "the span list was updated before the article's frame went out"
        assert screen.span_list.count == 1 and saved_texts(store) == ["Mossoul"]
        later = parse("".join(w.data for w in hold.written if w.committed))
        assert later.max_col >= ARTICLE_RIGHT, "the span list and the panel were painted after"


def row_ends(data: str) -> dict[int, int]:
    """The last column written on each row (one cell per character, as in these articles)."""
    ends: dict[int, int] = {}
    for m in re.finditer(r"\x1b\[(\d+);(\d+)H((?:[^\x1b]|\x1b\[[0-9;]*m)*)", data):
        row, col = int(m.group(1)) - 1, int(m.group(2)) - 1
        text = re.sub(r"\x1b\[[0-9;]*m", "", m.group(3))
        if text:
            ends[row] = max(ends.get(row, -1), col + len(text) - 1)
    return ends


@pytest.mark.parametrize("error", [
    StoreError("s.db: the store is read-only (attempt to write a readonly database)"),
    sqlite3.OperationalError("database is locked"),
    StoreError("the PostgreSQL server is unreachable: connection refused"),
])
async def test_a_tag_whose_commit_fails_is_taken_back_and_says_not_saved(app_store, error):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        session.commit = hold.wrap(session.commit, fail=lambda n: error)
        screen.view.select(0, 5)  # "Daech"
        await press(pilot, hold, "1")
        early = hold.before_commit()
        assert any(ARTICLE_ROW in w.rows for w in early), "it was drawn while the commit ran"
        assert not any("saved" in w.data and "NOT SAVED" not in w.data for w in early)
        # taken back: the screen's record, the article's spans, the list, the focus; and why
        assert screen.record.spans == {} and screen.view.spans == [] and screen.span_list.count == 0
        assert screen.focused_span_id is None and screen.record.status == "todo"
        assert screen.view.selection == (0, 5), "the selection is given back, to try again"
        header = screen.header.render_text().plain
        assert "✗ NOT SAVED" in header and str(error).split(":")[-1].strip() in header
        assert "saving" not in header
        assert any("not saved" in n for n in notes(app))
        assert saved_texts(store) == []
        # the store works again: the same key saves it, with the id the store would give
        del session.commit
        await press(pilot, hold, "1")
        assert saved_texts(store) == ["Daech"] and "✓ saved" in screen.header.render_text().plain
        assert set(screen.record.spans) == set(store.load("d", "alice").spans)


async def test_a_store_opened_read_only_draws_nothing_first(app_store):
    app, store = app_store
    store.read_only = True  # what the store reports when its file cannot be written
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        session.commit = hold.wrap(session.commit, fail=lambda n: StoreError("s.db: the store is read-only"),
                                   hold=False)  # nothing is drawn before this commit: nothing to wait for
        screen.view.move_cursor(word("Daech"))
        await press(pilot, hold, "1")
        assert hold.calls == 1 and hold.before_commit() == [], "nothing reached the terminal before the commit"
        assert screen.record.spans == {} and "✗ NOT SAVED" in screen.header.render_text().plain
        assert "saving" not in "".join(w.data for w in hold.written)


async def test_two_quick_tags_plan_the_second_on_the_first(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        session.commit = hold.wrap(session.commit)
        screen.view.move_cursor(word("Daech"))
        # both keys are queued before the app handles the first
        await press(pilot, hold, "1", "ctrl+right", "ctrl+right", "ctrl+right", "1")
        assert hold.calls == 2
        stored = store.load("d", "alice")
        assert sorted(s["text"] for s in stored.spans.values()) == ["Daech", "Mossoul"]
        assert screen.record.spans == stored.spans and screen.record.status == stored.status == "in_progress"
        assert len(set(stored.spans)) == 2 and screen.span_list.count == 2
        await press(pilot, hold, "ctrl+z", "ctrl+z")
        assert saved_texts(store) == [] and screen.record.spans == {} and screen.span_list.count == 0


async def test_when_the_first_of_two_quick_tags_fails_the_second_is_planned_without_it(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        session.commit = hold.wrap(session.commit, fail=lambda n: StoreError("disk full") if n == 1 else None)
        screen.view.move_cursor(word("Daech"))
        await press(pilot, hold, "1", "ctrl+right", "ctrl+right", "ctrl+right", "1")
        assert hold.calls == 2
        stored = store.load("d", "alice")
        assert [s["text"] for s in stored.spans.values()] == ["Mossoul"]
        # the second was planned on the record without the first: the same id, the same status move
        assert screen.record.spans == stored.spans and screen.record.status == stored.status == "in_progress"
        assert screen.span_list.count == 1 and [s.id for s in screen.view.spans] == list(stored.spans)
        assert any("disk full" in n for n in notes(app))
        assert "✓ saved" in screen.header.render_text().plain  # the second one's commit


async def test_remove_undo_and_redo_are_drawn_before_their_commit(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        screen.view.move_cursor(word("Daech"))
        await press(pilot, hold, "1")
        assert screen.span_list.count == 1
        session.commit = hold.wrap(session.commit)
        session.undo = hold.wrap(session.undo)
        session.redo = hold.wrap(session.redo)
        for key, listed, texts, said in [("delete", 0, [], None),
                                         ("ctrl+z", 1, ["Daech"], "Undid: remove ACTOR 'Daech'"),
                                         ("ctrl+y", 0, [], "Redid: remove ACTOR 'Daech'"),
                                         ("ctrl+z", 1, ["Daech"], "Undid: remove ACTOR 'Daech'")]:
            calls = hold.calls
            await press(pilot, hold, key)
            early = hold.before_commit()
            assert any(ARTICLE_ROW in w.rows for w in early), (key, [sorted(w.rows) for w in early])
            assert any("… saving" in w.data for w in early), key
            assert not any("saved" in w.data for w in early), key
            assert hold.calls == calls + 1 and saved_texts(store) == texts, key
            assert screen.span_list.count == listed and "✓ saved" in screen.header.render_text().plain, key
            if said is not None:
                assert screen.header.note == said, key  # said in the header, with its "saved"


async def test_an_undo_whose_commit_fails_is_taken_back(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        hold = await start(pilot)
        screen = app.screen
        session = screen.session
        screen.view.move_cursor(word("Daech"))
        await press(pilot, hold, "1")
        session.undo = hold.wrap(session.undo, fail=lambda n: StoreError("the store is read-only"))
        await press(pilot, hold, "ctrl+z")
        assert any(ARTICLE_ROW in w.rows for w in hold.before_commit()), "the undo was drawn"
        assert saved_texts(store) == ["Daech"]
        assert [s["text"] for s in screen.record.spans.values()] == ["Daech"] and screen.span_list.count == 1
        assert "✗ NOT SAVED: the store is read-only" in screen.header.render_text().plain
        assert not any(n.startswith(("Undid", "Nothing to undo")) for n in notes(app))


async def test_a_tag_on_a_locked_store_is_taken_back_and_drawn_once_committed(app_store, tmp_path):
    """Past the short wait the tag is taken back (nothing stays drawn that may not be saved) and a
    second write is refused until the store answers; then the first is drawn, saved."""
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            screen.view.move_cursor(word("Daech"))
            await pilot.press("1")
            assert screen.pending is not None and screen.writes_waited == 1
            assert screen.record.spans == {} and screen.span_list.count == 0 and screen.view.spans == []
            header = screen.header.render_text().plain
            assert "waiting for the store" in header and "saving" not in header and "✓ saved" not in header
            await pilot.press("ctrl+right", "ctrl+right", "ctrl+right", "1", "delete", "ctrl+z")
            assert sum("Still waiting for the store" in n for n in notes(app)) >= 2
        finally:
            other.execute("COMMIT")
            other.close()
        for _ in range(2000):
            if screen.pending is None:
                break
            await pilot.pause()
        await pilot.pause()
        assert saved_texts(store) == ["Daech"]
        assert [s["text"] for s in screen.record.spans.values()] == ["Daech"] and screen.span_list.count == 1
        assert "✓ saved" in screen.header.render_text().plain
