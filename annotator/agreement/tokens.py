"""Token boundaries of many documents, computed in a worker process while the documents are
still being read: for ``annotator agree`` on a large corpus, tokenizing (for per-token kappa) costs
about as much as reading and validating the files, and the two can run side by side.

Texts go to the worker (forked, where the system can fork) in batches through a queue as they
are first seen (its feeder thread writes them, so reading never waits on the worker); the worker
keeps its results until it is asked for them. Nothing is started before the first batch is full,
so a small corpus never starts a process. A text that was not sent, or a worker that failed, is tokenized in this
process instead: the result is always that of :func:`annotator.agreement.units.token_bounds`.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import numpy as np

from annotator.agreement.units import token_bounds

Bounds = tuple[np.ndarray, np.ndarray]


def _worker(queue: Any, conn: Any) -> None:
    """Tokenize every batch from ``queue``; on ``None``, send all the results back and stop."""
    results = [[token_bounds(t) for t in texts] for texts in iter(queue.get, None)]
    conn.send(results)
    conn.close()


class TokenPrefetch:
    """``submit(text)`` while reading; then call the object as the ``tokens`` function of
    :func:`annotator.agreement.report.agreement`. Use it as a context manager (or ``close()``)."""

    def __init__(self, batch: int = 250, enabled: bool | None = None):
        self.batch = batch
        if enabled is None:
            enabled = (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()
        self.enabled = enabled
        self._process: Any = None
        self._queue: Any = None
        self._conn: Any = None
        self._sent: list[list[str]] = []
        self._pending: list[str] = []
        self._done: dict[str, Bounds] = {}

    def submit(self, text: str) -> None:
        if not self.enabled:
            return
        self._pending.append(text)
        if len(self._pending) >= self.batch:
            self._send()

    def _send(self) -> None:
        try:
            if self._process is None:
                ctx = multiprocessing.get_context("fork")  # starts at once; runs no main module again
                self._queue = ctx.Queue()
                self._queue.cancel_join_thread()  # never wait at exit for a worker that is gone
                self._conn, child = ctx.Pipe(duplex=False)
                self._process = ctx.Process(target=_worker, args=(self._queue, child), daemon=True)
                self._process.start()
                child.close()
            self._queue.put(self._pending)
            self._sent.append(self._pending)
        except Exception:  # no worker after all: everything is tokenized here when asked for
            self._stop()
        self._pending = []

    def _collect(self) -> None:
        """Take the worker's results (waiting for the last batches) and stop it."""
        self._pending = []  # too few to be worth sending: tokenized here when asked for
        if self._process is None:
            return
        try:
            self._queue.put(None)
            for texts, bounds in zip(self._sent, self._conn.recv()):
                self._done.update(zip(texts, bounds))
        except Exception:  # a worker that died: those texts are tokenized here
            pass
        self._stop()

    def _stop(self, wait: float = 1.0) -> None:
        self.enabled = False
        self._sent = []
        for end in (self._conn, self._queue):
            if end is not None:
                end.close()
        self._conn = self._queue = None
        if self._process is not None:
            self._process.join(timeout=wait)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None

    def __call__(self, text: str) -> Bounds:
        found = self._done.get(text)
        if found is None and (self._process is not None or self._pending):
            self._collect()
            found = self._done.get(text)
        return found if found is not None else token_bounds(text)

    def close(self) -> None:
        """Stop the worker; unless its results were collected, without waiting for it."""
        self._pending = []
        self._stop(wait=0)

    def __enter__(self) -> TokenPrefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
