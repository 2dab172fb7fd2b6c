"""Turning the models' validation errors into :class:`Problem` lines (``FILE:LINE: field: message``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.errors import Problem
from annotator.model.patterns import PATTERN_RULES

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails


def format_loc(loc: tuple[int | str, ...]) -> str:
    """``("spans", 3, "QUOTE", "attrs", "speaker")`` -> ``spans[3].attrs.speaker``.

    The label that pydantic adds after a span's index (the union's tag) is dropped.
    """
    out = ""
    prev_int = False
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            prev_int = True
            continue
        if prev_int and i >= 2 and loc[i - 2] == "spans" and part.isupper():
            prev_int = False
            continue
        out += ("." if out else "") + part
        prev_int = False
    return out


def error_message(err: ErrorDetails) -> str:
    """pydantic's message for one error, in words where pydantic would show a regular expression."""
    if err["type"] == "string_pattern_mismatch":
        pattern = str(err.get("ctx", {}).get("pattern", ""))
        value = err.get("input")
        shown = repr(value if not isinstance(value, str) or len(value) <= 40 else value[:39] + "…")
        rule = PATTERN_RULES.get(pattern)
        if rule is not None:
            return f"{shown}: {rule}"
        if len(pattern) > 60:
            return f"{shown} does not have the expected form"
    return err["msg"]


def problems_from_validation(exc: ValidationError, file: str | None, line: int | None) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        if err["type"] == "record_rules":
            for field, msg in err["ctx"]["problems"]:
                problems.append(Problem(file, line, field, msg))
            continue
        field = format_loc(err["loc"]) or None
        msg = error_message(err)
        if err["type"] == "missing":
            msg = "missing field"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "union_tag_invalid":
            field = (field + ".label") if field else "label"
            msg = f"unknown label {err['ctx'].get('tag')!r} (the scheme has {err['ctx'].get('expected_tags')})"
        problems.append(Problem(file, line, field, msg))
    return problems
