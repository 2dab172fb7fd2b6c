"""Reading what annotators did into columns: native JSONL files (big ones in parallel parts), the
store, or one document's records (the review screen's panel).

Each reader turns records into a :class:`Batch`: one row per record (document, annotator,
status), the spans of the labels in scope as numeric columns, their attributes interned, and the
token boundaries of the texts it saw. :func:`annotator.agreement.corpus.assemble` joins batches
into the corpus that every figure is computed from.

A big set of files is read by as many processes as there are cores: the files are cut at line
starts into that many parts, and reader k takes part k of *every* file. Exports list documents in
the same order, so the records of one document mostly land in one reader, which tokenizes its
text once. Every line is validated: by the fast decoder (:mod:`annotator.schema.record_decoder`)
and, for any line it refuses, by the pydantic record model, whose problems are reported.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from annotator.agreement.spans import Ref
from annotator.errors import Problem
from annotator.model.rules import SpanColumns

COUNTED_STATUSES = frozenset({"in_progress", "done"})

# Below this many bytes in all, the files are read in this process (a fork costs more).
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


@dataclass(slots=True)
class Batch:
    """What one reader extracted, in reading order. ``records[r]`` is (source index, line,
    document id, text_sha256, annotator, status); its spans in scope are the next ``n_spans[r]``
    entries of the span columns. ``attrs`` index ``attr_values`` (attributes as in
    :class:`~annotator.agreement.spans.Mark`: unset ones left out, refs as :class:`Ref`).
    Tokens: the texts with sha256 ``token_sha[t]`` has ``tok_count[t]`` tokens, text after text."""

    records: list[tuple[int, int | None, str, str, str, str]] = field(default_factory=list)
    text_len: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    n_spans: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    attrs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    attr_values: list[frozenset] = field(default_factory=list)
    token_sha: list[str] = field(default_factory=list)
    tok_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    tok_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    tok_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    problems: list[Problem] = field(default_factory=list)
    problem_total: int = 0


class Extractor:
    """Builds a :class:`Batch` record by record."""

    def __init__(self, labels: Sequence[str], ref_attrs: Mapping[str, Any], limit: int = 50):
        self.code_of = {lab: i + 1 for i, lab in enumerate(labels)}
        # label -> names of its ``ref`` attributes
        self.ref_names = {label: tuple(name for name, _targets in refs) for label, refs in ref_attrs.items()}
        self.limit = limit
        self.batch = Batch()
        self._text_len: list[int] = []
        self._n_spans: list[int] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._codes: list[int] = []
        self._attrs: list[int] = []
        self._key_ids: dict[Any, int] = {}  # attributes as read (hashable) -> id
        self._value_ids: dict[frozenset, int] = {}  # canonical attributes -> id
        self._texts: dict[str, str] = {}  # sha256 -> text, to tokenize

    def problem(self, problem: Problem) -> None:
        b = self.batch
        b.problem_total += 1
        if len(b.problems) < self.limit:
            b.problems.append(problem)

    def add(self, source: int, line: int | None, doc_id: str, text: str, sha: str, annotator: str, status: str,
            cols: SpanColumns, attrs: Sequence[Any]) -> None:
        """One valid record: ``cols`` its spans' columns, ``attrs`` each span's attributes (a
        decoder struct or a dict)."""
        self.batch.records.append((source, line, doc_id, sha, annotator, status))
        if status not in COUNTED_STATUSES:
            self._text_len.append(0)
            self._n_spans.append(0)
            return
        self._text_len.append(len(text))
        if sha not in self._texts:
            self._texts[sha] = text
        codes = list(map(self.code_of.get, cols.labels))
        starts, ends, labels = cols.starts, cols.ends, cols.labels
        if None in codes:  # labels out of scope
            keep = [i for i, c in enumerate(codes) if c is not None]
            codes = [codes[i] for i in keep]
            starts, ends = [starts[i] for i in keep], [ends[i] for i in keep]
            labels, attrs = [labels[i] for i in keep], [attrs[i] for i in keep]
        keys = list(attrs)
        if self.ref_names and not self.ref_names.keys().isdisjoint(labels):
            for i, label in enumerate(labels):
                names = self.ref_names.get(label)
                if names:  # the attributes with each ref resolved to its target's (start, end, label)
                    keys[i] = (keys[i], tuple((n, _target(_get(keys[i], n), cols)) for n in names))
        try:
            ids = list(map(self._key_ids.get, keys))
        except TypeError:  # attributes read as dicts (the careful path): interned one by one
            ids = [None] * len(keys)
        if None in ids:
            for i, k in enumerate(keys):
                if ids[i] is None:
                    ids[i] = self._intern(k)
        self._n_spans.append(len(codes))
        self._starts.extend(starts)
        self._ends.extend(ends)
        self._codes.extend(codes)
        self._attrs.extend(ids)

    def _intern(self, key: Any) -> int:
        value = _canonical(key)
        found = self._value_ids.get(value)
        if found is None:
            found = self._value_ids[value] = len(self.batch.attr_values)
            self.batch.attr_values.append(value)
        try:
            self._key_ids[key] = found
        except TypeError:
            pass  # a dict: not kept
        return found

    def finish(self, tokenize: bool = True) -> Batch:
        b = self.batch
        b.text_len = np.array(self._text_len, dtype=np.int64)
        b.n_spans = np.array(self._n_spans, dtype=np.int64)
        b.starts = np.array(self._starts, dtype=np.int64)
        b.ends = np.array(self._ends, dtype=np.int64)
        b.codes = np.array(self._codes, dtype=np.int8 if len(self.code_of) < 127 else np.int16)
        b.attrs = np.array(self._attrs, dtype=np.int32)
        if tokenize and self._texts:
            from annotator.text.token_arrays import token_bounds_many

            b.token_sha = list(self._texts)
            b.tok_start, b.tok_end, b.tok_count = token_bounds_many(list(self._texts.values()))
        self._texts = {}
        return b


def _target(span_id: Any, cols: SpanColumns) -> Ref | None:
    if span_id is None:
        return None
    try:
        t = cols.ids.index(span_id)
    except ValueError:  # a dangling ref (the record rules refuse them): as if unset
        return None
    return Ref(cols.starts[t], cols.ends[t], cols.labels[t])


def _get(attrs: Any, name: str) -> Any:
    return attrs.get(name)  # a dict, or a decoder struct (which has .get)


def _items(attrs: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(attrs, dict):
        return attrs.items()
    return ((f, getattr(attrs, f)) for f in attrs.__struct_fields__)


def _canonical(key: Any) -> frozenset:
    """Attributes as a :class:`~annotator.agreement.spans.Mark` holds them."""
    if isinstance(key, tuple):  # (attributes, ((ref name, Ref or None), ...))
        attrs, refs = key
        resolved = dict(refs)
        return frozenset((n, resolved[n] if n in resolved else v) for n, v in _items(attrs)
                         if (resolved[n] if n in resolved else v) is not None)
    return frozenset((n, v) for n, v in _items(key) if v is not None)


def file_annotator(path: str) -> str:
    """The annotator of records that name none: the file's name without its suffix."""
    name = re.sub(r"[^A-Za-z0-9_.@+-]", "_", Path(path).name.removesuffix(".jsonl"))[:64]
    return name or "annotator"


