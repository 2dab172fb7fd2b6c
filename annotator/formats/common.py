"""What every interchange format shares: options, the export report, the record builder that
turns another tool's annotations into a validated native record, the ``annotator_record``
envelope, offset-unit conversion at the edge, tokens for token-based formats, and staged folders.

The envelope (key ``annotator_record``, where a format has room for free JSON) keeps what the
other tool has no place for, so that our own export -> import is the identity::

    {"v": 1, "id": doc id, "annotator": name, "status": ..., "meta": {...}, "flags": [...],
     "updated_at": ..., "spans": [[start, end, label, {"id", "attrs", "source", "provenance"}], ...]}

Span extras are keyed by code-point ``(start, end, label)``; ``attrs`` there hold the non-``ref``
attributes (links travel as the format's own relations). When the other tool changed a span, its
extras no longer match and are dropped -- and said so.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from annotator.errors import InvalidData, Problem, UsageError
from annotator.formats.jsonl import Item, canonical_record
from annotator.formats.labelmap import LabelMap
from annotator.formats.problems import ProblemLog, problems_from_validation
from annotator.model.document import Document, text_sha256
from annotator.schema import Scheme
from annotator.store.base import NewDocument
from annotator.text.offsets import OffsetError, OffsetMap
from annotator.text.words import token_spans

ENVELOPE = "annotator_record"
OFFSET_UNITS = {"codepoint": "cp", "utf16": "utf16", "grapheme": "grapheme"}
_SPAN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _is_key(k: Any) -> bool:
    """A usable reference from another tool (region id, entity id, token index...)."""
    if isinstance(k, tuple):
        return all(_is_key(x) for x in k)
    return isinstance(k, (str, int, float)) and not isinstance(k, bool)
_ANNOTATOR = re.compile(r"^[A-Za-z0-9_.@+-]{1,64}$")


@dataclass
class Options:
    """Everything a reader or writer may need beyond the file and the scheme."""

    annotator: str = "annotator"  # for records that name none
    offsets: str | None = None  # codepoint | utf16 | grapheme; None: the format's default
    lang: str = "fr"
    tags: str = "iob2"  # iob1 | iob2 | bilou
    align: str = "strict"  # spaCy char_span alignment mode
    allow_lossy: bool = False
    as_predictions: bool = False
    split_discontinuous: bool = False
    label_map: LabelMap | None = None
    notes: ProblemLog = field(default_factory=lambda: ProblemLog(limit=50))

    def unit(self, default: str) -> str:
        return OFFSET_UNITS[self.offsets or default]


def labels_for(scheme: Scheme, options: Options) -> LabelMap:
    if options.label_map is None:
        options.label_map = LabelMap(known=known_names(scheme))
    return options.label_map


def known_names(scheme: Scheme) -> list[str]:
    return [lab.name for lab in scheme.labels] + sorted({a for refs in scheme.ref_attrs.values() for a, _ in refs})


# -- export report ---------------------------------------------------------------------------------


@dataclass
class DocLoss:
    doc_id: str
    annotator: str | None
    items: list[str]

    def __str__(self) -> str:
        who = f" [{self.annotator}]" if self.annotator else ""
        return f"{self.doc_id}{who}: " + "; ".join(self.items)


@dataclass
class Report:
    """What an export wrote, and per document what it could not write."""

    format: str
    dest: str
    records: int = 0
    losses: list[DocLoss] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lose(self, record: dict[str, Any], items: list[str]) -> None:
        if items:
            self.losses.append(DocLoss(record["id"], record.get("annotator"), items))

    @property
    def lossy(self) -> bool:
        return bool(self.losses)


class LossyExport(InvalidData):
    """An export that would lose annotations and was not allowed to (nothing was written)."""

    def __init__(self, report: Report):
        self.report = report
        problems = [Problem(None, None, None, str(loss)) for loss in report.losses[:50]]
        super().__init__(problems, len(report.losses),
                         f"nothing was written: {report.format} cannot hold everything in {len(report.losses)} "
                         f"record(s); --allow-lossy writes it anyway")


def check_lossy(report: Report, options: Options) -> None:
    """Raise LossyExport (inside the writer's atomic block, so nothing is written) when not allowed."""
    if report.lossy and not options.allow_lossy:
        raise LossyExport(report)


def short(s: str, limit: int = 30) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def span_desc(span: dict[str, Any]) -> str:
    return f"{span['label']} {span['id']} {span['start']}:{span['end']} {short(span['text'])}"


def ref_links(record: dict[str, Any], scheme: Scheme) -> list[tuple[str, dict, dict]]:
    """(attribute, holder span, target span) for every ``ref`` attribute set in the record."""
    by_id = {s["id"]: s for s in record["spans"]}
    out = []
    for s in record["spans"]:
        for name, _targets in scheme.ref_attrs.get(s["label"], ()):
            target = by_id.get(s["attrs"].get(name))
            if target is not None:
                out.append((name, s, target))
    return out


def plain_attrs(span: dict[str, Any], scheme: Scheme) -> dict[str, Any]:
    refs = {a for a, _ in scheme.ref_attrs.get(span["label"], ())}
    return {k: v for k, v in span["attrs"].items() if k not in refs}


def envelope(record: dict[str, Any], scheme: Scheme, *, with_spans: bool = True) -> dict[str, Any]:
    env: dict[str, Any] = {"v": 1, "id": record["id"], "annotator": record.get("annotator"),
                           "status": record.get("status"), "meta": record.get("meta") or {}}
    if record.get("flags"):
        env["flags"] = record["flags"]
    if record.get("updated_at"):
        env["updated_at"] = record["updated_at"]
    if with_spans:
        spans = []
        for s in record["spans"]:
            extra: dict[str, Any] = {"id": s["id"]}
            attrs = plain_attrs(s, scheme)
            if attrs:
                extra["attrs"] = attrs
            if s.get("source", "manual") != "manual":
                extra["source"] = s["source"]
            if s.get("provenance"):
                extra["provenance"] = s["provenance"]
            spans.append([s["start"], s["end"], s["label"], extra])
        env["spans"] = spans
    return env


# -- offsets at the edge ---------------------------------------------------------------------------


class Offsets:
    """Convert one document's offsets between a file's unit and code points (built lazily)."""

    def __init__(self, text: str, unit: str):
        self.text = text
        self.unit = unit
        self._map: OffsetMap | None = None

    def _m(self) -> OffsetMap:
        if self._map is None:
            self._map = OffsetMap(self.text, self.unit)
        return self._map

    def to_cp(self, x: int) -> int:
        return x if self.unit == "cp" else self._m().to_cp(x)

    def from_cp(self, cp: int) -> int:
        return cp if self.unit == "cp" else self._m().from_cp(cp)


def unit_hint(text: str, start: int, end: int, expected: str, unit: str) -> str:
    """Say which other offset unit would make ``text[start:end] == expected`` (rule 5: verify)."""
    for other, name in (("utf16", "utf16"), ("grapheme", "grapheme"), ("cp", "codepoint")):
        if other == unit:
            continue
        try:
            m = OffsetMap(text, other)
            s, e = m.to_cp(start), m.to_cp(end)
        except (OffsetError, ValueError):
            continue
        if text[s:e] == expected:
            return f"; the offsets fit if counted as {name} units: use --offsets {name}"
    return ""


def same_text(slice_: str, given: str) -> bool:
    """Equal, or equal once whitespace runs are collapsed (Label Studio may squeeze them)."""
    return slice_ == given or " ".join(slice_.split()) == " ".join(given.split())


# -- building records on import --------------------------------------------------------------------


class ReadContext:
    """One source file being read: where problems and notes go, label mapping, duplicate ids."""

    def __init__(self, name: str, scheme: Scheme, options: Options, log: ProblemLog):
        self.name = name
        self.scheme = scheme
        self.options = options
        self.log = log
        self.labels = labels_for(scheme, options)
        self.labels.reset()
        self.seen: dict[tuple[str, str], int | None] = {}
        self.rel_names = {a for refs in scheme.ref_attrs.values() for a, _ in refs}

    def problem(self, line: int | None, field: str | None, message: str) -> None:
        self.log.add(Problem(self.name, line, field, message))

    def note(self, line: int | None, message: str) -> None:
        self.options.notes.add(Problem(self.name, line, None, message))

    def relation_name(self, name: str, line: int | None) -> str | None:
        if name in self.rel_names and name not in self.labels.to_scheme:
            return name
        low = {n.lower(): n for n in self.rel_names}
        if name not in self.labels.to_scheme and name.lower() in low:
            return low[name.lower()]
        return self.labels.to_label(name, self.name, line)

    def finish(self) -> None:
        problem = self.labels.unmapped_problem(self.name)
        if problem is not None:
            self.log.add(problem)
        dropped = self.labels.dropped_note()
        if dropped:
            self.note(None, dropped)


def annotator_name(value: Any) -> str | None:
    """A valid annotator name from another tool's user field, or None."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"user-{value}"
    if not isinstance(value, str) or not value:
        return None
    clean = re.sub(r"[^A-Za-z0-9_.@+-]", "_", value)[:64]
    return clean if _ANNOTATOR.match(clean) else None


class RecordBuilder:
    """Collects one document's spans and relations in code points, then validates the record."""

    def __init__(self, ctx: ReadContext, line: int | None, doc_id: str, text: str, *, annotator: str | None = None,
                 status: str = "done", meta: dict[str, Any] | None = None, source: str = "manual"):
        self.ctx = ctx
        self.line = line
        self.doc_id = doc_id
        self.text = text
        self.annotator = annotator or ctx.options.annotator
        self.status = status
        self.meta = dict(meta or {})
        self.flags: list[Any] = []
        self.updated_at: str | None = None
        self.source = source
        self.spans: list[dict[str, Any]] = []
        self.keys: dict[Any, list[dict[str, Any]]] = {}
        self.relations: list[tuple[str | None, Any, Any, str]] = []
        self.failed = False
        self._next = 0
        self._ids: set[str] = set()

    def problem(self, field: str | None, message: str) -> None:
        self.failed = True
        self.ctx.problem(self.line, field, message)

    def _new_id(self, wanted: Any) -> str:
        if isinstance(wanted, (str, int)) and not isinstance(wanted, bool):
            w = str(wanted)
            if _SPAN_ID.match(w) and w not in self._ids:
                self._ids.add(w)
                return w
        while True:
            self._next += 1
            sid = f"s{self._next}"
            if sid not in self._ids:
                self._ids.add(sid)
                return sid

    def add_span(self, start: int, end: int, name: str, *, field: str, key: Any = None, span_id: Any = None,
                 attrs: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Add a span given in code points; the label goes through the map (None: dropped or unmapped)."""
        if key is not None and not _is_key(key):
            self.problem(field, f"the id {short(repr(key))} must be a string or a number")
            return None
        if not isinstance(name, str):
            self.problem(field, f"a label must be a string, not {type(name).__name__}")
            return None
        label = self.ctx.labels.to_label(name, self.ctx.name, self.line)
        if label is None:
            if name not in self.ctx.labels.to_scheme:
                self.failed = True  # unmapped: one problem listing them all comes at the end of the file
            return None
        n = len(self.text)
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            self.problem(field, "start and end must be integers")
            return None
        if not 0 <= start < end <= n:
            self.problem(field, f"offsets {start}:{end} are not a non-empty range of the text ({n} characters)")
            return None
        span = {"id": self._new_id(span_id), "start": start, "end": end, "label": label,
                "text": self.text[start:end], "attrs": dict(attrs or {}), "source": self.source}
        self.spans.append(span)
        if key is not None:
            self.keys.setdefault(key, []).append(span)
        return span

    def add_relation(self, name: str | None, a: Any, b: Any, field: str) -> None:
        """A link between the spans registered under keys ``a`` and ``b`` (either direction)."""
        if not (_is_key(a) and _is_key(b)):
            self.problem(field, f"a relation's ends must be ids (strings or numbers), not {short(repr(a))} and {short(repr(b))}")
            return
        if name is not None and not isinstance(name, str):
            self.problem(field, "a relation's name must be a string")
            return
        self.relations.append((name, a, b, field))

    def apply_envelope(self, env: Any, field: str = ENVELOPE) -> None:
        if not isinstance(env, dict):
            self.problem(field, "must be an object")
            return
        if isinstance(env.get("id"), str):
            self.doc_id = env["id"]
        if annotator_name(env.get("annotator")) and not self.ctx.options.as_predictions:
            self.annotator = env["annotator"]
        if env.get("status") is not None:
            self.status = env["status"]
        if env.get("meta") is not None:
            self.meta = env["meta"] if isinstance(env["meta"], dict) else self.meta
        self.flags = env.get("flags") or []
        self.updated_at = env.get("updated_at")
        extras = env.get("spans") or []
        if not isinstance(extras, list):
            self.problem(f"{field}.spans", "must be a list")
            return
        by_key: dict[tuple, list[dict]] = {}
        for s in self.spans:
            by_key.setdefault((s["start"], s["end"], s["label"]), []).append(s)
        unmatched = 0
        matched: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for i, entry in enumerate(extras):
            if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], dict)
                    and _is_key((entry[0], entry[1], entry[2]))):
                self.problem(f"{field}.spans[{i}]", "expected [start, end, label, {extras}]")
                continue
            targets = by_key.get((entry[0], entry[1], entry[2]))
            if not targets:
                unmatched += 1
                continue
            matched.append((targets.pop(0), entry[3]))
        wanted = {str(e.get("id")) for _, e in matched}
        done = {id(s) for s, _ in matched}
        self._ids = set()
        for s in self.spans:
            if id(s) not in done and s["id"] not in wanted:
                self._ids.add(s["id"])
        for span, extra in matched:
            span["id"] = self._new_id(extra.get("id"))
            if isinstance(extra.get("attrs"), dict):
                span["attrs"].update(extra["attrs"])
            if "source" in extra:
                span["source"] = extra["source"]
            if "provenance" in extra:
                span["provenance"] = extra["provenance"]
        for s in self.spans:
            if id(s) not in done and s["id"] in wanted:
                s["id"] = self._new_id(None)
        if unmatched:
            self.ctx.note(self.line, f"{self.doc_id}: attributes of {unmatched} span(s) not kept: "
                                     "those spans were changed or removed in the other tool")

    def _resolve_relations(self) -> None:
        holders: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for label, refs in self.ctx.scheme.ref_attrs.items():
            for attr, targets in refs:
                holders.setdefault(attr, []).append((label, targets))
        for name, a, b, field in self.relations:
            attr = self.ctx.relation_name(name, self.line) if name else None
            if name and attr is None:
                if name not in self.ctx.labels.to_scheme:
                    self.failed = True  # tallied as unmapped, reported at the end of the file
                continue
            candidates = [attr] if attr else list(holders)
            found = None
            for cand in candidates:
                for h_label, targets in holders.get(cand, ()):
                    for x, y in ((a, b), (b, a)):
                        hs = [s for s in self.keys.get(x, ()) if s["label"] == h_label]
                        ts = [s for s in self.keys.get(y, ()) if s["label"] in targets]
                        if hs and ts:
                            found = (cand, hs, ts[0])
                            break
                    if found:
                        break
                if found:
                    break
            if found is None:
                what = f"relation {name!r}" if name else "relation"
                if a not in self.keys or b not in self.keys:
                    self.problem(field, f"{what} names a span that does not exist ({a!r} -> {b!r})")
                else:
                    self.problem(field, f"{what} does not link spans the scheme allows "
                                        f"({'/'.join(s['label'] for s in self.keys[a])} -> {'/'.join(s['label'] for s in self.keys[b])})")
                continue
            cand, holders_, target = found
            for holder in holders_:  # a span split into fragments: every part keeps the link
                old = holder["attrs"].get(cand)
                if old is not None and old != target["id"]:
                    self.problem(field, f"{holder['label']} span {holder['start']}:{holder['end']} has two {cand!r} links; "
                                        "the scheme allows one")
                    continue
                holder["attrs"][cand] = target["id"]

    def build(self, *, with_record: bool = True) -> Item | None:
        """Validate and return the Item (document plus record), or None after adding problems."""
        ctx = self.ctx
        if with_record:
            self._resolve_relations()
        if self.failed:
            return None
        meta = dict(self.meta)
        where = f"{ctx.name}:{self.line}" if self.line else ctx.name
        if not with_record:
            try:
                doc = Document.model_validate({"id": self.doc_id, "text": self.text, "meta": self.meta})
            except ValidationError as exc:
                ctx.log.extend(problems_from_validation(exc, ctx.name, self.line))
                return None
            if self._seen(""):
                return None
            return Item(NewDocument(doc.id, doc.text, doc.text_sha256, meta, where), None, self.line)
        rec = {"id": self.doc_id, "text": self.text, "text_sha256": text_sha256(self.text), "meta": self.meta,
               "annotator": self.annotator, "status": self.status, "schema": ctx.scheme.name,
               "schema_version": ctx.scheme.version, "spans": self.spans, "flags": self.flags,
               "updated_at": self.updated_at}
        try:
            ctx.scheme.validate_record(rec)
        except ValidationError as exc:
            ctx.log.extend(problems_from_validation(exc, ctx.name, self.line))
            return None
        canon = canonical_record(rec, self.annotator)
        if self._seen(canon["annotator"]):
            return None
        return Item(NewDocument(self.doc_id, self.text, rec["text_sha256"], meta, where), canon, self.line)

    def _seen(self, annotator: str) -> bool:
        key = (self.doc_id, annotator)
        if key in self.ctx.seen:
            first = self.ctx.seen[key]
            who = f" of annotator {annotator!r}" if annotator else ""
            self.ctx.problem(self.line, "id", f"document {self.doc_id!r}{who} is already in this file"
                             + (f" (line {first})" if first else ""))
            return True
        self.ctx.seen[key] = self.line
        return False


# -- tokens for token-based formats ----------------------------------------------------------------


def cut_tokens(text: str, cuts: Iterable[int], *, split_space: bool = False) -> list[tuple[int, int]]:
    """The word tokenizer's tokens, cut again at every offset in ``cuts`` that falls inside one.

    Cutting at span edges makes every span expressible in tokens. With ``split_space`` a token is
    also cut at white space it holds (NBSP in ``1\\u00a0200``), which columns formats cannot hold.
    """
    edges = sorted(set(cuts))
    out: list[tuple[int, int]] = []
    j = 0
    for s, e in token_spans(text):
        pieces = [s]
        while j < len(edges) and edges[j] <= s:
            j += 1
        k = j
        while k < len(edges) and edges[k] < e:
            pieces.append(edges[k])
            k += 1
        pieces.append(e)
        for a, b in zip(pieces, pieces[1:]):
            if not split_space:
                out.append((a, b))
                continue
            i = a
            for m in re.finditer(r"\s+", text[a:b]):
                if a + m.start() > i:
                    out.append((i, a + m.start()))
                i = a + m.end()
            if i < b:
                out.append((i, b))
    return out


def non_overlapping(spans: list[dict[str, Any]]) -> tuple[list[dict], list[tuple[dict, dict]]]:
    """Keep spans that do not overlap, earliest first then longest; return (kept, [(dropped, kept_one)])."""
    kept: list[dict] = []
    dropped: list[tuple[dict, dict]] = []
    last: dict | None = None
    for s in sorted(spans, key=lambda s: (s["start"], -s["end"], s["label"])):
        if last is not None and s["start"] < last["end"]:
            dropped.append((s, last))
            continue
        kept.append(s)
        last = s
    return kept, dropped


# -- folders ---------------------------------------------------------------------------------------


@contextmanager
def staged_folder(dest: str | os.PathLike[str]) -> Iterator[Path]:
    """A staging folder inside ``dest``: files written there move into ``dest`` only on success."""
    if str(dest) == "-":
        raise UsageError("this format writes a folder: give --out FOLDER")
    target = Path(dest)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: this format writes a folder, and this is a file")
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".annotator-export-", dir=target))
    ok = False
    try:
        yield stage
        files = sorted(stage.iterdir())
        if len(files) > 16:
            os.sync()  # one flush for thousands of files (an fsync each costs more than writing them)
        else:
            for f in files:
                fd = os.open(f, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        for f in files:
            os.replace(f, target / f.name)
        dir_fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        ok = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if created and not ok:
            try:
                target.rmdir()  # only when empty: a refused export leaves nothing behind
            except OSError:
                pass
