"""Reading what annotators did into columns: native JSONL files (big ones in parallel parts), the
store, or one document's records (the review screen's panel).

Each reader turns records into a :class:`~annotator.agreement.batch.Batch` of columns;
:func:`annotator.agreement.corpus.assemble` joins batches into the corpus that every figure is
computed from.

A big set of files is read by as many processes as there are cores: the files are cut at line
starts into that many parts, and reader k takes part k of *every* file. Exports list documents in
the same order, so the records of one document mostly land in one reader, which tokenizes its
text once. Every line is validated: by the fast decoder (:mod:`annotator.schema.record_decoder`)
and, for any line it refuses, by the pydantic record model, whose problems are reported.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from annotator.agreement.batch import Batch, Extractor
from annotator.errors import Problem
from annotator.forking import FORK_MIN_BYTES, Forked, can_fork
from annotator.model.rules import SpanColumns
from annotator.store.base import Part, RecordQuery, Store

# Below this many bytes in all, the files are read in this process (a fork costs more).
PARALLEL_MIN_BYTES = FORK_MIN_BYTES


def file_annotator(path: str) -> str:
    """The annotator of records that name none: the file's name without its suffix, as it is (it
    only labels figures; rewriting it could make two files one annotator)."""
    return Path(path).name.removesuffix(".jsonl") or "annotator"


# -- native JSONL files ---------------------------------------------------------------------------

@dataclass(slots=True)
class Source:
    path: str
    annotator: str  # for records that name none
    parts: list[tuple[int, int | None]]  # (start byte, end byte or None: to the end) of each part


def _careful(path: str, number: int, offset: int, body: bytes, scheme: Any, ex: Extractor) -> Any:
    """The pydantic record model's verdict on one line: the record, or None (problems logged)."""
    from pydantic import ValidationError

    from annotator.files.lines import parse_line
    from annotator.model.problems import problems_from_validation
    from annotator.model.types import RECORD_ONLY_KEYS

    line = parse_line(path, number, offset, body)
    if line.problem is not None:
        ex.problem(line.problem)
        return None
    if not RECORD_ONLY_KEYS & line.value.keys():
        ex.problem(Problem(path, number, None, "a document without annotations (expected export records)"))
        return None
    try:
        return scheme.validate_record(line.value)
    except ValidationError as exc:
        for p in problems_from_validation(exc, path, number):
            ex.problem(p)
        return None


def read_part(sources: Sequence[Source], part: int, scheme: Any, decoder: Any, labels: Sequence[str],
              limit: int = 50, tokenize: bool = True) -> Batch:
    """Part ``part`` of every source file, every line validated. Line numbers count from the
    part's start (:func:`annotator.agreement.corpus.assemble` makes them the file's)."""
    from annotator.files.lines import body_lines, too_long

    ex = Extractor(labels, scheme.ref_attrs, limit)
    decode = decoder.decode
    for s_index, src in enumerate(sources):
        ex.source = s_index
        if part >= len(src.parts):
            ex.batch.lines_in.append(0)
            continue
        start, stop = src.parts[part]
        number = 0
        try:
            f = open(src.path, "rb")  # noqa: SIM115 (closed by the with below; here only opening fails)
        except OSError as exc:
            if part == 0:
                ex.problem(Problem(src.path, None, None, f"cannot read: {exc.strerror or exc}"))
            ex.batch.lines_in.append(0)
            continue
        with f:
            if start:
                f.seek(start)
            for number, offset, body in body_lines(f, 1, start, stop):
                if body is None:
                    problem = too_long(src.path, number).problem
                    assert problem is not None  # the line's only content
                    ex.problem(problem)
                    continue
                done = decode(body)
                if done is not None:
                    rec, cols = done
                else:
                    rec = _careful(src.path, number, offset, body, scheme, ex)
                    if rec is None:
                        continue
                    cols = SpanColumns.of(rec.spans)
                ex.add(s_index, number, rec.id, rec.text, rec.text_sha256, rec.annotator or src.annotator,
                       rec.status, cols)
        ex.batch.lines_in.append(number)
    return ex.finish(tokenize)


