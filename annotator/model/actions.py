"""User actions planned as ops: each function checks the action against the record and the
scheme with the same rules as whole-record validation, and returns the ops that carry it out.

Nothing here touches storage: the store runs a plan inside one durable transaction.
A refused action raises :class:`ActionRefused` naming the field.

A plan is a function of the fresh record (read inside the transaction) to its ops; several
plans make ONE action with :func:`sequence` (many spans added, undone with one undo), and
:func:`started` is the one rule that a document's first change moves it from todo to in progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from annotator.errors import ActionRefused
from annotator.model.rules import RefAttrs, check_offsets, check_refs
from annotator.model.types import IN_PROGRESS, STATUSES, Attrs, Op, Provenance, Span, Status
from annotator.model.working import WorkingRecord

Plan = Callable[[WorkingRecord], list[Op]]


class LabelRules(Protocol):
    """What planning needs of a label scheme (``annotator.schema.Scheme`` is one)."""

    @property
    def by_name(self) -> Mapping[str, object]: ...

    @property
    def ref_attrs(self) -> RefAttrs: ...

    def validate_attrs(self, label: str, attrs: Mapping[str, Any]) -> Attrs: ...

    def validate_span(self, obj: Mapping[str, Any]) -> Any: ...


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Labels(Mapping[str, str]):
    """span id -> label, read through the record's spans without copying them (O(1) per action)."""

    __slots__ = ("_spans",)

    def __init__(self, spans: dict[str, Span]):
        self._spans = spans

    def __getitem__(self, key: str) -> str:
        return self._spans[key]["label"]

    def __contains__(self, key: object) -> bool:
        return key in self._spans

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


def _label_of(rec: WorkingRecord) -> Mapping[str, str]:
    return _Labels(rec.spans)


def plan_add_span(
    rec: WorkingRecord,
    scheme: LabelRules,
    start: int,
    end: int,
    label: str,
    attrs: Mapping[str, Any] | None = None,
    *,
    source: str = "manual",
    span_id: str | None = None,
    provenance: Provenance | None = None,
) -> list[Op]:
    if label not in scheme.by_name:
        raise ActionRefused(f"unknown label {label!r}", "label")
    bad = check_offsets(rec.text, start, end, None)
    if bad:
        raise ActionRefused(bad[1], bad[0])
    sid = span_id or rec.new_span_id()
    if sid in rec.spans:
        raise ActionRefused(f"span id {sid!r} already exists", "id")
    same = rec.span_with_range(start, end, label)
    if same is not None:
        raise ActionRefused(f"this text is already a {label} (span {same})", "label")
    span: Span = {
        "id": sid, "start": start, "end": end, "label": label, "text": rec.text[start:end],
        "attrs": scheme.validate_attrs(label, attrs or {}), "source": source,
    }
    if provenance is not None:
        span["provenance"] = provenance
    from pydantic import ValidationError  # loaded once the scheme is compiled; not on start-up

    try:
        span = scheme.validate_span(span).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        from annotator.model.problems import error_message

        err = exc.errors(include_url=False)[0]
        raise ActionRefused(error_message(err), ".".join(str(p) for p in err["loc"][1:]) or None) from None
    problems = check_refs(label, span["attrs"], scheme.ref_attrs, _label_of(rec), sid)
    if problems:
        raise ActionRefused(problems[0][1], problems[0][0])
    return [{"op": "add_span", "span": span}]


def plan_remove_span(rec: WorkingRecord, scheme: LabelRules, span_id: str) -> list[Op]:
    """Remove a span; ``ref`` attributes of other spans that point at it are cleared first."""
    if span_id not in rec.spans:
        raise ActionRefused(f"no span {span_id!r}", "id")
    ops: list[Op] = []
    cleared: dict[str, Attrs] = {}
    for other_id, name in rec.referrers(span_id):
        other = rec.spans[other_id]
        if any(name == ref for ref, _targets in scheme.ref_attrs.get(other["label"], ())):
            attrs = cleared.get(other_id, other["attrs"])
            cleared[other_id] = {k: v for k, v in attrs.items() if k != name}
    for other_id, new in cleared.items():
        ops.append({"op": "set_attrs", "id": other_id, "attrs": new, "old": rec.spans[other_id]["attrs"]})
    ops.append({"op": "remove_span", "span": rec.spans[span_id]})
    return ops


def _attrs_kept(scheme: LabelRules, label: str, attrs: Attrs) -> Attrs:
    """The attributes a span keeps under ``label``: those the label has, with a value it accepts
    (validated as for add); the others are dropped."""
    kept = dict(attrs)
    while True:
        try:
            return scheme.validate_attrs(label, kept)
        except ActionRefused as exc:
            name = (exc.field or "").removeprefix("attrs.").split(".")[0]
            if name not in kept:
                raise
            del kept[name]


