"""The header's row: drawn once for what it shows, and the "saving" row of each action is the same."""

from __future__ import annotations

from textual.app import App, ComposeResult

from annotator.tui.widgets.doc_header import DocHeader


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield DocHeader()


async def test_the_saving_row_of_each_action_is_drawn_once(monkeypatch):
    app = Host()
    async with app.run_test(size=(100, 5)) as pilot:
        header = app.query_one(DocHeader)
        header.show(doc_id="doc-1", position=1, total=3, status="in_progress", annotator="alice")
        await pilot.pause()
        drawn: list[str] = []
        render_text = DocHeader.render_text

        def counting(self: DocHeader):
            text = render_text(self)
            drawn.append(text.plain)
            return text

        monkeypatch.setattr(DocHeader, "render_text", counting)
        rows = []
        for second in ("10:00:01", "10:00:02", "10:00:03"):  # a label, a remove, an undo
            header.show(saving=True)
            rows.append(header.render_line(0))
            header.show(saved=second, saving=False)
            assert "saved " + second in header.render_line(0).text
        assert rows[0] is rows[1] is rows[2]
        assert sum("saving" in plain for plain in drawn) == 1  # then taken from the rows drawn lately
        assert len(drawn) == 4
        header.show(flags=1, saving=True)  # what the row shows changed: drawn again
        assert "⚑ 1" in header.render_line(0).text and "saving" in header.render_line(0).text
        await pilot.pause()
