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
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from annotator.errors import ActionRefused
from annotator.suggest.base import (
    AttrValue,
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

    def __init__(self, known: Iterable[tuple[int, int, str]], nesting: frozenset[str]):
        self.nesting = nesting
        self.spans: list[tuple[int, int, str]] = sorted(known)
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


def _strength(ps: tuple[int, Suggestion]) -> tuple[int, int, int, str]:
    prio, s = ps
    return (prio, s.start - s.end, s.start, s.label)


def _settle(pool: list[tuple[int, Suggestion]], known: Sequence[KnownSpan],
            nesting: frozenset[str]) -> list[Suggestion]:
    """The suggestions that survive conflicts (see the module docstring), in text order.

    The strongest first, each kept when no span kept before conflicts with it. Spans conflict only
    where they overlap, so the text falls into groups of spans that overlap one another (directly
    or through others): a group of one suggestion is kept as it is, and only the other groups are
    settled, each on its own, in the same order (the same result at a fraction of the checks)."""
    # (start, end, i): pool[i], or known[-1 - i] for i < 0
    spans: list[tuple[int, int, int]] = [(k.start, k.end, -1 - j) for j, k in enumerate(known)]
    spans += [(s.start, s.end, i) for i, (_prio, s) in enumerate(pool)]
    spans.sort()
    spans.append((_END, _END, -1))  # closes the last group
    out: list[Suggestion] = []
    group: list[tuple[int, int, int]] = []
    group_end = -1
    for span in spans:
        if span[0] >= group_end:  # overlaps nothing before it: a new group
            if len(group) == 1:  # a span alone: kept if it is a suggestion
                if group[0][2] >= 0:
                    out.append(pool[group[0][2]][1])
            elif group:
                _settle_group(group, pool, known, nesting, out)
            group = [span]
            group_end = span[1]
        else:
            group.append(span)
            if span[1] > group_end:
                group_end = span[1]
    out.sort(key=lambda s: (s.start, -s.end, s.label))
    return out


_END = sys.maxsize  # after every offset


def _settle_group(group: list[tuple[int, int, int]], pool: list[tuple[int, Suggestion]],
                  known: Sequence[KnownSpan], nesting: frozenset[str], out: list[Suggestion]) -> None:
    """Settles a group of spans that overlap (two or more), adding the survivors to ``out``."""
    kept = _Kept([(s, e, known[-1 - i].label) for s, e, i in group if i < 0], nesting)
    # the pool's order breaks ties, as a stable sort of the whole pool would
    for i in sorted((i for _s, _e, i in group if i >= 0), key=lambda i: (*_strength(pool[i]), i)):
        s = pool[i][1]
        if kept.admits(s):
            kept.add(s)
            out.append(s)


def _ill_formed(s: Suggestion, text: str) -> str:
    """Why a suggestion's offsets make no span of ``text``."""
    if not (0 <= s.start < s.end <= len(text)):
        return f"offsets {s.start}-{s.end} out of the text (length {len(text)})"
    return "the span is only white space"


class _Checks:
    """What the engine knows of one scheme, found once: its labels, the attributes of each (type,
    ref targets), the scheme's verdict on attribute values seen before (dates, kinds and modes
    repeat a lot), and the plan of the last suggesters run under it."""

    VERDICTS_MAX = 100_000

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.label_names = frozenset(scheme.by_name)
        # label -> attribute name -> (type, ref targets)
        self.attrs: dict[str, dict[str, tuple[str, frozenset[str]]]] = {
            lab.name: {a.name: (a.type, frozenset(a.targets or ())) for a in lab.attrs} for lab in scheme.labels}
        self.verdicts: dict[tuple[Any, ...], dict[str, Any] | str] = {}
        # the whole check of attributes without refs: (label, *attrs) -> (why not, or None; the
        # attributes to put in their place, or None: accepted as they are)
        self.outcomes: dict[tuple[Any, ...], tuple[str | None, Mapping[str, AttrValue] | None]] = {}
        self._last_plan: tuple[tuple[Any, ...], tuple[list[list[Suggester]], frozenset[str]]] | None = None

    def plan(self, suggesters: Iterable[Suggester]) -> tuple[list[list[Suggester]], frozenset[str]]:
        """The stages of the suggesters that propose a label of the scheme, and the labels that nest.
        The last plan is kept while the suggesters and what they propose and read stay the same
        (a pipeline's labels are known once it is loaded)."""
        suggesters = list(suggesters)
        # by identity (the plan holds the suggesters it runs, so their ids stay theirs)
        key = tuple((id(s), s.labels, s.reads, s.nests) for s in suggesters)
        if self._last_plan is not None and self._last_plan[0] == key:
            return self._last_plan[1]
        useful = [s for s in suggesters if s.labels & self.label_names]
        plan = order_suggesters(useful), frozenset(lab for s in useful if s.nests for lab in s.labels)
        self._last_plan = (key, plan)
        return plan

    def checked(self, s: Suggestion, targets: set[tuple[int, int, str]]) -> Suggestion | str:
        """``s`` with attributes the scheme accepts (a ref whose target is gone is left unset), or why not."""
        key = (s.label, *s.attrs.items())
        try:
            outcome = self.outcomes.get(key)
        except TypeError:  # a value that cannot be hashed: checked each time
            return self._check(s, targets)
        if outcome is not None:
            problem, replaced = outcome
            return problem if problem is not None else s if replaced is None else s.replace_attrs(replaced)
        checked = self._check(s, targets)
        if len(self.outcomes) < self.VERDICTS_MAX and \
                not any(isinstance(v, SpanRef) for v in s.attrs.values()):  # a ref's outcome depends on targets
            self.outcomes[key] = ((checked, None) if isinstance(checked, str)
                                  else (None, None if checked is s else checked.attrs))
        return checked

    def _check(self, s: Suggestion, targets: set[tuple[int, int, str]]) -> Suggestion | str:
        attrs = self.attrs.get(s.label)
        if attrs is None:
            return f"label {s.label!r} is not in the scheme"
        plain: dict[str, object] = {}
        refs: dict[str, SpanRef] = {}
        for name, value in s.attrs.items():
            spec = attrs.get(name)
            if spec is None:
                return f"attrs.{name}: {s.label} has no such attribute"
            if isinstance(value, SpanRef):
                if spec[0] != "ref":
                    return f"attrs.{name}: not a ref attribute"
                if value.label not in spec[1]:
                    return f"attrs.{name}: may not point to a {value.label}"
                if value.key in targets:
                    refs[name] = value
                continue
            if spec[0] == "ref":
                return f"attrs.{name}: a ref must name a span by position (SpanRef)"
            plain[name] = value
        # the verdict depends on the values, not on their order: the scheme's model orders its answer
        key = (s.label, *plain.items())
        verdict = self.verdicts.get(key)
        if verdict is None:
            try:
                verdict = self.scheme.validate_attrs(s.label, plain)
            except ActionRefused as exc:
                verdict = str(exc)
            if len(self.verdicts) < self.VERDICTS_MAX:
                self.verdicts[key] = verdict
        if isinstance(verdict, str):
            return verdict
        clean = verdict
        if clean == plain and not refs and len(clean) == len(s.attrs):
            return s
        return s.replace_attrs({**clean, **refs})


_CHECKS: WeakKeyDictionary[Scheme, _Checks] = WeakKeyDictionary()


def _checks(scheme: Scheme) -> _Checks:
    found = _CHECKS.get(scheme)
    if found is None:
        found = _CHECKS[scheme] = _Checks(scheme)
    return found


def run_suggesters(doc: DocumentInput, suggesters: Iterable[Suggester], scheme: Scheme,
                   labels: Collection[str] | None = None) -> SuggestResult:
    """Every suggester's proposals for ``doc``, settled and checked (see the module docstring).

    ``labels``: only these labels are returned (suggesters of other labels still run when one
    that is wanted reads them; a speaker that is not returned is left unset)."""
    checks = _checks(scheme)
    stages, nesting = checks.plan(suggesters)
    refused: list[Refused] = []
    pool: list[tuple[int, Suggestion]] = []
    text = doc.text
    size = len(text)
    for stage in stages:
        # a reader sees the suggestions of the stages before, settled (only when it has some to see)
        before = len(pool)
        settled: list[Suggestion] | None = None
        for suggester in stage:
            candidates: list[Candidate] = []
            reads = suggester.reads
            if reads:
                candidates = [k for k in doc.spans if k.label in reads]
                if any(s.label in reads for _prio, s in pool[:before]):
                    if settled is None:
                        settled = _settle(pool[:before], doc.spans, nesting)
                    candidates += [s for s in settled if s.label in reads]
                candidates.sort(key=lambda c: (c.start, -c.end))
            priority = suggester.priority
            for s in suggester.suggest(doc, candidates):
                if 0 <= s.start < s.end <= size and not text[s.start:s.end].isspace():
                    pool.append((priority, s))
                else:
                    refused.append(Refused(s, _ill_formed(s, text)))
    kept = _settle(pool, doc.spans, nesting)
    if labels is not None:
        wanted = set(labels)
        kept = [s for s in kept if s.label in wanted]
    targets = {k.key for k in doc.spans} | {s.key for s in kept}
    out: list[Suggestion] = []
    for s in kept:
        checked = checks.checked(s, targets)
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
