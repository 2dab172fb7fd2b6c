"""Textual's terminal driver (Linux and macOS), with keys handed to the app in one hop.

Textual's ``Driver.send_message`` wraps each event read from the terminal in a coroutine that
``asyncio.run_coroutine_threadsafe`` runs: a Task made on the loop's next turn, then run on the
turn after, only to call the app's ``post_message``. Here the loop calls ``post_message`` itself
(``call_soon_threadsafe``): one turn of the event loop less between the terminal's bytes and the
key's handler (0.3-0.8 ms a key on a slow machine, issue 15). The order is kept: events read
from the terminal still go through the loop's callbacks one after the other.

It also restores, on exit, the terminal's own settings when the article's first rows were drawn
before it started (tui/first_paint.py): it finds the quiet ones those set (no echo), which it
would otherwise keep to restore.

Written against Textual 8.2 (pinned in pyproject.toml); ``tests/tui/test_first_paint.py`` runs
the app with this driver in a pseudo-terminal.
"""

from __future__ import annotations

from textual import messages
from textual.drivers.linux_driver import LinuxDriver

from annotator.tui.first_paint import take_handed_settings


class KeysAtOnceDriver(LinuxDriver):
    def start_application_mode(self) -> None:
        super().start_application_mode()
        settings = take_handed_settings()
        if settings is not None:
            self.attrs_before = settings

    def send_message(self, message: messages.Message) -> None:
        self._loop.call_soon_threadsafe(self._app.post_message, message)
