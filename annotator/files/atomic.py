"""Atomic file output: write to a temporary file beside the target, fsync, rename, fsync the folder.
A reader never sees a half-written export, and a crash leaves the previous file intact."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_output(dest: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    if str(dest) == "-":
        out = sys.stdout.buffer
        yield out
        out.flush()
        return
    target = Path(dest)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; an export gets the usual permissions
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_lines(lines: Iterable[bytes], dest: str, *, on_line: Callable[[], None] | None = None) -> int:
    """Write lines (each without newline) to ``dest`` atomically (``-``: standard output)."""
    n = 0
    with atomic_output(dest) as out:
        for line in lines:
            out.write(line)
            out.write(b"\n")
            n += 1
            if on_line is not None:
                on_line()
    return n
