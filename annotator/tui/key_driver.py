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

A key's own frame (direct_paint.display) is written by the app's thread itself when Textual's
output thread has nothing left to write (:class:`PromptWriter`). Queued, it waited for that thread
to be given the interpreter: the app's thread goes on with the key's other work (the side panels,
Textual's focus events) and yields the GIL only every 5 ms (``sys.getswitchinterval``), so the
frame left 0.2-8 ms after it was ready.

Written against Textual 8.2 (pinned in pyproject.toml); ``tests/tui/test_first_paint.py`` runs
the app with this driver in a pseudo-terminal.
"""

from __future__ import annotations

import threading
from typing import IO

from textual import messages
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

from annotator.tui.first_paint import take_handed_settings


class PromptWriter(WriterThread):
    """Textual's output thread, which the app's thread may pass by when it is idle: it counts what
    it was given and what it wrote, and where the two agree nothing is queued or being written, so
    a write from the app's thread keeps the order. The terminal is written under one lock (the
    driver's input thread queues texts too, as it turns a terminal mode on); the app's thread never
    waits for it: held, the text is queued, as it always was."""

    def __init__(self, file: IO[str]) -> None:
        super().__init__(file)
        self.queued = 0  # texts given
        self.written = 0  # texts written and flushed
        self._counting = threading.Lock()  # held a moment, to move a count
        self._writing = threading.Lock()  # held while the terminal is written

    def write(self, text: str) -> None:
        with self._counting:
            self.queued += 1
        super().write(text)

    def run(self) -> None:
        write, flush, get, qsize = self._file.write, self._file.flush, self._queue.get, self._queue.qsize
        while True:
            text = get()
            if text is None:
                break
            with self._writing:
                write(text)
                if qsize() == 0:
                    flush()
                with self._counting:
                    self.written += 1
        flush()

    def write_now(self, text: str) -> bool:
        """Write ``text`` from the calling thread, if nothing is queued: whether it was."""
        if not self._writing.acquire(blocking=False):
            return False  # a text is being written
        try:
            with self._counting:
                if self.written != self.queued:
                    return False  # texts are queued: this one goes after them
            self._file.write(text)
            self._file.flush()
            return True
        finally:
            self._writing.release()


class KeysAtOnceDriver(LinuxDriver):
    def start_application_mode(self) -> None:
        super().start_application_mode()
        # Textual's output thread, swapped for one that can be passed by (what it was given so
        # far, the alternate screen and mouse modes, is written before it stops)
        if self._writer_thread is not None and self._file is not None:
            self._writer_thread.stop()
            self._writer_thread = PromptWriter(self._file)
            self._writer_thread.start()
        settings = take_handed_settings()
        if settings is not None:
            self.attrs_before = settings

    def write_now(self, data: str) -> None:
        """Write ``data`` at once from the app's thread where nothing waits to be written before
        it, else queue it as :meth:`write` does."""
        writer = self._writer_thread
        if not (isinstance(writer, PromptWriter) and writer.write_now(data)):
            self.write(data)

    def send_message(self, message: messages.Message) -> None:
        self._loop.call_soon_threadsafe(self._app.post_message, message)
