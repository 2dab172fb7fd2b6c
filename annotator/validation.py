"""Checking native JSONL files against the scheme without importing them (``annotator validate``)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from annotator.errors import Problem, ProblemLog
from annotator.schema import Scheme


@dataclass(slots=True)
class FileVerdict:
    problems: list[Problem]
    total: int
    good_lines: int


def validate_file(path: str, scheme: Scheme, limit: int = sys.maxsize) -> FileVerdict:
    """Every problem of one file (the first ``limit`` kept). A big file is checked on every core."""
    from annotator.formats.parallel import start_check, worth_it

    try:
        f = open(path, "rb")
    except OSError as exc:
        return FileVerdict([Problem(path, None, None, f"cannot read: {exc.strerror or exc}")], 1, 0)
    with f:
        if worth_it(path):
            check = start_check(path, scheme, "-", parts=os.cpu_count() or 2, limit=limit)
            problems, total = check.result(limit)
            return FileVerdict(problems, total, check.good_lines)
        from annotator.formats.jsonl import check_jsonl

        log = ProblemLog(limit)
        good = check_jsonl(f, path, scheme, "-", log)
        return FileVerdict(log.kept, log.total, good)
