"""doccano sequence labelling JSONL, both variants, with offsets converted at the edge.

- ``{"id", "text", "label": [[start, end, "LABEL"], ...]}`` (doccano <= 1.5 writes ``data`` for
  ``text``; both are read);
- ``{"id", "text", "entities": [{"id", "label", "start_offset", "end_offset"}],
  "relations": [{"id", "from_id", "to_id", "type"}]}`` (projects with relations).

doccano counts offsets in UTF-16 code units by default, or in grapheme clusters in projects made
with "count grapheme clusters as one character"; the file does not say which, so ``--offsets``
says it (default ``utf16``, both ways). Other top-level keys are the document's metadata (doccano
flattens metadata there); ``annotator_record`` keeps what doccano has no place for (attributes,
span ids, status). Export writes the entities/relations variant when the scheme has links
(``ref`` attributes), else the ``label`` variant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import ProblemLog
from annotator.files.atomic import atomic_output
from annotator.files.lines import good_json_lines, readable_line
from annotator.formats.builder import ReadContext, RecordBuilder
from annotator.formats.common import (
    ENVELOPE,
    Offsets,
    Options,
    Report,
    check_lossy,
    envelope,
    labels_for,
    ref_links,
    span_desc,
)
from annotator.formats.jsonl import record_name
from annotator.model.types import ImportItem, RecordDict
from annotator.schema import Scheme
from annotator.text.offsets import OffsetError

RESERVED = frozenset({"id", "text", "data", "label", "entities", "relations", ENVELOPE})
DEFAULT_UNIT = "utf16"


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _span(b: RecordBuilder, conv: Offsets, s: Any, e: Any, label: Any, field: str, *, key: Any = None) -> None:
    if not (_int(s) and _int(e)) or not isinstance(label, str):
        b.problem(field, "expected integer start and end offsets and a label name")
        return
    try:
        start, end = conv.to_cp(s), conv.to_cp(e)
    except OffsetError as exc:
        b.problem(field, f"{exc} (offsets read as {b.ctx.options.offsets or DEFAULT_UNIT}; --offsets changes that)")
        return
    b.add_span(start, end, label, field=field, key=key)


def _read_row(ctx: ReadContext, obj: dict[str, Any], number: int, unit: str) -> ImportItem | None:
    text = obj.get("text", obj.get("data"))
    if not isinstance(text, str):
        ctx.problem(number, "text", "missing, or not a string")
        return None
    raw_id = obj.get("id")
    doc_id = str(raw_id) if isinstance(raw_id, str) or _int(raw_id) else f"{Path(ctx.name).stem}-{number}"
    meta = {k: v for k, v in obj.items() if k not in RESERVED}
    b = RecordBuilder(ctx, number, doc_id, text, meta=meta)
    conv = Offsets(text, unit)
    labels = obj.get("label")
    if labels is not None:
        if not isinstance(labels, list):
            b.problem("label", "must be a list of [start, end, label]")
        else:
            for i, item in enumerate(labels):
                if isinstance(item, list) and len(item) == 3:
                    _span(b, conv, item[0], item[1], item[2], f"label[{i}]")
                else:
                    b.problem(f"label[{i}]", "expected [start, end, \"LABEL\"] (a text classification file is not "
                                             "sequence labelling)")
    entities = obj.get("entities")
    if entities is not None:
        if not isinstance(entities, list):
            b.problem("entities", "must be a list")
        else:
            for i, ent in enumerate(entities):
                if not isinstance(ent, dict):
                    b.problem(f"entities[{i}]", "must be an object")
                    continue
                _span(b, conv, ent.get("start_offset"), ent.get("end_offset"), ent.get("label"), f"entities[{i}]",
                      key=ent.get("id", i))
    relations = obj.get("relations")
    if relations is not None:
        if not isinstance(relations, list):
            b.problem("relations", "must be a list")
        else:
            for i, rel in enumerate(relations):
                if not isinstance(rel, dict) or "from_id" not in rel or "to_id" not in rel:
                    b.problem(f"relations[{i}]", "expected {from_id, to_id, type}")
                    continue
                typ = rel.get("type")
                b.add_relation(typ if isinstance(typ, str) and typ else None, rel["from_id"], rel["to_id"],
                               f"relations[{i}]")
    if ENVELOPE in obj:
        b.apply_envelope(obj[ENVELOPE])
    return b.build(with_record=labels is not None or entities is not None)


def read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    ctx = ReadContext(path, scheme, options, log)
    unit = options.unit(DEFAULT_UNIT)
    for line in good_json_lines(path, log):
        item = _read_row(ctx, line.value, line.number, unit)
        if item is not None:
            yield item
    ctx.finish()


def _row(rec: RecordDict, scheme: Scheme, options: Options, unit: str, report: Report) -> dict[str, Any]:
    labels = labels_for(scheme, options)
    conv = Offsets(rec["text"], unit)
    row: dict[str, Any] = {"id": rec["id"], "text": rec["text"]}
    for k, v in (rec.get("meta") or {}).items():
        if k not in RESERVED and k != "Comments":
            row[k] = v
    lost: list[str] = []
    ents: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for s in rec["spans"]:
        try:
            start, end = conv.from_cp(s["start"]), conv.from_cp(s["end"])
        except OffsetError as exc:
            lost.append(f"span {span_desc(s)} not written: {exc}")
            continue
        index[s["id"]] = len(ents) + 1
        ents.append({"id": len(ents) + 1, "label": labels.external(s["label"]), "start_offset": start,
                     "end_offset": end})
    if scheme.ref_attrs:
        rels: list[dict[str, object]] = []
        for attr, holder, target in ref_links(rec, scheme):
            if holder["id"] in index and target["id"] in index:
                rels.append({"id": len(rels) + 1, "from_id": index[holder["id"]], "to_id": index[target["id"]],
                             "type": labels.external(attr)})
            else:
                lost.append(f"{attr} link of {span_desc(holder)} not written (an end was not written)")
        row["entities"] = ents
        row["relations"] = rels
    else:
        row["label"] = sorted([e["start_offset"], e["end_offset"], e["label"]] for e in ents)
    row[ENVELOPE] = envelope(rec, scheme)
    report.lose(rec, lost)
    return row


def write(records: Iterable[RecordDict], dest: str, scheme: Scheme, options: Options) -> Report:
    unit = options.unit(DEFAULT_UNIT)
    report = Report("doccano", dest)
    with atomic_output(dest) as out:
        for rec in records:
            out.write(readable_line(orjson.dumps(_row(rec, scheme, options, unit, report)),
                                    record_name(rec["id"], rec.get("annotator"))))
            out.write(b"\n")
            report.records += 1
        check_lossy(report, options)
    return report
