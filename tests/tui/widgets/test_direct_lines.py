"""DirectLines and FastScrollBar draw exactly what Textual's own pipeline draws, and reuse strips."""

from __future__ import annotations

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.widget import Widget

from annotator.tui.widgets.article_view import ArticleView, ViewSpan
from annotator.tui.widgets.fast_scrollbar import FastScrollBar
from annotator.tui.widgets.row_list import RowList, row

COLORS = {"ACTOR": "#3b82f6", "DATE": "#16a34a"}
TEXT = "\n\n".join("La coalition a indiqué le 29 août 2014 que Brett McGurk restait. " * 4 for _ in range(30))


def spans() -> list[ViewSpan]:
    out = []
    for i in range(0, len(TEXT) - 20, 97):
        out.append(ViewSpan(f"a{i}", i, i + 12, "ACTOR"))
        out.append(ViewSpan(f"d{i}", i + 5, i + 30, "DATE"))
    return out


class Host(App[None]):
    CSS = "ArticleView { padding: 0 1; } RowList { width: 40; padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield ArticleView(TEXT, spans(), COLORS, id="view")
        yield RowList(lambda i: row((f"row {i}", "bold"), (" text", None)), 200, id="list",
                      row_key=lambda i: i)


def cells(strips) -> list[list[tuple[str, object]]]:
    """Each line as (character, style) per cell, so differently cut segments compare equal."""
    out = []
    for strip in strips:
        line = []
        for seg in strip:
            assert isinstance(seg, Segment)
            line.extend((ch, seg.style) for ch in seg.text)
        out.append(line)
    return out


def textual_lines(widget: Widget) -> list:
    widget._styles_cache.clear()
    return cells(Widget.render_lines(widget, Region(0, 0, *widget.region.size)))


async def test_direct_lines_draw_what_the_styles_cache_draws():
    app = Host()
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        view, lst = app.query_one(ArticleView), app.query_one(RowList)
        view.move_cursor(len(TEXT) // 2)
        view.select(len(TEXT) // 2, len(TEXT) // 2 + 40)
        lst.set_cursor(37)
        await pilot.pause()
        for widget in (view, lst):
            mine = cells(widget.render_lines(Region(0, 0, *widget.region.size)))
            assert mine == textual_lines(widget), type(widget).__name__
            # a crop, as the compositor asks for a partly hidden widget
            crop = Region(2, 3, widget.region.width - 4, 5)
            part = cells(widget.render_lines(crop))
            assert part == [line[2:-2] for line in mine[3:8]]
        await pilot.pause()


async def test_rows_that_only_move_are_the_same_strip_objects():
    app = Host()
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        full = Region(0, 0, *view.region.size)
        first = view.render_lines(full)
        view.scroll_to(y=1, animate=False)
        await pilot.pause()
        moved = view.render_lines(full)
        # line y+1 before is line y now: the very same framed strip, so the compositor's caches hit
        assert all(a is b for a, b in zip(first[1:], moved[:-1]))
        before = view.rows_rendered
        view.scroll_to(y=0, animate=False)
        await pilot.pause()
        assert [id(s) for s in view.render_lines(full)] == [id(s) for s in first]
        assert view.rows_rendered == before  # nothing rendered again
        await pilot.pause()


async def test_fast_scrollbar_draws_textual_scrollbar_cells():
    app = Host()
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        for widget in (app.query_one(ArticleView), app.query_one(RowList)):
            bar = widget.vertical_scrollbar
            assert isinstance(bar, FastScrollBar)
            for y in (0, 3, 50, 10_000):
                widget.scroll_to(y=y, animate=False)
                await pilot.pause()
                region = Region(0, 0, *bar.size)
                ours = cells(bar.render_lines(region))
                bar._styles_cache.clear()
                theirs = cells(ScrollBar.render_lines(bar, region))
                assert len(ours) == len(theirs) == bar.size.height
                for line_a, line_b in zip(ours, theirs):
                    for (ch_a, st_a), (ch_b, st_b) in zip(line_a, line_b, strict=True):
                        assert ch_a == ch_b
                        # the same look: what shows as the cell's background and, on a glyph, its colour
                        look_a = (st_a.color, st_a.bgcolor) if not st_a.reverse else (st_a.bgcolor, st_a.color)
                        look_b = (st_b.color, st_b.bgcolor) if not st_b.reverse else (st_b.bgcolor, st_b.color)
                        assert look_a[1] == look_b[1]
                        if ch_a != " ":
                            assert look_a == look_b
                        assert st_a.meta == st_b.meta  # the same mouse actions (grab, scroll up/down)
        await pilot.pause()
