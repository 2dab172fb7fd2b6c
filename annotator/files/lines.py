"""Reading JSON Lines safely: physical lines split on b"\\n" only, bounded in size and nesting,
with every fault reported as a :class:`Problem` naming the file, the line and what is wrong.

A UTF-8 byte-order mark may open a file. A line is at most 64 MiB; JSON nesting at most 64;
NaN/Infinity and lone surrogates are refused (orjson's strict parser); invalid UTF-8 is reported
with the byte offset in the file and how to convert it.

What annotator writes it reads back: an article's text is at most 8 MiB (UTF-8) on the way in,
whatever the format, so that its record -- text escaped, spans added, each with its text -- stays
well under the line limit; and an export refuses a line over the limit rather than write what it
could not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson

from annotator.errors import OutputError, Problem
from annotator.files.encoding import invalid_utf8

MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_TEXT_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
_MIB = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20


@dataclass(slots=True)
class Line:
    number: int  # 1-based
    value: Any  # the parsed JSON object, or None when problem is set
    problem: Problem | None = None


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests lists/objects deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            if d > limit:
                return True
            stack.extend((x, d + 1) for x in v.values() if isinstance(x, (dict, list)))
        elif isinstance(v, list):
            if d > limit:
                return True
            stack.extend((x, d + 1) for x in v if isinstance(x, (dict, list)))
    return False


def _raw_lines(f: IO[bytes], first_line: int = 1, offset: int = 0,
               stop: int | None = None) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, byte offset of the line, bytes or None when over the size limit).

    ``f`` is positioned at byte ``offset``, the start of line ``first_line``; reading ends at the
    first line that starts at or after byte ``stop`` (one part of a file split at line starts)."""
    number = first_line - 1
    while True:
        if stop is not None and offset >= stop:
            return
        chunk = f.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        start = offset
        offset += len(chunk)
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            # skip the rest of this over-long line without holding it in memory
            while True:
                more = f.readline(_CHUNK)
                offset += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield number, start, None
            continue
        yield number, start, chunk


def body_lines(f: IO[bytes], first_line: int = 1, offset: int = 0,
               stop: int | None = None) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, byte offset of the line, the line without its line break) of each non-blank
    line; None in place of a line over the size limit (see :func:`too_long`). For the
    parameters, see :func:`_raw_lines`."""
    for number, start, raw in _raw_lines(f, first_line, offset, stop):
        if raw is None:
            yield number, start, None
            continue
        if start == 0 and raw.startswith(_BOM):  # a byte-order mark may open the file (Windows editors)
            raw = raw[len(_BOM):]
            start = len(_BOM)
        body = raw.rstrip(b"\r\n")
        if body and not body.isspace():
            yield number, start, body


def read_json_lines(f: IO[bytes], name: str, *, first_line: int = 1, offset: int = 0,
                    stop: int | None = None) -> Iterator[Line]:
    """Parse each non-blank physical line as one JSON object (see :func:`_raw_lines` for parts)."""
    for number, start, body in body_lines(f, first_line, offset, stop):
        yield too_long(name, number) if body is None else parse_line(name, number, start, body)


def text_too_long(text: str) -> str | None:
    """Why an article's text is refused (over MAX_TEXT_BYTES of UTF-8), or None."""
    if len(text) * 4 <= MAX_TEXT_BYTES:  # cheap: at most 4 bytes a code point
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_TEXT_BYTES:
        return None
    return (f"the article is {size / _MIB:.1f} MiB of text; annotator takes articles up to "
            f"{MAX_TEXT_BYTES // _MIB} MiB (split it into several documents)")


def readable_line(line: bytes, what: str) -> bytes:
    """``line`` (a line an export writes, about ``what``) when annotator can read it back; else
    OutputError: what could not be read back is not written (and neither is the export)."""
    if len(line) > MAX_LINE_BYTES:
        raise OutputError(f"{what} is {len(line) / _MIB:.0f} MiB as one line, over the {MAX_LINE_BYTES // _MIB} MiB "
                          "annotator reads back: remove spans or split the document (nothing was written)")
    return line


def too_long(name: str, number: int) -> Line:
    return Line(number, None, too_long_problem(name, number))


def too_long_problem(name: str, number: int) -> Problem:
    return Problem(name, number, None, f"line longer than {MAX_LINE_BYTES // _MIB} MiB")


def parse_line(name: str, number: int, offset: int, body: bytes) -> Line:
    """One non-blank line (without its line break) parsed as a JSON object, or its problem;
    ``offset``: where the line starts in the file (for invalid UTF-8)."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return Line(number, None, _decode_problem(name, number, offset, body, exc))
    if not isinstance(value, dict):
        kinds = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
        kind = kinds.get(type(value), "null")
        return Line(number, None, Problem(name, number, None, f"expected a JSON object, found {kind}"))
    if (body.count(b"{") + body.count(b"[")) > MAX_DEPTH and depth_exceeds(value):
        return Line(number, None, Problem(name, number, None, f"JSON nested deeper than {MAX_DEPTH} levels"))
    return Line(number, value, None)


def _decode_problem(name: str, number: int, offset: int, body: bytes, exc: orjson.JSONDecodeError) -> Problem:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as ude:
        return Problem(name, number, None, invalid_utf8(name, offset + ude.start, " of the file"))
    msg = str(exc)
    if "surrogate" in msg:
        return Problem(name, number, None, f"not valid JSON: lone surrogate in a string ({msg})")
    if "NaN" in msg or "Infinity" in msg or "infinity" in msg or body.find(b"NaN") >= 0 or body.find(b"Infinity") >= 0:
        return Problem(name, number, None, f"not valid JSON (NaN and Infinity are not JSON numbers): {msg}")
    return Problem(name, number, None, f"not valid JSON: {msg}")


def good_json_lines(path: str, log: Any) -> Iterator[Line]:
    """The readable lines of a JSONL file; a file that cannot be opened and every bad line go to
    ``log`` (a ProblemLog)."""
    try:
        f = open(path, "rb")
    except OSError as exc:
        log.add(Problem(path, None, None, f"cannot read: {exc.strerror or exc}"))
        return
    with f:
        for line in read_json_lines(f, path):
            if line.problem is not None:
                log.add(line.problem)
            else:
                yield line
