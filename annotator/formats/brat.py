"""brat standoff: a folder of ``DOC.txt`` + ``DOC.ann``, with ``annotation.conf`` and ``visual.conf``.

``.ann`` lines written (offsets: code points of the ``.txt`` decoded as UTF-8, CR counted)::

    T1<TAB>QUOTE 40 62<TAB>« Nous resterons »          a span (fragments ``40 50;51 62`` when it
                                                       crosses a line break: brat lines cannot)
    R1<TAB>Speaker Arg1:T1 Arg2:T2                      QUOTE -> its ACTOR (a ``ref`` attribute)
    A1<TAB>mode T1 direct                               choice and bool attributes (bool: true|false)
    #1<TAB>AnnotatorNotes T3<TAB>{"value": "2014-08"}    text, number and timex attributes, as JSON

File names come from document ids through a strict allow-list (``A-Za-z0-9._-``; anything else
becomes ``_`` and a hash of the id is appended; no leading dot; reserved device names avoided;
case-insensitive collisions resolved), and every file is created inside a staging folder inside the
target folder, moved into place only when the whole export succeeded: nothing is ever written
outside the target folder. ``annotator-index.jsonl`` maps each file back to its document id,
annotator, status, metadata and span ids, so our own export -> import is the identity.

Import reads every ``.txt`` under the folder (a ``.txt`` without ``.ann`` is a document without
annotations; a ``.ann`` without ``.txt`` is a problem), checks every T line's text against the
``.txt``, joins fragments separated only by white space (how brat shows a span across a line
break), and refuses other discontinuous spans unless ``--split-discontinuous`` (one span per
fragment). Events, equivalences and normalisations are skipped and said so.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import ProblemLog, UsageError
from annotator.files.encoding import invalid_utf8
from annotator.files.staged import STAGE_PREFIX, staged_folder
from annotator.formats.builder import ReadContext, RecordBuilder
from annotator.formats.common import (
    Offsets,
    Options,
    Report,
    check_lossy,
    envelope,
    labels_for,
    plain_attrs,
    ref_links,
    span_desc,
    unit_hint,
)
from annotator.model.types import ImportItem, RecordDict
from annotator.schema import Scheme
from annotator.text.offsets import OffsetError

INDEX = "annotator-index.jsonl"
# every character str.splitlines() breaks on: brat reads .ann files line by line
BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_T_LINE = re.compile(r"^(\S+) (\d+ \d+(?:;\d+ \d+)*)$")


def safe_stem(doc_id: str, used: set[str]) -> str:
    """A file stem for ``doc_id`` from the allow-list, unique (case-insensitively) among ``used``."""
    stem = _UNSAFE.sub("_", doc_id)[:100]
    if stem != doc_id or stem.startswith(".") or stem.split(".")[0].upper() in _RESERVED or not stem:
        stem = (stem.lstrip(".") or "doc")[:80] + "-" + hashlib.sha256(doc_id.encode()).hexdigest()[:8]
    base, n = stem, 1
    while stem.lower() in used:
        n += 1
        stem = f"{base}-{n}"
    used.add(stem.lower())
    return stem


def _note_json(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
    return BREAKS.sub(lambda m: "".join(f"\\u{ord(c):04x}" for c in m.group()), text).replace("\t", "\\t")


def _fragments(text: str, s: int, e: int) -> list[tuple[int, int]]:
    frags, i = [], s
    for m in BREAKS.finditer(text, s, e):
        if m.start() > i:
            frags.append((i, m.start()))
        i = m.end()
    if i < e:
        frags.append((i, e))
    return frags


def _rel_name(attr: str, labels: Any) -> str:
    ext = labels.external(attr)
    return ext[:1].upper() + ext[1:] if ext == attr else ext


def ann_text(rec: RecordDict, scheme: Scheme, options: Options) -> tuple[str, dict[str, dict], list[str]]:
    """The .ann body, the index's per-T extras, and what could not be written."""
    labels = labels_for(scheme, options)
    text = rec["text"]
    lines: list[str] = []
    extras: dict[str, dict] = {}
    lost: list[str] = []
    tid: dict[str, str] = {}
    n_attr = n_note = 0
    for s in sorted(rec["spans"], key=lambda s: (s["start"], s["end"], s["label"])):
        frags = _fragments(text, s["start"], s["end"])
        if not frags:
            lost.append(f"span {span_desc(s)} not written: it holds only line breaks")
            continue
        t = f"T{len(tid) + 1}"
        tid[s["id"]] = t
        offs = ";".join(f"{a} {b}" for a, b in frags)
        lines.append(f"{t}\t{labels.external(s['label'])} {offs}\t{' '.join(text[a:b] for a, b in frags)}")
        extra: dict[str, Any] = {"id": s["id"]}
        if (frags[0][0], frags[-1][1]) != (s["start"], s["end"]):
            extra["start"], extra["end"] = s["start"], s["end"]
        if s.get("source", "manual") != "manual":
            extra["source"] = s["source"]
        if s.get("provenance"):
            extra["provenance"] = s["provenance"]
        extras[t] = extra
        notes: dict[str, Any] = {}
        label_def = scheme.by_name.get(s["label"])
        for name, value in plain_attrs(s, scheme).items():
            a = label_def.attr(name) if label_def else None
            if a is not None and a.type in ("choice", "bool") and not re.search(r"\s", str(value)):
                n_attr += 1
                shown = ("true" if value else "false") if a.type == "bool" else value
                lines.append(f"A{n_attr}\t{name} {t} {shown}")
            else:
                notes[name] = value
        if notes:
            n_note += 1
            lines.append(f"#{n_note}\tAnnotatorNotes {t}\t{_note_json(notes)}")
    for r, (attr, holder, target) in enumerate(ref_links(rec, scheme), 1):
        if holder["id"] in tid and target["id"] in tid:
            lines.append(f"R{r}\t{_rel_name(attr, labels)} Arg1:{tid[holder['id']]} Arg2:{tid[target['id']]}")
        else:
            lost.append(f"{attr} link of {span_desc(holder)} not written (an end was not written)")
    return "".join(line + "\n" for line in lines), extras, lost


