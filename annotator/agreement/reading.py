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

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from annotator.agreement.spans import Ref
from annotator.errors import Problem
from annotator.forking import Forked, can_fork
from annotator.model.rules import SpanColumns

COUNTED_STATUSES = frozenset({"in_progress", "done"})

_NO_ATTRS: frozenset = frozenset()

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
    problem_sources: list[int] = field(default_factory=list)  # the source of each problem
    problem_total: int = 0
    lines_in: list[int] = field(default_factory=list)  # physical lines read, per source


class Extractor:
    """Builds a :class:`Batch` record by record."""

    def __init__(self, labels: Sequence[str], ref_attrs: Mapping[str, Any], limit: int = 50):
        self.code_of = {lab: i + 1 for i, lab in enumerate(labels)}
        # label -> names of its ``ref`` attributes
        self.ref_names = {label: tuple(name for name, _targets in refs) for label, refs in ref_attrs.items()}
        self.limit = limit
        self.source = 0  # the source being read, for problems
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
            b.problem_sources.append(self.source)

    def add(self, source: int, line: int | None, doc_id: str, text: str, sha: str, annotator: str, status: str,
            cols: SpanColumns, attrs: list[Any]) -> None:
        """One valid record: ``cols`` its spans' columns, ``attrs`` each span's attributes (all
        decoder structs, or all dicts)."""
        self.batch.records.append((source, line, doc_id, sha, annotator, status))
        if status not in COUNTED_STATUSES:
            self._text_len.append(0)
            self._n_spans.append(0)
            return
        self._text_len.append(len(text))
        if sha not in self._texts:
            self._texts[sha] = text
        starts, ends, labels = cols.starts, cols.ends, cols.labels
        codes = list(map(self.code_of.get, labels))
        if attrs and isinstance(attrs[0], dict):  # read as dicts: their items, hashable, stand for them
            attrs = [frozenset(a.items()) if a else _NO_ATTRS for a in attrs]
        keys = attrs
        if None in codes:  # labels out of scope
            keep = [i for i, c in enumerate(codes) if c is not None]
            codes = [codes[i] for i in keep]
            starts, ends = [starts[i] for i in keep], [ends[i] for i in keep]
            labels, keys = [labels[i] for i in keep], [attrs[i] for i in keep]
        for label, names in self.ref_names.items():
            i = -1
            while True:  # the spans with this label: their refs resolved to (start, end, label)
                try:
                    i = labels.index(label, i + 1)
                except ValueError:
                    break
                if keys is attrs:
                    keys = list(attrs)
                keys[i] = (keys[i], tuple((n, _target(_get(keys[i], n), cols)) for n in names))
        ids = list(map(self._key_ids.get, keys))
        if None in ids:
            for i, k in enumerate(keys):
                if ids[i] is None:
                    ids[i] = self._intern(k)
        self._n_spans.append(len(codes))
        self._starts += starts
        self._ends += ends
        self._codes += codes
        self._attrs += ids

    def _intern(self, key: Any) -> int:
        value = _canonical(key)
        found = self._value_ids.get(value)
        if found is None:
            found = self._value_ids[value] = len(self.batch.attr_values)
            self.batch.attr_values.append(value)
        self._key_ids[key] = found
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
    if isinstance(attrs, frozenset):  # a dict's items
        return next((v for n, v in attrs if n == name), None)
    return attrs.get(name)  # a decoder struct


def _items(attrs: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(attrs, frozenset):  # a dict's items
        return attrs
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
    parts: list[tuple[int, int]]  # (start byte, end byte) of each part, cut at line starts


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
    """Part ``part`` of every source file, every line validated. Line numbers count from the
    part's start (:func:`annotator.agreement.corpus.assemble` makes them the file's)."""
    from annotator.formats.lines import _raw_lines, too_long

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
            f = open(src.path, "rb")
        except OSError as exc:
            if part == 0:
                ex.problem(Problem(src.path, None, None, f"cannot read: {exc.strerror or exc}"))
            ex.batch.lines_in.append(0)
            continue
        with f:
            f.seek(start)
            for number, offset, raw in _raw_lines(f, 1, start, stop):
                if raw is None:
                    ex.problem(too_long(src.path, number).problem)
                    continue
                body = raw.rstrip(b"\r\n")
                if not body or body.isspace():
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
                       rec.status, cols, [s.attrs for s in rec.spans])
        ex.batch.lines_in.append(number)
    return ex.finish(tokenize)


def plan_sources(paths: Sequence[str], parts: int) -> list[Source]:
    """Each file cut into ``parts`` byte ranges at line starts (fewer for a small file)."""
    out = []
    for p in paths:
        try:
            size = os.path.getsize(p)
            with open(p, "rb") as f:
                starts = [0]
                for k in range(1, parts):
                    f.seek(max(starts[-1], size * k // parts))
                    f.readline()  # to the start of the next line
                    if f.tell() >= size:
                        break
                    starts.append(f.tell())
            pieces = list(zip(starts, starts[1:] + [size]))
        except OSError:
            pieces = [(0, 0)]  # read_part reports the file it cannot open
        out.append(Source(p, file_annotator(p), pieces))
    return out


def readers_for(paths: Sequence[str]) -> int:
    """How many processes should read these files: one per core for a big set, else one."""
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
    from annotator.text.token_arrays import prepare

    readers = readers_for(paths) if readers is None else readers
    sources = plan_sources(paths, readers)
    decoder = scheme.decoder()
    prepare()  # the tokenizer's tables, built once for every reader
    n_parts = max((len(s.parts) for s in sources), default=1)
    children = [Forked(read_part, sources, part, scheme, decoder, labels, limit) for part in range(1, n_parts)]
    batches = [read_part(sources, 0, scheme, decoder, labels, limit)]
    batches += [child.result() for child in children]
    return batches, sources


# -- the store and one document ---------------------------------------------------------------

def read_store_part(store: Any, part: tuple[int, int] | None, decoder: Any, ref_attrs: Any,
                    labels: Sequence[str]) -> Batch:
    """The records of one part of the store's documents (validated when they were stored)."""
    import orjson

    ex = Extractor(labels, ref_attrs)
    for r in store.iter_records(part=part):
        spans = decoder.decode_stored_spans(r.spans)
        if spans is not None:
            ex.add(0, None, r.id, r.text, r.text_sha256, r.annotator, r.status, SpanColumns.of(spans),
                   [s.attrs for s in spans])
        else:  # stored under an older scheme, say: read as it is
            spans = orjson.loads(r.spans)
            ex.add(0, None, r.id, r.text, r.text_sha256, r.annotator, r.status, dict_columns(spans),
                   [s.get("attrs") or {} for s in spans])
    return ex.finish()


def read_store(store: Any, scheme: Any, labels: Sequence[str], readers: int | None = None) -> list[Batch]:
    """Every annotator's records in the store, a part of its documents per core for a big store
    (each part in a snapshot of its own: a document is read whole, from one moment)."""
    from annotator.text.token_arrays import prepare

    decoder = scheme.decoder()
    if readers is None:
        try:
            big = os.path.getsize(store.path) >= PARALLEL_MIN_BYTES
        except OSError:
            big = False
        readers = (os.cpu_count() or 1) if big and can_fork() else 1
    parts = store.parts(readers) if readers > 1 else [None]
    prepare()
    children = [Forked(read_store_part, store, part, decoder, scheme.ref_attrs, labels) for part in parts[1:]]
    return ([read_store_part(store, parts[0], decoder, scheme.ref_attrs, labels)]
            + [child.result() for child in children])


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
