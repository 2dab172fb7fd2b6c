"""Which disputed candidates the reviewer has decided, and which regions are settled.

A candidate is *decided* when it is in gold, when the reviewer rejected it, or when gold holds
another version of it instead: a candidate of the same region with the same label that overlaps
it, or a span of the reviewer's own there. A region is *settled* when every candidate of it is
decided; the review screen counts the regions left.

A rejection is kept as a flag of the gold record -- ``review: rejected DATE 48-57 'juin 2014'
(alice)`` -- so that it is durable and undoable like every other decision, and the gold export
says what was turned down.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from annotator.model.types import Flag, Span
from annotator.model.working import WorkingRecord
from annotator.review.merge import Candidate, Key, MergePlan, Region

PREFIX = "review: rejected "
_REJECTION = re.compile(r"review: rejected (\S+) (\d+)-(\d+) .*\(([^()]*)\)", re.DOTALL)
Who = tuple[Key, tuple[str, ...]]  # a candidate by offsets, label and annotators (unique in a plan)


def who(c: Candidate) -> Who:
    return (c.key, c.annotators)


def rejection_comment(c: Candidate, text: str) -> str:
    quoted = text[c.start:c.end]
    quoted = quoted if len(quoted) <= 40 else quoted[:39] + "…"
    return f"{PREFIX}{c.label} {c.start}-{c.end} {quoted!r} ({', '.join(c.annotators)})"


def is_rejection(flag: Flag) -> bool:
    return _REJECTION.fullmatch(flag["comment"]) is not None


def rejections(gold: WorkingRecord) -> dict[Who, str]:
    """The candidates the gold record's flags say were rejected -> the flag's id."""
    out: dict[Who, str] = {}
    for flag in gold.flags:
        m = _REJECTION.fullmatch(flag["comment"])
        if m:
            key = (int(m.group(2)), int(m.group(3)), m.group(1))
            out[(key, tuple(m.group(4).split(", ")))] = flag["id"]
    return out


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def decided(plan: MergePlan, in_gold: Callable[[Candidate], str | None], rejected: Mapping[Who, str],
            own: Iterable[Span]) -> frozenset[Candidate]:
    """The disputed candidates the reviewer has decided (see the module docstring); ``own``: the
    gold spans that are no annotator's candidate."""
    own_keys = [(s["start"], s["end"], s["label"]) for s in own]
    out = set()
    for region in plan.regions:
        kept = [c.key for c in region.candidates if in_gold(c)]
        kept += [k for k in own_keys if k[0] < region.end and region.start < k[1]]
        for c in region.candidates:
            if in_gold(c) or who(c) in rejected or any(_overlaps(k, c.key) for k in kept):
                out.add(c)
    return frozenset(out)


def open_regions(plan: MergePlan, done: frozenset[Candidate]) -> tuple[Region, ...]:
    """The regions not settled yet: some candidate of them is undecided."""
    return tuple(r for r in plan.regions if any(c not in done for c in r.candidates))
