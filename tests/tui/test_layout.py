"""The article stays readable on a small terminal (issue 11, item 16): the side panel narrows from
52 to 32 columns under 120, hides under 80 (``b`` shows it), and ``b`` hides it at any width."""

from __future__ import annotations

import pytest

from tests.tui.helpers import make_app, screen_text


@pytest.fixture
def app_store(tmp_path):
    app, store = make_app(tmp_path / "s.db")  # the seed article
    yield app, store
    store.close()


def widths(app) -> tuple[int, int]:
    """(columns of article text, columns of the side panel; 0 when hidden)."""
    side = app.screen.query_one("#side")
    return app.screen.view.scrollable_content_region.width, side.region.width if side.display else 0


async def test_the_article_keeps_a_readable_width_at_every_size(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        article, side = widths(app)
        assert side == 52 and article >= 60
        await pilot.resize_terminal(80, 24)
        article, side = widths(app)
        assert side == 32 and article >= 44, "at 80 columns the article had 26"
        assert "Spans" in screen_text(app)
        footer = screen_text(app).splitlines()[-1]
        assert "? help" in footer and "^q quit" in footer
        await pilot.resize_terminal(60, 24)
        article, side = widths(app)
        assert side == 0 and article >= 55, "at 60 columns the article had 4"
        await pilot.press("b")  # the panel on demand
        assert widths(app)[1] == 32 and "Spans" in screen_text(app)
        await pilot.press("b")
        assert widths(app) == (article, 0)
        await pilot.resize_terminal(120, 40)
        await pilot.press("b")  # hidden at any width: the article takes it all
        article, side = widths(app)
        assert side == 0 and article >= 110
        await pilot.press("b")
        assert widths(app)[1] == 52


async def test_the_review_screen_follows_the_same_rules(tmp_path):
    from annotator.model import text_sha256
    from annotator.model.types import NewDocument
    from annotator.session import Session
    from annotator.store import open_store
    from annotator.tui.app import build_review_app
    from tests.tui.helpers import SCHEME

    text = "La coalition dit « 75 membres » selon Brett Mc Gurk, en juin 2014."
    store = open_store(tmp_path / "r.db")
    store.add_documents([NewDocument("d1", text, text_sha256(text), {}, "d1.txt")])
    for who, needle in (("alice", "Brett Mc Gurk"), ("bob", "Mc Gurk")):
        s = Session(store, SCHEME, who)
        s.add_span("d1", text.index(needle), text.index(needle) + len(needle), "ACTOR")
        s.set_status("d1", "done")  # only done records are reviewed
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the agreement figures are computed in a thread
        await pilot.pause()
        assert widths(app)[1] == 34 and widths(app)[0] >= 40
        footer = screen_text(app).splitlines()[-1]
        assert "? help" in footer and "^q quit" in footer
        await pilot.resize_terminal(60, 24)
        assert widths(app)[1] == 0
        await pilot.press("b")
        assert widths(app)[1] == 34
    store.close()
