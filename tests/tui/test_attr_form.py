"""The attribute form: numbers typed the French way are read as meant and shown as understood before
saving (issue 11, item 8); Enter does what the form says on every field, a list included (item 12)."""

from __future__ import annotations

import pytest
from textual import events

from annotator.tui.widgets.attr_form import AttrForm, NotANumber, parse_quantity
from annotator.tui.widgets.form_fields import ListField, TextField
from tests.tui.helpers import make_app

TEXT = "La coalition a réalisé 29.307 raids et compte 75 membres."


@pytest.mark.parametrize(("raw", "value"), [
    ("29.307", 29307), ("1.200.000", 1200000), ("1.234,5", 1234.5),
    ("1 200", 1200), ("1\u00a0200", 1200), ("1\u202f200", 1200), ("12 000 000", 12000000), ("1 200,5", 1200.5),
    ("2,5", 2.5), ("1.5", 1.5), ("29.30", 29.3), ("0.307", 0.307), ("75", 75), ("-3", -3), ("  75 ", 75), ("", None), ("  ", None),
    ("soixante", 60), ("1,5 million", 1500000), ("12 %", 12),
])
def test_parse_quantity_reads_french_numbers(raw, value):
    got = parse_quantity(raw)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("raw", "why"), [
    ("1 20", "groups of exactly three digits"), ("2,5,3", "more than one decimal comma"), ("1e5", "is not a number"),
    ("1..2", "groups of exactly three digits"), ("des dizaines", "no single value"), ("douze pommes", "not a number"),
])
def test_parse_quantity_says_why_it_is_not_a_number(raw, why):
    got = parse_quantity(raw)
    assert isinstance(got, NotANumber) and why in got.reason


@pytest.fixture
def app_store(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("short", TEXT)], seeds=False)
    yield app, store
    store.close()


async def tag_quantity(pilot, words: str) -> None:
    """Select ``words`` of the text and tag them QUANTITY."""
    q = TEXT.index(words)
    pilot.app.screen.view.select(q, q + len(words))
    await pilot.press("3")


async def open_quantity_form(pilot, words: str) -> AttrForm:
    """Tag ``words`` QUANTITY and open their form."""
    await tag_quantity(pilot, words)
    await pilot.press("enter")
    form = pilot.app.screen.attr_form
    assert isinstance(form, AttrForm) and form.visible and form.has_focus
    return form


def shown(form: AttrForm, name: str) -> str:
    """The line under a field, as the form draws it."""
    message = form.field(name).message()
    assert message in form.text().splitlines()
    return message


