"""A CRLF article shows its line ends as line ends (no ␍ at the end of every line), offsets unchanged;
a lone CR inside a line still shows as ␍."""

from __future__ import annotations

from tests.tui.helpers import make_app, screen_text

TEXT = "Daech a perdu Mossoul.\r\nLa coalition\rcompte 75 membres.\r\nFin."


async def test_crlf_line_ends_are_drawn_as_line_ends_and_offsets_hold(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("crlf", TEXT)], seeds=False)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await pilot.pause()
        rows = screen_text(app).splitlines()
        first = next(r for r in rows if "Daech a perdu Mossoul." in r)
        assert "␍" not in first
        second = next(r for r in rows if "La coalition" in r)
        assert "La coalition␍compte 75 membres." in second  # a lone CR inside a line keeps its glyph
        assert second.count("␍") == 1
        # the second line starts on its own row, at the offset after the CRLF
        view = screen.view
        assert view.layout_info is not None
        row = view.layout_info.row_of(TEXT.index("La coalition"))
        assert view.layout_info.row_starts[row] == TEXT.index("La coalition")
        # tagging a word of each line stores the exact text at the exact offsets
        view.move_cursor(TEXT.index("Mossoul") + 2)
        await pilot.press("1")
        view.move_cursor(TEXT.index("Fin") + 1)
        await pilot.press("1")
        spans = store.load("crlf", "alice").spans.values()
        assert sorted((s["start"], s["text"]) for s in spans) == [(14, "Mossoul"), (TEXT.index("Fin"), "Fin")]
        assert all(TEXT[s["start"]:s["end"]] == s["text"] for s in spans)
        await pilot.pause()
