"""Pilot tests of the ArticleView widget, hosted in a tiny App."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.color import Color

from annotator.text.words import next_word_start, word_at
from annotator.tui.widgets.article_view import ArticleView, ViewSpan

COLORS = {"ACTOR": "#3b82f6", "DATE": "#16a34a", "QUANTITY": "#d97706", "QUOTE": "#a855f7"}
SEED = next(iter(sorted((Path(__file__).resolve().parents[3] / "seeds").glob("*.txt"))), None)


class Host(App):
    """One ArticleView filling the screen; records CursorMoved messages."""

    def __init__(self, text: str = "", spans=(), colors=COLORS) -> None:
        super().__init__()
        self._text = text
        self._spans = list(spans)
        self._colors = colors
        self.moves: list[tuple[int, tuple[int, int] | None]] = []
        self.clicked: list[str] = []

    def compose(self) -> ComposeResult:
        yield ArticleView(self._text, self._spans, self._colors, id="view")

    def on_mount(self) -> None:
        self.query_one(ArticleView).focus()

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.moves.append((message.cursor, message.selection))

    def on_article_view_span_clicked(self, message: ArticleView.SpanClicked) -> None:
        self.clicked.append(message.span_id)


def paint_now(app: App) -> None:
    """Render the dirty regions synchronously (what the 60 Hz timer would do)."""
    screen = app.screen
    screen._compositor.update_widgets(set(screen._compositor.visible_widgets))
    screen._compositor_refresh()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    paint_now(pilot.app)


def cell_styles(strip) -> list[tuple[str, Style]]:
    """One (character, style) per character of a rendered strip."""
    out = []
    for seg in strip:
        for ch in seg.text:
            out.append((ch, seg.style))
    return out


def view_of(app: App) -> ArticleView:
    return app.query_one(ArticleView)


def words_text(n: int = 400) -> str:
    base = ("Les forces de la coalition ne seront plus sur le terrain pour appuyer les "
            "opérations menées par les forces armées de l'Irak. ")
    out = []
    for i in range(n):
        out.append(base)
        if i % 5 == 4:
            out.append("\n\n")
    return "".join(out)


def many_spans(text: str) -> list[ViewSpan]:
    spans = []
    for i, m in enumerate(re.finditer(r"\w+", text)):
        if i % 3 == 0:
            spans.append(ViewSpan(f"w{i}", m.start(), m.end(), "ACTOR"))
        if i % 17 == 0:
            spans.append(ViewSpan(f"q{i}", m.start(), min(len(text), m.start() + 90), "QUOTE"))
    return spans


# --------------------------------------------------------------- keyboard
async def test_left_right_with_and_without_shift():
    app = Host("abcdefghij")
    async with app.run_test(size=(40, 8)) as pilot:
        view = view_of(app)
        await pilot.press("left")
        assert view.cursor == 0 and view.selection is None
        await pilot.press("right", "right", "right")
        assert view.cursor == 3 and view.selection is None
        await pilot.press("shift+right", "shift+right")
        assert view.cursor == 5 and view.selection == (3, 5)
        await pilot.press("shift+left")
        assert view.selection == (3, 4)
        await pilot.press("shift+left", "shift+left")
        assert view.cursor == 2 and view.selection == (2, 3)
        await pilot.press("right")
        assert view.cursor == 3 and view.selection is None
        for _ in range(12):
            await pilot.press("right")
        assert view.cursor == 10  # clamped at the end
        assert app.moves[-1] == (10, None)
        await pilot.pause()


async def test_home_end_follow_wrapped_rows():
    text = "aaaa bbbb cccc dddd eeee ffff gggg"
    app = Host(text)
    async with app.run_test(size=(12, 8)) as pilot:  # 11 cells + scrollbar
        view = view_of(app)
        lay = view.layout_info
        assert [text[a:b] for a, b in zip(lay.row_starts, lay.row_starts[1:] + [len(text)])] == [
            "aaaa bbbb ",
            "cccc dddd ",
            "eeee ffff ",
            "gggg",
        ]
        view.move_cursor(12)
        await pilot.press("end")
        assert view.cursor == 19  # the hanging space of row 1
        await pilot.press("home")
        assert view.cursor == 10
        await pilot.press("shift+end")
        assert view.selection == (10, 19)
        await pilot.press("shift+home")
        assert view.cursor == 10 and view.selection is None
        view.move_cursor(32)
        await pilot.press("end")
        assert view.cursor == len(text)  # last row: end of text
        await pilot.press("shift+home")
        assert view.selection == (30, len(text))
        await pilot.pause()


async def test_up_down_keep_goal_column_across_short_rows():
    text = "abcdefghijklmno\nxy\nABCDEFGHIJKLMNO"
    app = Host(text)
    async with app.run_test(size=(40, 8)) as pilot:
        view = view_of(app)
        view.move_cursor(10)
        await pilot.press("down")
        assert view.cursor == 18  # clamped to the newline of "xy"
        await pilot.press("down")
        assert view.cursor == 19 + 10  # the goal column came back
        await pilot.press("up", "up")
        assert view.cursor == 10
        await pilot.press("shift+down", "shift+down")
        assert view.selection == (10, 29)
        await pilot.press("left")  # any other move forgets the goal column
        await pilot.press("up")
        assert view.cursor == 16 + 2
        await pilot.pause()


async def test_up_down_follow_wrapped_rows_keeping_cell_column():
    text = words_text(3)
    app = Host(text)
    async with app.run_test(size=(30, 12)) as pilot:
        view = view_of(app)
        lay = view.layout_info
        view.move_cursor(lay.row_starts[0] + 7)
        for row in range(1, 6):
            await pilot.press("down")
            assert lay.row_of(view.cursor) == row
            assert view.cursor == lay.offset_at(row, 7)
        for row in range(4, -1, -1):
            await pilot.press("up")
            assert lay.row_of(view.cursor) == row
        assert view.cursor == 7
        await pilot.press("up")
        assert view.cursor == 0  # above the first row: document start
        await pilot.pause()


async def test_up_down_with_wide_characters_keep_cells():
    text = "日本語のテキスト\nabcdefgh"
    app = Host(text)
    async with app.run_test(size=(40, 8)) as pilot:
        view = view_of(app)
        view.move_cursor(9 + 4)  # "e", cell 4
        await pilot.press("up")
        assert view.cursor == 2  # 語 covers cells 4-5
        await pilot.press("down")
        assert view.cursor == 13
        await pilot.pause()


async def test_page_keys_and_document_keys():
    text = "\n".join(f"line {i:03d}" for i in range(100))
    app = Host(text)
    async with app.run_test(size=(30, 10)) as pilot:
        view = view_of(app)
        lay = view.layout_info
        view.move_cursor(3)
        await pilot.press("pagedown")
        assert lay.row_of(view.cursor) == 10 and lay.column_of(view.cursor) == 3
        assert view.scroll_offset.y == 10
        await pilot.press("shift+pagedown")
        assert view.selection == (lay.offset_at(10, 3), lay.offset_at(20, 3))
        await pilot.press("pageup")
        assert lay.row_of(view.cursor) == 10 and view.selection is None
        await pilot.press("shift+pageup")
        assert view.selection == (3, lay.offset_at(10, 3))
        await pilot.press("ctrl+end")
        assert view.cursor == len(text) and view.selection is None
        assert view.scroll_offset.y == lay.row_count - 10
        await pilot.press("ctrl+home")
        assert view.cursor == 0 and view.scroll_offset.y == 0
        await pilot.press("ctrl+shift+end")
        assert view.selection == (0, len(text))
        await pilot.press("ctrl+home", "pageup")
        assert view.cursor == 0
        view.move_cursor(len(text) - 2)
        await pilot.press("ctrl+shift+home")
        assert view.selection == (0, len(text) - 2)
        await pilot.pause()


async def test_word_moves_over_french_text():
    text = "D'août 2014, la coalition"
    app = Host(text)
    async with app.run_test(size=(40, 8)) as pilot:
        view = view_of(app)
        await pilot.press("ctrl+right")
        assert view.cursor == 2  # "août" after the elision D'
        await pilot.press("ctrl+right")
        assert view.cursor == 7  # "2014"
        await pilot.press("ctrl+right")
        assert view.cursor == text.index("la")
        assert view.cursor == next_word_start(text, 7)
        await pilot.press("ctrl+left", "ctrl+left")
        assert view.cursor == 2
        await pilot.press("ctrl+left")
        assert view.cursor == 0
        await pilot.press("ctrl+shift+right")
        assert view.selection == (0, 2)
        await pilot.press("ctrl+shift+right")
        assert view.selection == (0, 7)
        view.move_cursor(len(text))
        await pilot.press("ctrl+shift+left")
        assert view.selection == (text.index("coalition"), len(text))
        await pilot.pause()


async def test_select_and_clear_selection_api():
    app = Host("hello world")
    async with app.run_test(size=(40, 8)) as pilot:
        view = view_of(app)
        view.select(6, 11)
        assert view.cursor == 11 and view.selection == (6, 11)
        view.select(11, 6)
        assert view.cursor == 6 and view.selection == (6, 11)
        view.clear_selection()
        assert view.selection is None and view.cursor == 6
        view.move_cursor(-5)
        assert view.cursor == 0
        view.move_cursor(99, extend=True)
        assert view.selection == (0, 11)
        await pilot.pause()
        assert app.moves[-1] == (11, (0, 11))


# ------------------------------------------------------------------ mouse
async def test_click_places_cursor_and_clears_selection():
    app = Host("hello world foo bar")
    async with app.run_test(size=(40, 8)) as pilot:
        view = view_of(app)
        view.select(0, 4)
        await pilot.click(view, offset=(6, 0))
        assert view.cursor == 6 and view.selection is None
        await pilot.click(view, offset=(30, 0))  # past the end of the row
        assert view.cursor == len("hello world foo bar")
        await pilot.pause()


async def test_drag_selects():
    text = "aaaa bbbb cccc dddd eeee ffff gggg"
    app = Host(text)
    async with app.run_test(size=(12, 8)) as pilot:
        view = view_of(app)
        await pilot.mouse_down(view, offset=(2, 0))
        await pilot.hover(view, offset=(4, 0))
        assert view.selection == (2, 4)
        await pilot.hover(view, offset=(3, 2))  # two wrapped rows down
        await pilot.mouse_up(view, offset=(3, 2))
        assert view.selection == (2, 23)
        assert view.cursor == 23
        await pilot.hover(view, offset=(8, 3))  # moving after mouse up: no change
        assert view.selection == (2, 23)
        await pilot.pause()


async def test_double_click_selects_word():
    text = "Le 29 août 2014, l'émissaire américain"
    app = Host(text)
    async with app.run_test(size=(60, 8)) as pilot:
        view = view_of(app)
        x = text.index("août") + 1
        await pilot.click(view, offset=(x, 0), times=2)
        assert view.selection == word_at(text, x) == (6, 10)
        x = text.index("émissaire") + 3
        await pilot.click(view, offset=(x, 0), times=2)
        assert view.selection == word_at(text, x)
        await pilot.pause()


async def test_ctrl_click_reports_innermost_span():
    text = "l'émissaire américain en Irak Brett Mc Gurk"
    j = text.index("Brett")
    spans = [ViewSpan("outer", 0, len(text), "ACTOR"), ViewSpan("inner", j, len(text), "ACTOR")]
    app = Host(text, spans)
    async with app.run_test(size=(60, 8)) as pilot:
        view = view_of(app)
        await pilot.click(view, offset=(j + 2, 0), control=True)
        await pilot.click(view, offset=(1, 0), control=True)
        await pilot.pause()
        assert app.clicked[:2] == ["inner", "outer"]


# ----------------------------------------------------------- render counts
async def test_rows_rendered_per_cursor_move_and_page():
    text = words_text(400)
    app = Host(text, many_spans(text))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        paint_now(app)
        height = view.scrollable_content_region.height
        for key in ["right"] * 5 + ["down"] * 30 + ["left"] * 3 + ["up"] * 30 + ["ctrl+right"] * 10:
            before = view.rows_rendered
            await press(pilot, key)
            assert view.rows_rendered - before <= 3, key
        for key in ["shift+right", "shift+down", "shift+left", "ctrl+shift+right"]:
            before = view.rows_rendered
            await press(pilot, key)
            assert view.rows_rendered - before <= 3, key
        await press(pilot, "left")
        for key in ["pagedown"] * 5 + ["pageup"] * 3 + ["shift+pagedown"]:
            before = view.rows_rendered
            await press(pilot, key)
            delta = view.rows_rendered - before
            # the page shown (unless rendered ahead already) and, after its frame, the next one
            assert 0 < delta <= 2 * height + 1, (key, delta)
        await pilot.pause()


async def test_page_down_shows_a_page_rendered_ahead():
    text = words_text(400)
    app = Host(text, many_spans(text))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        height = view.scrollable_content_region.height
        await press(pilot, "pagedown")
        await pilot.pause()  # the page below is rendered once the frame is out
        for _ in range(3):
            before = view.rows_rendered
            view.action_cursor_page_down()
            paint_now(app)
            assert view.rows_rendered - before <= 2  # only the cursor's rows: the page was ready
            before = view.rows_rendered
            await pilot.pause()
            assert 0 < view.rows_rendered - before <= height  # and the next one is made ready
        await pilot.pause()


async def test_add_and_remove_span_rerender_only_its_rows():
    text = words_text(40)
    app = Host(text, many_spans(text))
    async with app.run_test(size=(60, 20)) as pilot:
        view = view_of(app)
        paint_now(app)
        lay = view.layout_info
        # a span over rows 2..4, all visible
        start = lay.row_starts[2] + 3
        end = lay.row_starts[4] + 5
        before = view.rows_rendered
        view.add_span(ViewSpan("new", start, end, "QUOTE"))
        paint_now(app)
        assert view.rows_rendered - before == 3
        before = view.rows_rendered
        view.remove_span("new")
        paint_now(app)
        assert view.rows_rendered - before == 3
        # far below the viewport: nothing re-rendered now
        far = lay.row_starts[lay.row_count - 3]
        before = view.rows_rendered
        view.add_span(ViewSpan("far", far, far + 4, "DATE"))
        view.remove_span("far")
        view.remove_span("no such span")
        paint_now(app)
        assert view.rows_rendered - before == 0
        await pilot.pause()


async def test_rows_rendered_on_one_line_article():
    text = " ".join(["mot"] * 60_000)  # 240 KB, no newline
    app = Host(text, [ViewSpan(f"s{i}", i * 40, i * 40 + 15, "DATE") for i in range(5000)])
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        paint_now(app)
        assert view.layout_info.row_count > 2000
        for key in ["down"] * 25 + ["shift+right"] * 3 + ["ctrl+end", "up", "ctrl+home"]:
            before = view.rows_rendered
            await press(pilot, key)
            assert view.rows_rendered - before <= 24 + 1, key
        await pilot.pause()


async def test_cursor_inside_clusters_keeps_rows_intact():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text = f"Cafe\u0301 {family} 日本 e\u0301\u0301 👍🏽 fin\nZoë"
    app = Host(text, [ViewSpan("a", 2, 6, "ACTOR"), ViewSpan("b", 7, 9, "DATE")])
    async with app.run_test(size=(30, 6)) as pilot:
        view = view_of(app)
        width = view.scrollable_content_region.width
        lay = view.layout_info
        for offset in range(len(text) + 1):
            view.move_cursor(offset, extend=offset % 3 == 0)
            paint_now(app)
            for row in range(lay.row_count):
                strip = view.render_line(row)
                assert strip.cell_length == width
                a, _b = lay.row_span(row)
                drawn = "".join(seg.text for seg in strip)
                # every character of the row is drawn once, in order
                assert drawn.startswith(text[a : lay.row_text_end(row)]), (offset, row)
            row_cells = cell_styles(view.render_line(lay.row_of(offset)))
            cursor_cells = [ch for ch, st in row_cells if st.reverse]
            assert cursor_cells, f"the cursor is visible at {offset}"
        await pilot.pause()


# --------------------------------------------------------------- safety
UNTRUSTED = (
    "A\x1b[31mRED\x1b[0m B\x1b]52;c;SGVsbG8=\x07 C\x9b31m D\u202eevil\u202c "
    "[bold]x[/bold] [@click=app.quit]CLICK[/] [link='https://evil.example']y[/link]"
    "\tE\r\nF\x00G\x7fH\x85I"
)
_OK_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # CSI SGR / cursor moves from Textual


async def test_untrusted_text_renders_literally_and_safely():
    app = Host(UNTRUSTED, [ViewSpan("s", 0, 5, "ACTOR")])
    async with app.run_test(size=(100, 8)) as pilot:
        view = view_of(app)
        view.select(2, 8)
        paint_now(app)
        update = app.screen._compositor.render_update(full=True)
        # every segment of every line that reaches the terminal
        texts = []
        for line in update.strips:
            row = ""
            for strip in line:
                for seg in strip:
                    assert not re.search("[\x00-\x1f\x7f-\x9f]", seg.text), repr(seg.text)
                    assert not (seg.style and seg.style.meta), "no actions/links in our text"
                    row += seg.text
            texts.append(row)
        screen_text = "\n".join(texts)
        assert "[bold]x[/bold]" in screen_text
        assert "[@click=app.quit]CLICK[/]" in screen_text
        assert "[link='https://evil.example']y[/link]" in screen_text
        assert "\u241b[31mRED" in screen_text  # ESC shown as ␛
        assert "\u202e" not in screen_text and "\u202c" not in screen_text
        raw = update.render_segments(app.console)
        assert "\x9b" not in raw and "\x07" not in raw and "\x1b]" not in raw
        assert not re.search("[\x80-\x9f]", raw)
        assert "\x1b" not in _OK_SEQUENCE.sub("", raw)
        # the SVG export shows the literal text too and clicking it does nothing
        svg = app.export_screenshot()
        assert "CLICK" in svg
        x = UNTRUSTED.index("CLICK")
        await pilot.click(view, offset=(x + 1, 0))
        await pilot.pause()
        assert not app._exit
        assert view.text == UNTRUSTED  # offsets stay on the exact text
        assert len(view.display_string) == len(UNTRUSTED)


# --------------------------------------------------------------- styling
def _bg(style: Style) -> Color:
    return Color.from_rich_color(style.bgcolor)


async def test_nested_spans_are_visible_as_nested():
    text = "Le QUOTE dit 75 membres et l'émissaire Brett Mc Gurk ici"
    q0, q1 = 3, text.index(" et")
    n0 = text.index("75")
    a0 = text.index("l'émissaire")
    b0 = text.index("Brett")
    b1 = text.index(" ici")
    spans = [
        ViewSpan("quote", q0, q1, "QUOTE"),
        ViewSpan("qty", n0, n0 + 10, "QUANTITY"),
        ViewSpan("num", n0, n0 + 2, "QUANTITY"),  # third level
        ViewSpan("actor", a0, b1, "ACTOR"),
        ViewSpan("inner", b0, b1, "ACTOR"),
    ]
    app = Host(text, spans)
    async with app.run_test(size=(80, 6)) as pilot:
        view = view_of(app)
        view.move_cursor(len(text))
        paint_now(app)
        cells = cell_styles(view.render_line(0))
        base = _bg(view.rich_style)
        plain = cells[0][1]
        outer_q = cells[q0 + 1][1]
        inner_q = cells[n0 + 4][1]
        third = cells[n0][1]
        outer_a = cells[a0 + 1][1]
        inner_a = cells[b0 + 1][1]
        assert _bg(plain) == base and not plain.underline
        # every span is tinted, and differently from its enclosing span
        assert _bg(outer_q) != base and not outer_q.underline
        assert inner_q.underline and _bg(inner_q) not in (base, _bg(outer_q))
        assert third.underline and third.italic and _bg(third) != _bg(inner_q)
        # an ACTOR inside an ACTOR: same hue, but stronger and underlined
        assert _bg(outer_a) != base and not outer_a.underline
        assert inner_a.underline and _bg(inner_a) != _bg(outer_a)
        # the label colours differ
        assert _bg(outer_q) != _bg(outer_a)
        await pilot.pause()


async def test_focus_selection_cursor_and_highlight_are_distinct():
    text = "alpha beta gamma delta epsilon zeta"
    spans = [ViewSpan("b", 6, 10, "ACTOR"), ViewSpan("d", 17, 22, "ACTOR")]
    app = Host(text, spans)
    async with app.run_test(size=(80, 6)) as pilot:
        view = view_of(app)
        view.focused_span = "d"
        view.highlights = [(11, 16)]
        view.select(23, 28)  # "epsil", cursor at 28
        assert view.focused_span == "d"
        paint_now(app)
        cells = cell_styles(view.render_line(0))
        plain, span, hl = cells[0][1], cells[7][1], cells[12][1]
        focused, selected, cursor = cells[18][1], cells[24][1], cells[28][1]
        assert focused.bold and _bg(focused) == Color.parse(COLORS["ACTOR"])
        assert not span.bold
        backgrounds = {_bg(s) for s in (plain, span, hl, focused, selected)}
        assert len(backgrounds) == 5, "each state has its own background"
        assert cursor.reverse and not plain.reverse
        view.focused_span = "nope"
        assert view.focused_span is None
        view.highlights = []
        paint_now(app)
        cells = cell_styles(view.render_line(0))
        assert _bg(cells[12][1]) == _bg(plain) and not cells[18][1].bold
        await pilot.pause()


async def test_focused_span_scrolls_into_view():
    text = "\n".join(f"line {i:03d}" for i in range(200))
    target = text.index("line 150")
    app = Host(text, [ViewSpan("far", target, target + 8, "DATE")])
    async with app.run_test(size=(30, 10)) as pilot:
        view = view_of(app)
        view.focused_span = "far"
        await pilot.pause()
        top = view.scroll_offset.y
        assert top <= 150 < top + 10
        await pilot.pause()


async def test_theme_change_rerenders_with_readable_colours():
    text = "The ACTOR span here"
    app = Host(text, [ViewSpan("a", 4, 9, "ACTOR")])
    async with app.run_test(size=(40, 6)) as pilot:
        view = view_of(app)
        app.theme = "textual-dark"
        await pilot.pause()
        paint_now(app)
        dark = cell_styles(view.render_line(0))
        app.theme = "textual-light"
        await pilot.pause()
        paint_now(app)
        light = cell_styles(view.render_line(0))
        assert _bg(dark[0][1]) != _bg(light[0][1])
        assert _bg(dark[5][1]) != _bg(light[5][1])
        from annotator.tui.widgets.article_view import contrast_ratio

        for cells in (dark, light):
            style = cells[5][1]
            fg = Color.from_rich_color(style.color)
            assert contrast_ratio(fg, _bg(style)) >= 4.5
        await pilot.pause()


# ------------------------------------------------------------ lifecycle
async def test_load_set_spans_resize_and_messages():
    app = Host("first document", [ViewSpan("x", 0, 5, "DATE")])
    async with app.run_test(size=(40, 8)) as pilot:
        view = view_of(app)
        view.move_cursor(6)
        view.load("a second, longer document " * 20, [ViewSpan("y", 2, 8, "ACTOR")])
        assert view.cursor == 0 and view.selection is None
        assert view.get_span("x") is None and view.get_span("y") is not None
        assert view.layout_info.row_count > 1
        view.set_spans([ViewSpan("z", 0, 1, "QUOTE")])
        assert [s.id for s in view.spans] == ["z"]
        assert view.span_at(0).id == "z" and view.spans_at(5) == []
        view.move_cursor(300)
        rows_before = view.layout_info.row_count
        await pilot.resize_terminal(20, 8)
        await pilot.pause()
        assert view.layout_info.row_count > rows_before
        assert view.cursor == 300
        await pilot.press("right")
        assert view.cursor == 301
        await pilot.pause()
        assert (0, None) in app.moves and app.moves[-1] == (301, None)
        view.snap = True
        assert view.snap is True


async def test_empty_document_and_keys():
    app = Host("")
    async with app.run_test(size=(20, 5)) as pilot:
        view = view_of(app)
        await pilot.press("right", "left", "down", "up", "end", "home", "pagedown", "ctrl+right")
        assert view.cursor == 0 and view.selection is None
        paint_now(app)
        await pilot.pause()


@pytest.mark.skipif(SEED is None, reason="no seed article")
async def test_seed_article_renders():
    text = SEED.read_text(encoding="utf-8")
    app = Host(text)
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        paint_now(app)
        first = "".join(seg.text for seg in view.render_line(0)).rstrip()
        assert first and text.startswith(first)
        await press(pilot, "ctrl+end")
        assert view.cursor == len(text)
        await pilot.pause()


class TwoWidgets(Host):
    """The view and a second focusable widget, to move the focus away from the view."""

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        yield ArticleView(self._text, self._spans, self._colors, id="view")
        yield Input(id="other")


async def test_the_cursor_is_reverse_only_while_the_view_has_the_focus():
    app = TwoWidgets("abc def ghi")
    async with app.run_test(size=(40, 6)) as pilot:
        view = view_of(app)
        view.move_cursor(4)
        await pilot.pause()

        def cursor_style() -> Style:
            return cell_styles(view.render_line(0))[4][1]

        assert cursor_style().reverse and not cursor_style().underline
        app.query_one("#other").focus()
        await pilot.pause()
        assert cursor_style().underline and not cursor_style().reverse  # still visible, plainly not active
        view.focus()
        await pilot.pause()
        assert cursor_style().reverse
