"""The documents to compare and each annotator's spans on them, as columns.

Documents are matched by id and ``text_sha256``: the same id with a different text is an error
naming both places. Only records that say the annotator worked on the document take part:
status ``in_progress`` or ``done``. A ``todo`` record (an export writes one for every document
an annotator never opened) and a ``skipped`` one (the annotator declined the document) are left
out and counted.

Spans are held as numpy columns over the whole corpus (document, annotator, offsets, label code,
attributes), so the figures are computed for every document at once rather than one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from annotator.agreement.batch import COUNTED_STATUSES, Batch
from annotator.agreement.reading import Source, read_files, read_records, read_store
from annotator.errors import InvalidData, Problem
from annotator.schema import Scheme
from annotator.store.base import Store


@dataclass(slots=True)
class Corpus:
    """Documents in the order first read; annotators in the order first seen.

    ``present[a, d]``: annotator a worked on document d. Spans (labels in scope) are rows of the
    ``span_*`` columns, in reading order (so a record's spans keep their order); ``span_code`` is
    1 + the label's index in ``labels``; ``span_attr`` indexes ``attr_values``. Document d's
    tokens are ``tok_start/tok_end[tok_base[d]:tok_base[d + 1]]``, offsets local to it."""

    labels: tuple[str, ...]
    annotators: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    doc_len: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    present: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    span_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    span_ann: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    span_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    span_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    span_code: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    span_attr: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    attr_values: list[frozenset] = field(default_factory=list)
    tok_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    tok_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    tok_base: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    left_out: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> status -> records

    @property
    def raters(self) -> np.ndarray:
        """How many annotators worked on each document."""
        return self.present.sum(axis=0)

    @property
    def compared(self) -> np.ndarray:
        """Indices of the documents that at least two annotators worked on."""
        return np.flatnonzero(self.raters >= 2)

    @property
    def single(self) -> list[tuple[str, str]]:
        """(document, annotator) of the documents only one annotator worked on: reported, left
        out of every figure."""
        return [(self.doc_ids[d], self.annotators[int(np.flatnonzero(self.present[:, d])[0])])
                for d in np.flatnonzero(self.raters == 1).tolist()]


def assemble(batches: Sequence[Batch], sources: Sequence[Source] | str, labels: Sequence[str],
             limit: int = 50) -> Corpus:
    """Join the readers' batches (part order) into a corpus; raises InvalidData listing the
    problems (bad lines, conflicting documents)."""
    names = [sources] if isinstance(sources, str) else [s.path for s in sources]
    # a reader numbers lines from the start of its part: add the lines of the parts before
    line_base = [[0] * len(names)]
    for b in batches[:-1]:
        line_base.append([base + (b.lines_in[s] if s < len(b.lines_in) else 0)
                          for s, base in enumerate(line_base[-1])])

    def absolute(k: int, source: int, line: int | None) -> int | None:
        return None if line is None else line + line_base[k][source]

    by_source = sorted(((s, replace(p, line=absolute(k, s, p.line)))
                        for k, b in enumerate(batches) for p, s in zip(b.problems, b.problem_sources)),
                       key=lambda sp: (sp[0], sp[1].line or 0))
    problems = [p for _s, p in by_source]
    total = sum(b.problem_total for b in batches)
    corpus = Corpus(tuple(labels))
    ann_index: dict[str, int] = {}
    doc_index: dict[str, int] = {}
    doc_sha: list[str] = []
    seen: dict[tuple[str, str], tuple[str, int | None]] = {}
    doc_len: list[int] = []
    rec_doc = [np.full(len(b.records), -1, np.int64) for b in batches]
    rec_ann = [np.full(len(b.records), -1, np.int64) for b in batches]
    first_text: dict[str, tuple[str, str, int | None]] = {}  # id -> (sha, file, line) first read
    for s in range(len(names)):  # records in reading order: file by file, part by part
        for k, b in enumerate(batches):
            recs = b.records
            for r in _records_of(b, s):
                src, line, doc_id, sha, ann, status = recs[r]
                path, line = names[src], absolute(k, src, line)
                first = first_text.setdefault(doc_id, (sha, path, line))
                if first[0] != sha:
                    total += 1
                    problems.append(Problem(path, line, "text_sha256", f"document {doc_id!r} has a different text "
                                            f"than in {_at(first[1], first[2])} (same id, different text)"))
                    continue
                prior = seen.get((doc_id, ann))
                if prior is not None:
                    total += 1
                    problems.append(Problem(path, line, "annotator", f"document {doc_id!r} of annotator {ann!r} "
                                            f"is also in {_at(*prior)}"))
                    continue
                seen[(doc_id, ann)] = (path, line)
                a = ann_index.get(ann)
                if a is None:
                    a = ann_index[ann] = len(corpus.annotators)
                    corpus.annotators.append(ann)
                if status not in COUNTED_STATUSES:
                    counts = corpus.left_out.setdefault(ann, {})
                    counts[status] = counts.get(status, 0) + 1
                    continue
                d = doc_index.get(doc_id)
                if d is None:
                    d = doc_index[doc_id] = len(corpus.doc_ids)
                    corpus.doc_ids.append(doc_id)
                    doc_sha.append(sha)
                    doc_len.append(int(b.text_len[r]))
                rec_doc[k][r] = d
                rec_ann[k][r] = a
    if total:
        raise InvalidData(problems[:limit], total, "no figures: the sources have problems")
    n_docs, n_anns = len(corpus.doc_ids), len(corpus.annotators)
    corpus.doc_len = np.array(doc_len, dtype=np.int64)
    corpus.present = np.zeros((n_anns, n_docs), dtype=bool)
    for k in range(len(batches)):
        ok = rec_doc[k] >= 0
        corpus.present[rec_ann[k][ok], rec_doc[k][ok]] = True
    _spans(corpus, batches, rec_doc, rec_ann)
    _tokens(corpus, batches, doc_sha)
    return corpus


def _at(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else path


def _records_of(b: Batch, source: int) -> range:
    """The records of one source in a batch (contiguous: a reader takes the sources in order)."""
    lo = _first_of(b, source)
    hi = _first_of(b, source + 1)
    return range(lo, hi)


def _first_of(b: Batch, source: int) -> int:
    from bisect import bisect_left

    return bisect_left(b.records, source, key=lambda rec: rec[0])


def _spans(corpus: Corpus, batches: Sequence[Batch], rec_doc: list[np.ndarray], rec_ann: list[np.ndarray]) -> None:
    """The span columns of every counted record, attributes interned corpus-wide."""
    value_ids: dict[frozenset, int] = {}
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("doc", "ann", "start", "end", "code", "attr")}
    for k, b in enumerate(batches):
        owner = np.repeat(np.arange(len(b.records)), b.n_spans)
        keep = rec_doc[k][owner] >= 0
        remap = np.array([value_ids.setdefault(v, len(value_ids)) for v in b.attr_values] or [0], dtype=np.int32)
        cols["doc"].append(rec_doc[k][owner][keep])
        cols["ann"].append(rec_ann[k][owner][keep])
        cols["start"].append(b.starts[keep])
        cols["end"].append(b.ends[keep])
        cols["code"].append(b.codes[keep])
        cols["attr"].append(remap[b.attrs[keep]] if b.attrs.size else b.attrs[keep])
    if batches:
        corpus.span_doc, corpus.span_ann = np.concatenate(cols["doc"]), np.concatenate(cols["ann"])
        corpus.span_start, corpus.span_end = np.concatenate(cols["start"]), np.concatenate(cols["end"])
        corpus.span_code, corpus.span_attr = np.concatenate(cols["code"]), np.concatenate(cols["attr"])
    corpus.attr_values = list(value_ids)


def _tokens(corpus: Corpus, batches: Sequence[Batch], doc_sha: list[str]) -> None:
    """Each document's tokens, from a reader that tokenized its text (every reader tokenizes the
    texts of the counted records it read)."""
    found: dict[str, tuple[int, int, int]] = {}  # sha -> (batch, first token, count)
    for k, b in enumerate(batches):
        bases = np.concatenate([[0], np.cumsum(b.tok_count)]).tolist()
        for t, sha in enumerate(b.token_sha):
            found.setdefault(sha, (k, bases[t], bases[t + 1] - bases[t]))
    starts, ends, counts = [], [], []
    for sha in doc_sha:
        k, lo, n = found[sha]
        starts.append(batches[k].tok_start[lo:lo + n])
        ends.append(batches[k].tok_end[lo:lo + n])
        counts.append(n)
    corpus.tok_start = np.concatenate(starts) if starts else np.zeros(0, np.int64)
    corpus.tok_end = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    corpus.tok_base = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64)


def from_files(paths: Sequence[str], scheme: Scheme, labels: Sequence[str], limit: int = 50,
               readers: int | None = None) -> Corpus:
    """Read native JSONL files (one annotator each, or several in one file), every line validated.

    Raises InvalidData listing the problems (bad lines, conflicting documents)."""
    batches, sources = read_files(paths, scheme, labels, limit, readers)
    return assemble(batches, sources, labels, limit)


def from_store(store: Store, scheme: Scheme, labels: Sequence[str], readers: int | None = None) -> Corpus:
    """Every annotator's records in the store (already validated when they were stored)."""
    return assemble(read_store(store, scheme, labels, readers), store.location, labels)


def from_documents(docs: Iterable[tuple[str, str, Mapping[str, Sequence[Mapping[str, Any]]]]], scheme: Scheme,
                   labels: Sequence[str] | None = None) -> Corpus:
    """A corpus from ``(document id, text, {annotator: spans})``, spans as dicts of export
    records, every record counted as done."""
    from annotator.model.hashing import text_sha256

    labels = tuple(labels if labels is not None else [lab.name for lab in scheme.labels])
    batch = read_records(((doc_id, text, text_sha256(text), records) for doc_id, text, records in docs),
                         scheme.ref_attrs, labels)
    return assemble([batch], "records", labels)


def from_records(text: str, records: Mapping[str, Sequence[Mapping[str, Any]]], scheme: Scheme,
                 labels: Sequence[str] | None = None, doc_id: str = "doc") -> Corpus:
    """A corpus of one document from each annotator's spans (for the review screen's panel)."""
    return from_documents([(doc_id, text, records)], scheme, labels)
