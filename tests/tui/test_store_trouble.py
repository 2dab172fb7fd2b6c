"""The annotate screen when the store is not simply there for it (issue 11): a store that refuses
writes (item 3), another process holding the write lock (item 14), the same annotator changing the
record in another window (item 7). Work is counted (writes waited for, reloads), never timed."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from annotator.errors import StoreError
from annotator.session import Session
from tests.tui.helpers import SCHEME, make_app, screen_text

TEXT = "Daech a perdu Mossoul en juin 2014, selon la coalition."


def word(w: str) -> int:
    return TEXT.index(w) + 1


def notes(app: Any) -> list[str]:
    """What the screen says: its notifications, and the header's note (what the last undo or redo did)."""
    note = getattr(getattr(app.screen, "header", None), "note", "")
    return [n.message for n in app._notifications] + ([note] if note else [])


async def settle(pilot: Any, screen: Any, limit: int = 2000) -> None:
    """Wait (by counting event-loop turns, not time) until no write waits for the store."""
    for _ in range(limit):
        if screen.pending is None:
            await pilot.pause()
            return
        await pilot.pause()
    raise AssertionError("the write never finished")


@pytest.fixture
def app_store(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    yield app, store
    store.close()


# -- item 3: a store that refuses writes -------------------------------------------------------------


@pytest.mark.parametrize("error", [
    StoreError("s.db: the store is read-only (attempt to write a readonly database)"),
    sqlite3.OperationalError("attempt to write a readonly database"),  # raw, as it came before
])
async def test_a_store_that_refuses_writes_says_not_saved_never_a_traceback(app_store, monkeypatch, error):
    app, store = app_store

    def refuse(*_a: object, **_k: object) -> None:
        raise error

    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        monkeypatch.setattr(store, "transaction", refuse)
        screen.view.move_cursor(word("Daech"))
        await pilot.press("1")
        header = screen.header.render_text().plain
        assert "✗ NOT SAVED" in header and "readonly database" in header
        assert screen.record.spans == {} and screen.span_list.count == 0, "nothing is shown that is not saved"
        assert any("not saved" in n and "readonly" in n for n in notes(app))
        await pilot.press("right", "ctrl+z", "question_mark")  # keys go on working
        assert type(app.screen).__name__ == "HelpScreen"
        assert not any("Nothing to undo" in n for n in notes(app)), "a failed undo is not 'nothing to undo'"
        await pilot.press("escape")
        monkeypatch.undo()
        await pilot.press("1")  # the store works again: saved
        assert "✓ saved" in screen.header.render_text().plain
        assert [s["text"] for s in store.load("d", "alice").spans.values()] == ["Daech"]
    assert app.return_code in (0, None)


async def test_a_read_only_store_says_so_at_start(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    store.read_only = True  # what the store reports when its file cannot be written
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "read-only store" in app.screen.header.render_text().plain
        assert "read-only store" in screen_text(app)
    store.close()


# -- item 14: another process holds the write lock ---------------------------------------------------


async def test_keys_keep_working_while_the_store_is_locked_and_saved_shows_only_after_commit(app_store, tmp_path):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        screen.view.move_cursor(word("Daech"))
        await pilot.press("1")  # not locked: done in place, nothing waited for in the background
        assert screen.writes_waited == 0 and screen.pending is None
        assert [s["text"] for s in screen.record.spans.values()] == ["Daech"]

        other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process takes the write lock and keeps it
        try:
            screen.view.move_cursor(word("Mossoul"))
            await pilot.press("1")
            assert screen.writes_waited == 1 and screen.pending is not None
            header = screen.header.render_text().plain
            assert "waiting for the store" in header and "✓ saved" not in header
            assert "waiting for the store" in screen_text(app)
            assert len(screen.record.spans) == 1 and screen.span_list.count == 1, "not shown before it is saved"
            # keys keep working: the cursor moves, help opens and closes
            at = screen.view.cursor
            await pilot.press("right", "right")
            assert screen.view.cursor == at + 2
            await pilot.press("question_mark")
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            # a second write, or anything that needs the store, waits its turn: it says so, does nothing
            await pilot.press("2", "right_square_bracket")
            assert sum("Still waiting for the store" in n for n in notes(app)) == 2
            assert screen.writes_waited == 1
        finally:
            other.execute("COMMIT")  # the other process is done
            other.close()
        await settle(pilot, screen)
        assert "✓ saved" in screen.header.render_text().plain
        assert sorted(s["text"] for s in screen.record.spans.values()) == ["Daech", "Mossoul"]
        assert sorted(s["text"] for s in store.load("d", "alice").spans.values()) == ["Daech", "Mossoul"]
        assert screen.span_list.count == 2
        assert screen.record.spans[screen.focused_span_id]["text"] == "Mossoul"


# -- item 7: the same annotator in another window ----------------------------------------------------


async def test_a_record_changed_in_another_window_is_read_again_before_acting(app_store, tmp_path):
    from annotator.store import open_store

    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        screen.view.move_cursor(word("Daech"))
        await pilot.press("1")
        with open_store(tmp_path / "s.db") as elsewhere:  # the second terminal, same annotator
            second = Session(elsewhere, SCHEME, "alice")
            second.record("d")
            second.add_span("d", TEXT.index("juin 2014"), TEXT.index("juin 2014") + 9, "DATE")
            # undo in the first window: it reads the record again instead of undoing what it never showed
            await pilot.press("ctrl+z")
            assert screen.reloads == 1
            assert sorted(s["text"] for s in store.load("d", "alice").spans.values()) == ["Daech", "juin 2014"]
            assert sorted(s["text"] for s in screen.record.spans.values()) == ["Daech", "juin 2014"]
            assert screen.span_list.count == 2 and len(screen.view.spans) == 2
            assert any("changed in another window" in n for n in notes(app))
            # now undo acts, on what is shown, and says what it undid
            await pilot.press("ctrl+z")
            assert any("Undid: tag DATE 'juin 2014'" in n for n in notes(app))
            assert [s["text"] for s in screen.record.spans.values()] == ["Daech"]
            await pilot.press("ctrl+y")
            assert any("Redid: tag DATE 'juin 2014'" in n for n in notes(app))
            # a tag on a record changed meanwhile: read again, nothing tagged; the key again tags
            second.record("d")
            second.add_span("d", TEXT.index("coalition"), TEXT.index("coalition") + 9, "ACTOR")
            screen.view.move_cursor(word("Mossoul"))
            await pilot.press("1")
            assert screen.reloads == 2
            assert "Mossoul" not in {s["text"] for s in store.load("d", "alice").spans.values()}
            await pilot.press("1")
            assert {s["text"] for s in store.load("d", "alice").spans.values()} == {
                "Daech", "juin 2014", "coalition", "Mossoul"}
            assert screen.reloads == 2
            # opening the attribute form first reads a changed record again
            second.record("d")
            second.remove_span("d", next(s["id"] for s in second.record("d").spans.values() if s["text"] == "Daech"))
            screen.focus_span(next(i for i, s in screen.record.spans.items() if s["text"] == "Mossoul"))
            await pilot.press("enter")
            assert screen.reloads == 3 and app.screen is screen
            assert "Daech" not in {s["text"] for s in screen.record.spans.values()}


async def test_ctrl_q_quits_while_a_write_waits_and_it_is_not_shown_as_saved(app_store, tmp_path):
    from annotator.tui.app import unsaved_on_exit

    app, store = app_store
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            screen = app.screen
            screen.view.move_cursor(word("Daech"))
            await pilot.press("1")
            assert screen.pending is not None and "✓ saved" not in screen.header.render_text().plain
            await pilot.press("ctrl+q")
        assert app.return_code == 0
        assert unsaved_on_exit(app), "annotator tells the user on the way out (run_tui prints it)"
    finally:
        other.execute("ROLLBACK")
        other.close()
    screen.pending.result(timeout=30)  # the writer thread, still alive in this process, finishes


async def test_a_store_that_cannot_be_read_is_said_so_and_the_app_goes_on(tmp_path, monkeypatch):
    """Same class as item 3, on the reading side: the document list (read in a thread) and opening
    another document explain a store error instead of ending the app with a traceback."""
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT), ("d2", "Autre texte.")], seeds=False)

    def broken(*_a: object, **_k: object) -> None:
        raise StoreError("s.db: the store is damaged (disk I/O error)")

    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        monkeypatch.setattr(store, "documents", broken)
        await pilot.press("g")
        await pilot.pause()
        assert "cannot read the documents" in screen_text(app) and "disk I/O error" in screen_text(app)
        await pilot.press("escape")
        monkeypatch.setattr(store, "load", broken)
        await pilot.press("right_square_bracket")
        assert screen.doc_id == "d" and app.is_running
        assert any("cannot open d2" in n and "disk I/O error" in n for n in notes(app))
        monkeypatch.undo()
        await pilot.press("right_square_bracket")
        assert screen.doc_id == "d2"
    store.close()
