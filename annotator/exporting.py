"""Export, the one path every format takes: the store's records, from one snapshot, streamed
through the format's writer into a destination written atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

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
           on_record: Callable[[], None] | None = None) -> Report:
    """Write the records of ``annotator`` (None: everyone) with ``status`` (None: any) to ``dest``
    in format ``fmt``, in document order; memory stays flat in corpus size."""
    from annotator.formats.common import Options
    from annotator.formats.registry import get_format

    options = options or Options()
    f = get_format(fmt)
    dest = output_path(dest, fmt)
    _not_the_store(store, dest)
    writer = f.write()
    records: Iterable[StoredRecord] = store.iter_records(export_query(annotator, status))
    if on_record is not None:
        records = _counted(records, on_record)
    return writer(records if f.stored else _as_dicts(records, scheme), dest, scheme, options)


def _counted(records: Iterable[StoredRecord], step: Callable[[], None]) -> Iterator[StoredRecord]:
    for r in records:
        step()
        yield r
