"""The footer shows its keys in the screen's first frame and recomposes once per change of the
keys it shows (Textual's composed empty, then again on every bindings signal: five times on
start-up, ~10 ms each; issue 15), and still follows every change."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from annotator.tui.widgets.key_footer import KeyFooter
from tests.tui.helpers import make_app, screen_text


class Keys(Screen[None]):
    BINDINGS = [Binding("a", "alpha", "Alpha"), Binding("b", "beta", "Beta")]
    beta_on = True

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.beta_on if action == "beta" else True

    def action_alpha(self) -> None:
        pass

    def action_beta(self) -> None:
        pass


class KeysApp(App[None]):
    def get_default_screen(self) -> Screen[None]:
        return Keys()


def footer_row(app: Any) -> str:
    return screen_text(app).splitlines()[-1]


async def test_a_burst_of_binding_signals_recomposes_once_and_only_when_the_keys_change():
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert footer.recomposes == 0 and "Alpha" in footer_row(app) and "Beta" in footer_row(app)
        for _ in range(5):  # the keys shown are the same: nothing to compose again
            app.screen.refresh_bindings()
        await pilot.pause()
        assert footer.recomposes == 0
        app.screen.beta_on = False  # a key is no longer offered: gone, in one recompose for the burst
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        assert footer.recomposes == 1
        assert "Alpha" in footer_row(app) and "Beta" not in footer_row(app)


async def test_the_annotate_screen_composes_its_footer_once_with_its_first_frame(tmp_path):
    """And it is the app's first screen itself (no blank default screen composed and painted
    first), with its own stylesheet applied; its first frame has the article and the keys."""
    app, store = make_app(tmp_path / "s.db")
    try:
        frames: list[str] = []
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            frames.append(screen_text(app))  # the screen as the app is ready, before any other pass
            await pilot.pause()
            assert app.screen_stack == [screen] and screen is app.first_screen
            assert screen.query_one(KeyFooter).recomposes == 0
            assert "La coalition" in frames[0] and "quit" in frames[0].splitlines()[-1]
            assert "quit" in footer_row(app)
            view = screen.query_one("#article")
            assert view.styles.padding.left == 1  # annotate.tcss: the article's padding
    finally:
        store.close()
