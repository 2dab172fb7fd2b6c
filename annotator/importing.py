"""Import: read sources (text files, folders, JSONL of documents or records), validate every item
with the scheme, and add them to the store in one transaction.

A source with any bad line is rejected whole and the store is left unchanged, unless
``skip_invalid`` is set: then the good items are imported and the bad ones still reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import InvalidData, Problem
from annotator.formats.item import Item
from annotator.formats.plaintext import read_text_file
from annotator.formats.problems import ProblemLog
from annotator.schema import Scheme
from annotator.store.base import ImportRejected, ImportSummary, Store

DOCUMENT_SUFFIXES = (".txt", ".jsonl")


def expand_sources(sources: Iterable[str | Path], log: ProblemLog) -> list[Path]:
    """Files named, and the ``.txt``/``.jsonl`` files under folders named (recursively, sorted)."""
    files: list[Path] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found = sorted(
                (f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES),
                key=lambda f: f.relative_to(p).as_posix(),
            )
            if not found:
                log.add(Problem(str(p), None, None, "folder holds no .txt or .jsonl file"))
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in DOCUMENT_SUFFIXES:
                log.add(Problem(str(p), None, None,
                                "unknown file type: expected .txt or .jsonl (other tools' files: --format)"))
            else:
                files.append(p)
        else:
            log.add(Problem(str(p), None, None, "no such file or folder"))
    return files


def read_sources(files: list[Path], scheme: Scheme, annotator: str, log: ProblemLog, *,
                 parallel: bool = True) -> Iterator[Item]:
    for path in files:
        if path.suffix.lower() == ".txt":
            doc = read_text_file(path)
            if isinstance(doc, Problem):
                log.add(doc)
            else:
                yield Item(doc, None)
        else:
            from annotator.formats.parallel import read_jsonl_file

            yield from read_jsonl_file(path, scheme, annotator, log, parallel=parallel)


@dataclass(slots=True)
class ImportResult:
    summary: ImportSummary
    problems: ProblemLog = field(default_factory=ProblemLog)
    items: int = 0


def import_items(
    store: Store,
    items: Iterable[Item],
    log: ProblemLog,
    *,
    skip_invalid: bool = False,
    replace: bool = False,
    on_item: Callable[[], None] | None = None,
) -> ImportResult:
    """Stream ``items`` into the store in one transaction; roll back when ``log`` gets a problem
    (unless ``skip_invalid``). Raises InvalidData listing the problems when nothing was imported."""
    result = ImportResult(ImportSummary(), log)

    def counted() -> Iterator[tuple]:
        for item in items:
            result.items += 1
            if on_item is not None:
                on_item()
            yield item.document, item.record

    try:
        result.summary = store.import_items(counted(), replace=replace, accept=lambda: skip_invalid or not log)
    except ImportRejected:
        raise InvalidData(log.kept, log.total, "nothing was imported: the source has invalid lines") from None
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
    skip_invalid: bool = False,
    replace: bool = False,
    on_item: Callable[[], None] | None = None,
) -> ImportResult:
    log = ProblemLog()
    files = expand_sources(sources, log)
    if log and not skip_invalid:
        raise InvalidData(log.kept, log.total, "nothing was imported")
    # --skip-invalid must know a line is bad before inserting it: then lines are checked in order
    items = read_sources(files, scheme, annotator, log, parallel=not skip_invalid)
    return import_items(store, items, log,
                        skip_invalid=skip_invalid, replace=replace, on_item=on_item)
