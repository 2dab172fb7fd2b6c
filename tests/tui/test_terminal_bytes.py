"""Bytes written to the terminal per key, counted (not timed) on the whole annotate screen.

The pilot's headless driver is swapped for one that keeps what Textual would write, in truecolor
as a modern terminal gets it; each key is sent like a terminal key and the frame it causes is
painted at once. A key that starts repainting more of the screen than it changes (the side panel
on a page down, the whole screen on a label, the footer on anything) fails here, on any machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from rich.console import ColorSystem
from textual import events
from textual.drivers.headless_driver import HeadlessDriver

from annotator.model import text_sha256
from annotator.model.types import ImportItem, NewDocument, RecordParts, Span
from annotator.tui.app import build_app
from tests.tui.helpers import SCHEME, make_store

WIDTH, HEIGHT = 120, 40
ARTICLE_RIGHT = 68  # the article view's columns are 0..67 (text, scrollbar, padding) at 120 wide
FOOTER_ROW = HEIGHT - 1


class CapturingDriver(HeadlessDriver):
    """Headless, but Textual renders its frames for it as for a terminal; it keeps them."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.written.append(data)


@dataclass
class Frame:
    """What one key wrote: bytes, and the screen rows and columns it wrote to."""

    nbytes: int
    rows: set[int]
    max_col: int


_CONTROL = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|(\n)|([^\x1b\n]+)")


def parse(data: str) -> Frame:
    rows: set[int] = set()
    max_col = -1
    row = col = 0
    for m in _CONTROL.finditer(data):
        if m.group(1):
            row, col = int(m.group(1)) - 1, int(m.group(2)) - 1
        elif m.group(3):
            row, col = row + 1, 0
        elif m.group(4):
            rows.add(row)
            col += len(m.group(4))  # the test article is one cell per character
            max_col = max(max_col, col - 1)
    return Frame(len(data.encode()), rows, max_col)


def article_text(paragraphs: int = 40) -> str:
    sentence = ("La coalition internationale a indiqué le 29 août 2014 que 75 membres restent engagés "
                "en faveur de la stabilité en Irak, selon Brett McGurk. ")
    return "\n\n".join(sentence * 3 for _ in range(paragraphs))


def spans_of(text: str) -> list[Span]:
    spans: list[Span] = []
    for label, pattern in (("ACTOR", r"Brett McGurk|La coalition internationale"), ("DATE", r"le 29 août 2014"),
                           ("QUANTITY", r"75 membres")):
        for m in re.finditer(pattern, text):
            spans.append({"id": f"s{len(spans) + 1}", "start": m.start(), "end": m.end(), "label": label,
                          "text": m.group(), "attrs": {}, "source": "manual"})
    return spans


@pytest.fixture
def app_store(tmp_path):
    text = article_text()
    store = make_store(tmp_path / "s.db", seeds=False)
    record: RecordParts = {"annotator": "alice", "status": "in_progress", "flags": [], "updated_at": None,
                           "spans": spans_of(text)}
    store.import_items([ImportItem(NewDocument("long", text, text_sha256(text), {}, "long.txt"), record)])
    yield build_app(store, SCHEME, "alice", "long"), store
    store.close()


async def press(pilot, key: str) -> Frame:
    """Send ``key`` as the terminal would, paint what it changed, and parse what was written."""
    app = pilot.app
    app._driver.written.clear()
    app._driver.send_message(events.Key(key, None))
    await pilot._wait_for_screen()
    await pilot._wait_for_screen()
    screen = app.screen
    screen._compositor.update_widgets(set(screen._compositor.visible_widgets))
    screen._compositor_refresh()
    return parse("".join(app._driver.written))


