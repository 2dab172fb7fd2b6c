"""Import, the pipeline: each source read by its format (``formats.registry``), every item
validated there, and all of them added to the store in ONE transaction.

A source with any bad line is rejected whole and the store is left unchanged, unless
``skip_invalid`` is set: then the good items are imported and the bad ones still reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.errors import InvalidData, ProblemLog
from annotator.model.types import ImportItem
from annotator.store.base import ImportRejected, ImportSummary, Store

if TYPE_CHECKING:
    from annotator.formats.common import Options
    from annotator.schema import Scheme


@dataclass(slots=True)
class ImportResult:
    summary: ImportSummary
    problems: ProblemLog = field(default_factory=ProblemLog)
    items: int = 0


def import_items(
    store: Store,
    items: Iterable[ImportItem],
    log: ProblemLog,
    *,
    skip_invalid: bool = False,
    replace: bool = False,
    on_item: Callable[[], None] | None = None,
) -> ImportResult:
    """Stream ``items`` into the store in one transaction; roll back when ``log`` gets a problem
    (unless ``skip_invalid``). Raises InvalidData listing the problems when nothing was imported."""
    result = ImportResult(ImportSummary(), log)

    def counted() -> Iterator[ImportItem]:
        for item in items:
            result.items += 1
            if on_item is not None:
                on_item()
            yield item

    try:
        result.summary = store.import_items(counted(), replace=replace, accept=lambda: skip_invalid or not log)
    except ImportRejected:
        lines = any(p.line is not None for p in log.kept)
        raise InvalidData(log.kept, log.total,
                          "nothing was imported" + (": the source has invalid lines" if lines else "")) from None
    except InvalidData as exc:  # conflicts found by the store (same id, different text...)
        for p in exc.problems:
            log.add(p)
        raise InvalidData(log.kept, log.total, "nothing was imported") from None
    return result


def import_sources(
    store: Store,
    sources: Iterable[str | Path],
    scheme: Scheme,
    annotator: str,
    *,
    fmt: str = "auto",
    options: Options | None = None,
    skip_invalid: bool = False,
    replace: bool = False,
    on_item: Callable[[], None] | None = None,
) -> ImportResult:
    """Read ``sources`` (each in format ``fmt``, or the one guessed for it; ``annotator``: of
    records that name none) and import them in one transaction."""
    from annotator.formats.common import Options
    from annotator.formats.registry import read_sources, resolve_sources

    options = options or Options(annotator=annotator, skip_invalid=skip_invalid)
    plan = resolve_sources([str(s) for s in sources], fmt)
    log = ProblemLog()
    return import_items(store, read_sources(plan, scheme, options, log), log,
                        skip_invalid=options.skip_invalid, replace=replace, on_item=on_item)


def read_native(sources: Iterable[str | Path], scheme: Scheme, annotator: str, log: ProblemLog) -> Iterator[ImportItem]:
    """Native sources (``.txt`` files, folders, JSONL of documents or records) read and checked as
    ``import`` reads them, into no store (``annotator``: of records that name none); problems go to
    ``log`` (nothing is yielded when a source cannot be found)."""
    from annotator.formats.jsonl import expand_sources, read_files

    files = expand_sources(sources, log)
    if log:
        return iter(())
    return read_files(files, scheme, annotator, log)


def open_sources(store: Store, sources: Iterable[str | Path], scheme: Scheme, annotator: str) -> ImportResult:
    """What ``annotator annotate SOURCES`` does first: import native sources (``.txt`` files,
    folders, JSONL of documents or records), except the files whose every document and record
    the store already holds unchanged: those are only read, not validated again (re-opening a
    long article costs a read, not its validation)."""
    from annotator.formats.jsonl import expand_sources, read_files, read_unchecked
    from annotator.store.importer import holds

    log = ProblemLog()
    files = expand_sources(sources, log)
    if log:
        raise InvalidData(log.kept, log.total, "nothing was imported")
    known_docs: set[str] = set()  # of the files left unread, each document and record counted once
    known_records: set[tuple[str, str]] = set()
    changed = []
    for path in files:
        items = read_unchecked(path, annotator)
        if items is not None and all(holds(store, it.document, it.record) for it in items):
            known_docs.update(it.document.id for it in items)
            known_records.update((it.document.id, it.record["annotator"]) for it in items if it.record is not None)
        else:
            changed.append(path)
    if not changed:
        return ImportResult(ImportSummary(documents_unchanged=len(known_docs), records_unchanged=len(known_records)))
    seen_docs: set[str] = set()
    seen_records: set[tuple[str, str]] = set()

    def noted(items: Iterable[ImportItem]) -> Iterator[ImportItem]:
        for it in items:
            seen_docs.add(it.document.id)
            if it.record is not None:
                seen_records.add((it.document.id, it.record["annotator"]))
            yield it

    result = import_items(store, noted(read_files(changed, scheme, annotator, log)), log)
    result.summary.documents_unchanged += len(known_docs - seen_docs)
    result.summary.records_unchanged += len(known_records - seen_records)
    return result
