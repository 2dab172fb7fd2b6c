"""The attribute form: numbers typed the French way are read as meant and shown as understood before
saving (issue 11, item 8); Enter does what the form says on every field, a list included (item 12)."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from annotator.tui.widgets.attr_form import AttrForm, NotANumber, parse_quantity
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


def shown(form: AttrForm, name: str) -> str:
    return str(form.query_one(f"#value-{name}").render())


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
        field = form.query_one("#field-value")
        field.value = "1\u202f200"
        await pilot.pause()
        assert shown(form, "value") == "= 1200"
        field.value = "2,5"
        await pilot.pause()
        assert shown(form, "value") == "= 2.5"
        field.value = "vingt-neuf"  # words are numbers too
        await pilot.pause()
        assert shown(form, "value") == "= 29"
        field.value = "vingt-neuf raids"
        await pilot.pause()
        assert shown(form, "value").startswith("✗ 'vingt-neuf raids' is not a number")
        await pilot.press("ctrl+s")
        assert screen.attr_form is form, "a value that is not a number keeps the form open"
        assert "is not a number" in str(form.query_one("#error-value").render())
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
        kind = form.query_one("#field-kind", Select)
        assert kind.has_focus
        assert "Enter or ctrl+s saves" in str(form.query_one(".hint:last-of-type").render())
        # space opens the list, ↓ moves in it, Enter picks (the form stays open)...
        await pilot.press("space")
        assert kind.expanded
        await pilot.press("down", "down", "enter")
        assert not kind.expanded and screen.attr_form is form
        picked = kind.value
        assert picked not in (Select.NULL, None)
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
        q = TEXT.index("29.307")
        screen.view.select(q, q + 6)
        await pilot.press("3")
        recomposes = screen.footer.recomposes
        await pilot.press("enter")
        form = screen.attr_form
        assert form is not None and form.visible
        # the footer keeps the screen's keys, not composed again for the form (its hint says its keys)
        assert screen.footer.held
        await pilot.press("ctrl+z", "ctrl+d", "tab")  # undo, done: nothing; tab: the next field
        assert screen.record.spans and screen.record.status != "done"
        assert screen.attr_form is form and form.query_one("#field-unit").has_focus
        await pilot.press("tab", "tab", "tab")  # approximate, Save, and round to the first field
        assert form.query_one("#field-value").has_focus
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        assert form.query_one("#field-unit").has_focus and screen.attr_form is form
        await pilot.press(*"raids")
        await pilot.click(screen.view, offset=(2, 0))  # back on the article: cancelled, nothing saved
        await pilot.pause()
        assert screen.attr_form is None and not form.visible and screen.view.has_focus
        assert not screen.footer.held and screen.footer.recomposes == recomposes
        assert store.load("short", "alice").spans["s1"]["attrs"] == {}
        await pilot.press("ctrl+z")  # the screen's keys work again
        assert screen.record.spans == {}


async def test_each_label_has_its_form_composed_once_and_opened_with_the_spans_values(app_store):
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
        assert form is not None and form.query_one("#field-value").value == "", "the other span's value"
        assert "s2" in str(form.query_one("#form-title").render())
        await pilot.press(*"75", "enter")
        screen.focus_span("s1")
        await pilot.press("enter")
        assert screen.attr_form is form and form.query_one("#field-value").value == "29307"
        assert shown(form, "value") == "= 29307"
        await pilot.press("escape")
        assert len(screen.query(AttrForm)) == 1 and form.opened == 3
        spans = store.load("short", "alice").spans
        assert spans["s1"]["attrs"] == {"value": 29307} and spans["s2"]["attrs"] == {"value": 75}
