"""Prodigy JSONL tasks (``ner.manual``, ``spans.manual``, ``rel.manual`` and ``review`` outputs).

A task: ``{"text", "tokens": [{"text", "start", "end", "id", "ws"}], "spans": [{"start", "end",
"token_start", "token_end", "label", "text"}], "relations": [{"head", "child", "head_span",
"child_span", "label"}], "meta": {"id": doc id}, "answer", "_input_hash", "_task_hash",
"_annotator_id", "_view_id", "annotator_record"}``. Char offsets are code points, ``end``
exclusive, ``token_end`` INCLUSIVE; a relation's ``head``/``child`` are the token index of the
LAST token of each span (head = the QUOTE, child = its speaker).

Export tokens are the French-aware word tokenizer's, cut again at every span edge, so every span
(overlapping ones too: ``_view_id`` ``spans_manual``) is expressible; whitespace other than one
plain space after a token becomes a whitespace token, as spaCy does, so tokens + ``ws`` rebuild the
text exactly. ``_input_hash``/``_task_hash`` are kept from an earlier Prodigy import (in
``meta.prodigy``), else derived from SHA-256 of the text (input) and of the annotation (task):
the same text gets the same input hash, which is what ``prodigy review`` groups by.

Import: ``ignore``/``reject`` answers are skipped and said so; char offsets win, token offsets
are checked against them; relations use ``head_span``/``child_span`` when present, else token
indices. The document id is ``annotator_record.id``, else ``meta.id``, else ``prodigy-<_input_hash>``.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import ProblemLog
from annotator.files.atomic import atomic_output
from annotator.files.lines import good_json_lines
from annotator.formats.builder import ReadContext, RecordBuilder
from annotator.formats.common import (
    ENVELOPE,
    Options,
    Report,
    check_lossy,
    cut_tokens,
    envelope,
    labels_for,
    ref_links,
    same_text,
    with_tokens,
)
from annotator.model.types import ImportItem, RecordDict, Span
from annotator.schema import Scheme

KEPT_KEYS = ("_input_hash", "_task_hash", "_session_id", "_annotator_id", "_view_id", "_timestamp")


def _hash32(*parts: bytes) -> int:
    h = hashlib.sha256(b"\x00".join(parts)).digest()
    return int.from_bytes(h[:4], "little", signed=True)


def prodigy_tokens(text: str, spans: list[Span],
                   words: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """Tokens covering ``text`` exactly (token texts + ``ws`` spaces), with every span edge a token edge
    (``words``: the text's word tokens, if already known; see ``common.with_tokens``).

    Between two words there is most often one plain space with no span edge at it: it becomes the
    previous token's ``ws`` at once (the export's hot path); any other gap is cut at the span edges
    inside it, its first space, when it may, again being the previous token's ``ws``."""
    starts = {s["start"] for s in spans}
    ends = {s["end"] for s in spans}
    edges = sorted(starts | ends)
    bounds: list[tuple[int, int]] = []  # the tokens' (start, end), then their dicts at once
    ws: list[bool] = []

    def gap(a: int, b: int) -> None:
        cuts = [a, *edges[bisect_right(edges, a):bisect_left(edges, b)], b]
        first = True
        for x, y in zip(cuts, cuts[1:]):
            if first and bounds and bounds[-1][1] == x and text[x] == " " and x not in starts and x + 1 not in ends:
                ws[-1] = True
                x += 1
            first = False
            if x < y:
                bounds.append((x, y))
                ws.append(False)

    pos = 0
    for a, b in cut_tokens(text, edges, tokens=words):
        if a > pos:
            if a == pos + 1 and bounds and text[pos] == " " and pos not in starts and a not in ends:
                ws[-1] = True
            else:
                gap(pos, a)
        bounds.append((a, b))
        ws.append(False)
        pos = b
    if pos < len(text):
        gap(pos, len(text))
    return [{"text": text[a:b], "start": a, "end": b, "id": i, "ws": w}
            for i, ((a, b), w) in enumerate(zip(bounds, ws))]


