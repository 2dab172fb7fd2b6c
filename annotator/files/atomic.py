"""Writing output where the user asked, without ever destroying what is there by mistake.

- A regular file (or a path that does not exist yet) is replaced atomically: written to a
  temporary file beside it, fsync'ed, renamed over it, the folder fsync'ed. A reader never sees a
  half-written export, a crash leaves the previous file intact, and the new file keeps the old
  one's permissions.
- A symbolic link is followed to its target, and the TARGET is replaced that way (the link stays).
- Anything else -- a device (``/dev/full``, ``/dev/null``), a FIFO, a process substitution
  (``--out >(gzip > x.gz)``, ``/dev/fd/63``), a socket -- is written through, never replaced by a
  file; so is every path under ``/dev`` or ``/proc`` (``/dev/fd/N``, ``/dev/stdout``), whatever it
  leads to: no file is ever created there.
- ``-`` is standard output.

Every failure to write (no space left, a read-only folder, a folder in the way) is an
:class:`~annotator.errors.OutputError` naming the path: one line, no traceback.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from annotator.errors import OutputError

_BUFFER = 1 << 20
# Where no file is ever created: devices, a process's open files (``/dev/fd/63`` of ``>(...)``,
# ``/dev/stdout``), even when what a path there names is a regular file.
_SPECIAL = re.compile(r"^/(dev|proc)/")


def output_error(dest: str | os.PathLike[str], exc: OSError) -> OutputError:
    """The one-line error of a failed write to ``dest``."""
    reason = exc.strerror or str(exc)
    if exc.errno == 21:  # EISDIR
        reason = "is a folder (name a file inside it)"
    where = exc.filename if isinstance(exc.filename, str) and exc.filename != str(dest) else None
    return OutputError(f"{dest}: cannot write: {reason}" + (f" ({where})" if where else ""))


def writes_through(dest: str | os.PathLike[str]) -> bool:
    """Whether output to ``dest`` goes straight into it (a device, FIFO, socket, anything under
    /dev or /proc) rather than replacing it with a new regular file."""
    path = os.fspath(dest)
    try:
        st = os.stat(path)  # follows symbolic links: what a write would reach
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return True
    return bool(_SPECIAL.match(os.path.abspath(path)) or _SPECIAL.match(os.path.realpath(path)))


def replaced_path(dest: str | os.PathLike[str]) -> Path:
    """The regular file an atomic write of ``dest`` replaces: ``dest``, or the file its symbolic
    links lead to (created when the last link dangles)."""
    return Path(os.path.realpath(dest))


@contextmanager
def atomic_output(dest: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to write the output to; see the module's docstring for where it goes."""
    if str(dest) == "-":
        with _standard_output() as out:
            yield out
        return
    if writes_through(dest):
        with _through(dest) as f:
            yield f
        return
    if os.path.isdir(dest):
        raise OutputError(f"{dest}: is a folder (name a file inside it)")
    with _replacing(dest) as f:
        yield f


@contextmanager
def _standard_output() -> Iterator[BinaryIO]:
    out = sys.stdout.buffer
    try:
        yield out
        out.flush()
    except BrokenPipeError:
        raise  # the reader went away (``| head``): not an error of ours
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OutputError(f"standard output: cannot write: {exc.strerror or exc}") from None


@contextmanager
def _through(dest: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    try:
        f = open(dest, "wb", buffering=_BUFFER)  # a FIFO waits here for its reader
    except OSError as exc:
        raise output_error(dest, exc) from None
    try:
        try:
            yield f
        except OSError as exc:
            if exc.filename is None:  # a failed write to ``f`` (files the writer opens carry their names)
                raise output_error(dest, exc) from None
            raise
        try:
            f.flush()
        except OSError as exc:
            raise output_error(dest, exc) from None
    finally:
        _close_quietly(f)


def _close_quietly(f: BinaryIO) -> None:
    """Close ``f`` when an error is already on its way (its last flush may fail again)."""
    try:
        f.close()
    except OSError:
        pass


@contextmanager
def _replacing(dest: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    target = replaced_path(dest)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)  # a replaced file keeps its permissions
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes 0600; a new export gets the usual permissions
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise output_error(dest, exc) from None
    f = None
    try:
        os.fchmod(fd, mode)
        f = os.fdopen(fd, "wb", buffering=_BUFFER)
        try:
            yield f
        except OSError as exc:
            if exc.filename is None:
                raise output_error(dest, exc) from None
            raise
        try:
            f.flush()
            os.fsync(f.fileno())
            f.close()
            os.replace(tmp, target)
        except OSError as exc:
            raise output_error(dest, exc) from None
    except BaseException:
        if f is None:
            os.close(fd)
        else:
            _close_quietly(f)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_folder(target.parent)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make the names in ``folder`` durable (after a rename into it)."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_lines(lines: Iterable[bytes], dest: str, *, on_line: Callable[[], None] | None = None) -> int:
    """Write lines (each without newline) to ``dest`` (see :func:`atomic_output`; ``-``: standard
    output)."""
    n = 0
    with atomic_output(dest) as out:
        for line in lines:
            out.write(line)
            out.write(b"\n")
            n += 1
            if on_line is not None:
                on_line()
    return n