async def start(pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()  # the warm-up after the first frame (scheme, word rules)
    await pilot.pause()
    app.console._color_system = ColorSystem.TRUECOLOR  # what Textual uses with COLORTERM=truecolor
    app._driver.__class__ = CapturingDriver
    app._driver.written = []


async def test_cursor_keys_write_only_the_rows_they_change(app_store):
    app, _ = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        for key in ["right"] * 5 + ["down"] * 5 + ["up"] * 3 + ["left"] * 2 + ["ctrl+right"] * 3:
            frame = await press(pilot, key)
            assert 1 <= len(frame.rows) <= 2, (key, frame)
            assert frame.max_col < ARTICLE_RIGHT and FOOTER_ROW not in frame.rows, (key, frame)
            assert frame.nbytes <= 800, (key, frame)
        await pilot.pause()


async def test_page_keys_write_only_the_article(app_store):
    app, _ = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        height = app.screen.view.scrollable_content_region.height
        for key in ["pagedown", "pagedown", "pageup", "pagedown"]:
            frame = await press(pilot, key)
            # every row of the article and its scrollbar, nothing of the side panel, header or footer
            assert frame.rows == set(range(1, 1 + height)), (key, sorted(frame.rows))
            assert frame.max_col < ARTICLE_RIGHT, (key, frame)
            # ~185 a row: 66 cells, a few colours (~225 with the margin beside the scrollbar written
            # again and a reset and whole style at each underlined name)
            assert frame.nbytes <= 210 * height, (key, frame.nbytes)
        await pilot.pause()


async def test_label_and_remove_write_the_span_the_lists_and_the_header_not_the_screen(app_store):
    app, store = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        screen = app.screen
        before = len(screen.record.spans)
        await press(pilot, "ctrl+right")
        await press(pilot, "ctrl+right")  # onto "internationale", not a span of its own yet
        frame = await press(pilot, "3")
        assert len(screen.record.spans) == before + 1
        assert len(store.load("long", "alice").spans) == before + 1  # durable before it was drawn
        assert 0 in frame.rows and FOOTER_ROW not in frame.rows, sorted(frame.rows)
        # the article row of the span, the span list (its rows below the new one moved) and the
        # focused span's panel: ~8,800 bytes; a full repaint would be ~15,000, twice that ~20,000
        assert frame.nbytes <= 10000, frame.nbytes
        frame = await press(pilot, "delete")
        assert len(screen.record.spans) == before
        assert FOOTER_ROW not in frame.rows and frame.nbytes <= 10000, frame
        await pilot.pause()


async def test_focus_next_span_writes_little(app_store):
    app, _ = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        for _ in range(6):
            frame = await press(pilot, "tab")
            assert FOOTER_ROW not in frame.rows and 0 not in frame.rows, sorted(frame.rows)
            assert frame.nbytes <= 7500, frame.nbytes
        await pilot.pause()


async def press_settled(pilot, key: str) -> Frame:
    """Send ``key`` and parse all it wrote until the screen settled (a form shown or hidden needs
    a layout pass, which Textual runs on its own timer)."""
    app = pilot.app
    app._driver.written.clear()
    app._driver.send_message(events.Key(key, None))
    for _ in range(4):
        await pilot.pause()
    return parse("".join(app._driver.written))


async def test_the_attribute_form_writes_its_region_and_no_article_row_is_rendered_again(app_store):
    """Opened and closed (twice, after a first time), the form draws its own region
    and renders no row of the article again but the cursor's (drawn as unfocused); what it writes
    beside its region is the footer (its keys) and the scrollbars Textual repaints on any restyle,
    not the article's rows (the article's focus and blur repaint its cursor row alone).
    As a modal screen it rewrote all 40 rows, the article blended through its background, and a
    focus change alone repainted the whole screen."""
    app, _ = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        screen = app.screen
        await press_settled(pilot, "tab")  # an ACTOR focused: its form has one list field
        await press_settled(pilot, "enter")
        await press_settled(pilot, "escape")
        for _ in range(2):
            rendered = screen.view.rows_rendered
            frame = await press_settled(pilot, "enter")
            form = screen.attr_form
            assert form is not None and form.visible and form.opened >= 2
            covered = set(range(form.region.y, form.region.bottom))
            assert covered <= frame.rows, "the form is drawn"
            first = parse(pilot.app._driver.written[0])
            assert first.rows == covered, "the form's box first, in a write of its own (its opening's frame)"
            assert screen.view.rows_rendered - rendered <= 1, "article rows rendered again to open the form"
            # ~5,300: the form (~2,700), the article's blurred cursor row, the scrollbars; ~10,500 when
            # the form was a dozen widgets (its focus drew it again), ~20,000 when the article's blur
            # (Textual's own handler) repainted all its rows
            assert frame.nbytes <= 7000 and first.nbytes <= 3500, (frame.nbytes, first.nbytes)
            rendered = screen.view.rows_rendered
            frame = await press_settled(pilot, "escape")
            assert screen.attr_form is None and screen.view.has_focus
            assert covered <= frame.rows and frame.nbytes <= 30000, frame.nbytes
            assert screen.view.rows_rendered - rendered <= len(covered) + 1, "more than the rows it uncovered"
        assert len(screen.query("AttrForm")) == len(screen.scheme.labels), "composed with the screen, none since"
        await pilot.pause()


async def test_a_key_typed_in_the_form_writes_the_form_alone(app_store):
    """Typed in a field, a character redraws the form's box from its own rows in the key's handler:
    no row of the article under it is rendered, nothing outside the box is written."""
    app, _ = app_store
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await start(pilot)
        screen = app.screen
        date = next(i for i, span in screen.record.spans.items() if span["label"] == "DATE")
        screen.focus_span(date)
        await press_settled(pilot, "enter")
        form = screen.attr_form
        assert form is not None and form.label == "DATE"
        covered = set(range(form.region.y, form.region.bottom))
        for key in ["2", "0", "backspace", "left"]:
            rendered = screen.view.rows_rendered
            frame = await press_settled(pilot, key)
            assert frame.rows == covered and frame.max_col < form.region.right, (key, frame)
            assert parse(pilot.app._driver.written[0]).rows == covered, "the box, in the key's own write"
            assert screen.view.rows_rendered == rendered, "article rows rendered under the form"
            assert frame.nbytes <= 3000, (key, frame.nbytes)  # ~1,900 for its 10 rows
        assert form.field("value").text == "2"
        await pilot.pause()
