"""Suggestions computed once per (document, annotator) and kept in the store, so that opening a
document again is instant; what the annotate screen's worker and ``annotator suggest`` (without
``--out``) share.

:class:`Suggesting` holds what one annotator's suggestions are made with: the scheme, the
suggesters (built on first need, in the thread that needs them: a spaCy pipeline is loaded there)
and a gazetteer of the actors already accepted in the store (:class:`GazetteerCache`: read once
through :meth:`Store.iter_records` on a snapshot, then fed the actors the session tags), so an
actor tagged once is proposed everywhere it recurs. A document's suggestions are made from the
annotator's record as it is (its spans are not proposed again, and a quote's speaker may be one of
them) and kept whole; what the annotator rejected is kept apart and never comes back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import orjson

from annotator.errors import AnnotatorError, StoreError
from annotator.model.actions import now_iso
from annotator.model.types import Span
from annotator.model.working import WorkingRecord, span_sort_key
from annotator.store.base import RecordQuery, Store, StoredRecord, SuggestionKey, SuggestionsRow
from annotator.suggest.base import DocumentInput, KnownSpan, Suggester, Suggestion
from annotator.suggest.engine import SuggestResult, run_suggesters
from annotator.suggest.gazetteer import Gazetteer, GazetteerEntry
from annotator.suggest.pending import decode, encode
from annotator.suggest.pipeline import SuggestOptions, build_suggesters

if TYPE_CHECKING:
    from annotator.schema import Scheme

__all__ = ["GazetteerCache", "KeptSuggestions", "Suggesting", "document_input", "gazetteer_from_store",
           "stored_input"]

GAZETTEER_LABELS = ("ACTOR",)


@dataclass(frozen=True, slots=True)
class KeptSuggestions:
    """A document's suggestions for an annotator, and the ones they rejected."""

    suggestions: list[Suggestion]
    rejected: frozenset[SuggestionKey]
    computed: bool  # computed now (False: read as kept in the store)
    kept: bool  # in the store (False: computed on a store that could not keep them, e.g. read-only)


def _known(spans: Iterable[Span]) -> tuple[KnownSpan, ...]:
    return tuple(KnownSpan(s["start"], s["end"], s["label"], s["attrs"], s["id"])
                 for s in sorted(spans, key=span_sort_key))


def document_input(rec: WorkingRecord) -> DocumentInput:
    """A record as the suggesters see it: its text, metadata and spans (in text order, however
    the record came to hold them)."""
    return DocumentInput(rec.text, rec.meta, _known(rec.spans.values()), rec.doc_id)


def stored_input(rec: StoredRecord) -> DocumentInput:
    """A record read from a snapshot (:meth:`Store.iter_records`) as the suggesters see it: the
    same input as :func:`document_input` of the record :meth:`Store.load` gives."""
    meta = orjson.loads(rec.meta)
    return DocumentInput(rec.text, meta if isinstance(meta, dict) else {}, _known(orjson.loads(rec.spans)), rec.id)


def _entry(text: str, span: Span) -> GazetteerEntry:
    return GazetteerEntry(text[span["start"]:span["end"]], span["label"],
                          {k: v for k, v in span["attrs"].items() if isinstance(v, (str, int, float, bool))})


def gazetteer_from_store(store: Store, annotator: str | None = None,
                         labels: Sequence[str] = GAZETTEER_LABELS) -> Gazetteer:
    """A gazetteer of the spans of ``labels`` in the store's records: the annotator's, or (None)
    every record the store lets this user read. One snapshot; only the span arrays are parsed."""
    gazetteer = Gazetteer(labels=labels)
    wanted = set(labels)
    for rec in store.iter_records(RecordQuery(annotator=annotator)):
        for span in orjson.loads(rec.spans):
            if span["label"] in wanted:
                gazetteer.add(GazetteerEntry(span["text"], span["label"],
                                             {k: v for k, v in span["attrs"].items()
                                              if isinstance(v, (str, int, float, bool))}))
    return gazetteer


