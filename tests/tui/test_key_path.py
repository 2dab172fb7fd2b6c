"""A key pressed while the article has the focus runs its binding as it arrives (issue 15).

Textual sends a key to the focused widget, then up through its container and the screen back to
the app, which looks its binding up only then: one hop through the event loop each. The app looks
the binding up at once when the article has the focus; these tests count the keys that still
travel through the widgets (none of the bound ones) and check that quick keys keep their order.
"""

from __future__ import annotations

from typing import Any

from textual import events

from tests.tui.helpers import make_app

TEXT = "Daech a perdu Mossoul en juin 2014, selon la coalition internationale.\n\n" * 30


def keys_through(widget: Any) -> list[str]:
    """The keys posted to ``widget`` from now on (Textual's forwarding and bubbling post them)."""
    seen: list[str] = []
    post = widget.post_message

    def noting(message: Any) -> bool:
        if isinstance(message, events.Key):
            seen.append(message.key)
        return post(message)

    widget.post_message = noting
    return seen


async def send(pilot: Any, *keys: str) -> None:
    """Send ``keys`` at once, as a terminal does for a quick typist, then let the app handle them."""
    for key in keys:
        pilot.app._driver.send_message(events.Key(key, None))
    await pilot.pause()
    await pilot.pause()


async def test_bound_keys_on_the_article_do_not_travel_through_the_widgets(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        view = screen.view
        assert app.focused is view
        through_view, through_screen = keys_through(view), keys_through(screen)
        await send(pilot, "right", "down", "pagedown", "pageup", "ctrl+right", "shift+right")
        assert view.cursor > 0 and view.selection is not None
        await send(pilot, "1")  # a screen binding (tag), looked up at once too
        assert len(screen.record.spans) == 1 and view.selection is None
        assert through_view == [] and through_screen == []
        await send(pilot, "f12")  # bound to nothing: it goes to the article as before
        assert through_view == ["f12"]
    store.close()


async def test_quick_keys_run_in_the_order_they_were_typed(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        # a label, moves, a label, a move and the speaker's label: all queued before the first runs
        await send(pilot, "1", "ctrl+right", "ctrl+right", "ctrl+right", "2", "ctrl+right", "1")
        spans = sorted((s["start"], s["text"], s["label"]) for s in screen.record.spans.values())
        assert [(t, lab) for _, t, lab in spans] == [("Daech", "ACTOR"), ("Mossoul", "DATE"), ("en", "ACTOR")]
        assert sorted(s["text"] for s in store.load("d", "alice").spans.values()) == ["Daech", "Mossoul", "en"]
    store.close()
