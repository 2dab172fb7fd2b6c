"""Computing something in a forked child process while this one does something else.

A forked child starts at once with everything this process has built (no pickling of the
inputs, no main module run again) and sends its result back through a pipe. Where ``fork`` is
missing (Windows, macOS defaults) or the machine has one core, or the child fails or dies, the
work is done in this process instead: the answer is the same either way, only the time differs.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Item = TypeVar("Item")
Out = TypeVar("Out")
Extra = TypeVar("Extra")

# Below this much input, work split across forked processes costs more than it saves.
FORK_MIN_BYTES = 4 * 1024 * 1024


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and (os.cpu_count() or 1) > 1)


def _run(fn: Callable[..., Any], args: tuple, conn: Any) -> None:
    try:
        result = (True, fn(*args))
    except BaseException:  # the parent computes it again, and meets the error itself
        result = (False, None)
    try:
        conn.send(result)
    finally:
        conn.close()


class Forked(Generic[T]):
    """``fn(*args)`` started in a forked child; :meth:`result` waits for it."""

    def __init__(self, fn: Callable[..., T], *args: Any, enabled: bool = True):
        self._fn, self._args = fn, args
        self._proc: Any = None
        self._conn: Any = None
        if enabled and can_fork():
            try:
                ctx = multiprocessing.get_context("fork")
                self._conn, send = ctx.Pipe(duplex=False)
                self._proc = ctx.Process(target=_run, args=(fn, args, send), daemon=True)
                self._proc.start()
                send.close()
            except OSError:  # no process to be had: computed here when asked for
                self._proc = None

    @property
    def in_child(self) -> bool:
        return self._proc is not None

    def result(self) -> T:
        if self._proc is None:
            return self._fn(*self._args)
        try:
            ok, value = self._conn.recv()
        except (EOFError, OSError):
            ok, value = False, None
        finally:
            self._conn.close()
            self._proc.join()
            self._proc = None
        return value if ok else self._fn(*self._args)


def split_point(sizes: list[int]) -> int:
    """Where to cut a list of texts of these sizes in two of about the same size, the second half
    for a forked child (0: not worth a second process)."""
    total = sum(sizes)
    if total < FORK_MIN_BYTES or len(sizes) < 2 or not can_fork():
        return 0
    acc = 0
    for k, size in enumerate(sizes):
        acc += size
        if acc >= total / 2:
            return k + 1
    return 0  # pragma: no cover


def in_two_halves(items: list[Item], size: Callable[[Item], int], one: Callable[[Item], Out],
                  batch: Callable[[list[Item]], tuple[list[Out], Extra]],
                  merge: Callable[[Extra], None]) -> Iterator[Out]:
    """``one(item)`` of each item, in order; when the items are big enough (:func:`split_point`
    by ``size``), the second half is done meanwhile by ``batch`` in a forked child (started at
    the first result asked for), whose results follow this process's and whose extra (a tally)
    goes to ``merge``."""
    cut = split_point([size(item) for item in items])
    child = Forked(batch, items[cut:]) if cut else None
    for item in items[:cut] if cut else items:
        yield one(item)
    if child is not None:
        results, extra = child.result()
        merge(extra)
        yield from results
