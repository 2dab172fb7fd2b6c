"""Textual's footer, composed again only when the keys it shows change.

Textual's ``Footer`` recomposes itself (a widget per key, each styled and laid out) after every
``bindings_updated_signal`` of its screen: one per focus change, per screen pushed or popped, per
app focus, per reactive declared with ``bindings=True``. On start-up that signal fired five times
between the first frame and the footer's keys, five full recomposes (~10 ms each) of the same
keys (issue 15: launch). Here a burst of signals asks for one recompose, and a recompose whose
keys would be those already shown is skipped. Written against Textual 8.2 (pinned in
pyproject.toml): ``Footer.bindings_changed`` and ``Screen.active_bindings``.

:meth:`KeyFooter.hold` keeps the keys shown while a panel that has the keys meanwhile is open (the
attribute form, which says its own keys): composing the footer's keys for it and again after it
cost a third of opening the form, and dimming them (a class, or the footer's opacity) cost as
much again: each key's widget is slow to draw.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

ShownKeys = tuple[tuple[Any, ...], ...]


class KeyFooter(Footer):
    """A :class:`textual.widgets.Footer` that recomposes once per change of the keys it shows."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.held = False  # the keys shown stay as they are (see hold)
        self._recompose_queued = False
        self._shown: ShownKeys | None = None  # the keys the last compose showed
        self.recomposes = 0  # times the keys were composed again (tests count them)

    def compose(self) -> ComposeResult:
        """The keys at once, in the screen's first frame (Textual's footer composes empty, then
        again once the screen has signalled its bindings, a frame later)."""
        self._bindings_ready = True
        self._shown = self.shown_keys()
        yield from super().compose()

    def shown_keys(self) -> ShownKeys:
        """What a compose would show: each shown binding with its enabled state and tooltip, and the
        command palette's key (everything Footer.compose reads from the screen and the app)."""
        shown = tuple((b.key, b.action, b.description, b.key_display, b.group, enabled, tooltip)
                      for (_, b, enabled, tooltip) in self.screen.active_bindings.values() if b.show)
        return (*shown, (self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE, self.compact))

    def hold(self, held: bool) -> None:
        """Keep (True) the keys shown as they are, whatever the bindings become, until released
        (False): then they follow the bindings again."""
        if held == self.held:
            return
        self.held = held
        if not held and not self._recompose_queued:  # in the footer's own turn (its keys bind to it)
            self._recompose_queued = True
            self.call_later(self._recompose_if_changed)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self.held:
            return
        if self.is_attached and screen is self.screen and not self._recompose_queued:
            self._recompose_queued = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._recompose_queued = False
        if not self.is_attached:
            return
        shown = self.shown_keys()
        if shown == self._shown:
            return
        self._shown = shown
        self.recomposes += 1
        await self.recompose()
