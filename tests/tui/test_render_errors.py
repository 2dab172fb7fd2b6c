"""No drawing error may leave the app unable to quit (issue 11, item 4).

Seen: a scheme colour that is not a colour crashed the first tag, and reopening the document showed a
blank screen that ignored ctrl+q and ctrl+c: Textual's crash report pretty-prints the locals of the
traceback, and the half-built ``rich.style.Style`` of the bad colour cannot even be printed, so the
report itself failed and the app neither drew nor exited. The failures here are injected (a widget
that raises while drawing), so these tests do not depend on what the scheme check refuses.
"""

from __future__ import annotations

import pytest
from rich.style import Style

from annotator.schema import Scheme, parse_scheme
from annotator.tui.app import build_app
from annotator.tui.widgets.span_list import SpanList
from tests.tui.helpers import make_store, screen_text

TEXT = "Daech a perdu la ville en juin 2014."


def broken_style(*_args: object) -> None:
    """What a bad scheme colour did: a Style half built when its colour fails to parse."""
    Style(color="notacolor", bold=True)


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    yield s
    s.close()


async def test_a_row_that_cannot_be_drawn_is_shown_as_such_and_the_app_goes_on(store, monkeypatch):
    from tests.tui.helpers import SCHEME

    monkeypatch.setattr(SpanList, "_text_of", broken_style)
    app = build_app(store, SCHEME, "alice")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("1")  # tag "Daech": the span list cannot draw its row
        await pilot.pause()
        assert app.is_running
        assert "⚠" in screen_text(app) and "notacolor" in screen_text(app)
        assert app.screen.span_list.render_failures >= 1
        assert [s["text"] for s in store.load("d", "alice").spans.values()] == ["Daech"]
        assert "saved" in app.screen.header.render_text().plain
        await pilot.press("right", "ctrl+z")  # keys still work
        assert store.load("d", "alice").spans == {}
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_an_error_whose_report_cannot_be_printed_still_ends_the_app(store, monkeypatch):
    from textual.widgets._footer import FooterKey

    from tests.tui.helpers import SCHEME

    monkeypatch.setattr(FooterKey, "render", broken_style)  # a widget of Textual's, not guarded by ours
    app = build_app(store, SCHEME, "alice")
    running = []
    with pytest.raises(Exception, match="notacolor"):  # run_test re-raises the app's error for tests
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.pause()
            running.append(app.is_running)
    assert running == [False], "the app ends by itself (it does not sit on a blank screen ignoring ctrl+q)"
    assert app.return_code == 1


def test_a_colour_no_one_can_read_is_drawn_in_a_palette_colour(store):
    from annotator.tui.colors import label_colors

    bad = Scheme(parse_scheme({"name": "x", "version": 1, "label": [
        {"name": "A", "key": "1", "color": "notacolor"}, {"name": "B", "key": "2", "color": "#16a34a"}]}, "x.toml"))
    colors = label_colors(bad)
    assert colors["B"] == "#16A34A"
    assert colors["A"].startswith("#") and len(colors["A"]) == 7
    Style.parse(f"bold {colors['A']}")  # Rich reads it
