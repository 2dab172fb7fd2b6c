"""Pilot tests of the annotate screen: every key of the issue, by keyboard and by mouse."""

from __future__ import annotations

import pytest

from annotator.tui.actions import key_display
from annotator.tui.screens.annotate import AnnotateScreen
from tests.tui.helpers import SCHEME, make_app, screen_text

TEXT = ("D'août 2014 à mars 2018, la coalition a réalisé 29.307 raids. "
        "« La coalition qui compte 75 membres reste engagée », a précisé Brett Mc Gurk.")


@pytest.fixture
def app_store(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("short", TEXT)], seeds=False)
    yield app, store
    store.close()


def spans_of(screen: AnnotateScreen) -> list[tuple[str, str]]:
    return sorted((s["label"], s["text"]) for s in screen.record.spans.values())


async def test_keyboard_selection_and_tag_with_snapping_drops_the_elision(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        # from the start, shift+right over "D'août 2014" (11 characters), then 2 = DATE
        await pilot.press(*["shift+right"] * 11, "2")
        assert spans_of(screen) == [("DATE", "août 2014")]
        assert screen.view.selection is None
        assert screen.focused_span_id == "s1"
        # the store has it, durably, before the screen showed it
        assert [s["text"] for s in store.load("short", "alice").spans.values()] == ["août 2014"]
        assert "saved" in screen.header.render_text().plain


async def test_no_selection_tags_the_word_under_the_cursor(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        screen.view.move_cursor(TEXT.index("coalition") + 3)
        await pilot.press("1")
        assert spans_of(screen) == [("ACTOR", "coalition")]


async def test_word_moves_extend_by_word_and_snap_toggle(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        start = TEXT.index("la coalition")
        screen.view.move_cursor(start)
        await pilot.press("ctrl+shift+right", "ctrl+shift+right", "1")
        assert spans_of(screen) == [("ACTOR", "la coalition")]
        # snapping off: the raw selection is tagged, trailing space and all
        await pilot.press("t")
        assert screen.snap_on is False and "snap off" in screen.header.render_text().plain
        q = TEXT.index("29.307")
        screen.view.select(q - 1, q + 7)
        await pilot.press("3")
        assert ("QUANTITY", " 29.307 ") in spans_of(screen)


async def test_mouse_drag_and_double_click_select(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        view = screen.view
        # the article starts at column 1 (padding) of the view, row 0
        await pilot.mouse_down(view, offset=(1 + 2, 0))
        await pilot.hover(view, offset=(1 + 11, 0))
        await pilot.mouse_up(view, offset=(1 + 11, 0))
        assert view.selection == (2, 11)
        await pilot.press("2")
        assert spans_of(screen) == [("DATE", "août 2014")]
        x = TEXT.index("raids")
        await pilot.click(view, offset=(1 + x + 2, 0), times=2)
        assert view.selection == (x, x + 5)


async def test_nested_spans_and_focus_order(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        view = screen.view
        q0 = TEXT.index("« La")
        q1 = TEXT.index("engagée »") + len("engagée »")
        view.select(q0, q1)
        await pilot.press("4")
        n = TEXT.index("75 membres")
        view.select(n, n + len("75 membres"))
        await pilot.press("3")
        c = TEXT.index("La coalition qui")
        view.select(c, c + len("La coalition"))
        await pilot.press("1")
        # the quote was snapped inside the guillemets; both inner spans are inside it
        quote = next(s for s in screen.record.spans.values() if s["label"] == "QUOTE")
        assert quote["text"] == "La coalition qui compte 75 membres reste engagée"
        assert {s["text"] for s in screen.record.spans.values()} >= {"75 membres", "La coalition"}
        # the list is in text order, the enclosing quote before what it holds
        lst = screen.span_list
        assert [screen.record.spans[lst.id_at(i)]["label"] for i in range(lst.count)] == ["QUOTE", "ACTOR", "QUANTITY"]
        screen.focus_span(None)
        view.move_cursor(0)
        await pilot.press("tab")
        assert screen.record.spans[screen.focused_span_id]["label"] == "QUOTE"
        await pilot.press("tab", "tab")
        assert screen.record.spans[screen.focused_span_id]["label"] == "QUANTITY"
        await pilot.press("tab")
        assert screen.record.spans[screen.focused_span_id]["label"] == "QUOTE"
        await pilot.press("shift+tab")
        assert screen.record.spans[screen.focused_span_id]["label"] == "QUANTITY"
        # the side panel shows both, the quote's attributes panel names its attributes
        await pilot.press("shift+tab", "shift+tab")
        text = screen_text(app)
        assert "QUOTE" in text and "QUANTITY" in text and "speaker (ref)" in text


async def test_delete_removes_the_focused_span_and_undo_redo(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        screen.view.select(2, 11)
        await pilot.press("2")
        await pilot.press("delete")
        assert screen.record.spans == {}
        await pilot.press("ctrl+z")
        assert spans_of(screen) == [("DATE", "août 2014")]
        await pilot.press("ctrl+z")
        assert screen.record.spans == {}
        await pilot.press("ctrl+y")
        assert spans_of(screen) == [("DATE", "août 2014")]
        screen.focus_span("s1")
        await pilot.press("backspace")
        assert store.load("short", "alice").spans == {}


async def test_undo_redo_across_a_restart(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("short", TEXT)], seeds=False)
    async with app.run_test(size=(120, 36)) as pilot:
        app.screen.view.select(2, 11)
        await pilot.press("2")
        app.screen.view.select(0, 1)
        app.screen.view.select(TEXT.index("raids"), TEXT.index("raids") + 5)
        await pilot.press("1")
        await pilot.press("ctrl+z")
    store.close()
    from annotator.store import open_store
    from annotator.tui.app import build_app

    store = open_store(tmp_path / "s.db")
    app = build_app(store, SCHEME, "alice")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert spans_of(screen) == [("DATE", "août 2014")]
        await pilot.press("ctrl+y")
        assert spans_of(screen) == [("ACTOR", "raids"), ("DATE", "août 2014")]
        await pilot.press("ctrl+z", "ctrl+z")
        assert screen.record.spans == {}
        await pilot.press("ctrl+z")  # nothing left: the status change of the first edit is undone too
        assert screen.record.status == "todo"
    store.close()


async def test_attribute_form_saves_valid_and_shows_invalid_in_place(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        screen.view.select(2, 11)
        await pilot.press("2", "enter")
        form = screen.attr_form
        assert type(form).__name__ == "AttrForm" and form.visible
        field = form.field("value")
        await pilot.press(*"août 2014", "enter")
        assert screen.attr_form is form, "an invalid value keeps the form open"
        error = field.message()
        # in words with the value it means, not the 400-character pattern (issue 11, item 13)
        assert "'août 2014' is not a TIMEX3 value; did you mean 2014-08?" in error
        assert "(?:" not in error and error[:60] in form.text()
        assert store.load("short", "alice").spans["s1"]["attrs"] == {}
        await pilot.press("ctrl+w", "ctrl+w", *"2014-08", "enter")
        assert screen.attr_form is None
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": "2014-08"}
        # escape cancels without saving
        await pilot.press("enter", "backspace", "5")
        assert field.text == "2014-05"
        await pilot.press("escape")
        assert screen.attr_form is None and not form.visible
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": "2014-08"}


async def test_quantity_number_typed_the_french_way(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        n = TEXT.index("75 membres")
        screen.view.select(n, n + 10)
        await pilot.press("3", "enter")
        await pilot.press(*"75", "tab", *"membres", "ctrl+s")
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": 75, "unit": "membres"}
        await pilot.press("enter", "ctrl+u", *"soixante")  # words are numbers too
        await pilot.press("ctrl+s")
        assert store.load("short", "alice").spans["s1"]["attrs"] == {"value": 60, "unit": "membres"}
        await pilot.press("enter", *" membres", "ctrl+s")
        form = screen.attr_form
        assert form is not None and "is not a number" in form.field("value").message()


async def test_speaker_picker_nearest_first_filter_and_link(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        view = screen.view
        for text, key in (("la coalition", "1"), ("Brett Mc Gurk", "1"), ("La coalition qui", "1")):
            i = TEXT.index(text)
            end = i + len(text) - (4 if text.endswith(" qui") else 0)
            view.select(i, end)
            await pilot.press(key)
        q0 = TEXT.index("« La")
        view.select(q0, TEXT.index("engagée »") + 9)
        await pilot.press("4", "s")
        picker = app.screen
        assert type(picker).__name__ == "SpeakerPicker"
        # nearest first: the actor inside the quote, then Brett Mc Gurk (after it), then the far one
        assert [s["text"] for s in picker.shown] == ["La coalition", "Brett Mc Gurk", "la coalition"]
        await pilot.press(*"gurk")
        assert [s["text"] for s in picker.shown] == ["Brett Mc Gurk"]
        await pilot.press("enter")
        quote = next(s for s in store.load("short", "alice").spans.values() if s["label"] == "QUOTE")
        speaker = store.load("short", "alice").spans[quote["attrs"]["speaker"]]
        assert speaker["text"] == "Brett Mc Gurk"
        # the speaker shows in the side panel summary of the quote
        assert "→ Brett Mc Gurk" in screen_text(app)
        # s on a non-quote explains itself and opens nothing
        screen.focus_span(speaker["id"])
        await pilot.press("s")
        assert app.screen is screen


async def test_find_bar_next_and_previous(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        view = screen.view
        await pilot.press("slash", *"coalition", "enter")
        first = TEXT.index("coalition")
        second = TEXT.index("coalition", first + 1)
        assert view.selection == (first, first + 9)
        assert view.has_focus
        await pilot.press("n")
        assert view.selection == (second, second + 9)
        await pilot.press("n")  # wraps
        assert view.selection == (first, first + 9)
        await pilot.press("N")
        assert view.selection == (second, second + 9)
        await pilot.press("1")
        assert spans_of(screen) == [("ACTOR", "coalition")]


async def test_documents_next_previous_todo_done_and_list(tmp_path):
    docs = [(f"doc{i}", f"Texte numéro {i} de la coalition.") for i in range(4)]
    app, store = make_app(tmp_path / "s.db", docs=docs, seeds=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert screen.doc_id == "doc0" and "1 / 4" in screen.header.render_text().plain
        await pilot.press("right_square_bracket")
        assert screen.doc_id == "doc1"
        await pilot.press("left_square_bracket")
        assert screen.doc_id == "doc0"
        await pilot.press("ctrl+d")  # doc0 done -> next to do
        assert screen.doc_id == "doc1"
        assert store.load("doc0", "alice").status == "done"
        await pilot.press("ctrl+d", "ctrl+d")
        assert screen.doc_id == "doc3"
        await pilot.press("left_square_bracket", "right_curly_bracket")
        assert screen.doc_id == "doc3", "} skips documents already done"
        await pilot.press("g")
        lst = app.screen
        assert type(lst).__name__ == "DocListScreen"
        await pilot.pause()
        assert len(lst.shown) == 4
        await pilot.press(*"doc1")
        assert [d.id for d in lst.shown] == ["doc1"]
        await pilot.press("enter")
        assert app.screen is screen and screen.doc_id == "doc1"
        assert "done" in screen.header.render_text().plain


async def test_flag_the_document_then_see_and_remove_its_flags(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("f")
        assert type(app.screen).__name__ == "FlagsScreen"
        await pilot.press(*"date ambigue", "enter")
        await pilot.press("f", *"pas un article", "enter")
        flags = store.load("short", "alice").flags
        assert [f["comment"] for f in flags] == ["date ambigue", "pas un article"]
        assert "⚑ 2" in screen.header.render_text().plain
        # f lists the flags; down goes to the list, delete removes the highlighted one
        await pilot.press("f")
        assert "date ambigue" in screen_text(app) and "pas un article" in screen_text(app)
        await pilot.press("down", "delete")
        assert [f["comment"] for f in store.load("short", "alice").flags] == ["pas un article"]
        assert "date ambigue" not in screen_text(app), "the list shows what is left"
        await pilot.press("escape")
        assert app.screen is screen and "⚑ 1" in screen.header.render_text().plain
        await pilot.press("ctrl+z")  # removing a flag is undoable, and undo says what it undid
        assert sorted(f["comment"] for f in store.load("short", "alice").flags) == ["date ambigue", "pas un article"]
        assert screen.header.note == "Undid: remove the flag 'date ambigue'"  # said in the header


async def test_help_lists_every_key_of_the_registry(app_store):
    app, _ = app_store
    async with app.run_test(size=(140, 90)) as pilot:  # tall enough for every row (the help scrolls)
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        text = screen_text(app)
        for action in app.registry:
            if action.group != "Select":  # an extend key shares the row of its move
                assert action.description in text, action
            for key in action.keys:
                assert key_display(key) in text, key
        assert "ctrl+left / ctrl+shift+left" in text
        await pilot.press("escape")
        assert isinstance(app.screen, AnnotateScreen)


async def test_command_palette_runs_registry_actions(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"document list")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "DocListScreen"


async def test_footer_shows_the_main_keys(app_store):
    app, _ = app_store
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for word in ("ACTOR", "QUOTE", "attributes", "undo", "done", "documents", "help", "^q quit"):
            assert word in footer, word


def test_a_scheme_hotkey_that_collides_is_refused(tmp_path):
    from annotator.errors import SchemeError
    from annotator.schema import Scheme, parse_scheme
    from annotator.tui.app import build_app
    from tests.tui.helpers import make_store

    bad = Scheme(parse_scheme({"name": "x", "version": 1, "label": [{"name": "A", "key": "g", "color": "red"}]},
                              "bad.toml"))
    store = make_store(tmp_path / "s.db")
    with pytest.raises(SchemeError, match="bad.toml: label A: hotkey 'g' is already the key of \"Document list\""):
        build_app(store, bad, "alice")
    store.close()
