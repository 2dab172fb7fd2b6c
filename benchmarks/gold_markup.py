"""The gold set of the suggesters, from its markup (``tests/data/suggest_gold.src``) to native JSONL
records (``tests/data/suggest_gold.jsonl``). The markup is described at the top of the source file.

    python -m benchmarks.gold_markup            # rewrite tests/data/suggest_gold.jsonl
    python -m benchmarks.gold_markup --check    # exit 1 when the JSONL is not what the markup gives
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.model.hashing import text_sha256

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SOURCE = DATA / "suggest_gold.src"
JSONL = DATA / "suggest_gold.jsonl"
LABELS = {"A": "ACTOR", "D": "DATE", "N": "QUANTITY", "Q": "QUOTE"}
ESCAPES = {"{nbsp}": "\u00a0", "{nnbsp}": "\u202f"}
OPEN, BAR, CLOSE = "⟦", "|", "⟧"
_HEADER = re.compile(r"^@@ doc=(?P<id>\S+)(?: date=(?P<date>\S+))? split=(?P<split>dev|test)$")


@dataclass
class _Span:
    tag: str
    header: list[str]
    start: int
    end: int = -1
    key: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    speaker: str | None = None


def _parse_body(body: str, where: str) -> tuple[str, list[_Span]]:
    for esc, char in ESCAPES.items():
        body = body.replace(esc, char)
    out: list[str] = []
    pos = 0
    stack: list[_Span] = []
    spans: list[_Span] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == OPEN:
            bar = body.index(BAR, i)
            head = body[i + 1:bar].split()
            stack.append(_Span(head[0][0], head, pos))
            i = bar + 1
            continue
        if c == CLOSE:
            span = stack.pop()
            span.end = pos
            spans.append(span)
            i += 1
            continue
        out.append(c)
        pos += 1
        i += 1
    if stack:
        raise ValueError(f"{where}: unclosed {OPEN}")
    text = "".join(out)
    for s in spans:
        first, rest = s.header[0], s.header[1:]
        if "#" in first:
            s.key = first.split("#", 1)[1]
        for item in rest:
            if item == "~":
                s.attrs["approximate"] = True
                continue
            name, value = item.split("=", 1)
            if name == "k":
                s.attrs["kind"] = value
            elif name == "v":
                s.attrs["value"] = value if s.tag == "D" else _number(value)
            elif name == "u":
                s.attrs["unit"] = value.replace("_", " ")
            elif name == "m":
                s.attrs["mode"] = value
            elif name == "s":
                s.speaker = value
            else:
                raise ValueError(f"{where}: unknown attribute {item!r}")
    return text, spans


def _number(value: str) -> int | float:
    return float(value) if "." in value else int(value)


def records() -> list[dict[str, Any]]:
    """The gold records, one per article, in the source's order."""
    out = []
    current: tuple[re.Match[str], list[str]] | None = None
    blocks: list[tuple[re.Match[str], list[str]]] = []
    for line in SOURCE.read_text(encoding="utf-8").split("\n"):
        if line.startswith("%%"):
            continue
        m = _HEADER.match(line)
        if m:
            current = (m, [])
            blocks.append(current)
        elif line.startswith("@@"):
            raise ValueError(f"bad header {line!r}")
        elif current is not None:
            current[1].append(line)
    for m, lines in blocks:
        body = "\n".join(lines).strip("\n")
        text, spans = _parse_body(body, m["id"])
        spans.sort(key=lambda s: (s.start, -s.end, s.tag))
        ids = {id(s): f"s{n}" for n, s in enumerate(spans, 1)}
        by_key = {s.key: ids[id(s)] for s in spans if s.key}
        out_spans = []
        for s in spans:
            attrs = dict(s.attrs)
            if s.speaker:
                attrs["speaker"] = by_key[s.speaker]
            out_spans.append({"id": ids[id(s)], "start": s.start, "end": s.end, "label": LABELS[s.tag],
                              "text": text[s.start:s.end], "attrs": attrs, "source": "manual"})
        meta: dict[str, Any] = {"split": m["split"]}
        if m["date"]:
            meta["date"] = m["date"]
        out.append({"id": m["id"], "text": text, "text_sha256": text_sha256(text), "meta": meta,
                    "annotator": "gold", "status": "done", "schema": "news", "schema_version": 1,
                    "spans": out_spans, "flags": [], "updated_at": "2026-01-01T00:00:00.000Z"})
    return out


def render() -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records())


def main(argv: list[str]) -> int:
    data = render()
    if "--check" in argv:
        if JSONL.read_bytes() != data:
            print(f"{JSONL} is not what {SOURCE.name} gives: run python -m benchmarks.gold_markup", file=sys.stderr)
            return 1
        return 0
    JSONL.write_bytes(data)
    print(f"wrote {JSONL} ({len(data.splitlines())} records)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