def plan_change_span(rec: WorkingRecord, scheme: LabelRules, span_id: str, *, label: str | None = None,
                     start: int | None = None, end: int | None = None) -> list[Op]:
    """Give a span another label and/or other edges, as ONE action planned with the rules of add.

    The span keeps its id (so what refers to it still does), its source and provenance, and the
    attributes the new label has with a value it accepts (others are dropped, as the ops show).
    A link another span makes to it stays when the new label is one that link may point at, and is
    cleared in the same action otherwise. Ops: the cleared links, then the old span removed and the
    new one added under the same id (one undo puts everything back)."""
    old = rec.spans.get(span_id)
    if old is None:
        raise ActionRefused(f"no span {span_id!r}", "id")
    new_label = old["label"] if label is None else label
    new_start = old["start"] if start is None else start
    new_end = old["end"] if end is None else end
    if (new_label, new_start, new_end) == (old["label"], old["start"], old["end"]):
        return []
    if new_label not in scheme.by_name:
        raise ActionRefused(f"unknown label {new_label!r}", "label")
    ops: list[Op] = []
    if new_label != old["label"]:
        for other_id, name in rec.referrers(span_id):
            other = rec.spans[other_id]
            for ref, targets in scheme.ref_attrs.get(other["label"], ()):
                if ref == name and new_label not in targets:
                    attrs = {k: v for k, v in other["attrs"].items() if k != name}
                    ops.append({"op": "set_attrs", "id": other_id, "attrs": attrs, "old": other["attrs"]})
    ops.append({"op": "remove_span", "span": old})
    scratch = rec.copy()
    scratch.apply(ops)
    ops += plan_add_span(scratch, scheme, new_start, new_end, new_label, _attrs_kept(scheme, new_label, old["attrs"]),
                         source=old["source"], span_id=span_id, provenance=old.get("provenance"))
    return ops


def plan_set_attrs(rec: WorkingRecord, scheme: LabelRules, span_id: str, attrs: Mapping[str, Any]) -> list[Op]:
    """Replace a span's attributes (None or absent = unset)."""
    span = rec.spans.get(span_id)
    if span is None:
        raise ActionRefused(f"no span {span_id!r}", "id")
    clean = scheme.validate_attrs(span["label"], attrs)
    problems = check_refs(span["label"], clean, scheme.ref_attrs, _label_of(rec), span_id)
    if problems:
        raise ActionRefused(problems[0][1], problems[0][0])
    if clean == span["attrs"]:
        return []
    return [{"op": "set_attrs", "id": span_id, "attrs": clean, "old": span["attrs"]}]


def plan_set_status(rec: WorkingRecord, status: Status) -> list[Op]:
    if status not in STATUSES:
        raise ActionRefused(f"{status!r} is not one of {', '.join(STATUSES)}", "status")
    if status == rec.status:
        return []
    return [{"op": "set_status", "status": status, "old": rec.status}]


def plan_add_flag(rec: WorkingRecord, comment: str) -> list[Op]:
    comment = comment.strip()
    if not comment:
        raise ActionRefused("a flag needs a comment", "comment")
    if len(comment) > 10_000:
        raise ActionRefused("a comment is at most 10,000 characters", "comment")
    return [{"op": "add_flag", "flag": {"id": rec.new_flag_id(), "comment": comment, "at": now_iso()}}]


def plan_remove_flag(rec: WorkingRecord, flag_id: str) -> list[Op]:
    for f in rec.flags:
        if f["id"] == flag_id:
            return [{"op": "remove_flag", "flag": f}]
    raise ActionRefused(f"no flag {flag_id!r}", "flags")


# -- several steps as one action, and the status rule ----------------------------------------------


def sequence(rec: WorkingRecord, plans: Sequence[Plan]) -> list[Op]:
    """Plan several steps as ONE action: each is planned on the record as the previous left it
    (on a scratch copy; ``rec`` is unchanged). One undo takes them all back."""
    if len(plans) == 1:
        return plans[0](rec)
    scratch = rec.copy()
    ops: list[Op] = []
    for plan in plans:
        planned = plan(scratch)
        scratch.apply(planned)
        ops.extend(planned)
    return ops


def started(plan: Plan) -> Plan:
    """``plan``, plus the move from todo to in progress when it changes a record still to do
    (in the same action: an undo takes both back)."""

    def with_status(rec: WorkingRecord) -> list[Op]:
        ops = plan(rec)
        if ops and rec.status == "todo":
            ops = [*ops, {"op": "set_status", "status": IN_PROGRESS, "old": rec.status}]
        return ops

    return with_status
