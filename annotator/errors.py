"""Errors that reach the user: each names the file, the line and the field when it knows them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str | None
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class ProblemLog:
    """Keeps the first ``limit`` problems and counts the rest."""

    def __init__(self, limit: int = 50):
        self.limit = limit
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p)

    def __bool__(self) -> bool:
        return self.total > 0

    def lines(self) -> list[str]:
        out = [str(p) for p in self.kept]
        if self.total > len(self.kept):
            out.append(f"... and {self.total - len(self.kept)} more problem(s)")
        return out


class AnnotatorError(Exception):
    """An error the CLI prints as it is (no traceback) and exits 1 for."""

    exit_code = 1


class UsageError(AnnotatorError):
    """Bad command-line usage: exit code 2."""

    exit_code = 2


class InvalidData(AnnotatorError):
    """Input that breaks the rules; carries every problem found (the CLI lists them)."""

    def __init__(self, problems: list[Problem], total: int | None = None, summary: str | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        self.summary = summary
        first = str(problems[0]) if problems else (summary or "invalid data")
        super().__init__(first if self.total == 1 else f"{first} (and {self.total - 1} more)")


class SchemeError(AnnotatorError):
    """A malformed label scheme: names the file and the entry."""


class StoreError(AnnotatorError):
    """The store file cannot be used (not a store, damaged, newer format, locked for too long)."""


class OutputError(AnnotatorError):
    """Output that cannot be written where it was asked (no space left, a folder in the way...)."""


class ActionRefused(AnnotatorError):
    """A user action that the rules refuse (invalid attribute, span out of range...).

    ``field`` names what was wrong (e.g. ``attrs.value``) so a form can show it in place.
    """

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)