def annotation_conf(scheme: Scheme, options: Options) -> str:
    labels = labels_for(scheme, options)
    out = ["[entities]"] + [labels.external(lab.name) for lab in scheme.labels]
    out += ["", "[relations]"]
    for holder, refs in scheme.ref_attrs.items():
        for attr, targets in refs:
            arg2 = "|".join(labels.external(t) for t in sorted(targets))
            out.append(f"{_rel_name(attr, labels)}\tArg1:{labels.external(holder)}, Arg2:{arg2}")
    out.append("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>")
    out += ["", "[events]", "", "[attributes]"]
    attrs: dict[str, tuple[list[str], list[str]]] = {}
    for lab in scheme.labels:
        for a in lab.attrs:
            if a.type in ("choice", "bool"):
                args, values = attrs.setdefault(a.name, ([], []))
                args.append(labels.external(lab.name))
                for v in (a.choices if a.type == "choice" else ("true", "false")):
                    if v not in values and not re.search(r"\s", v):
                        values.append(v)
    for name, (args, values) in attrs.items():
        out.append(f"{name}\tArg:{'|'.join(args)}, Value:{'|'.join(values)}")
    return "\n".join(out) + "\n"


def visual_conf(scheme: Scheme, options: Options) -> str:
    labels = labels_for(scheme, options)
    out = ["[labels]"] + [labels.external(lab.name) for lab in scheme.labels] + ["", "[drawing]"]
    out += [f"{labels.external(lab.name)}\tbgColor:{lab.color}" for lab in scheme.labels]
    return "\n".join(out) + "\n"


def earlier_export(folder: Path, present: set[str]) -> set[str] | None:
    """The files of a brat export made before exports left a manifest (its index names them)."""
    try:
        lines = (folder / INDEX).read_bytes().split(b"\n")
    except OSError:
        return None
    files = {INDEX, "annotation.conf", "visual.conf"}
    for raw in lines:
        if raw.strip():
            try:
                entry = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return None
            stem = entry.get("file") if isinstance(entry, dict) else None
            if not isinstance(stem, str) or not stem or _UNSAFE.search(stem):
                return None
            files |= {f"{stem}.txt", f"{stem}.ann"}
    return files if present <= files else None


def write(records: Iterable[RecordDict], dest: str, scheme: Scheme, options: Options) -> Report:
    report = Report("brat", dest)
    used: set[str] = set()
    with staged_folder(dest, "brat", recognise=earlier_export) as stage:
        with open(stage / INDEX, "wb") as index:
            for rec in records:
                stem = safe_stem(rec["id"], used)
                body, extras, lost = ann_text(rec, scheme, options)
                (stage / f"{stem}.txt").write_bytes(rec["text"].encode("utf-8"))
                (stage / f"{stem}.ann").write_bytes(body.encode("utf-8"))
                entry = {"file": stem, **envelope(rec, scheme, with_spans=False), "spans": extras}
                index.write(orjson.dumps(entry) + b"\n")
                report.lose(rec, lost)
                report.records += 1
        (stage / "annotation.conf").write_text(annotation_conf(scheme, options), encoding="utf-8")
        (stage / "visual.conf").write_text(visual_conf(scheme, options), encoding="utf-8")
        check_lossy(report, options)
    return report


