"""Store writes off the event loop: one daemon thread runs them in order.

A write usually takes a millisecond or two; the screen waits for it (``SYNC_WAIT_S``) and goes on
as if it had run in place. A write that has got the store's write lock by then is waited for to
its end (what is left, planning and the commit, is short). Only a write still waiting for the lock
(another process holds it, for up to the store's busy timeout) goes on in the background: keys
keep working, the header says the store is being waited for, and the outcome is shown when the
commit returns, so the screen still says saved only once the store has committed.

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
from dataclasses import dataclass
from typing import Any

# How long a key waits for a write that has not got the store's lock before the write goes on in
# the background. Far above a normal durable action (about 1 ms; tens of ms on a loaded machine),
# far below the store's busy timeout (15 s).
SYNC_WAIT_S = 0.25


@dataclass(frozen=True, slots=True)
class Ticket:
    """A write handed to the writer: its outcome, and whether it holds the store's lock yet."""

    future: Future[Any]
    locked: threading.Event


class StoreWriter:
    """Runs callables, in the order given, on one daemon thread; each gets a Ticket."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Ticket]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._current: Ticket | None = None

    def submit(self, job: Callable[[], Any]) -> Ticket:
        ticket = Ticket(Future(), threading.Event())
        self._jobs.put((job, ticket))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="annotator-store-writer", daemon=True)
            self._thread.start()
        return ticket

    def locked(self) -> None:
        """Called by the running job once it holds the store's write lock (Session.on_locked)."""
        if self._current is not None:
            self._current.locked.set()

    def wait(self, ticket: Ticket) -> bool:
        """Wait for a write in place: True once it is over; False when it still waits for the
        store's lock after ``SYNC_WAIT_S`` (it goes on in the background)."""
        try:
            ticket.future.result(timeout=SYNC_WAIT_S)
            return True
        except TimeoutError:
            pass
        except Exception:  # noqa: BLE001 - the job's own error: the caller reads it from the future
            return True
        if ticket.locked.is_set():  # it holds the lock: what is left is short, wait for it as before
            try:
                ticket.future.result()
            except Exception:  # noqa: BLE001, S110 - read by the caller
                pass
            return True
        return ticket.future.done()

    def _run(self) -> None:
        while True:
            job, ticket = self._jobs.get()
            if not ticket.future.set_running_or_notify_cancel():
                continue
            self._current = ticket
            try:
                ticket.future.set_result(job())
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                ticket.future.set_exception(exc)
            finally:
                self._current = None
