"""Validating big JSONL files on more than one core.

Validation with the models costs about four times the JSON parsing itself, and it is the same
work line by line, so a big file is checked by forked child processes, each on a part of the file
split at line starts, while the parent does something else (the import's SQLite inserts) or checks
another part. Children send back their problems and the (document, annotator) keys they saw, so
duplicates across parts are found too. Where ``fork`` is missing (Windows, macOS defaults) or the
machine has one core, callers fall back to checking in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import Problem, ProblemLog
from annotator.forking import FORK_MIN_BYTES, can_fork
from annotator.model.types import ImportItem

PARALLEL_MIN_BYTES = FORK_MIN_BYTES  # below this size a fork costs more than it saves


def worth_it(path: str) -> bool:
    try:
        return can_fork() and os.path.getsize(path) >= PARALLEL_MIN_BYTES
    except OSError:
        return False


def split(path: str, parts: int) -> list[tuple[int, int, int]]:
    """``parts`` pieces of the file as (start byte, end byte, number of the first line)."""
    size = os.path.getsize(path)
    if size == 0 or parts <= 1:
        return [(0, size, 1)]
    with open(path, "rb") as f:
        starts = [0]
        for k in range(1, parts):
            f.seek(max(starts[-1], size * k // parts))
            while True:  # to the start of the next line, in bounded reads (a line may be very long)
                piece = f.readline(1 << 20)
                if not piece or piece.endswith(b"\n"):
                    break
            pos = f.tell()
            if pos >= size:
                break
            starts.append(pos)
        out = []
        line = 1
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else size
            out.append((start, end, line))
            f.seek(start)
            left = end - start
            while left > 0:  # count in 4 MiB reads: the part is never held whole
                chunk = f.read(min(left, 1 << 22))
                line += chunk.count(b"\n")
                left -= len(chunk)
        return out


def _check_part(path: str, scheme: Any, annotator: str, part: tuple[int, int, int], limit: int, conn: Any,
                keys: bool) -> None:
    from annotator.formats.jsonl import check_jsonl

    log = ProblemLog(limit)
    seen: dict[int, int] = {}
    start, end, first = part
    try:
        with open(path, "rb") as f:
            f.seek(start)
            good = check_jsonl(f, path, scheme, annotator, log, seen=seen, first_line=first, offset=start, stop=end)
        # only a file in several parts needs the keys back, to find duplicates across parts
        conn.send((log.kept, log.total, seen if keys else {}, good))
    except BaseException as exc:  # say so rather than leave the parent waiting
        conn.send(([Problem(path, None, None, f"could not be checked: {exc}")], 1, {}, 0))
    finally:
        conn.close()


@dataclass
class Check:
    """A check of one file running in forked children; :meth:`result` waits for it."""

    path: str
    jobs: list[tuple[Any, Any]] = field(default_factory=list)

    good_lines: int = 0  # lines that passed, once result() has returned

    def result(self, limit: int) -> tuple[list[Problem], int]:
        problems: list[Problem] = []
        total = 0
        seen: dict[int, int] = {}
        dups: list[tuple[int, int]] = []
        for proc, conn in self.jobs:
            try:
                kept, count, keys, good = conn.recv()
            except EOFError:
                died = Problem(self.path, None, None, "could not be checked (the checker died)")
                kept, count, keys, good = [died], 1, {}, 0
            self.good_lines += good
            proc.join()
            problems.extend(kept)
            total += count
            for key, line in keys.items():  # duplicates across parts
                if key in seen:
                    dups.append((line, seen[key]))
                else:
                    seen[key] = line
        if dups:  # rare: name them as the in-order check does, reading those lines again
            what = _describe(self.path, {line for line, _ in dups})
            for line, first in dups:
                problems.append(Problem(self.path, line, "id", f"{what[line]} is already on line {first}"))
            total += len(dups)
            self.good_lines -= len(dups)
        problems.sort(key=lambda p: p.line or 0)
        return problems[:limit], total


def _describe(path: str, lines: set[int]) -> dict[int, str]:
    """``document 'ID' of annotator 'NAME'`` for the given (valid) lines of a file."""
    import orjson

    out = {}
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if number in lines:
                obj = orjson.loads(raw)
                out[number] = (f"document {obj['id']!r} of annotator {obj['annotator']!r}" if obj.get("annotator")
                               else f"document {obj['id']!r}")
    return out


def start_check(path: str, scheme: Any, annotator: str, parts: int, limit: int = 50) -> Check:
    """Fork ``parts`` children that validate ``path`` (one part each) and return at once."""
    scheme.decoder()  # once, before forking, so the children inherit it
    ctx = multiprocessing.get_context("fork")
    check = Check(path)
    pieces = split(path, parts)
    for part in pieces:
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_check_part, args=(path, scheme, annotator, part, limit, send, len(pieces) > 1),
                           daemon=True)
        proc.start()
        send.close()
        check.jobs.append((proc, recv))
    return check


def read_checked_in_parallel(path: str | Path, scheme: Any, annotator: str, log: ProblemLog,
                             unread: list[int] | None = None) -> Iterator[ImportItem]:
    """A big JSONL file: a forked child validates it while this process reads it unchecked and
    hands the items to the store; the child's verdict lands in ``log`` before the last item is
    taken, so a file with any bad line is still rolled back whole. A consumer that cannot use an
    item (it was not validated yet) puts its line in ``unread``: it is reported unless the child
    reports that line anyway."""
    from annotator.formats.jsonl import read_jsonl_unchecked

    check = start_check(str(path), scheme, annotator, parts=1, limit=log.limit)
    unread = [] if unread is None else unread
    with open(path, "rb") as f:
        yield from read_jsonl_unchecked(f, str(path), annotator, unread)
    problems, total = check.result(log.limit)
    for p in problems:
        log.add(p)
    log.total += total - len(problems)
    reported = {p.line for p in problems}
    for line in unread:  # cannot happen unless the two readers disagree; never let it pass
        if line not in reported:
            log.add(Problem(str(path), line, None, "this line could not be read"))


def read_jsonl_file(path: str | Path, scheme: Any, annotator: str, log: ProblemLog, *,
                    parallel: bool = True, unread: list[int] | None = None) -> Iterator[ImportItem]:
    """The items of one JSONL file, every line validated: a big file (with ``parallel``) by a
    forked child while it is read (see :func:`read_checked_in_parallel`), a small one in order.
    A file that cannot be opened is a problem in ``log``."""
    if parallel and worth_it(str(path)):
        yield from read_checked_in_parallel(path, scheme, annotator, log, unread)
        return
    from annotator.formats.jsonl import read_jsonl  # pydantic: only when there is JSONL to read

    try:
        f = open(path, "rb")
    except OSError as exc:
        log.add(Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}"))
        return
    with f:
        yield from read_jsonl(f, str(path), scheme, annotator, log)