# -- native JSONL files ---------------------------------------------------------------------------

@dataclass(slots=True)
class Source:
    path: str
    annotator: str  # for records that name none
    parts: list[tuple[int, int, int]]  # (start byte, end byte, first line) of each part


def _careful(path: str, number: int, offset: int, body: bytes, scheme: Any, ex: Extractor) -> Any:
    """The pydantic record model's verdict on one line: the record, or None (problems logged)."""
    from pydantic import ValidationError

    from annotator.formats.jsonl import RECORD_KEYS
    from annotator.formats.lines import parse_line
    from annotator.formats.problems import problems_from_validation

    line = parse_line(path, number, offset, body)
    if line.problem is not None:
        ex.problem(line.problem)
        return None
    if not RECORD_KEYS & line.value.keys():
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
    """Part ``part`` of every source file, every line validated."""
    from annotator.formats.lines import _raw_lines, too_long

    ex = Extractor(labels, scheme.ref_attrs, limit)
    decode = decoder.decode
    for s_index, src in enumerate(sources):
        if part >= len(src.parts):
            continue
        start, stop, first = src.parts[part]
        try:
            f = open(src.path, "rb")
        except OSError as exc:
            if part == 0:
                ex.problem(Problem(src.path, None, None, f"cannot read: {exc.strerror or exc}"))
            continue
        with f:
            f.seek(start)
            for number, offset, raw in _raw_lines(f, first, start, stop):
                if raw is None:
                    ex.problem(too_long(src.path, number).problem)
                    continue
                body = raw.rstrip(b"\r\n")
                if not body or body.isspace():
                    continue
                done = decode(body)
                if done is not None:
                    rec, cols = done
                    attrs = [s.attrs for s in rec.spans]
                else:
                    rec = _careful(src.path, number, offset, body, scheme, ex)
                    if rec is None:
                        continue
                    cols = SpanColumns.of(rec.spans)
                    attrs = [s.attrs for s in rec.spans]
                ex.add(s_index, number, rec.id, rec.text, rec.text_sha256, rec.annotator or src.annotator,
                       rec.status, cols, attrs)
    return ex.finish(tokenize)


