"""Label Studio JSON tasks: NER regions (``labels`` results) and relations.

A task is ``{"id", "data": {"text", "doc_id", ...}, "annotations": [{"id", "result": [...],
"was_cancelled", ...}], "predictions": [...], "meta": {"annotator_record": [...]}}``. A region is
``{"id", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start", "end",
"text", "labels": [...]}}``; a link is ``{"from_id", "to_id", "type": "relation", "direction",
"labels": ["speaker"]}`` (from the QUOTE region to the ACTOR region).

Export writes one task per document, one annotation per annotator (``--as-predictions``: one
prediction per annotator, ``model_version`` = the annotator). Import reads a JSON array of tasks,
JSON lines of tasks or one task; cancelled annotations are skipped and said so; predictions are
skipped (and said so) unless ``--as-predictions``, which imports them instead, as spans with source
``prediction``. Label Studio counts code points (since 2021; older exports count UTF-16 units:
``--offsets utf16``). Every region's ``value.text`` is checked against the text at its offsets;
a mismatch is a problem that says which unit would fit. The whole file is read into memory (a JSON
array cannot be streamed by line); tasks are then built one at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import ProblemLog
from annotator.files.atomic import atomic_output
from annotator.files.encoding import invalid_utf8
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
    same_text,
    span_desc,
    unit_hint,
)
from annotator.model.types import ImportItem, RecordDict
from annotator.schema import Scheme
from annotator.text.offsets import OffsetError

DEFAULT_UNIT = "codepoint"
_WS = " \t\r\n"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def iter_json_values(ctx: ReadContext, raw: bytes) -> Iterator[tuple[int, Any]]:
    """(line, value) of each element of a top-level JSON array, or of each value of JSON lines."""
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0  # a byte-order mark at the start is allowed
    try:
        s = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        ctx.problem(None, None, invalid_utf8(ctx.name, bom + exc.start, " of the file"))
        return
    n = len(s)
    i = 0
    line = 1
    counted = 0

    def skip(i: int) -> int:
        while i < n and s[i] in _WS:
            i += 1
        return i

    i = skip(i)
    in_array = i < n and s[i] == "["
    if in_array:
        i = skip(i + 1)
        if i < n and s[i] == "]":
            return
    while i < n:
        line += s.count("\n", counted, i)
        counted = i
        try:
            value, end = _DECODER.raw_decode(s, i)
        except json.JSONDecodeError as exc:
            ctx.problem(exc.lineno, None, f"not valid JSON: {exc.msg} (column {exc.colno})")
            return
        except (ValueError, RecursionError) as exc:
            ctx.problem(line, None, f"not valid JSON: {exc if isinstance(exc, ValueError) else 'nested too deeply'}")
            return
        yield line, value
        i = skip(end)
        if in_array:
            if i < n and s[i] == ",":
                i = skip(i + 1)
            elif i < n and s[i] == "]":
                if skip(i + 1) < n:
                    ctx.problem(s.count("\n", 0, i) + 1, None, "text after the end of the array")
                return
            elif i >= n:
                ctx.problem(s.count("\n") + 1, None, "the array of tasks is not closed (truncated file?)")
                return
            else:
                ctx.problem(s.count("\n", 0, i) + 1, None, "expected ',' or ']' between tasks")
                return
    if in_array:
        ctx.problem(s.count("\n") + 1, None, "the array of tasks is not closed (truncated file?)")


def _task_text(ctx: ReadContext, task: dict[str, Any], line: int) -> tuple[str, dict[str, Any]] | None:
    data = task.get("data")
    if not isinstance(data, dict):
        ctx.problem(line, "data", "missing, or not an object")
        return None
    if isinstance(data.get("text"), str):
        return data["text"], {k: v for k, v in data.items() if k not in ("text", "doc_id")}
    strings = [k for k, v in data.items() if isinstance(v, str) and k != "doc_id"]
    if len(strings) == 1:
        return data[strings[0]], {k: v for k, v in data.items() if k not in (strings[0], "doc_id")}
    ctx.problem(line, "data.text", f"missing; data has {', '.join(sorted(data)) or 'no field'}")
    return None


def _read_annotation(ctx: ReadContext, line: int, doc_id: str, text: str, meta: dict, ann: Any, field: str,
                     env: Any, unit: str, *, source: str, annotator: str | None) -> ImportItem | None:
    b = RecordBuilder(ctx, line, doc_id, text, annotator=annotator, meta=meta, source=source,
                      status="in_progress" if source == "prediction" else "done")
    if not isinstance(ann, dict) or not isinstance(ann.get("result", []), list):
        b.problem(field, "expected an object with a result list")
        return None
    conv = Offsets(text, unit)
    for j, r in enumerate(ann.get("result", [])):
        rf = f"{field}.result[{j}]"
        if not isinstance(r, dict):
            b.problem(rf, "must be an object")
            continue
        if r.get("type") == "relation":
            labels = r.get("labels") or [None]
            a, z = r.get("from_id"), r.get("to_id")
            if r.get("direction") == "left":
                a, z = z, a
            for lab in labels:
                b.add_relation(lab if isinstance(lab, str) else None, a, z, rf)
            continue
        value = r.get("value")
        if not isinstance(value, dict) or "start" not in value or "end" not in value:
            ctx.note(line, f"{rf}: a {r.get('type')!r} result without start/end is not a text span; not imported")
            continue
        labels = next((v for k, v in value.items() if k.endswith("labels") and isinstance(v, list)), None)
        if not labels:
            ctx.note(line, f"{rf}: a {r.get('type')!r} result (no labels) is not imported")
            continue
        s, e = value["start"], value["end"]
        if not (isinstance(s, int) and isinstance(e, int)) or isinstance(s, bool) or isinstance(e, bool):
            b.problem(f"{rf}.value", "start and end must be integers")
            continue
        try:
            start, end = conv.to_cp(s), conv.to_cp(e)
        except OffsetError as exc:
            b.problem(f"{rf}.value", f"{exc} (offsets read as {ctx.options.offsets or DEFAULT_UNIT})")
            continue
        given = value.get("text")
        if isinstance(given, str) and not same_text(text[start:end], given):
            b.problem(f"{rf}.value.text", f"{given[:40]!r} is not the text at {s}:{e} ({text[start:end][:40]!r})"
                      + unit_hint(text, s, e, given, conv.unit))
            continue
        for lab in labels:
            b.add_span(start, end, lab, field=f"{rf}.value.labels", key=r.get("id"), span_id=r.get("id"))
    if env is not None:
        b.apply_envelope(env)
    return b.build()


def _read_task(ctx: ReadContext, task: Any, line: int, index: int, unit: str) -> Iterator[ImportItem]:
    if not isinstance(task, dict):
        ctx.problem(line, None, "a task must be a JSON object")
        return
    got = _task_text(ctx, task, line)
    if got is None:
        return
    text, meta = got
    envs = (task.get("meta") or {}).get(ENVELOPE) if isinstance(task.get("meta"), dict) else None
    data = task["data"]
    doc_id = data.get("doc_id") if isinstance(data.get("doc_id"), str) else None
    if doc_id is None:
        tid = task.get("id")
        usable = isinstance(tid, (str, int)) and not isinstance(tid, bool)
        doc_id = str(tid) if usable else f"{Path(ctx.name).stem}-{index}"
    key = "predictions" if ctx.options.as_predictions else "annotations"
    anns = task.get(key, task.get("completions") if key == "annotations" else None) or []
    other = task.get("annotations" if key == "predictions" else "predictions") or []
    if other and isinstance(other, list):
        what = "annotation(s)" if key == "predictions" else "prediction(s)"
        hint = "" if key == "predictions" else " (--as-predictions imports them instead)"
        ctx.note(line, f"task {doc_id!r}: {len(other)} {what} not imported{hint}")
    if not isinstance(anns, list):
        ctx.problem(line, key, "must be a list")
        return
    if not anns:
        b = RecordBuilder(ctx, line, doc_id, text, meta=meta)
        item = b.build(with_record=False)
        if item is not None:
            yield item
        return
    for k, ann in enumerate(anns):
        field = f"{key}[{k}]"
        if isinstance(ann, dict) and ann.get("was_cancelled"):
            ctx.note(line, f"task {doc_id!r}: cancelled annotation {ann.get('id', k)} skipped")
            continue
        env = envs[k] if isinstance(envs, list) and k < len(envs) else None
        user_key = "model_version" if key == "predictions" else "completed_by"
        who = ctx.annotator(ann.get(user_key), line, f"{field}.{user_key}") if isinstance(ann, dict) else None
        source = "prediction" if key == "predictions" else "manual"
        item = _read_annotation(ctx, line, doc_id, text, meta, ann, field, env, unit, source=source, annotator=who)
        if item is not None:
            yield item


def read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    ctx = ReadContext(path, scheme, options, log)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        ctx.problem(None, None, f"cannot read: {exc.strerror or exc}")
        return
    unit = options.unit(DEFAULT_UNIT)
    for index, (line, task) in enumerate(iter_json_values(ctx, raw), 1):
        yield from _read_task(ctx, task, line, index, unit)
    ctx.finish()


# -- export ----------------------------------------------------------------------------------------


def _result(rec: RecordDict, scheme: Scheme, options: Options, unit: str) -> tuple[list[dict], list[str]]:
    labels = labels_for(scheme, options)
    conv = Offsets(rec["text"], unit)
    out: list[dict[str, Any]] = []
    lost: list[str] = []
    written = set()
    for s in rec["spans"]:
        try:
            start, end = conv.from_cp(s["start"]), conv.from_cp(s["end"])
        except OffsetError as exc:
            lost.append(f"span {span_desc(s)} not written: {exc}")
            continue
        written.add(s["id"])
        out.append({"id": s["id"], "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
                    "value": {"start": start, "end": end, "text": s["text"], "labels": [labels.external(s["label"])]}})
    for attr, holder, target in ref_links(rec, scheme):
        if holder["id"] in written and target["id"] in written:
            out.append({"from_id": holder["id"], "to_id": target["id"], "type": "relation", "direction": "right",
                        "labels": [labels.external(attr)]})
        else:
            lost.append(f"{attr} link of {span_desc(holder)} not written (an end was not written)")
    return out, lost


def _task(group: list[RecordDict], number: int, scheme: Scheme, options: Options, unit: str,
          report: Report) -> dict[str, Any]:
    first = group[0]
    anns: list[dict[str, Any]] = []
    for k, rec in enumerate(group, 1):
        result, lost = _result(rec, scheme, options, unit)
        report.lose(rec, lost)
        if options.as_predictions:
            anns.append({"model_version": rec.get("annotator") or "annotator", "result": result})
        else:
            anns.append({"id": number * 1000 + k, "result": result, "was_cancelled": False, "ground_truth": False,
                         "updated_at": rec.get("updated_at")})
    task = {"id": number, "data": {"text": first["text"], "doc_id": first["id"]},
            "annotations" if not options.as_predictions else "predictions": anns,
            "meta": {ENVELOPE: [envelope(r, scheme) for r in group]}}
    return task


def write(records: Iterable[RecordDict], dest: str, scheme: Scheme, options: Options) -> Report:
    """A JSON array of tasks, streamed: records of one document (consecutive in the store's order)
    become the annotations of one task."""
    unit = options.unit(DEFAULT_UNIT)
    report = Report("label-studio", dest)
    number = 0
    with atomic_output(dest) as out:
        out.write(b"[")
        group: list[RecordDict] = []

        def flush() -> None:
            nonlocal number
            number += 1
            out.write(b"\n" if number == 1 else b",\n")
            out.write(orjson.dumps(_task(group, number, scheme, options, unit, report)))

        for rec in records:
            if group and rec["id"] != group[0]["id"]:
                flush()
                group = []
            group.append(rec)
            report.records += 1
        if group:
            flush()
        out.write(b"\n]\n")
        check_lossy(report, options)
    return report