async def test_a_french_number_is_shown_as_understood_then_saved_as_such(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        q = TEXT.index("29.307")
        screen.view.select(q, q + 6)
        await pilot.press("3", "enter")
        form = screen.attr_form
        assert isinstance(form, AttrForm) and form.visible
        await pilot.press(*"29.307")
        assert shown(form, "value") == "= 29307"  # before anything is saved
        assert store.load("short", "alice").spans["s1"]["attrs"] == {}
        await pilot.press("enter")
        assert screen.attr_form is None and not form.visible and screen.view.has_focus
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": 29307}
        # a narrow no-break space groups thousands too; a decimal comma is a decimal
        await pilot.press("enter")
        assert screen.attr_form is form, "the same form, shown again"
        field = form.field("value")
        assert isinstance(field, TextField) and field.text == "29307" and field.cursor == 5
        await pilot.press("ctrl+u")  # (the line emptied)
        form.post_message(events.Paste("1\u202f200\n"))  # a paste: one line, its line end a space
        await pilot.pause()
        assert form.field("value").text == "1\u202f200 "
        assert shown(form, "value") == "= 1200"
        await pilot.press("ctrl+u", *"2,5")
        assert shown(form, "value") == "= 2.5"
        await pilot.press("ctrl+u", *"vingt-neuf")  # words are numbers too
        assert shown(form, "value") == "= 29"
        await pilot.press(*" raids")
        assert shown(form, "value").startswith("✗ 'vingt-neuf raids' is not a number")
        await pilot.press("ctrl+s")
        assert screen.attr_form is form, "a value that is not a number keeps the form open"
        assert "is not a number" in field.error and field.error in form.text()
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": 29307}
        await pilot.press("escape")


async def test_enter_on_a_list_field_saves_and_space_opens_the_list(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        screen.view.move_cursor(TEXT.index("coalition") + 2)
        await pilot.press("1", "enter")
        form = screen.attr_form
        assert isinstance(form, AttrForm) and form.visible
        kind = form.field("kind")
        assert isinstance(kind, ListField) and form.focused_field is kind and form.has_focus
        assert "Enter or ctrl+s saves" in form.text()
        # space opens the list, ↓ moves in it, Enter picks (the form stays open)...
        await pilot.press("space")
        assert kind.is_open and "organization" in form.text()
        await pilot.press("down", "down", "enter")
        assert not kind.is_open and screen.attr_form is form
        picked = kind.value()
        assert picked == "organization" and "organization" in form.text()
        # ...and Enter on the closed list saves, as the form says
        await pilot.press("enter")
        assert screen.attr_form is None and not form.visible and screen.view.has_focus
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"kind": picked}


async def test_while_the_form_is_open_the_screens_keys_do_nothing_and_a_click_outside_cancels(app_store):
    """The form is drawn over the article, not a screen of its own: the annotate screen's keys
    must not act behind it (undo, a label key, done), and moving the focus out of it cancels it."""
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await tag_quantity(pilot, "29.307")
        recomposes = screen.footer.recomposes
        await pilot.press("enter")
        form = screen.attr_form
        assert form is not None and form.visible
        # the footer keeps the screen's keys, not composed again for the form (its hint says its keys)
        assert screen.footer.held
        await pilot.press("ctrl+z", "ctrl+d", "tab")  # undo, done: nothing; tab: the next field
        assert screen.record.spans and screen.record.status != "done"
        assert screen.attr_form is form and form.focused_field is form.field("unit")
        await pilot.press("tab", "tab", "tab")  # approximate, Save, and round to the first field
        assert form.focused_field is form.field("value")
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        assert form.focused_field is form.field("unit") and screen.attr_form is form
        await pilot.press(*"raids")
        await pilot.click(screen.view, offset=(2, 0))  # back on the article: cancelled, nothing saved
        await pilot.pause()
        assert screen.attr_form is None and not form.visible and screen.view.has_focus
        assert not screen.footer.held and screen.footer.recomposes == recomposes
        assert store.load("short", "alice").spans["s1"]["attrs"] == {}
        await pilot.press("ctrl+z")  # the screen's keys work again
        assert screen.record.spans == {}


async def test_each_label_has_its_form_composed_with_the_screen_and_opened_with_the_spans_values(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        q = TEXT.index("29.307")
        screen.view.select(q, q + 6)
        await pilot.press("3", "enter", *"29.307", "enter")
        q = TEXT.index("75 membres")
        screen.view.select(q, q + 10)
        await pilot.press("3", "enter")
        form = screen.attr_form
        assert form is not None and form.field("value").text == "", "the other span's value"
        assert form.text().startswith("QUANTITY s2: 75 membres")
        await pilot.press(*"75", "enter")
        screen.focus_span("s1")
        await pilot.press("enter")
        assert screen.attr_form is form and form.field("value").text == "29307"
        assert shown(form, "value") == "= 29307"
        await pilot.press("escape")
        assert form.opened == 3
        # composed with the screen, one per label, none made since
        assert [f.label for f in screen.query(AttrForm)] == [label.name for label in screen.scheme.labels]
        spans = store.load("short", "alice").spans
        assert spans["s1"]["attrs"] == {"value": 29307} and spans["s2"]["attrs"] == {"value": 75}


async def test_keys_of_a_form_move_between_fields_change_a_list_and_escape_closes_the_list_first(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        form = await open_quantity_form(pilot, "75 membres")
        await pilot.press(*"75", "down", *"membres", "down")  # ↓ on a line: the next field
        approximate = form.field("approximate")
        assert isinstance(approximate, ListField) and form.focused_field is approximate
        await pilot.press("right", "right", "left")  # ← → on a closed list: its value
        assert approximate.value() is True and " true " in form.text()
        await pilot.press("f")  # a letter opens the list at the entry it starts
        assert approximate.is_open and approximate.options[approximate.highlight][0] == "false"
        await pilot.press("escape")  # the list closes, not the form; nothing picked
        assert not approximate.is_open and screen.attr_form is form and approximate.value() is True
        await pilot.press("up", "up", "end", "backspace")  # ↑ on a closed list, then a line: back
        assert form.field("value").text == "7"
        await pilot.press("enter")
        assert screen.attr_form is None
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": 7, "unit": "membres",
                                                                     "approximate": True}


async def test_a_click_focuses_a_field_opens_a_list_picks_an_entry_and_saves(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        form = await open_quantity_form(pilot, "75 membres")

        async def click_row(starting: str, below: int = 0, column: int = 4) -> None:
            rows = form.text().splitlines()
            y = next(i for i, row in enumerate(rows) if row.strip().startswith(starting)) + below
            await pilot.click(form, offset=(column, 1 + y))  # the border's row above the first
            await pilot.pause()

        await click_row("unit (text)")  # a field's name: that field
        assert form.focused_field is form.field("unit")
        await pilot.press(*"membres")
        # in the line, on its "e" (the border, the padding, the line's margin, "m"): the cursor there
        await click_row("unit (text)", below=1, column=4)
        unit = form.field("unit")
        assert isinstance(unit, TextField) and unit.cursor == 1
        await click_row("approximate (bool)", below=1)  # a list: opens
        approximate = form.field("approximate")
        assert isinstance(approximate, ListField) and approximate.is_open
        await click_row("false")
        assert not approximate.is_open and approximate.value() is False
        await click_row("Save")
        assert screen.attr_form is None
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"unit": "membres", "approximate": False}


async def test_opening_the_form_draws_its_rows_once(app_store):
    """Its rows are drawn in the key's handler, already focused: its focus, which comes a turn
    later, does not draw them again (Textual's handler would, through the article below)."""
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await tag_quantity(pilot, "75 membres")
        form = screen.attr_forms["QUANTITY"]
        for _ in range(2):
            rendered = form.rows_rendered
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            assert screen.attr_form is form and form.has_focus
            assert form.rows_rendered - rendered == form.size.height
            await pilot.press("escape")


async def test_the_terminal_losing_the_focus_keeps_the_form_and_what_was_typed(app_store):
    """Another window or tmux pane taking the focus is not a click outside: the form stays open
    with its values, and has the keys again when the terminal has the focus back."""
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        form = await open_quantity_form(pilot, "29.307")
        await pilot.press(*"29")
        app.post_message(events.AppBlur())
        await pilot.pause()
        await pilot.pause()
        assert not app.app_focus and screen.focused is None
        assert screen.attr_form is form and form.field("value").text == "29"
        app.post_message(events.AppFocus())
        await pilot.pause()
        await pilot.pause()
        assert form.has_focus
        await pilot.press(*".307", "enter")
        assert screen.attr_form is None
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": 29307}


async def test_in_a_small_terminal_the_form_keeps_the_focused_row_in_its_box(app_store):
    """At 50×14 the form is taller than its box (80% of the screen): the focused field, or the
    highlighted entry of an open list, is kept in view, and everything still works."""
    app, store = app_store
    async with app.run_test(size=(50, 14)) as pilot:
        form = await open_quantity_form(pilot, "75 membres")
        height = form.size.height
        assert len(form.text().splitlines()) > height, "taller than its box"

        def on_screen() -> str:
            return "\n".join(form.render_line(y).text for y in range(height))

        await pilot.press(*"75")
        assert " 75" in on_screen()
        await pilot.press("tab", "tab", "space", "down", "down")  # approximate's list, "false" highlighted
        assert "false" in on_screen()
        await pilot.press("enter", "ctrl+s")
        assert pilot.app.screen.attr_form is None
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": 75, "approximate": False}
