"""Native JSONL: one export record per line (see ``schemas/record.schema.json``), and JSONL files
of plain documents (``{"id", "text", "meta"?}``). Reading validates every line with the scheme's
record model; writing streams lines to a file written atomically.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import IO, Any

from pydantic import ValidationError

from annotator.errors import Problem
from annotator.formats.atomic import atomic_output
from annotator.formats.item import Item
from annotator.formats.lines import read_json_lines
from annotator.formats.problems import ProblemLog, problems_from_validation
from annotator.model.document import Document
from annotator.schema import Scheme
from annotator.store.base import NewDocument

RECORD_KEYS = frozenset({"spans", "text_sha256", "annotator", "status", "schema", "schema_version", "flags"})


def _canonical_span(s: dict[str, Any]) -> dict[str, Any]:
    attrs = s.get("attrs") or {}
    if None in attrs.values():
        attrs = {k: v for k, v in attrs.items() if v is not None}
    out = {"id": s["id"], "start": s["start"], "end": s["end"], "label": s["label"], "text": s["text"],
           "attrs": attrs, "source": s.get("source", "manual")}
    if s.get("provenance") is not None:
        out["provenance"] = s["provenance"]
    return out


def canonical_record(obj: dict[str, Any], annotator: str) -> dict[str, Any]:
    """The parts of a VALIDATED record dict that the store keeps, in canonical form: defaults
    filled in, unset (None) attributes dropped. Spans already canonical are kept as they are."""
    spans = obj.get("spans", [])
    for i, s in enumerate(spans):
        if len(s) != 7 or "source" not in s or "attrs" not in s or None in s["attrs"].values():
            spans = [_canonical_span(x) for x in spans]
            break
    flags = [{k: v for k, v in f.items() if v is not None} for f in obj.get("flags", [])]
    return {"annotator": obj.get("annotator") or annotator, "status": obj.get("status", "todo"), "spans": spans,
            "flags": flags, "updated_at": obj.get("updated_at")}


def _key(doc_id: str, annotator: str) -> int:
    """A compact key for duplicate detection (8 bytes of BLAKE2b): memory stays small on big files."""
    digest = hashlib.blake2b(f"{doc_id}\x00{annotator}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def read_jsonl(f: IO[bytes], name: str, scheme: Scheme, annotator: str, log: ProblemLog) -> Iterator[Item]:
    """Items of a JSONL file of records or documents; problems go to ``log`` and their lines are skipped."""
    seen: dict[int, int] = {}
    for line in read_json_lines(f, name):
        if line.problem is not None:
            log.add(line.problem)
            continue
        obj = line.value
        if RECORD_KEYS & obj.keys():
            try:
                rec = scheme.validate_record(obj)
            except ValidationError as exc:
                log.extend(problems_from_validation(exc, name, line.number))
                continue
            canon = canonical_record(obj, annotator)
            key = _key(rec.id, canon["annotator"])
            if key in seen:
                log.add(Problem(name, line.number, "id",
                                f"document {rec.id!r} of annotator {canon['annotator']!r} is already on line {seen[key]}"))
                continue
            seen[key] = line.number
            # a record's meta is kept as it is, so that export then import is the identity
            yield Item(NewDocument(rec.id, rec.text, rec.text_sha256, rec.meta, f"{name}:{line.number}"), canon, line.number)
        else:
            try:
                doc = Document.model_validate(obj)
            except ValidationError as exc:
                log.extend(problems_from_validation(exc, name, line.number))
                continue
            key = _key(doc.id, "")
            if key in seen:
                log.add(Problem(name, line.number, "id", f"document {doc.id!r} is already on line {seen[key]}"))
                continue
            seen[key] = line.number
            meta = dict(doc.meta)
            meta.setdefault("source", name)
            yield Item(NewDocument(doc.id, doc.text, doc.text_sha256, meta, f"{name}:{line.number}"), None, line.number)


def write_jsonl(lines: Iterable[bytes], dest: str, *, on_line: Any = None) -> int:
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
