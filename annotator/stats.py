"""What a store holds, counted: documents, each annotator's records by status and spans by label
(``annotator stats``). Computed from one snapshot of the records, above the store."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import msgspec

from annotator.store.base import RecordQuery, Store


class _Labelled(msgspec.Struct):
    label: str


_decode_labels = msgspec.json.Decoder(list[_Labelled]).decode


@dataclass(slots=True)
class StoreStats:
    documents: int
    records_by_status: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> status -> records
    spans_by_label: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> label -> spans

    def annotators(self) -> list[str]:
        return sorted(set(self.records_by_status) | set(self.spans_by_label))

    def to_json(self) -> dict[str, object]:
        return {"documents": self.documents, "records_by_status": self.records_by_status,
                "spans_by_label": self.spans_by_label}


def store_stats(store: Store) -> StoreStats:
    """Every record of the store read once, in one snapshot (only the span labels are parsed)."""
    stats = StoreStats(store.document_count())
    by_status: dict[str, Counter[str]] = {}
    by_label: dict[str, Counter[str]] = {}
    for r in store.iter_records(RecordQuery()):
        if r.annotator is None:
            continue
        by_status.setdefault(r.annotator, Counter())[r.status] += 1
        labels = Counter(s.label for s in _decode_labels(r.spans))
        if labels:
            by_label.setdefault(r.annotator, Counter()).update(labels)
    stats.records_by_status = {a: dict(c) for a, c in by_status.items()}
    stats.spans_by_label = {a: dict(c) for a, c in by_label.items()}
    return stats
