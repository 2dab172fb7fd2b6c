"""``annotator suggest [SOURCES...]`` without ``--out``: the suggestions kept in the store as pending
suggestions for the annotator, exactly as the annotate screen keeps those it computes when a
document opens (:class:`annotator.suggest.kept.Suggesting`: same suggesters, same gazetteer of the
store's accepted actors, same JSON, same ``made_by``), so opening a document finds them there.

Which documents: those of the SOURCES, which must be in the store already (the command imports
nothing: ``annotator import SOURCES`` does), else every document of the store (``--todo``: those
not done for the annotator). A document whose suggestions are kept already is left as it is unless
``--again`` (which keeps the annotator's rejections). The rows are written ``BATCH`` documents per
durable transaction: a kill loses at most the batch being computed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.cli.common import err, open_store_arg, progress, working_as
from annotator.errors import AnnotatorError, InvalidData, ProblemLog, StoreError

if TYPE_CHECKING:
    from annotator.schema import Scheme
    from annotator.store.base import Store, SuggestionsRow
    from annotator.suggest.base import DocumentInput
    from annotator.suggest.kept import Suggesting
    from annotator.suggest.pipeline import SuggestOptions

BATCH = 200  # documents per transaction
CHUNK_BYTES = 32 * 1024 * 1024  # of text read ahead, at most, to share between two processes
SHOWN = 5  # document ids named in a message, at most


def _some(ids: Sequence[str]) -> str:
    more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
    return ", ".join(ids[:SHOWN]) + more


@dataclass
class StoreTally:
    """What a run came to, for the summary."""

    computed: int = 0
    already: int = 0  # kept before this run (left as they are without --again)
    skipped: int = 0  # done for the annotator (--todo)
    counts: dict[str, int] = field(default_factory=dict)
    no_date: list[str] = field(default_factory=list)
    refused: int = 0

    def add(self, other: StoreTally) -> None:
        self.computed += other.computed
        for label, n in other.counts.items():
            self.counts[label] = self.counts.get(label, 0) + n
        self.no_date += other.no_date
        self.refused += other.refused


def selected_ids(store: Store, sources: list[str], scheme: Scheme) -> list[str]:
    """The ids of the SOURCES' documents, each once, in order; every one must be in the store with
    the same text (refused otherwise, naming them, before anything is computed)."""
    from annotator.importing import read_native

    log = ProblemLog()
    items = list(read_native(sources, scheme, "suggest", log))
    if log:
        raise InvalidData(log.kept, log.total, "nothing was suggested")
    ids: dict[str, str] = {}
    for item in items:
        ids.setdefault(item.document.id, item.document.text_sha256)
    missing, changed = [], []
    for doc_id, sha in ids.items():
        found = store.find_document(doc_id)
        if found is None:
            missing.append(doc_id)
        elif found[1].text_sha256 != sha:
            changed.append(doc_id)
    if missing:
        raise AnnotatorError(f"{len(missing)} document(s) of the sources are not in {store.location}: "
                             f"{_some(missing)}; import them first (annotator import {' '.join(sources)}), "
                             "or write the suggestions to a file with --out PATH")
    if changed:
        raise AnnotatorError(f"{len(changed)} document(s) of the sources have another text in {store.location}: "
                             f"{_some(changed)}; suggestions are made for the store's text")
    return list(ids)


def _inputs(store: Store, annotator: str, ids: list[str] | None, todo: bool, tally: StoreTally,
            step: Callable[[], None]) -> Iterator[DocumentInput]:
    """The documents to suggest for, as the suggesters see the annotator's record of each: the
    selected ones loaded one by one, or all of them from one snapshot of the store."""
    from annotator.store.base import RecordQuery
    from annotator.suggest.kept import document_input, stored_input

    if ids is not None:
        for doc_id in ids:
            rec = store.load(doc_id, annotator)
            if todo and rec.status == "done":
                tally.skipped += 1
                step()
                continue
            yield document_input(rec)
        return
    for stored in store.iter_records(RecordQuery(annotator=annotator, untouched=True)):
        if todo and stored.status == "done":
            tally.skipped += 1
            step()
            continue
        yield stored_input(stored)


def _pending(store: Store, annotator: str, docs: Iterator[DocumentInput], again: bool, tally: StoreTally,
             step: Callable[[], None]) -> Iterator[list[DocumentInput]]:
    """The documents to compute, in chunks of about ``CHUNK_BYTES`` of text (those whose suggestions
    are kept already counted and left out, unless ``again``)."""
    chunk: list[DocumentInput] = []
    size = 0
    for doc in docs:
        if not again and store.suggestions(doc.id, annotator).items is not None:
            tally.already += 1
            step()
            continue
        chunk.append(doc)
        size += len(doc.text)
        if size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class _Compute:
    """The rows to keep for documents, and what they came to (in this process or a forked child)."""

    def __init__(self, store: Store, suggesting: Suggesting):
        from annotator.model.actions import now_iso

        self.store, self.suggesting, self.at = store, suggesting, now_iso()

    def row(self, doc: DocumentInput, tally: StoreTally) -> SuggestionsRow:
        if doc.date is None:
            tally.no_date.append(doc.id)
        result = self.suggesting.result(self.store, doc)
        tally.computed += 1
        tally.refused += len(result.refused)
        for sug in result.suggestions:
            tally.counts[sug.label] = tally.counts.get(sug.label, 0) + 1
        return self.suggesting.row(doc, result.suggestions, self.at)

    def batch(self, docs: list[DocumentInput]) -> tuple[list[SuggestionsRow], StoreTally]:
        tally = StoreTally()
        return [self.row(doc, tally) for doc in docs], tally


def _rows(compute: _Compute, chunks: Iterator[list[DocumentInput]], tally: StoreTally,
          step: Callable[[], None]) -> Iterator[SuggestionsRow]:
    """The rows of every chunk: a big chunk's second half computed in a forked child meanwhile
    (its rows kept after this process's)."""
    from annotator.forking import in_two_halves

    for chunk in chunks:
        for row in in_two_halves(chunk, lambda doc: len(doc.text), lambda doc: compute.row(doc, tally),
                                 compute.batch, tally.add):
            yield row
            step()


def run_store(args: argparse.Namespace, scheme: Scheme, labels: list[str] | None, options: SuggestOptions) -> int:
    """Keep the suggestions in the store (see the module docstring)."""
    from annotator.suggest.kept import Suggesting

    store = open_store_arg(args, create=False)
    try:
        if store.read_only:
            raise StoreError(f"{store.location}: the store is read-only: no suggestion can be kept there "
                             "(--out PATH writes them to a file)")
        annotator = working_as(args.annotator, store)
        ids = selected_ids(store, args.sources, scheme) if args.sources else None
        total = len(ids) if ids is not None else store.document_count()
        if total == 0:
            raise AnnotatorError(f"{store.location} holds no document: import some first (annotator import SOURCES)")
        suggesting = Suggesting(scheme, annotator, options, labels=labels)
        suggesting.suggesters(store)  # the gazetteer read, patterns and model loaded: their errors before any work
        scheme.compile()
        tally = StoreTally()
        with progress("suggesting", total) as step:
            docs = _inputs(store, annotator, ids, args.todo, tally, step)
            chunks = _pending(store, annotator, docs, args.again, tally, step)
            store.save_suggestions(_rows(_Compute(store, suggesting), chunks, tally, step), batch=BATCH)
    finally:
        store.close()
    _summary(store.location, annotator, suggesting, tally, labels or [lab.name for lab in scheme.labels])
    return 0


def _summary(location: str, annotator: str, suggesting: Suggesting, tally: StoreTally, labels: list[str]) -> None:
    if tally.no_date:
        err(f"note: {len(tally.no_date)} document(s) have no date (a `date YYYY-MM-DD` header or meta.date): their "
            f"relative dates (hier, mardi, le 3 avril) get no calendar value: {_some(tally.no_date)}")
    if tally.refused:
        err(f"note: {tally.refused} suggestion(s) left out: the scheme refuses their label or attributes")
    by_label = ", ".join(f"{lab} {tally.counts.get(lab, 0)}" for lab in labels)
    parts = [f"computed for {tally.computed} document(s) ({sum(tally.counts.values())} span(s): {by_label}; "
             f"{suggesting.made_by})",
             f"already kept for {tally.already}" + (" (--again computes them again)" if tally.already else "")]
    if tally.skipped:
        parts.append(f"skipped {tally.skipped} done (--todo)")
    err(f"suggestions kept in {location} for {annotator}: {'; '.join(parts)}")
