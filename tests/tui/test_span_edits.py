"""What annotators expected and lacked (issue 11): change a span's label or move its edges, keeping
its id, links and attributes, as one undoable action; skip a document (and take it back)."""

from __future__ import annotations

import pytest

from tests.tui.helpers import make_app, screen_text

TEXT = ("« La coalition compte 75 membres », a précisé Brett Mc Gurk le 26 avril 2018.\n"
        "Un autre texte suit.")


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


def notes(app) -> list[str]:
    """What the screen says: its notifications, and the header's note (what the last undo or redo did)."""
    note = getattr(getattr(app.screen, "header", None), "note", "")
    return [n.message for n in app._notifications] + ([note] if note else [])


@pytest.fixture
def app_store(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT), ("d2", "Deuxième document.")], seeds=False)
    yield app, store
    store.close()


def stored(store) -> dict[str, tuple[str, str, dict]]:
    return {s["id"]: (s["label"], s["text"], s["attrs"]) for s in store.load("d", "alice").spans.values()}


async def test_l_changes_the_label_keeping_id_link_and_attributes(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        view = screen.view
        view.select(*at("La coalition compte 75 membres"))
        await pilot.press("4")
        quote = screen.focused_span_id
        view.select(*at("Brett Mc Gurk"))
        await pilot.press("3")  # a QUANTITY by mistake
        wrong = screen.focused_span_id
        await pilot.press("l")
        assert type(app.screen).__name__ == "LabelPicker"
        await pilot.press("1")  # the scheme's key of ACTOR
        assert app.screen is screen
        assert stored(store)[wrong] == ("ACTOR", "Brett Mc Gurk", {})
        assert screen.focused_span_id == wrong and "ACTOR" in screen_text(app)
        # link the quote to its speaker, then relabel the speaker: the link stays (an ACTOR may speak)
        screen.focus_span(quote)
        await pilot.press("s", *"gurk", "enter")
        assert stored(store)[quote][2] == {"speaker": wrong}
        # relabelling the quote: attributes its new label lacks are dropped, one undo brings them back
        before = stored(store)
        await pilot.press("l", "2")
        assert stored(store)[quote] == ("DATE", "La coalition compte 75 membres", {})
        await pilot.press("ctrl+z")
        assert stored(store) == before
        assert any("Undid: relabel 'La coalition compte 75 membres' QUOTE → DATE (dropped: speaker)" in n
                   for n in notes(app))
        # escape in the picker changes nothing
        await pilot.press("l", "escape")
        assert stored(store) == before


async def test_e_then_the_selection_keys_then_e_moves_the_edges(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        view = screen.view
        view.select(*at("Brett Mc"))
        await pilot.press("1", "enter", "space", "down", "enter", "enter")  # an ACTOR with a kind
        sid = screen.focused_span_id
        kind = stored(store)[sid][2]
        assert kind and list(kind) == ["kind"]
        await pilot.press("e")  # the span's text becomes the selection
        assert view.selection == at("Brett Mc")
        await pilot.press(*["shift+right"] * 5, "e")  # " Gurk" more, then the edges move
        assert stored(store)[sid] == ("ACTOR", "Brett Mc Gurk", kind), "same id, attributes kept"
        assert screen.focused_span_id == sid and view.selection is None
        await pilot.press("ctrl+z")
        assert stored(store)[sid] == ("ACTOR", "Brett Mc", kind)
        assert any("Undid: move the edges of ACTOR 'Brett Mc' → 'Brett Mc Gurk'" in n for n in notes(app))
        # escape gives up without a change
        await pilot.press("e", "shift+left", "escape")
        assert view.selection is None and stored(store)[sid] == ("ACTOR", "Brett Mc", kind)
        # e with nothing focused explains itself
        screen.focus_span(None)
        await pilot.press("e")
        assert any("Focus a span first" in n for n in notes(app))


async def test_S_skips_the_document_and_goes_on_S_again_takes_it_back(app_store):
    app, store = app_store
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert screen.doc_id == "d"
        await pilot.press("S")
        assert store.load("d", "alice").status == "skipped"
        assert screen.doc_id == "d2", "the next document to do opens"
        await pilot.press("left_square_bracket")
        assert "skipped" in screen.header.render_text().plain
        await pilot.press("S")
        assert store.load("d", "alice").status == "in_progress" and screen.doc_id == "d"
        await pilot.press("ctrl+z")
        assert store.load("d", "alice").status == "skipped"
        assert any("Undid: mark in progress" in n for n in notes(app))


def test_new_keys_are_in_the_registry_and_refused_to_a_scheme(tmp_path):
    from annotator.errors import SchemeError
    from annotator.schema import Scheme, parse_scheme
    from annotator.tui.actions import SCREEN_ACTIONS
    from annotator.tui.app import build_app
    from tests.tui.helpers import make_store

    keys = {k: a.action for a in SCREEN_ACTIONS for k in a.keys}
    assert {keys["l"], keys["e"], keys["S"], keys["f"], keys["b"], keys["x"], keys["y"], keys["equals_sign"]} == {
        "relabel", "move_edges", "toggle_skip", "flag", "toggle_panel", "reject_suggestion", "accept_suggestion",
        "tag_occurrences"}
    store = make_store(tmp_path / "s.db")
    for key in ("l", "e", "x", "b", "S", "y", "Y", "j", "k", "o", "="):
        bad = Scheme(parse_scheme({"name": "x", "version": 1, "label": [{"name": "A", "key": key, "color": "red"}]},
                                  "bad.toml"))
        with pytest.raises(SchemeError, match=f"hotkey '{key}' is already the key of"):
            build_app(store, bad, "alice")
    store.close()