def _task(rec: RecordDict, scheme: Scheme, options: Options,
          words: list[tuple[int, int]] | None = None) -> dict[str, Any]:
    labels = labels_for(scheme, options)
    text = rec["text"]
    tokens = prodigy_tokens(text, rec["spans"], words)
    token_starts = [t["start"] for t in tokens]  # every span edge is a token edge: found by bisection
    spans: list[dict[str, Any]] = []
    pos: dict[str, dict[str, Any]] = {}
    for s in rec["spans"]:
        d: dict[str, Any] = {"start": s["start"], "end": s["end"], "token_start": bisect_left(token_starts, s["start"]),
             "token_end": bisect_left(token_starts, s["end"]) - 1, "label": labels.external(s["label"]),
             "text": s["text"]}
        pos[s["id"]] = d
        spans.append(d)
    in_order = sorted(spans, key=lambda d: d["start"])
    overlapping = any(b["start"] < a["end"] for a, b in zip(in_order, in_order[1:]))
    meta = dict(rec.get("meta") or {})
    kept = meta.pop("prodigy", None) or {}
    task: dict[str, Any] = {"text": text, "tokens": tokens, "spans": spans}
    if scheme.ref_attrs:
        rels = []
        for attr, holder, target in ref_links(rec, scheme):
            h, c = pos[holder["id"]], pos[target["id"]]
            rels.append({"head": h["token_end"], "child": c["token_end"],
                         "head_span": {k: h[k] for k in ("start", "end", "token_start", "token_end", "label")},
                         "child_span": {k: c[k] for k in ("start", "end", "token_start", "token_end", "label")},
                         "label": labels.external(attr)})
        task["relations"] = rels
    display = {k: v for k, v in meta.items() if isinstance(v, (str, int, float, bool)) and k != "id"}
    task["meta"] = {"id": rec["id"], **display}
    task["answer"] = "ignore" if rec.get("status") == "skipped" else "accept"
    task["_input_hash"] = kept.get("_input_hash", _hash32(text.encode()))
    task["_task_hash"] = kept.get("_task_hash", _hash32(text.encode(), orjson.dumps(spans),
                                                        orjson.dumps(task.get("relations"))))
    view = "relations" if scheme.ref_attrs else "spans_manual" if overlapping else "ner_manual"
    task["_view_id"] = kept.get("_view_id") or view
    if rec.get("annotator"):
        task["_annotator_id"] = rec["annotator"]
    for k in ("_session_id", "_timestamp"):
        if k in kept:
            task[k] = kept[k]
    task[ENVELOPE] = envelope(rec, scheme)
    return task


def write(records: Iterable[RecordDict], dest: str, scheme: Scheme, options: Options) -> Report:
    report = Report("prodigy", dest)
    with atomic_output(dest) as out:
        for rec, words in with_tokens(records):
            out.write(orjson.dumps(_task(rec, scheme, options, words)))
            out.write(b"\n")
            report.records += 1
        check_lossy(report, options)
    return report


