"""Text that is not UTF-8: the message that says where, and how to convert it."""

from __future__ import annotations

import shlex
from pathlib import PurePath


def invalid_utf8(name: str, at: int, where: str = "") -> str:
    """The problem of a file ``name`` that is not UTF-8 at byte ``at`` (``where``: e.g. " of the
    file"), with the command that converts the usual culprit (a Latin-1 / Windows-1252 export)."""
    path = PurePath(name)
    converted = path.with_name(f"{path.stem}.utf8{path.suffix}") if path.suffix else path.with_name(f"{path.name}.utf8")
    return (f"invalid UTF-8 at byte {at}{where}: annotator reads UTF-8; if the file is Latin-1 or Windows-1252, "
            f"convert it first: iconv -f WINDOWS-1252 -t UTF-8 {shlex.quote(name)} > {shlex.quote(str(converted))}")
