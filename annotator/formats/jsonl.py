"""Native JSONL, both ways: reading SOURCES (``.txt`` articles, folders of them, JSONL files of
export records or of plain documents ``{"id", "text", "meta"?}``), every line validated with the
scheme's record model; and writing export records, one per line, the stored JSON spliced in
unparsed (see ``schemas/record.schema.json``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from annotator.errors import Problem, ProblemLog
from annotator.files.lines import Line, read_json_lines, readable_line, text_too_long
from annotator.model.hashing import text_sha256
from annotator.model.types import RECORD_ONLY_KEYS, Flag, ImportItem, NewDocument, RecordDict, RecordParts, Span

if TYPE_CHECKING:
    from annotator.formats.common import Options, Report
    from annotator.schema import Scheme
    from annotator.store.base import StoredRecord

SUFFIXES = (".txt", ".jsonl")

_CANONICAL_SPAN_KEYS = frozenset({"id", "start", "end", "label", "text", "attrs", "source"})


def _canonical_span(s: dict[str, Any]) -> Span:
    attrs = s.get("attrs") or {}
    if None in attrs.values():
        attrs = {k: v for k, v in attrs.items() if v is not None}
    out: Span = {"id": s["id"], "start": s["start"], "end": s["end"], "label": s["label"], "text": s["text"],
           "attrs": attrs, "source": s.get("source", "manual")}
    if s.get("provenance") is not None:
        out["provenance"] = s["provenance"]
    return out


def _canonical_flag(f: dict[str, Any]) -> Flag:
    out: Flag = {"id": f["id"], "comment": f["comment"]}
    if f.get("at") is not None:
        out["at"] = f["at"]
    return out


def canonical_record(obj: dict[str, Any], annotator: str) -> RecordParts:
    """The parts of a VALIDATED record dict that the store keeps, in canonical form: defaults
    filled in, unset (None) attributes dropped. Spans already canonical are kept as they are."""
    spans = obj.get("spans", [])
    for s in spans:
        if s.keys() != _CANONICAL_SPAN_KEYS or None in s["attrs"].values():
            spans = [_canonical_span(x) for x in spans]
            break
    flags = [_canonical_flag(f) for f in obj.get("flags", [])]
    return {"annotator": obj.get("annotator") or annotator, "status": obj.get("status", "todo"), "spans": spans,
            "flags": flags, "updated_at": obj.get("updated_at")}


def _key(doc_id: str, annotator: str) -> int:
    """A compact key for duplicate detection (8 bytes of BLAKE2b): memory stays small on big files."""
    digest = hashlib.blake2b(f"{doc_id}\x00{annotator}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def read_jsonl(f: IO[bytes], name: str, scheme: Scheme, annotator: str, log: ProblemLog, *,
               seen: dict[int, int] | None = None) -> Iterator[ImportItem]:
    """Items of a JSONL file of records or documents, every line validated; problems go to ``log``
    and their lines are skipped. ``seen`` collects (document, annotator) keys -> line."""
    seen = {} if seen is None else seen
    for line in read_json_lines(f, name):
        item = _checked(line, name, scheme, annotator, log, seen, build=True)
        if isinstance(item, ImportItem):
            yield item


def check_jsonl(f: IO[bytes], name: str, scheme: Scheme, annotator: str, log: ProblemLog, *,
                seen: dict[int, int] | None = None, first_line: int = 1, offset: int = 0,
                stop: int | None = None) -> int:
    """Check a JSONL file of records or documents without building its items: the number of good
    lines; problems go to ``log``. ``first_line``/``offset``/``stop`` check one part of a file
    (see ``formats.parallel``). Records are checked by the scheme's fast decoder first: a line it
    accepts is a valid record; any other goes through the JSON parser and the models, which say
    what is wrong."""
    from annotator.files.lines import body_lines, parse_line, too_long_problem

    seen = {} if seen is None else seen
    good = 0
    decode = scheme.decoder().decode
    for number, start, body in body_lines(f, first_line, offset, stop):
        if body is None:
            log.add(too_long_problem(name, number))
            continue
        done = decode(body)
        if done is None:
            good += _checked(parse_line(name, number, start, body), name, scheme, annotator, log, seen,
                             build=False) is True
            continue
        rec = done.record
        big = text_too_long(rec.text)
        if big is not None:
            log.add(Problem(name, number, "text", big))
            continue
        who = rec.annotator or annotator
        key = _key(rec.id, who)
        if key in seen:
            log.add(Problem(name, number, "id", f"document {rec.id!r} of annotator {who!r} is already on line "
                                                f"{seen[key]}"))
            continue
        seen[key] = number
        good += 1
    return good


def _checked(line: Line, name: str, scheme: Scheme, annotator: str, log: ProblemLog, seen: dict[int, int], *,
             build: bool) -> ImportItem | bool:
    """One parsed line validated by the models: its item (with ``build``; else True), or False
    when it has problems (logged)."""
    from pydantic import ValidationError  # the models, only when there is JSONL to check

    from annotator.model.document import Document
    from annotator.model.problems import problems_from_validation

    if line.problem is not None:
        log.add(line.problem)
        return False
    obj = line.value
    if RECORD_ONLY_KEYS & obj.keys():
        try:
            rec = scheme.validate_record(obj)
        except ValidationError as exc:
            log.extend(problems_from_validation(exc, name, line.number))
            return False
        big = text_too_long(rec.text)
        if big is not None:
            log.add(Problem(name, line.number, "text", big))
            return False
        who = rec.annotator or annotator
        key = _key(rec.id, who)
        if key in seen:
            log.add(Problem(name, line.number, "id",
                            f"document {rec.id!r} of annotator {who!r} is already on line {seen[key]}"))
            return False
        seen[key] = line.number
        if not build:
            return True
        # a record's meta is kept as it is, so that export then import is the identity
        canon = canonical_record(obj, annotator)
        new = NewDocument(rec.id, rec.text, rec.text_sha256, rec.meta, f"{name}:{line.number}")
        return ImportItem(new, canon, line.number)
    else:
        try:
            doc = Document.model_validate(obj)
        except ValidationError as exc:
            log.extend(problems_from_validation(exc, name, line.number))
            return False
        big = text_too_long(doc.text)
        if big is not None:
            log.add(Problem(name, line.number, "text", big))
            return False
        key = _key(doc.id, "")
        if key in seen:
            log.add(Problem(name, line.number, "id", f"document {doc.id!r} is already on line {seen[key]}"))
            return False
        seen[key] = line.number
        if not build:
            return True
        meta = dict(doc.meta)
        meta.setdefault("source", name)
        return ImportItem(NewDocument(doc.id, doc.text, doc.text_sha256, meta, f"{name}:{line.number}"), None,
                          line.number)


def _plausible(canon: RecordParts) -> bool:
    """The top-level types the store relies on (the validating process checks everything else;
    spans of the wrong shape are caught where the store orders them)."""
    return (isinstance(canon["annotator"], str) and isinstance(canon["status"], str)
            and isinstance(canon["spans"], list) and isinstance(canon["flags"], list))


def read_jsonl_unchecked(f: IO[bytes], name: str, annotator: str, unread: list[int]) -> Iterator[ImportItem]:
    """Items of a JSONL file WITHOUT the models' validation, for when another process validates
    the same file at the same time (``formats.parallel``) and its verdict decides whether the
    items are kept. A line this cannot even read is skipped and its number put in ``unread``
    (nesting depth, like everything else, is the validating process's to check)."""
    import orjson

    from annotator.files.lines import body_lines

    for number, _offset, body in body_lines(f):
        try:
            if body is None:
                raise ValueError("line too long")
            obj = orjson.loads(body)
            if RECORD_ONLY_KEYS & obj.keys():
                canon = canonical_record(obj, annotator)
                doc = NewDocument(obj["id"], obj["text"], obj["text_sha256"], obj.get("meta", {}),
                                  f"{name}:{number}")
            else:
                canon = None
                meta = dict(obj.get("meta") or {})
                meta.setdefault("source", name)
                doc = NewDocument(obj["id"], obj["text"], text_sha256(obj["text"]), meta, f"{name}:{number}")
            if not (isinstance(doc.id, str) and isinstance(doc.text, str) and isinstance(doc.meta, dict)):
                raise TypeError("id, text or meta of the wrong type")
            if canon is not None and not _plausible(canon):
                raise TypeError("a field of the wrong type")
            if text_too_long(doc.text) is not None:
                raise ValueError("text too long")
        except Exception:  # the validating process reports what is wrong with this line
            unread.append(number)
            continue
        yield ImportItem(doc, canon, number)


# -- reading sources --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NativeFile:
    """A ``.txt`` or ``.jsonl`` file to read, and the id a ``.txt`` article gets: its path in the
    folder given, without the suffix (``2014/juin``); its stem when the file was named alone."""

    path: Path
    doc_id: str

    @property
    def is_text(self) -> bool:
        return self.path.suffix.lower() == ".txt"


def read_unchecked(file: NativeFile, annotator: str) -> list[ImportItem] | None:
    """The items of one native file read WITHOUT validation (to compare with what a store holds);
    None when the file or a line of it cannot be read as an item."""
    from annotator.formats.plaintext import read_text_file

    if file.is_text:
        doc = read_text_file(file.path, file.doc_id)
        return None if isinstance(doc, Problem) else [ImportItem(doc, None)]
    unread: list[int] = []
    try:
        with open(file.path, "rb") as f:
            items = list(read_jsonl_unchecked(f, str(file.path), annotator, unread))
    except OSError:
        return None
    return None if unread else items


def expand_sources(sources: Iterable[str | Path], log: ProblemLog) -> list[NativeFile]:
    """Files named, and the ``.txt``/``.jsonl`` files under folders named (recursively, sorted)."""
    files: list[NativeFile] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found = sorted(
                (f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES),
                key=lambda f: f.relative_to(p).as_posix(),
            )
            if not found:
                empty = next(p.iterdir(), None) is None
                log.add(Problem(str(p), None, None, "the folder is empty: nothing to import" if empty else
                                "the folder holds no .txt or .jsonl file (other tools' files: --format)"))
            files.extend(NativeFile(f, f.relative_to(p).with_suffix("").as_posix()) for f in found)
        elif p.is_file():
            if p.suffix.lower() not in SUFFIXES:
                log.add(Problem(str(p), None, None,
                                "unknown file type: expected .txt or .jsonl (other tools' files: --format)"))
            else:
                files.append(NativeFile(p, p.stem))
        else:
            log.add(Problem(str(p), None, None, "no such file or folder"))
    return files


def read_files(files: Iterable[NativeFile], scheme: Scheme, annotator: str, log: ProblemLog, *,
               parallel: bool = True) -> Iterator[ImportItem]:
    """The items of native files, in order: a ``.txt`` is one document, a ``.jsonl`` one item per
    line (a big one checked on another core while it is read, see ``formats.parallel``)."""
    from annotator.formats.plaintext import read_text_file

    for file in files:
        if file.is_text:
            doc = read_text_file(file.path, file.doc_id)
            if isinstance(doc, Problem):
                log.add(doc)
            else:
                yield ImportItem(doc, None)
        else:
            from annotator.formats.parallel import read_jsonl_file

            yield from read_jsonl_file(file.path, scheme, annotator, log, parallel=parallel)


def read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    """The registry's reader: one SOURCE (a file or a folder). With ``options.skip_invalid`` lines
    are checked in order, so a bad line is known before it is inserted."""
    yield from read_files(expand_sources([path], log), scheme, options.annotator, log,
                          parallel=not options.skip_invalid)


# -- writing --------------------------------------------------------------------------------------


def record_name(doc_id: str, annotator: str | None) -> str:
    """How messages name a record."""
    return f"the record of {doc_id!r}" + (f" by {annotator!r}" if annotator else "")


def record_line(r: StoredRecord, scheme_name: str, scheme_version: int) -> bytes:
    """One export record as a JSONL line (without newline), the stored JSON spliced in unparsed."""
    fragment = orjson.Fragment
    return orjson.dumps({
        "id": r.id, "text": r.text, "text_sha256": r.text_sha256, "meta": fragment(r.meta),
        "annotator": r.annotator, "status": r.status, "schema": scheme_name, "schema_version": scheme_version,
        "spans": fragment(r.spans), "flags": fragment(r.flags), "updated_at": r.updated_at,
    })


def record_dict(r: StoredRecord, scheme_name: str, scheme_version: int) -> RecordDict:
    """One export record as a dict (for writers of other formats)."""
    loads = orjson.loads
    return {"id": r.id, "text": r.text, "text_sha256": r.text_sha256, "meta": loads(r.meta),
            "annotator": r.annotator, "status": r.status, "schema": scheme_name, "schema_version": scheme_version,
            "spans": loads(r.spans), "flags": loads(r.flags), "updated_at": r.updated_at}


def write(records: Iterable[StoredRecord], dest: str, scheme: Scheme, options: Options) -> Report:
    """The registry's writer: native JSONL, streamed, memory flat in corpus size."""
    from annotator.files.atomic import write_lines
    from annotator.formats.common import Report

    name, version = scheme.name, scheme.version
    lines = (readable_line(record_line(r, name, version), record_name(r.id, r.annotator)) for r in records)
    return Report("jsonl", dest, write_lines(lines, dest))
