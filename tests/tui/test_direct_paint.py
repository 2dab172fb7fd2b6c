"""Rows written straight to the terminal (annotator.tui.direct_paint) are what the compositor draws.

Every row a key wrote past the compositor is compared, cell by cell (character and style), with the
same cells of the compositor's own render of the whole screen at that moment; a key on the article
must take that path, and rows under a toast must not. The attribute form's box, drawn from its own
widgets when it opens, is compared the same way; with anything else over it, it is left to Textual.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widgets import Static

import annotator.tui.screens.editing as editing
from annotator.tui.direct_paint import encode_row, paint_overlay, row_codes
from annotator.tui.page_ahead import PageAhead
from tests.tui.test_terminal_bytes import HEIGHT, WIDTH, app_store, start  # noqa: F401 - the fixture

Cells = list[tuple[str, Style | None]]


def cells(strip: Strip) -> Cells:
    return [(ch, seg.style) for seg in strip for ch in seg.text]


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[int, int, Strip]] | None]:
    """What each direct paint did: the rows it wrote, or None where it left the update to Textual."""
    calls: list[list[tuple[int, int, Strip]] | None] = []
    paint = editing.paint_rows

    def noting(screen: Any, widgets: Any, **kw: Any) -> Any:
        rows = paint(screen, widgets, **kw)
        if rows:
            check_rows(screen, rows)
        calls.append(rows)
        return rows

    monkeypatch.setattr(editing, "paint_rows", noting)

    # a page key's frame drawn ahead of it (tui/page_ahead.py), checked once the key has done
    # what it foresaw (the compositor then draws the state it was drawn for)
    show, take = PageAhead.show, PageAhead.take
    shown: list[list[tuple[int, int, Strip]]] = []

    def showing(self: PageAhead, screen: Any, view: Any, name: str) -> bool:
        page = self._ready.get(name)
        done = show(self, screen, view, name)
        shown[:] = [page.rows] if done and page is not None else []
        return done

    def taking(self: PageAhead, view: Any) -> bool:
        done = take(self, view)
        if done:
            check_rows(view.screen, shown[0])
            calls.append(shown[0])
        return done

    monkeypatch.setattr(PageAhead, "show", showing)
    monkeypatch.setattr(PageAhead, "take", taking)
    return calls


async def key(pilot: Any, name: str) -> None:
    pilot.app._driver.send_message(events.Key(name, None))
    await pilot.pause()
    await pilot.pause()


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
# the codes that turn attributes off, and which (ECMA-48; 21 is a double underline, as rich writes it)
_OFF = {"22": {"1", "2"}, "23": {"3"}, "24": {"4", "21"}, "25": {"5", "6"}, "27": {"7"}, "28": {"8"},
        "29": {"9"}, "54": {"51", "52"}, "55": {"53"}}
Pen = tuple[frozenset[str], str, str]  # attributes, foreground, background


def _apply(pen: Pen, codes: str) -> Pen:
    """The pen after one SGR sequence, as a terminal reads it."""
    attrs, fg, bg = set(pen[0]), pen[1], pen[2]
    parts = (codes or "0").split(";")
    i = 0
    while i < len(parts):
        code = parts[i]
        if code in ("38", "48"):
            take = 5 if parts[i + 1] == "2" else 3
            value = ";".join(parts[i + 1:i + take])
            fg, bg = (value, bg) if code == "38" else (fg, value)
            i += take
            continue
        if code == "0":
            attrs, fg, bg = set(), "", ""
        elif code in _OFF:
            attrs -= _OFF[code]
        elif code == "39":
            fg = ""
        elif code == "49":
            bg = ""
        elif 30 <= int(code) <= 37 or 90 <= int(code) <= 97:
            fg = code
        elif 40 <= int(code) <= 47 or 100 <= int(code) <= 107:
            bg = code
        else:
            attrs.add(code)
        i += 1
    return frozenset(attrs), fg, bg


def sgr_cells(data: str) -> list[tuple[str, Pen]]:
    """Each character sent with the pen a terminal draws it with, from a reset pen."""
    out: list[tuple[str, Pen]] = []
    pen: Pen = (frozenset(), "", "")
    pos = 0
    for m in _SGR.finditer(data):
        out.extend((ch, pen) for ch in data[pos:m.start()])
        pen = _apply(pen, m.group(1))
        pos = m.end()
    out.extend((ch, pen) for ch in data[pos:])
    return out


def fresh_render(strip: Strip, console: Console) -> str:
    """Textual's render of ``strip`` for this console, made now: Textual keeps a strip's render,
    and rich and Textual a style's codes, whatever console they were made for (an earlier test's
    screenshot, a truecolor console, where the pilot's is 16 colours)."""
    color_system = console._color_system
    assert color_system is not None
    return "".join(text if style is None else f"\x1b[{Strip.render_ansi(style, color_system)}m{text}\x1b[0m"
                   for text, style, _ in strip._segments)