def plan_sources(paths: Sequence[str], parts: int) -> list[Source]:
    """Each file cut into ``parts`` byte ranges at line starts (fewer for a small file); the last
    one reads to the end. A pipe (``/dev/stdin``, ``<(...)``) is one part, read as it comes."""
    out = []
    for p in paths:
        pieces: list[tuple[int, int | None]] = [(0, None)]
        try:
            if parts > 1 and stat.S_ISREG(os.stat(p).st_mode):
                size = os.path.getsize(p)
                with open(p, "rb") as f:
                    starts = [0]
                    for k in range(1, parts):
                        f.seek(max(starts[-1], size * k // parts))
                        f.readline()  # to the start of the next line
                        if f.tell() >= size:
                            break
                        starts.append(f.tell())
                pieces = list(zip(starts, [*starts[1:], None]))
        except OSError:
            pass  # read_part reports the file it cannot open
        out.append(Source(p, file_annotator(p), pieces))
    return out


def readers_for(paths: Sequence[str]) -> int:
    """How many processes should read these files: one per core for a big set, else one."""
    try:
        size = sum(os.path.getsize(p) for p in paths if stat.S_ISREG(os.stat(p).st_mode))
    except OSError:
        return 1
    if size < PARALLEL_MIN_BYTES or not can_fork():
        return 1
    return max(1, min(os.cpu_count() or 1, 8, size // (PARALLEL_MIN_BYTES // 2)))


def read_files(paths: Sequence[str], scheme: Any, labels: Sequence[str], limit: int = 50,
               readers: int | None = None) -> tuple[list[Batch], list[Source]]:
    """Batches of every part of ``paths``, in order (part 0 read here, the others by forked
    children at the same time)."""
    from annotator.text.token_arrays import prepare

    readers = readers_for(paths) if readers is None else readers
    sources = plan_sources(paths, readers)
    decoder = scheme.decoder()
    prepare()  # the tokenizer's tables, built once for every reader
    n_parts = max((len(s.parts) for s in sources), default=1)
    return _every_part(partial(read_part, sources, scheme=scheme, decoder=decoder, labels=labels, limit=limit),
                       list(range(n_parts))), sources


# -- the store and one document ---------------------------------------------------------------

def read_store_part(store: Store, part: Part | None, decoder: Any, ref_attrs: Any,
                    labels: Sequence[str]) -> Batch:
    """The records of one part of the store's documents (validated when they were stored)."""
    import orjson

    ex = Extractor(labels, ref_attrs)
    for r in store.iter_records(RecordQuery(part=part)):
        assert r.annotator is not None  # records only: no to-do rows for untouched documents
        spans = decoder.decode_stored_spans(r.spans)
        if spans is not None:
            ex.add(0, None, r.id, r.text, r.text_sha256, r.annotator, r.status, SpanColumns.of(spans))
        else:  # stored under an older scheme, say: read as it is
            spans = orjson.loads(r.spans)
            ex.add(0, None, r.id, r.text, r.text_sha256, r.annotator, r.status, dict_columns(spans))
    return ex.finish()


def read_store(store: Store, scheme: Any, labels: Sequence[str], readers: int | None = None) -> list[Batch]:
    """Every annotator's records in the store, a part of its documents per core for a big store
    (each part in a snapshot of its own: a document is read whole, from one moment)."""
    from annotator.text.token_arrays import prepare

    decoder = scheme.decoder()
    if readers is None:
        big = store.size_hint() >= PARALLEL_MIN_BYTES
        readers = (os.cpu_count() or 1) if big and can_fork() else 1
    parts: list[Part | None] = list(store.parts(readers)) if readers > 1 else [None]
    prepare()
    return _every_part(partial(read_store_part, store, decoder=decoder, ref_attrs=scheme.ref_attrs, labels=labels),
                       parts)


def _every_part(read: Callable[[Any], Batch], parts: Sequence[Any]) -> list[Batch]:
    """``read(part)`` of every part, in order: the first here, the others in forked children at
    the same time."""
    children = [Forked(read, part) for part in parts[1:]]
    return [read(parts[0]), *(child.result() for child in children)]


def dict_columns(spans: Sequence[Mapping[str, Any]]) -> SpanColumns:
    return SpanColumns([s["id"] for s in spans], [s["start"] for s in spans], [s["end"] for s in spans],
                       [s["label"] for s in spans], [s.get("text", "") for s in spans], spans)


def read_records(docs: Iterable[tuple[str, str, str, Mapping[str, Sequence[Mapping[str, Any]]]]], ref_attrs: Any,
                 labels: Sequence[str]) -> Batch:
    """``(document id, text, text_sha256, {annotator: spans as dicts})``, all counted as done."""
    ex = Extractor(labels, ref_attrs)
    for doc_id, text, sha, records in docs:
        for annotator, spans in records.items():
            spans = list(spans)
            ex.add(0, None, doc_id, text, sha, annotator, "done", dict_columns(spans))
    return ex.finish()