class GazetteerCache:
    """One session's gazetteer: built from the store on first need, then kept; the actors the
    session tags meanwhile are queued by :meth:`learn` (from any thread, without waiting) and
    added before the next use."""

    def __init__(self, annotator: str | None = None, labels: Sequence[str] = GAZETTEER_LABELS):
        self.annotator = annotator
        self.labels = tuple(labels)
        self._gazetteer: Gazetteer | None = None
        self._queued: list[GazetteerEntry] = []
        self._lock = threading.Lock()
        self.builds = 0  # how many times it was read from the store (tests count them)

    def learn(self, text: str, spans: Iterable[Span]) -> None:
        """Spans of a document whose text is ``text`` that the session added (those of other
        labels are ignored)."""
        self._queued.extend(_entry(text, s) for s in spans if s["label"] in self.labels)

    def learn_entries(self, entries: Iterable[GazetteerEntry]) -> None:
        """Entries made elsewhere (a child process is sent them): those of other labels are ignored."""
        self._queued.extend(e for e in entries if e.label in self.labels)

    def get(self, store: Store) -> Gazetteer:
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = gazetteer_from_store(store, self.annotator, self.labels)
                self.builds += 1
            queued, self._queued = self._queued, []
            for entry in queued:
                self._gazetteer.add(entry)
            return self._gazetteer


class Suggesting:
    """What one annotator's suggestions are made with, and how they are kept (see the module
    docstring). ``model_optional``: a spaCy pipeline that cannot be loaded is left out (said in
    :attr:`note`) rather than stopping everything, as a screen wants."""

    def __init__(self, scheme: Scheme, annotator: str, options: SuggestOptions | None = None, *,
                 labels: Sequence[str] | None = None, gazetteer: GazetteerCache | None = None,
                 model_optional: bool = False):
        self.scheme = scheme
        self.annotator = annotator
        self.options = options or SuggestOptions()
        self.labels = list(labels) if labels is not None else None
        self.gazetteer = gazetteer if gazetteer is not None else GazetteerCache()
        self.model_optional = model_optional
        self.note: str | None = None  # what was left out, and why
        self._suggesters: list[Suggester] | None = None
        self._lock = threading.Lock()

    def suggesters(self, store: Store) -> list[Suggester]:
        """The suggesters, built on first call (a spaCy pipeline is loaded then); the gazetteer
        brought up to date with what the session tagged since."""
        gazetteer = self.gazetteer.get(store)
        with self._lock:
            if self._suggesters is None:
                options = replace(self.options, gazetteer=gazetteer)
                try:
                    self._suggesters = build_suggesters(options, self.scheme)
                except AnnotatorError as exc:
                    if not (self.model_optional and options.model):
                        raise
                    self.note = f"no ACTOR suggestions from a model: {exc}"
                    self._suggesters = build_suggesters(replace(options, model=None), self.scheme)
            return self._suggesters

    @property
    def made_by(self) -> str:
        """The names of the suggesters (what the store keeps beside their suggestions)."""
        return " ".join(s.name for s in self._suggesters or ())

    def compute(self, store: Store, doc: DocumentInput) -> list[Suggestion]:
        """The suggestions for ``doc`` (not kept)."""
        return self.result(store, doc).suggestions

    def result(self, store: Store, doc: DocumentInput) -> SuggestResult:
        """The suggestions for ``doc`` (not kept), with those the scheme refused."""
        return run_suggesters(doc, self.suggesters(store), self.scheme, self.labels)

    def row(self, doc: DocumentInput, suggestions: Sequence[Suggestion], at: str | None = None) -> SuggestionsRow:
        return SuggestionsRow(doc.id, self.annotator, encode(suggestions), self.made_by, at or now_iso())

    def for_document(self, store: Store, doc_id: str) -> KeptSuggestions:
        """The document's suggestions as kept in the store; computed from the annotator's record
        and kept first when there are none yet (on a store that cannot keep them, computed
        anyway: ``kept`` is False)."""
        stored = store.suggestions(doc_id, self.annotator)
        if stored.items is not None:
            return KeptSuggestions(decode(stored.items), stored.rejected, computed=False, kept=True)
        doc = document_input(store.load(doc_id, self.annotator))
        suggestions = self.compute(store, doc)
        kept = not store.read_only
        if kept:
            try:
                store.save_suggestions([self.row(doc, suggestions)])
            except StoreError:
                kept = False
        return KeptSuggestions(suggestions, stored.rejected, computed=True, kept=kept)
