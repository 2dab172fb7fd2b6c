"""What undo and redo did is said in the header, which the step repaints anyway, not in a toast per
press (each press mounted one more toast and laid the stack out again, and every frame drawn while
toasts were shown cost more: issue 15's undo CPU)."""

from __future__ import annotations

from typing import Any

from textual.widgets._toast import Toast

from tests.tui.helpers import make_app, screen_text

TEXT = "Daech a perdu Mossoul en juin 2014, selon [b]la coalition[/b]."


async def test_each_undo_and_redo_says_what_it_did_in_the_header_and_mounts_no_toast(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    try:
        async with app.run_test(size=(120, 30), notifications=True) as pilot:  # toasts shown, as in a terminal
            await pilot.pause()
            screen: Any = app.screen
            for w in ("Daech", "Mossoul", "coalition"):
                screen.view.move_cursor(TEXT.index(w) + 1)
                await pilot.press("1")
                await pilot.pause()
            assert len(store.load("d", "alice").spans) == 3 and screen.header.note == ""
            steps = [("ctrl+z", "Undid: tag ACTOR 'coalition'"), ("ctrl+z", "Undid: tag ACTOR 'Mossoul'"),
                     ("ctrl+y", "Redid: tag ACTOR 'Mossoul'"), ("ctrl+z", "Undid: tag ACTOR 'Mossoul'"),
                     ("ctrl+z", "Undid: tag ACTOR 'Daech'"), ("ctrl+z", "Nothing to undo.")]
            for key, said in steps:
                await pilot.press(key)
                await pilot.pause()
                await pilot.pause()
                header = screen_text(app).splitlines()[0]
                assert header.count("↶") == 1 and f"↶ {said}  snap on" in header, (key, header)  # the last step's
                assert "✓ saved" in header or said.startswith("Nothing"), header
                assert not list(app.screen.query(Toast)) and not list(app._notifications), key
            assert len(store.load("d", "alice").spans) == 0
            # the next action that saves replaces the note with its own "saved"
            screen.view.move_cursor(TEXT.index("juin") + 1)
            await pilot.press("2")
            await pilot.pause()
            assert screen.header.note == "" and "↶" not in screen_text(app).splitlines()[0]
            assert screen_text(app).splitlines()[0].rstrip().endswith("snap on  ✓ saved " + screen.header.saved)
    finally:
        store.close()


async def test_the_note_is_plain_text_and_leaves_with_the_document(tmp_path):
    """An article's words in the note are never markup nor control characters."""
    text = "Le [bold red]chef[/] \x1b[31mdit\x1b[0m oui. Autre texte."
    app, store = make_app(tmp_path / "s.db", docs=[("d", text), ("e", "Un second article.")], seeds=False)
    try:
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await pilot.pause()
            screen: Any = app.screen
            await pilot.press("t")  # snap off: the span is the selection as it is
            screen.view.select(3, 29)
            await pilot.press("1")
            await pilot.pause()
            await pilot.press("ctrl+z")
            await pilot.pause()
            header = screen.header.render_text()
            assert "↶ Undid: tag ACTOR '[bold red]chef[/] " in header.plain and "\x1b" not in header.plain
            assert all(not s.style or "red" not in str(s.style) for s in header.spans)
            screen.open_document("e")
            await pilot.pause()
            assert screen.header.note == "" and "Undid" not in screen.header.render_text().plain
    finally:
        store.close()


def test_a_note_comes_right_after_the_save_indicator_so_a_narrow_row_keeps_it():
    from annotator.tui.widgets.doc_header import DocHeader

    header = DocHeader()  # not mounted: its fields set as show() sets them, its row rendered
    for k, v in dict(doc_id="000_3e94996991f7161a", position=1, total=1, annotator="bench",
                     suggested="◇ 49 suggested", saved="20:07:51").items():
        setattr(header, k, v)
    plain = header.render_text().plain
    assert plain.endswith("snap on  ◇ 49 suggested  ✓ saved 20:07:51")  # no note: as it always was
    header.note = "Undid: tag QUANTITY 'coalition'"
    plain = header.render_text().plain
    assert plain.endswith("✓ saved 20:07:51  ↶ Undid: tag QUANTITY 'coalition'  snap on  ◇ 49 suggested")
    assert plain.index("↶") < 100  # within a 120-column row (padding 1 each side) even with the hints cut