def _child(sources: Sequence[Source], part: int, scheme: Any, decoder: Any, labels: Sequence[str], limit: int,
           conn: Any) -> None:
    try:
        batch = read_part(sources, part, scheme, decoder, labels, limit)
    except BaseException as exc:  # say so rather than leave the parent waiting
        batch = Batch(problems=[Problem(sources[0].path if sources else None, None, None,
                                        f"could not be read: {exc}")], problem_total=1)
    try:
        conn.send(batch)
    finally:
        conn.close()


def plan_sources(paths: Sequence[str], parts: int) -> list[Source]:
    from annotator.formats.parallel import split

    out = []
    for p in paths:
        try:
            pieces = split(p, parts) if parts > 1 else [(0, os.path.getsize(p), 1)]
        except OSError:
            pieces = [(0, 0, 1)]  # read_part reports the file it cannot open
        out.append(Source(p, file_annotator(p), pieces))
    return out


def readers_for(paths: Sequence[str]) -> int:
    """How many processes should read these files: one per core for a big set, else one."""
    from annotator.formats.parallel import can_fork

    try:
        size = sum(os.path.getsize(p) for p in paths)
    except OSError:
        return 1
    if size < PARALLEL_MIN_BYTES or not can_fork():
        return 1
    return max(1, min(os.cpu_count() or 1, 8, size // (PARALLEL_MIN_BYTES // 2)))


def read_files(paths: Sequence[str], scheme: Any, labels: Sequence[str], limit: int = 50,
               readers: int | None = None) -> tuple[list[Batch], list[Source]]:
    """Batches of every part of ``paths``, in order (part 0 read here, the others by forked
    children at the same time)."""
    from annotator.schema.record_decoder import RecordDecoder

    readers = readers_for(paths) if readers is None else readers
    sources = plan_sources(paths, readers)
    decoder = RecordDecoder(scheme)
    n_parts = max((len(s.parts) for s in sources), default=1)
    jobs = []
    if n_parts > 1:
        ctx = multiprocessing.get_context("fork")
        for part in range(1, n_parts):
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(sources, part, scheme, decoder, labels, limit, send), daemon=True)
            proc.start()
            send.close()
            jobs.append((proc, recv))
    batches = [read_part(sources, 0, scheme, decoder, labels, limit)]
    for proc, recv in jobs:
        try:
            batches.append(recv.recv())
        except EOFError:
            batches.append(Batch(problems=[Problem(None, None, None, "a reading process died")], problem_total=1))
        proc.join()
    return batches, sources


# -- the store and one document ---------------------------------------------------------------

def read_store(store: Any, scheme: Any, labels: Sequence[str]) -> Batch:
    """Every annotator's records in the store (validated when they were stored)."""
    import orjson

    from annotator.schema.record_decoder import RecordDecoder

    decoder = RecordDecoder(scheme)
    ex = Extractor(labels, scheme.ref_attrs)
    for line in store.iter_export(scheme_name=scheme.name, scheme_version=scheme.version):
        done = decoder.decode(line)
        if done is not None:
            rec, cols = done
            ex.add(0, None, rec.id, rec.text, rec.text_sha256, rec.annotator, rec.status, cols,
                   [s.attrs for s in rec.spans])
        else:  # stored before a scheme change, say: read as it is
            obj = orjson.loads(line)
            spans = obj["spans"]
            ex.add(0, None, obj["id"], obj["text"], obj["text_sha256"], obj["annotator"], obj["status"],
                   dict_columns(spans), [s.get("attrs") or {} for s in spans])
    return ex.finish()


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
            ex.add(0, None, doc_id, text, sha, annotator, "done", dict_columns(spans),
                   [s.get("attrs") or {} for s in spans])
    return ex.finish()
