"""Running suggesters over one document: in an order that lets a suggester read what others found
(quotes read ACTOR candidates for their speakers), settling conflicts, dropping what the document
already has, and checking every attribute against the scheme so nothing invalid is proposed.

Conflicts: two suggestions of the same label may not overlap, nor may a suggestion overlap a span
of its label that the document already has; spans of different labels may overlap only when one
of them nests (a QUOTE holds a DATE). The stronger wins: lower ``priority`` (user patterns, then
rules, gazetteer, model), then the longer span, then the earlier one.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.errors import ActionRefused
from annotator.suggest.base import (
    Candidate,
    DocumentInput,
    KnownSpan,
    SpanRef,
    Suggester,
    Suggestion,
)

if TYPE_CHECKING:
    from annotator.schema import Scheme

__all__ = ["Refused", "SuggestResult", "order_suggesters", "run_suggesters"]


@dataclass(frozen=True, slots=True)
class Refused:
    """A suggestion left out because the scheme refuses it (and why): a suggester's fault, or a
    scheme without that label or attribute."""

    suggestion: Suggestion
    reason: str


@dataclass(frozen=True, slots=True)
class SuggestResult:
    suggestions: list[Suggestion]  # text order; refs point to known spans or to suggestions in this list
    refused: list[Refused]


def order_suggesters(suggesters: Iterable[Suggester]) -> list[list[Suggester]]:
    """Stages: each suggester runs after every suggester that proposes a label it reads."""
    pending = list(suggesters)
    stages: list[list[Suggester]] = []
    while pending:
        ready = [s for s in pending if not any(o is not s and o.labels & s.reads for o in pending)]
        if not ready:  # a cycle: run the rest together rather than never
            ready = pending
        stages.append(ready)
        pending = [s for s in pending if s not in ready]
    return stages


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


class _Kept:
    """Spans kept so far, sorted by start, for the overlap checks: a span overlapping [s, e) starts
    in [s - longest, e), found by bisection."""

    def __init__(self, known: Sequence[KnownSpan], nesting: frozenset[str]):
        self.nesting = nesting
        self.spans: list[tuple[int, int, str]] = sorted((k.start, k.end, k.label) for k in known)
        self.longest = max((e - s for s, e, _ in self.spans), default=0)

    def admits(self, s: Suggestion) -> bool:
        lo = bisect.bisect_left(self.spans, (s.start - self.longest,))
        hi = bisect.bisect_left(self.spans, (s.end,))
        for start, end, label in self.spans[lo:hi]:
            if not _overlap(s.start, s.end, start, end):
                continue
            if label == s.label:
                return False
            if label in self.nesting or s.label in self.nesting:
                continue
            return False
        return True

    def add(self, s: Suggestion) -> None:
        bisect.insort(self.spans, (s.start, s.end, s.label))
        self.longest = max(self.longest, s.end - s.start)


def _settle(pool: list[tuple[int, Suggestion]], known: Sequence[KnownSpan],
            nesting: frozenset[str]) -> list[Suggestion]:
    """The suggestions that survive conflicts (see the module docstring), in text order."""
    kept = _Kept(known, nesting)
    out: list[Suggestion] = []
    for _prio, s in sorted(pool, key=lambda ps: (ps[0], -(ps[1].end - ps[1].start), ps[1].start, ps[1].label)):
        if kept.admits(s):
            kept.add(s)
            out.append(s)
    out.sort(key=lambda s: (s.start, -s.end, s.label))
    return out


def _well_formed(s: Suggestion, text: str) -> str | None:
    if not (0 <= s.start < s.end <= len(text)):
        return f"offsets {s.start}-{s.end} out of the text (length {len(text)})"
    if not text[s.start:s.end].strip():
        return "the span is only white space"
    return None


# the scheme's verdict on attribute values seen before (dates, kinds and modes repeat a lot)
_VERDICTS: dict[tuple[Any, ...], dict[str, Any] | str] = {}
_VERDICTS_MAX = 100_000


def _checked(s: Suggestion, scheme: Scheme, targets: set[tuple[int, int, str]]) -> Suggestion | str:
    """``s`` with attributes the scheme accepts (a ref whose target is gone is left unset), or why not."""
    label = scheme.by_name.get(s.label)
    if label is None:
        return f"label {s.label!r} is not in the scheme"
    plain: dict[str, object] = {}
    refs: dict[str, SpanRef] = {}
    for name, value in s.attrs.items():
        attr = label.attr(name)
        if attr is None:
            return f"attrs.{name}: {s.label} has no such attribute"
        if isinstance(value, SpanRef):
            if attr.type != "ref":
                return f"attrs.{name}: not a ref attribute"
            if value.label not in attr.targets:
                return f"attrs.{name}: may not point to a {value.label}"
            if value.key in targets:
                refs[name] = value
            continue
        if attr.type == "ref":
            return f"attrs.{name}: a ref must name a span by position (SpanRef)"
        plain[name] = value
    key = (id(scheme), s.label, tuple(sorted(plain.items(), key=lambda kv: kv[0])))
    verdict = _VERDICTS.get(key)
    if verdict is None:
        try:
            verdict = scheme.validate_attrs(s.label, plain)
        except ActionRefused as exc:
            verdict = str(exc)
        if len(_VERDICTS) < _VERDICTS_MAX:
            _VERDICTS[key] = verdict
    if isinstance(verdict, str):
        return verdict
    clean = verdict
    if clean == plain and not refs and len(clean) == len(s.attrs):
        return s
    return s.replace_attrs({**clean, **refs})


def run_suggesters(doc: DocumentInput, suggesters: Iterable[Suggester], scheme: Scheme,
                   labels: Collection[str] | None = None) -> SuggestResult:
    """Every suggester's proposals for ``doc``, settled and checked (see the module docstring).

    ``labels``: only these labels are returned (suggesters of other labels still run when one
    that is wanted reads them; a speaker that is not returned is left unset)."""
    suggesters = [s for s in suggesters if s.labels & set(scheme.by_name)]
    nesting = frozenset(lab for s in suggesters if s.nests for lab in s.labels)
    refused: list[Refused] = []
    pool: list[tuple[int, Suggestion]] = []
    kept: list[Suggestion] = []
    for stage in order_suggesters(suggesters):
        for suggester in stage:
            candidates: list[Candidate] = []
            if suggester.reads:
                candidates = [k for k in doc.spans if k.label in suggester.reads]
                candidates += [s for s in kept if s.label in suggester.reads]
                candidates.sort(key=lambda c: (c.start, -c.end))
            for s in suggester.suggest(doc, candidates):
                problem = _well_formed(s, doc.text)
                if problem is not None:
                    refused.append(Refused(s, problem))
                else:
                    pool.append((suggester.priority, s))
        kept = _settle(pool, doc.spans, nesting)
    if labels is not None:
        wanted = set(labels)
        kept = [s for s in kept if s.label in wanted]
    targets = {k.key for k in doc.spans} | {s.key for s in kept}
    out: list[Suggestion] = []
    for s in kept:
        checked = _checked(s, scheme, targets)
        if isinstance(checked, str):
            refused.append(Refused(s, checked))
        else:
            out.append(checked)
    if len(out) < len(kept):  # a refused span may have been a speaker: unset refs that point to it
        targets = {k.key for k in doc.spans} | {s.key for s in out}
        out = [s if all(not isinstance(v, SpanRef) or v.key in targets for v in s.attrs.values())
               else s.replace_attrs({n: v for n, v in s.attrs.items()
                                     if not isinstance(v, SpanRef) or v.key in targets})
               for s in out]
    return SuggestResult(out, refused)