def check_rows(screen: Any, rows: list[tuple[int, int, Strip]]) -> None:
    screen_rows = screen._compositor.render_strips()
    console = screen.app.console
    for x, y, strip in rows:
        got = cells(strip)
        want = cells(screen_rows[y].crop(x, x + len(got)))
        assert got == want, (x, y, strip.text, screen_rows[y].text)
        # and sent as Textual sends it, in fewer codes (each style once where it starts)
        sent = row_codes(strip, console)
        assert sgr_cells(sent) == sgr_cells(fresh_render(strip, console)), (y, sent)
        assert len(sent) <= len(fresh_render(strip, console))
        assert sgr_cells(sent + "x")[-1][1] == (frozenset(), "", ""), "the row ends with the pen reset"


async def test_keys_on_the_article_write_its_rows_as_the_compositor_draws_them(app_store, written):
    app, _ = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        for name in ["right", "down", "pagedown", "pagedown", "pageup", "ctrl+right", "shift+right", "3",
                     "delete", "ctrl+z", "end", "ctrl+end", "ctrl+home"]:
            written.clear()
            await key(pilot, name)
            assert any(written), f"{name}: nothing written straight"  # and checked as written
        assert app.screen.page_ahead.written >= 2  # the second page down and the page up: drawn ahead
        await pilot.pause()


async def test_rows_under_a_toast_are_left_to_the_compositor(app_store, written):
    app, _ = app_store
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # the toast lies on the article
        await start(pilot)
        app.notify("a note over the article", timeout=30)
        await pilot.pause()
        await pilot.pause()
        toast = app.screen.query_one("Toast").region
        assert toast.overlaps(app.screen.view.region)
        written.clear()
        await key(pilot, "right")  # the cursor's row, at the top: above the toast, written straight
        assert written and all(rows and all(y < toast.y for _, y, _ in rows) for rows in written), written
        written.clear()
        await key(pilot, "pagedown")  # every row, some under the toast: left to the compositor
        assert written and all(rows is None for rows in written), written
        await pilot.pause()


async def test_the_attribute_form_is_drawn_from_its_own_widgets_as_the_compositor_draws_it(app_store, monkeypatch):
    drawn: list[list[tuple[int, int, Strip]] | None] = []

    def noting(screen: Any, root: Any) -> Any:
        rows = paint_overlay(screen, root)
        if rows:
            check_rows(screen, rows)
        drawn.append(rows)
        return rows

    monkeypatch.setattr(editing, "paint_overlay", noting)
    app, _ = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        await key(pilot, "tab")  # a span focused
        for _ in range(3):  # composed on the first opening, shown again after
            drawn.clear()
            await key(pilot, "enter")
            form = app.screen.attr_form
            assert form is not None and form.has_focus_within
            assert len(drawn) == 1 and drawn[0], drawn
            assert [(x, y) for x, y, _ in drawn[0]] == [(form.region.x, y) for y in form.region.line_range]
            await key(pilot, "escape")
            assert app.screen.attr_form is None
        # something else over the form's box (a toast, a tooltip): its cells are not the form's alone
        await key(pilot, "enter")
        form = app.screen.attr_form
        assert paint_overlay(app.screen, form)
        cover = Static("over the form", id="cover")
        cover.styles.overlay = "screen"
        cover.styles.position = "absolute"
        cover.styles.offset = (form.region.x + 2, form.region.y + 1)
        await app.screen.mount(cover)
        await pilot.pause()
        assert paint_overlay(app.screen, form) is None
        await pilot.pause()


_COLOURS = st.sampled_from([None, "#e0e0e0", "#1e1e1e", "red", "#472e5f", "default"])
_STYLES = st.builds(lambda attrs, fg, bg: Style(color=fg, bgcolor=bg, **attrs),
                    st.dictionaries(st.sampled_from(["bold", "dim", "italic", "underline", "underline2", "blink",
                                                     "reverse", "strike", "overline", "frame", "encircle"]),
                                    st.booleans(), max_size=4),
                    _COLOURS, _COLOURS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text("ab é", min_size=1, max_size=3), st.none() | _STYLES), min_size=1, max_size=8))
def test_a_row_is_sent_in_fewer_codes_drawing_the_same_cells(segments):
    """Any run of styles (attributes turned on and off, bold and dim sharing their off code,
    colours set and unset) draws each character with the pen Textual's own render gives it."""
    console = Console(force_terminal=True, color_system="truecolor", width=80)
    strip = Strip([Segment(text, style) for text, style in segments])
    sent = encode_row(strip, console)
    assert sgr_cells(sent) == sgr_cells(strip.render(console)), sent
    assert len(sent) <= len(strip.render(console))
    assert sgr_cells(sent + "x")[-1][1] == (frozenset(), "", "")


def test_a_row_is_encoded_for_the_terminal_at_hand_whatever_codes_its_styles_keep():
    """rich and Textual keep a style's codes on the style whatever console made them: after a
    screenshot (a truecolor console), a 256-colour terminal must still get its own codes."""
    style = Style(color="#e0e0e0", bgcolor="#1e1e1e", underline=True)
    other = Style(color="#e0e0e0", bgcolor="#472e5f")
    for kept in (style, other):
        Strip.render_ansi(kept, ColorSystem.TRUECOLOR)  # as a screenshot leaves them
    console = Console(force_terminal=True, color_system="256", width=80)
    sent = encode_row(Strip([Segment("ab", style), Segment("cd", other)]), console)
    assert "38;2;" not in sent and "48;2;" not in sent, sent
    assert "38;5;" in sent and "48;5;" in sent and ";4;" in f";{sent[2:]}"