# -- import ----------------------------------------------------------------------------------------


def _read_index(ctx: ReadContext, folder: Path) -> dict[str, dict[str, Any]]:
    p = folder / INDEX
    out: dict[str, dict[str, Any]] = {}
    if not p.is_file():
        return out
    for number, raw in enumerate(p.read_bytes().split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            entry = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            ctx.log.add(_problem(p, number, None, f"not valid JSON: {exc}"))
            continue
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            out[entry["file"]] = entry
        else:
            ctx.log.add(_problem(p, number, None, "expected an object with a file name"))
    return out


def _problem(path: Path, line: int | None, field: str | None, msg: str) -> Any:
    from annotator.errors import Problem

    return Problem(str(path), line, field, msg)


def _attr_value(kind: str, value: str | None) -> Any:
    if kind == "bool":
        return True if value is None else {"true": True, "false": False}.get(value.lower(), value)
    return value


def _parse_ann(b: RecordBuilder, ann: str, text: str, index: dict[str, Any]) -> None:
    ctx = b.ctx
    conv = Offsets(text, ctx.options.unit("codepoint"))
    extras = index.get("spans") or {}
    pending: list[tuple[int, str, str, Any]] = []  # (line, target, attr name, value)
    for number, raw in enumerate(ann.split("\n"), 1):
        b.line = number
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        ident = parts[0]
        if ident.startswith("T"):
            m = _T_LINE.match(parts[1]) if len(parts) == 3 else None
            if m is None:
                b.problem(ident, "expected T<n><TAB>TYPE START END<TAB>TEXT")
                continue
            try:
                frags = [(conv.to_cp(int(x)), conv.to_cp(int(y))) for x, y in
                         (f.split(" ") for f in m.group(2).split(";"))]
            except OffsetError as exc:
                b.problem(ident, str(exc))
                continue
            if any(not 0 <= s < e <= len(text) for s, e in frags):
                x, y = (int(v) for v in m.group(2).split(";")[0].split(" "))
                b.problem(ident, f"offsets {m.group(2)} are outside the text ({len(text)} characters)"
                          + (unit_hint(text, x, y, parts[2], conv.unit) if len(frags) == 1 else ""))
                continue
            shown = " ".join(text[s:e] for s, e in frags)
            if shown != parts[2]:
                x, y = (int(v) for v in m.group(2).split(";")[0].split(" "))
                b.problem(ident, f"text {parts[2][:40]!r} differs from the .txt at {m.group(2)} ({shown[:40]!r})"
                          + (unit_hint(text, x, y, parts[2], conv.unit) if len(frags) == 1 else ""))
                continue
            extra = extras.get(ident) or {}
            pieces = [(frags[0][0], frags[-1][1])]
            if len(frags) > 1:
                gaps = [text[e:s] for (_, e), (s, _) in zip(frags, frags[1:])]
                if any(s < e for (_, e), (s, _) in zip(frags, frags[1:])) or not all(g.strip() == "" for g in gaps):
                    if not ctx.options.split_discontinuous:
                        b.problem(ident, f"discontinuous span ({len(frags)} fragments with text between them): "
                                         "annotator spans are continuous; --split-discontinuous imports one span per "
                                         "fragment")
                        continue
                    ctx.note(number, f"{ident}: discontinuous span split into {len(frags)} spans")
                    pieces = frags
            s0, e0 = pieces[0][0], pieces[-1][1]
            if len(pieces) == 1 and isinstance(extra.get("start"), int) and isinstance(extra.get("end"), int):
                xs, xe = extra["start"], extra["end"]
                if 0 <= xs <= s0 and e0 <= xe <= len(text) and not text[xs:s0].strip() and not text[e0:xe].strip():
                    pieces = [(xs, xe)]
            for s, e in pieces:
                span = b.add_span(s, e, m.group(1), field=ident, key=ident,
                                  span_id=extra.get("id") if len(pieces) == 1 else None)
                if span is not None:
                    for k in ("source", "provenance"):
                        if k in extra:
                            span[k] = extra[k]
        elif ident.startswith("R"):
            fields = parts[1].split(" ") if len(parts) >= 2 else []
            args = dict(f.split(":", 1) for f in fields[1:] if ":" in f)
            if len(fields) != 3 or set(args) != {"Arg1", "Arg2"}:
                b.problem(ident, "expected R<n><TAB>TYPE Arg1:T<a> Arg2:T<b>")
                continue
            b.add_relation(fields[0], args["Arg1"], args["Arg2"], ident)
        elif ident[:1] in ("A", "M"):
            fields = parts[1].split(" ") if len(parts) >= 2 else []
            if len(fields) not in (2, 3):
                b.problem(ident, "expected A<n><TAB>NAME TARGET [VALUE]")
                continue
            pending.append((number, fields[1], fields[0], fields[2] if len(fields) == 3 else None))
        elif ident.startswith("#"):
            fields = parts[1].split(" ") if len(parts) >= 2 else []
            try:
                value = json.loads(parts[2]) if len(parts) == 3 and len(fields) == 2 else None
            except ValueError:
                value = None
            if not isinstance(value, dict):
                ctx.note(number, f"{ident}: a free-text note is not an attribute; not imported")
                continue
            pending.extend((number, fields[1], k, ("json", v)) for k, v in value.items())
        elif ident[:1] in ("E", "*", "N"):
            ctx.note(number, f"{ident}: events, equivalences and normalisations have no place in the scheme; not "
                             "imported")
        else:
            b.problem(ident, "unknown annotation type (expected T, R, A, M, N, E, * or #)")
    b.line = None
    for number, target, name, value in pending:
        for span in b.keys.get(target, ()):
            a = ctx.scheme.by_name[span["label"]].attr(name)
            if a is None or a.type == "ref":
                ctx.note(number, f"{target}: attribute {name!r} is not in the scheme for {span['label']}; not imported")
                continue
            span["attrs"][name] = value[1] if isinstance(value, tuple) else _attr_value(a.type, value)


def _documents(root: Path, ctx: ReadContext) -> list[tuple[Path, Path | None, str]]:
    """(txt, ann or None, stem relative to root) for every document under ``root``."""
    if root.is_file():
        base = root.with_suffix("")
        txt, ann = base.with_suffix(".txt"), base.with_suffix(".ann")
        if not txt.is_file():
            ctx.log.add(_problem(ann, None, None, f"no {txt.name} beside it: brat needs the text of every .ann"))
            return []
        return [(txt, ann if ann.is_file() else None, base.name)]
    docs = []
    for txt in sorted(root.rglob("*.txt"), key=lambda p: p.relative_to(root).as_posix()):
        if any(part.startswith(STAGE_PREFIX) for part in txt.relative_to(root).parts):
            continue
        ann = txt.with_suffix(".ann")
        docs.append((txt, ann if ann.is_file() else None, txt.relative_to(root).with_suffix("").as_posix()))
    for ann in sorted(root.rglob("*.ann")):
        if not ann.with_suffix(".txt").is_file():
            ctx.log.add(_problem(ann, None, None, f"no {ann.with_suffix('.txt').name} beside it: brat needs the text "
                                                  "of every .ann"))
    return docs


def read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    root = Path(path)
    if not root.exists():
        raise UsageError(f"{path}: no such file or folder")
    ctx = ReadContext(path, scheme, options, log)
    folder = root if root.is_dir() else root.parent
    index = _read_index(ctx, folder)
    for txt, ann, stem in _documents(root, ctx):
        entry = index.get(stem, {})
        try:
            text = txt.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            log.add(_problem(txt, None, None, invalid_utf8(str(txt), exc.start)))
            continue
        except OSError as exc:
            log.add(_problem(txt, None, None, f"cannot read: {exc.strerror or exc}"))
            continue
        ctx.name = str(ann or txt)
        doc_id: str = entry["id"] if isinstance(entry.get("id"), str) else stem
        b = RecordBuilder(ctx, None, doc_id, text, annotator=entry.get("annotator"),
                          status=entry.get("status") or "done", meta=entry.get("meta") or {})
        b.flags = entry.get("flags") or []
        b.updated_at = entry.get("updated_at")
        if ann is not None:
            try:
                body = ann.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                log.add(_problem(ann, None, None, invalid_utf8(str(ann), exc.start)))
                continue
            except OSError as exc:
                log.add(_problem(ann, None, None, f"cannot read: {exc.strerror or exc}"))
                continue
            _parse_ann(b, body, text, entry)
        item = b.build(with_record=ann is not None)
        if item is not None:
            yield item
    ctx.name = path
    ctx.finish()
