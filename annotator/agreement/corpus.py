"""The documents to compare and each annotator's spans on them, read from native JSONL files or
from the store.

Documents are matched by id and ``text_sha256``: the same id with a different text is an error
naming both places. Only records that say the annotator worked on the document take part:
status ``in_progress`` or ``done``. A ``todo`` record (an export writes one for every document
an annotator never opened) and a ``skipped`` one (the annotator declined the document) are left
out and counted.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.agreement.spans import Mark, marks_of
from annotator.errors import InvalidData, Problem
from annotator.schema import Scheme

COUNTED_STATUSES = frozenset({"in_progress", "done"})


@dataclass(slots=True)
class Doc:
    """One document and the spans of every annotator who worked on it (labels in scope only)."""

    id: str
    text: str
    text_sha256: str
    where: str  # where it was first read, for error messages
    marks: dict[str, list[Mark]] = field(default_factory=dict)


@dataclass(slots=True)
class Corpus:
    """Documents in the order first read; annotators in the order first seen."""

    labels: tuple[str, ...]
    docs: list[Doc] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    left_out: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> status -> records
    _by_id: dict[str, Doc] = field(default_factory=dict)
    _texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (sha, where first read)
    _where: dict[tuple[str, str], str] = field(default_factory=dict)
    _scope: frozenset[str] = frozenset()
    on_new_text: Callable[[str], None] | None = None  # told the text of each document as it is first counted

    def __post_init__(self) -> None:
        self._scope = frozenset(self.labels)

    def add(self, doc_id: str, text: str, sha: str, annotator: str, status: str,
            spans: Sequence[Mapping[str, Any]], where: str, ref_attrs: Mapping[str, Any]) -> Problem | None:
        """Add one annotator's record of a document; a problem when it conflicts with what was read."""
        first = self._texts.setdefault(doc_id, (sha, where))
        if first[0] != sha:
            return Problem(*_split(where), "text_sha256",
                           f"document {doc_id!r} has a different text than in {first[1]} (same id, different text)")
        seen = self._where.get((doc_id, annotator))
        if seen is not None:
            return Problem(*_split(where), "annotator",
                           f"document {doc_id!r} of annotator {annotator!r} is also in {seen}")
        self._where[(doc_id, annotator)] = where
        if annotator not in self.annotators:
            self.annotators.append(annotator)
        if status not in COUNTED_STATUSES:
            counts = self.left_out.setdefault(annotator, {})
            counts[status] = counts.get(status, 0) + 1
            return None
        doc = self._by_id.get(doc_id)
        if doc is None:
            doc = self._by_id[doc_id] = Doc(doc_id, text, sha, where)
            self.docs.append(doc)
            if self.on_new_text is not None:
                self.on_new_text(text)
        doc.marks[annotator] = marks_of(spans, ref_attrs, self._scope)
        return None

    @property
    def compared(self) -> list[Doc]:
        """Documents that at least two annotators worked on."""
        return [d for d in self.docs if len(d.marks) >= 2]

    @property
    def single(self) -> list[Doc]:
        """Documents that only one annotator worked on: reported, left out of every figure."""
        return [d for d in self.docs if len(d.marks) == 1]


def _split(where: str) -> tuple[str, int | None]:
    name, _, line = where.rpartition(":")
    return (name, int(line)) if name and line.isdigit() else (where, None)


def file_annotator(path: str) -> str:
    """The annotator of records that name none: the file's name without its suffix."""
    name = re.sub(r"[^A-Za-z0-9_.@+-]", "_", Path(path).name.removesuffix(".jsonl"))[:64]
    return name or "annotator"


@contextmanager
def gc_paused() -> Iterator[None]:
    """For a command that reads a whole corpus and computes its figures once: no cyclic garbage
    collection meanwhile (millions of small objects that live to the end and form no cycles, which
    the collector would scan again and again), and what was built is then frozen out of its scans.
    Reference counting still frees everything as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def _raise(problems: list[Problem], total: int) -> None:
    if total:
        raise InvalidData(problems, total, "no figures: the sources have problems")


def from_files(paths: Iterable[str], scheme: Scheme, labels: Sequence[str], limit: int = 50,
               on_new_text: Callable[[str], None] | None = None) -> Corpus:
    """Read native JSONL files (one annotator each, or several in one file), every line validated.
    ``on_new_text`` is told each document's text as soon as it is counted.

    Raises InvalidData listing the problems (bad lines, conflicting documents)."""
    from annotator.formats.problems import ProblemLog

    corpus = Corpus(tuple(labels), on_new_text=on_new_text)
    log = ProblemLog(limit)
    ref_attrs = scheme.ref_attrs
    from annotator.formats.parallel import read_jsonl_file, worth_it

    def take(items: Iterator[Any], path: str, unread: list[int] | None) -> None:
        for item in items:
            rec, doc = item.record, item.document
            if rec is None:
                log.add(Problem(path, item.line, None, "a document without annotations (expected export records)"))
                continue
            try:
                problem = corpus.add(doc.id, doc.text, doc.text_sha256, rec["annotator"], rec["status"],
                                     rec["spans"], f"{path}:{item.line}", ref_attrs)
            except (TypeError, KeyError, ValueError, AttributeError, IndexError):
                if unread is None:
                    raise
                unread.append(item.line)  # not validated yet: the checking child says what is wrong
                continue
            if problem is not None:
                log.add(problem)

    for path in paths:
        # a big file is validated by a forked child while it is read here (see read_jsonl_file)
        parallel = worth_it(path)
        unread: list[int] = []
        take(read_jsonl_file(path, scheme, file_annotator(path), log, parallel=parallel, unread=unread), path,
             unread if parallel else None)
    _raise(log.kept, log.total)
    return corpus


def from_store(store: Any, scheme: Scheme, labels: Sequence[str],
               on_new_text: Callable[[str], None] | None = None) -> Corpus:
    """Every annotator's records in the store (already validated when they were stored)."""
    import orjson

    corpus = Corpus(tuple(labels), on_new_text=on_new_text)
    problems: list[Problem] = []
    ref_attrs = scheme.ref_attrs
    where = str(store.path)
    for line in store.iter_export(scheme_name=scheme.name, scheme_version=scheme.version):
        rec = orjson.loads(line)
        problem = corpus.add(rec["id"], rec["text"], rec["text_sha256"], rec["annotator"], rec["status"],
                             rec["spans"], where, ref_attrs)
        if problem is not None:
            problems.append(problem)
    _raise(problems[:50], len(problems))
    return corpus


def from_records(text: str, records: Mapping[str, Sequence[Mapping[str, Any]]], scheme: Scheme,
                 labels: Sequence[str] | None = None, doc_id: str = "doc") -> Corpus:
    """A corpus of one document from each annotator's spans (for the review screen's panel)."""
    from annotator.model.document import text_sha256

    corpus = Corpus(tuple(labels if labels is not None else [lab.name for lab in scheme.labels]))
    sha = text_sha256(text)
    for annotator, spans in records.items():
        corpus.add(doc_id, text, sha, annotator, "done", spans, doc_id, scheme.ref_attrs)
    return corpus