# -- import ----------------------------------------------------------------------------------------


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _read_task(ctx: ReadContext, task: dict[str, Any], line: int) -> ImportItem | None:
    text = task.get("text")
    if not isinstance(text, str):
        ctx.problem(line, "text", "missing, or not a string")
        return None
    answer = task.get("answer", "accept")
    meta_in: dict[str, Any] = task["meta"] if isinstance(task.get("meta"), dict) else {}
    doc_id = meta_in.get("id") if isinstance(meta_in.get("id"), str) else None
    if doc_id is None:
        ih = task.get("_input_hash")
        doc_id = f"prodigy-{ih}" if _int(ih) else f"{Path(ctx.name).stem}-{line}"
    env = task.get(ENVELOPE)
    if isinstance(env, dict) and isinstance(env.get("id"), str):
        doc_id = env["id"]
    if answer in ("ignore", "reject") and not (isinstance(env, dict) and env.get("status") == "skipped"):
        ctx.note(line, f"task {doc_id!r} answered {answer!r}: skipped (not gold)")
        return None
    if answer not in ("accept", "ignore", "reject"):
        ctx.problem(line, "answer", f"{answer!r} is not accept, reject or ignore")
        return None
    meta = {k: v for k, v in meta_in.items() if k != "id"}
    kept = {k: task[k] for k in KEPT_KEYS if k in task}
    if kept:
        meta["prodigy"] = kept
    who = ctx.annotator(task.get("_annotator_id"), line, "_annotator_id")
    b = RecordBuilder(ctx, line, doc_id, text, annotator=who, meta=meta)
    tokens: Any = task.get("tokens")
    if tokens is not None and not (isinstance(tokens, list) and all(
            isinstance(t, dict) and _int(t.get("start")) and _int(t.get("end")) for t in tokens)):
        b.problem("tokens", "expected a list of {text, start, end, id, ws}")
        tokens = None
    spans = task.get("spans") or []
    if not isinstance(spans, list):
        b.problem("spans", "must be a list")
        spans = []
    for i, s in enumerate(spans):
        field = f"spans[{i}]"
        if not isinstance(s, dict) or not isinstance(s.get("label"), str):
            b.problem(field, "expected an object with a label")
            continue
        ts: Any = s.get("token_start")
        te: Any = s.get("token_end")
        start: Any = s.get("start")
        end: Any = s.get("end")
        has_tok = tokens is not None and _int(ts) and _int(te) and 0 <= ts <= te < len(tokens)
        if not (_int(start) and _int(end)):
            if not has_tok:
                b.problem(field, "needs start/end, or token_start/token_end with tokens")
                continue
            start, end = tokens[ts]["start"], tokens[te]["end"]
        elif has_tok and (tokens[ts]["start"] != start or tokens[te]["end"] != end):
            b.problem(field, f"start/end {start}:{end} disagree with tokens {ts}..{te} "
                             f"({tokens[ts]['start']}:{tokens[te]['end']}; token_end is inclusive)")
            continue
        given = s.get("text")
        if isinstance(given, str) and _int(start) and _int(end) and not same_text(text[start:end], given):
            b.problem(f"{field}.text", f"{given[:40]!r} is not the text at {start}:{end} ({text[start:end][:40]!r})")
            continue
        span = b.add_span(start, end, s["label"], field=field, key=("c", start, end))
        if span is not None and has_tok:
            b.keys.setdefault(("t", te), []).append(span)
    rels = task.get("relations") or []
    if not isinstance(rels, list):
        b.problem("relations", "must be a list")
        rels = []
    for i, r in enumerate(rels):
        field = f"relations[{i}]"
        if not isinstance(r, dict):
            b.problem(field, "must be an object")
            continue
        ends: list[tuple[Any, ...] | None] = []
        for side in ("head", "child"):
            sd = r.get(f"{side}_span")
            if isinstance(sd, dict) and _int(sd.get("start")) and _int(sd.get("end")):
                ends.append(("c", sd["start"], sd["end"]))
            elif _int(r.get(side)):
                ends.append(("t", r[side]))
            else:
                ends.append(None)
        if None in ends:
            b.problem(field, "needs head and child (token index of each span's last token) or head_span/child_span")
            continue
        label = r.get("label")
        b.add_relation(label if isinstance(label, str) and label else None, ends[0], ends[1], field)
    if isinstance(env, dict):
        b.apply_envelope(env)
    return b.build()


def read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    ctx = ReadContext(path, scheme, options, log)
    for line in good_json_lines(path, log):
        item = _read_task(ctx, line.value, line.number)
        if item is not None:
            yield item
    ctx.finish()
