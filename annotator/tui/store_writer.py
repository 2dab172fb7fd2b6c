"""Store writes off the event loop: one daemon thread runs them in order.

A write usually takes a millisecond or two; the screen waits for it (``SYNC_WAIT_S``) and goes on
as if it had run in place. Only when it takes longer (another process holds the store's write
lock, for up to the store's busy timeout) does the screen stop waiting: keys keep working, the
header says the store is being waited for, and the outcome is shown when the commit returns, so
the screen still says saved only once the store has committed.

While a write waits, nothing else may use the store's connection (a read would wait behind it on
the connection's lock), so the screen refuses what needs the store until the write is done.
The thread is a daemon: quitting does not wait for a write that has not got the lock (it was never
shown as saved).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

# How long a key waits for its write before the write goes on in the background. Far above a
# normal durable action (about 1 ms), far below the store's busy timeout (15 s).
SYNC_WAIT_S = 0.1


class StoreWriter:
    """Runs callables, in the order given, on one daemon thread; each gets a Future."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((job, future))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="annotator-store-writer", daemon=True)
            self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            job, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
