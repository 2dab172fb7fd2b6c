"""The annotate screen on a PostgreSQL store whose server goes away under it: the key pressed while
it is down says NOT SAVED with the reason and shows nothing new; once the server is back the same
key saves (the store reconnects); a restart between two keys goes unnoticed; and everything the
screen showed as saved is in the database afterwards."""

from __future__ import annotations

from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.store import open_store
from annotator.tui.app import build_app
from tests.tui.helpers import SCHEME

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak et en Syrie."


def spans_of(screen) -> list[str]:
    return sorted(s["text"] for s in screen.record.spans.values())


async def test_a_server_restart_under_the_running_app_loses_nothing_acknowledged(pg_server, pg_url):
    store = open_store(pg_url)
    store.add_documents([NewDocument("short", TEXT, text_sha256(TEXT), {}, "short.txt")])
    app = build_app(store, SCHEME, store.user, "short")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            header = screen.header
            screen.view.move_cursor(TEXT.index("coalition") + 3)
            await pilot.press("1")
            assert "✓ saved" in header.render_text().plain and spans_of(screen) == ["coalition"]
            assert f"✎ postgres@/{pg_url.split('/')[3].split('?')[0]}" in header.render_text().plain  # user@host/db
            pg_server.stop("immediate")
            try:
                screen.view.move_cursor(TEXT.index("Irak") + 1)
                await pilot.press("1")
                shown = header.render_text().plain
                assert "✗ NOT SAVED" in shown and "cannot reach the PostgreSQL server" in shown
                assert spans_of(screen) == ["coalition"]  # nothing shown that is not saved
            finally:
                pg_server.start()
            await pilot.press("1")  # the same key again: the store reconnects and saves it
            assert "✓ saved" in header.render_text().plain and "NOT SAVED" not in header.render_text().plain
            assert spans_of(screen) == ["Irak", "coalition"]
            pg_server.stop("fast")
            pg_server.start()
            screen.view.move_cursor(TEXT.index("Syrie") + 1)
            await pilot.press("1")
            assert "✓ saved" in header.render_text().plain and spans_of(screen) == ["Irak", "Syrie", "coalition"]
    finally:
        store.close()
    with open_store(pg_url) as st:
        assert sorted(s["text"] for s in st.load("short", st.user).spans.values()) == ["Irak", "Syrie", "coalition"]
