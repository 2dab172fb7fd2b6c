"""The store writer: writes run in order on one thread; a key waits for its write in place unless the
write is still waiting for the store's lock after a moment (issue 11, item 14)."""

from __future__ import annotations

import threading
import time

from annotator.tui.store_writer import SYNC_WAIT_S, StoreWriter


def test_jobs_run_in_order_on_one_thread():
    writer = StoreWriter()
    seen: list[tuple[int, str]] = []
    tickets = [writer.submit(lambda i=i: seen.append((i, threading.current_thread().name)) or i) for i in range(5)]
    assert [t.future.result(timeout=30) for t in tickets] == list(range(5))
    assert [i for i, _ in seen] == list(range(5))
    assert {name for _, name in seen} == {"annotator-store-writer"}


def test_a_write_that_holds_the_lock_is_waited_for_in_place_one_that_does_not_goes_on_in_the_background():
    writer = StoreWriter()

    def slow_after_lock() -> str:
        writer.locked()  # as Session.on_locked does inside the transaction
        time.sleep(SYNC_WAIT_S * 2)  # a slow commit (fsync on a loaded disk)
        return "committed"

    ticket = writer.submit(slow_after_lock)
    assert writer.wait(ticket) is True and ticket.future.result() == "committed"

    release = threading.Event()
    ticket = writer.submit(lambda: release.wait(60) and "committed")  # never gets the lock meanwhile
    assert writer.wait(ticket) is False and not ticket.future.done()
    release.set()
    assert ticket.future.result(timeout=60) == "committed"

    def fails() -> None:
        raise RuntimeError("attempt to write a readonly database")

    ticket = writer.submit(fails)
    assert writer.wait(ticket) is True and isinstance(ticket.future.exception(), RuntimeError)
