"""Export, the one path every format takes: the store's records, from one snapshot, streamed
through the format's writer into a destination written atomically.

A format made for training (the registry row's ``training``: spacy, hf, conll) gets one record
per document, or a model sees each document once per annotator with conflicting labels: the
reviewed (gold) record where there is one, else the only record; a document with several records
and no reviewed one stops the export before anything is written, with the choices named
(:class:`Selection`: ``--annotator``, ``--prefer``, ``--all-annotators``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

import orjson

from annotator.errors import UsageError
from annotator.model.types import RecordDict, Status
from annotator.store.base import RecordQuery, Store, StoredRecord

if TYPE_CHECKING:
    from annotator.formats.common import Options, Report
    from annotator.schema import Scheme


def export_query(annotator: str | None, status: Status | None) -> RecordQuery:
    """The records an export of this annotator (None: everyone) and status (None: any) writes:
    where the status admits to-do, the documents an annotator has not opened yet are included
    as to-do records with no spans."""
    return RecordQuery(annotator=annotator, status=status, untouched=status in (None, "todo"))


@dataclass(frozen=True, slots=True)
class Selection:
    """Which record of a document an export takes when several annotators have one."""

    prefer: tuple[str, ...] = ()  # the first of these who has a record of the document
    all_annotators: bool = False  # every record, side by side (what non-training formats do)


class SeveralRecords(UsageError):
    """A training export met documents with several records and no way to choose one."""


def reviewed(record: StoredRecord) -> bool:
    """The record is a review's gold record: its spans carry provenance."""
    spans = orjson.loads(record.spans) if record.spans else []
    return any(isinstance(s, dict) and s.get("provenance") for s in spans)


def _choice(group: list[StoredRecord]) -> StoredRecord | None:
    """The record a training export takes: the one there is, or the one reviewed record."""
    if len(group) == 1:
        return group[0]
    gold = [r for r in group if reviewed(r)]
    return gold[0] if len(gold) == 1 else None


def one_per_document(records: Iterable[StoredRecord], selection: Selection, notes: list[str],
                     fmt: str) -> Iterator[StoredRecord]:
    """One record of each document (records come in document order): the first of
    ``selection.prefer`` who has one, else as :func:`_choice` says. A document with no choice
    stops the stream: the rest is read only to name every such document, then SeveralRecords."""
    undecided: list[tuple[str, list[str | None]]] = []
    left_out: list[tuple[str, list[str | None]]] = []
    taken = {"reviewed": 0, "only": 0}
    for doc_id, rows in groupby(records, key=lambda r: r.id):
        group = list(rows)
        if selection.prefer:
            chosen = next((r for name in selection.prefer for r in group if r.annotator == name), None)
            if chosen is None:
                left_out.append((doc_id, [r.annotator for r in group]))
                continue
        else:
            chosen = _choice(group)
            if chosen is None:
                undecided.append((doc_id, [r.annotator for r in group]))
                continue
            if len(group) > 1:
                taken["reviewed"] += 1
            else:
                taken["only"] += 1
        if not undecided:
            yield chosen
    if undecided:
        raise SeveralRecords(_several_message(undecided, fmt))
    if left_out:
        doc_id, who = left_out[0]
        notes.append(f"{len(left_out)} document(s) left out: none of {', '.join(selection.prefer)} has a record of "
                     f"them (e.g. {doc_id}: {', '.join(str(a) for a in who)})")
    if taken["reviewed"]:
        notes.append(f"one record per document: the reviewed one for {taken['reviewed']} document(s), the only one "
                     f"for {taken['only']}")


def _several_message(undecided: list[tuple[str, list[str | None]]], fmt: str) -> str:
    shown = "; ".join(f"{doc_id}: {', '.join(str(a) for a in who)}" for doc_id, who in undecided[:3])
    more = f" and {len(undecided) - 3} more" if len(undecided) > 3 else ""
    return (f"{len(undecided)} document(s) have records of several annotators and none reviewed ({shown}{more}); "
            f"{fmt} is a training format, which takes one record per document: choose with --annotator NAME, "
            "--prefer reviewer,alice (per document, the first of these who has a record) or --all-annotators "
            "(every record side by side; a model then sees each such document several times); nothing was written")


def _as_dicts(records: Iterable[StoredRecord], scheme: Scheme) -> Iterator[RecordDict]:
    from annotator.formats.jsonl import record_dict

    for r in records:
        yield record_dict(r, scheme.name, scheme.version)


def output_path(dest: str, fmt: str) -> str:
    """Where an export in ``fmt`` to ``--out dest`` goes: a single-file format given a folder (an
    existing one, or a path ending in /) writes the file its registry row names by default there
    (``DIR/annotations.jsonl``); a folder format writes the folder itself."""
    import os

    from annotator.formats.registry import get_format

    f = get_format(fmt)
    if dest == "-" or f.folder:
        return dest
    if dest.endswith(("/", os.sep)) or os.path.isdir(dest):
        return os.path.join(dest, os.path.basename(f.default_out))
    return dest


def _not_the_store(store: Store, dest: str) -> None:
    """An export never replaces the store it reads (``--out annotator.db`` by mistake)."""
    import os

    from annotator.errors import UsageError

    for suffix in ("", "-wal", "-shm", "-journal"):
        store_file = store.location + suffix
        try:
            same = os.path.samefile(dest, store_file)
        except OSError:  # either is missing (or the store is not a file)
            continue
        if same:
            raise UsageError(f"--out {dest} is the store itself ({store_file}): name another file")


def export(store: Store, scheme: Scheme, dest: str, fmt: str = "jsonl", options: Options | None = None, *,
           annotator: str | None = None, status: Status | None = "done",
           on_record: Callable[[], None] | None = None, selection: Selection = Selection()) -> Report:
    """Write the records of ``annotator`` (None: everyone) with ``status`` (None: any) to ``dest``
    in format ``fmt``, in document order; memory stays flat in corpus size. For everyone's
    records, ``selection`` (and the format's ``training``) says whether each document gives one
    record or all of them (see the module docstring)."""
    from annotator.formats.common import Options
    from annotator.formats.registry import get_format

    options = options or Options()
    f = get_format(fmt)
    if annotator is not None and (selection.prefer or selection.all_annotators):
        raise UsageError("--annotator exports one annotator's records: --prefer and --all-annotators do not apply")
    if selection.prefer and selection.all_annotators:
        raise UsageError("--prefer takes one record per document, --all-annotators every record: choose one")
    dest = output_path(dest, fmt)
    _not_the_store(store, dest)
    writer = f.write()
    records: Iterable[StoredRecord] = store.iter_records(export_query(annotator, status))
    if on_record is not None:
        records = _counted(records, on_record)
    notes: list[str] = []
    if annotator is None and (selection.prefer or (f.training and not selection.all_annotators)):
        records = one_per_document(records, selection, notes, f.name)
    report = writer(records if f.stored else _as_dicts(records, scheme), dest, scheme, options)
    report.notes.extend(notes)
    return report


def _counted(records: Iterable[StoredRecord], step: Callable[[], None]) -> Iterator[StoredRecord]:
    for r in records:
        step()
        yield r
