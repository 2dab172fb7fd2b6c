"""What every interchange format shares: options, the export report, the ``annotator_record``
envelope, offset-unit conversion at the edge, and tokens for token-based formats. (Building
validated records on import is ``annotator.formats.builder``; writing a folder,
``annotator.files.staged``.)

The envelope (key ``annotator_record``, where a format has room for free JSON) keeps what the
other tool has no place for, so that our own export -> import is the identity::

    {"v": 1, "id": doc id, "annotator": name, "status": ..., "meta": {...}, "flags": [...],
     "updated_at": ..., "spans": [[start, end, label, {"id", "attrs", "source", "provenance"}], ...]}

Span extras are keyed by code-point ``(start, end, label)``; ``attrs`` there hold the non-``ref``
attributes (links travel as the format's own relations). When the other tool changed a span, its
extras no longer match and are dropped -- and said so.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from annotator.errors import InvalidData, Problem, ProblemLog
from annotator.formats.labelmap import LabelMap
from annotator.formats.registry import ENVELOPE as ENVELOPE  # every format takes it from here
from annotator.model.types import RecordDict, Span
from annotator.schema import Scheme
from annotator.text.offsets import OffsetError, OffsetMap
from annotator.text.words import token_spans

OFFSET_UNITS = {"codepoint": "cp", "utf16": "utf16", "grapheme": "grapheme"}


@dataclass
class Options:
    """Everything a reader or writer may need beyond the file and the scheme."""

    annotator: str = "annotator"  # for records that name none
    skip_invalid: bool = False  # import the good items of a source that has bad ones (checked in order)
    offsets: str | None = None  # codepoint | utf16 | grapheme; None: the format's default
    lang: str = "fr"
    tags: str = "iob2"  # iob1 | iob2 | bilou
    align: str = "strict"  # spaCy char_span alignment mode
    allow_lossy: bool = False
    as_predictions: bool = False
    split_discontinuous: bool = False
    label_map: LabelMap | None = None
    notes: ProblemLog = field(default_factory=lambda: ProblemLog(limit=50))
    # on import: annotator name -> the other tool's name read as it, over every source (no two merge)
    annotator_names: dict[str, str] = field(default_factory=dict)

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


# Losses kept word for word in a report (more than anyone reads); the others are counted, so that
# a lossy export of any size keeps flat memory (a loss per document grew it by 80 MB per 100k).
LOSSES_KEPT = 200


@dataclass
class Report:
    """What an export wrote, and per document what it could not write (the first LOSSES_KEPT
    documents' losses in full, and how many documents lost something)."""

    format: str
    dest: str
    records: int = 0
    losses: list[DocLoss] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lost: int = 0  # records that lost something, all of them

    def lose(self, record: RecordDict, items: list[str]) -> None:
        if items:
            self.lost += 1
            if len(self.losses) < LOSSES_KEPT:
                self.losses.append(DocLoss(record["id"], record.get("annotator"), items))

    @property
    def lossy(self) -> bool:
        return self.lost > 0


class LossyExport(InvalidData):
    """An export that would lose annotations and was not allowed to (nothing was written)."""

    def __init__(self, report: Report):
        self.report = report
        problems = [Problem(None, None, None, str(loss)) for loss in report.losses[:50]]
        super().__init__(problems, report.lost,
                         f"nothing was written: {report.format} cannot hold everything in {report.lost} "
                         f"record(s); --allow-lossy writes it anyway")


def check_lossy(report: Report, options: Options) -> None:
    """Raise LossyExport (inside the writer's atomic block, so nothing is written) when not allowed."""
    if report.lossy and not options.allow_lossy:
        raise LossyExport(report)


def short(s: str, limit: int = 30) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def span_desc(span: Span) -> str:
    return f"{span['label']} {span['id']} {span['start']}:{span['end']} {short(span['text'])}"


def ref_links(record: RecordDict, scheme: Scheme) -> list[tuple[str, Span, Span]]:
    """(attribute, holder span, target span) for every ``ref`` attribute set in the record."""
    by_id = {s["id"]: s for s in record["spans"]}
    out = []
    for s in record["spans"]:
        for name, _targets in scheme.ref_attrs.get(s["label"], ()):
            ref = s["attrs"].get(name)
            target = by_id.get(ref) if isinstance(ref, str) else None
            if target is not None:
                out.append((name, s, target))
    return out


def plain_attrs(span: Span, scheme: Scheme) -> dict[str, Any]:
    refs = {a for a, _ in scheme.ref_attrs.get(span["label"], ())}
    return {k: v for k, v in span["attrs"].items() if k not in refs}


def envelope(record: RecordDict, scheme: Scheme, *, with_spans: bool = True) -> dict[str, Any]:
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


# -- tokens for token-based formats ----------------------------------------------------------------


# The only white space a token can hold: NBSP, NNBSP and THIN SPACE between digits (1 200).
_TOKEN_SPACES = re.compile("[\u00a0\u202f\u2009]+")


def with_tokens(records: Iterable[RecordDict], chunk: int = 256) -> Iterator[tuple[RecordDict, Any]]:
    """Each record with its text's tokens (those of :func:`token_spans`), many texts tokenized at
    once (:mod:`annotator.text.token_arrays`) where numpy is installed; else None, and
    :func:`cut_tokens` tokenizes the text itself."""
    try:
        from annotator.text.token_arrays import token_bounds_many
    except ImportError:  # numpy is an optional extra
        for rec in records:
            yield rec, None
        return
    batch: list[RecordDict] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= chunk:
            yield from _tokenized(batch, token_bounds_many)
            batch = []
    yield from _tokenized(batch, token_bounds_many)


def _tokenized(batch: list[RecordDict], bounds_many: Any) -> Iterator[tuple[RecordDict, list[tuple[int, int]]]]:
    if not batch:
        return
    starts, ends, counts = bounds_many([rec["text"] for rec in batch])
    s, e = starts.tolist(), ends.tolist()
    pos = 0
    for rec, n in zip(batch, counts.tolist()):
        yield rec, list(zip(s[pos:pos + n], e[pos:pos + n]))
        pos += n


def cut_tokens(text: str, cuts: Iterable[int], *, split_space: bool = False,
               tokens: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The word tokenizer's tokens (``tokens``, when given, are them), cut again at every offset in
    ``cuts`` that falls inside one.

    Cutting at span edges makes every span expressible in tokens. With ``split_space`` a token is
    also cut at white space it holds (NBSP in ``1\u00a0200``), which columns formats cannot hold.
    Work is per cut and per such space, not per token: a document has far fewer of them.
    """
    out = token_spans(text) if tokens is None else list(tokens)
    starts = [s for s, _e in out]
    pieces: dict[int, list[int]] = {}  # token index -> offsets to cut it at
    for edge in set(cuts):
        i = bisect_right(starts, edge) - 1
        if i >= 0 and starts[i] < edge < out[i][1]:
            pieces.setdefault(i, []).append(edge)
    gaps: dict[int, list[tuple[int, int]]] = {}  # token index -> white space runs inside it
    if split_space:
        for m in _TOKEN_SPACES.finditer(text):
            i = bisect_right(starts, m.start()) - 1
            if i >= 0 and m.start() < out[i][1]:
                gaps.setdefault(i, []).append(m.span())
    for i in sorted(pieces.keys() | gaps.keys(), reverse=True):  # from the end: indices stay valid
        s, e = out[i]
        bounds = [s, *sorted(pieces.get(i, ())), e]
        parts = list(zip(bounds, bounds[1:]))
        for gs, ge in gaps.get(i, ()):
            parts = [piece for a, b in parts for piece in ((a, min(b, gs)), (max(a, ge), b)) if piece[1] > piece[0]]
        out[i:i + 1] = parts
    return out


def non_overlapping(spans: list[Span]) -> tuple[list[Span], list[tuple[Span, Span]]]:
    """Keep spans that do not overlap, earliest first then longest; return (kept, [(dropped, kept_one)])."""
    kept: list[Span] = []
    dropped: list[tuple[Span, Span]] = []
    last: Span | None = None
    for s in sorted(spans, key=lambda s: (s["start"], -s["end"], s["label"])):
        if last is not None and s["start"] < last["end"]:
            dropped.append((s, last))
            continue
        kept.append(s)
        last = s
    return kept, dropped
