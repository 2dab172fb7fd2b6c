"""Token boundaries of many documents, computed in a worker process while the documents are
still being read: for ``annotator agree`` on a large corpus, tokenizing (for per-token kappa) costs
about as much as reading and validating the files, and the two can run side by side.

Texts are sent to the worker (forked, where the system can fork) in batches as they are first
seen; nothing is started before the first batch is full, so a small corpus never starts a
process. A text that was not sent, or a worker that failed, is tokenized in this process instead:
the result is always the same as :func:`annotator.agreement.units.token_bounds`.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from annotator.agreement.units import token_bounds

Bounds = tuple[np.ndarray, np.ndarray]


def _batch(texts: list[str]) -> list[Bounds]:
    return [token_bounds(t) for t in texts]


class TokenPrefetch:
    """``submit(text)`` while reading; then call the object as the ``tokens`` function of
    :func:`annotator.agreement.report.agreement`. Use it as a context manager (or ``close()``)."""

    def __init__(self, batch: int = 250, workers: int | None = None):
        self.batch = batch
        self.workers = workers if workers is not None else min(2, (os.cpu_count() or 1) - 1)
        if "fork" not in multiprocessing.get_all_start_methods():
            self.workers = 0  # a spawned worker would re-run the caller's main module: not worth the risk
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[str] = []
        self._futures: list[tuple[list[str], Future]] = []
        self._done: dict[str, Bounds] = {}

    def submit(self, text: str) -> None:
        if self.workers < 1:
            return
        self._pending.append(text)
        if len(self._pending) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        try:
            if self._pool is None:
                # fork: the worker starts at once, with the tokenizer already imported, and runs no
                # main module again; it only tokenizes (no threads, no shared state)
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            self._futures.append((self._pending, self._pool.submit(_batch, self._pending)))
        except Exception:  # no worker after all: everything is tokenized here when asked for
            self.workers = 0
        self._pending = []

    def _collect(self) -> None:
        if self._pool is not None:
            self._flush()
        self._pending = []  # too few to be worth a process: tokenized here when asked for
        for texts, future in self._futures:
            try:
                results = future.result()
            except Exception:  # a worker that died: those texts are tokenized here
                continue
            self._done.update(zip(texts, results))
        self._futures = []

    def __call__(self, text: str) -> Bounds:
        found = self._done.get(text)
        if found is None and (self._futures or self._pending):
            self._collect()
            found = self._done.get(text)
        return found if found is not None else token_bounds(text)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> TokenPrefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
