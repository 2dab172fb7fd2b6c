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
from bisect import bisect_left, bisect_right
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


def parse_rejection(comment: str) -> Who | None:
    """The candidate a rejection flag's comment names, or None (not a rejection)."""
    m = _REJECTION.fullmatch(comment)
    if m is None:
        return None
    return ((int(m.group(2)), int(m.group(3)), m.group(1)), tuple(m.group(4).split(", ")))


def rejections(gold: WorkingRecord) -> dict[Who, str]:
    """The candidates the gold record's flags say were rejected -> the flag's id."""
    out: dict[Who, str] = {}
    for flag in gold.flags:
        named = parse_rejection(flag["comment"])
        if named is not None:
            out[named] = flag["id"]
    return out


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


class Decisions:
    """Whether each disputed candidate is decided, in the order of ``plan.disputed``, and which
    regions are settled; computed for every region once, then again only for the regions a
    decision touched (a review of a long article has thousands of regions, a decision one)."""

    def __init__(self, plan: MergePlan):
        self.plan = plan
        self.starts = [r.start for r in plan.regions]  # regions are disjoint, in text order
        self.ends = [r.end for r in plan.regions]
        self.offsets: list[int] = []  # where each region's candidates begin in plan.disputed
        n = 0
        for r in plan.regions:
            self.offsets.append(n)
            n += len(r.candidates)
        self.flags: list[bool] = [False] * n
        self.region_open: list[bool] = [bool(r.candidates) for r in plan.regions]

    def copy(self) -> Decisions:
        out = object.__new__(Decisions)
        out.plan, out.starts, out.ends, out.offsets = self.plan, self.starts, self.ends, self.offsets
        out.flags, out.region_open = list(self.flags), list(self.region_open)
        return out

    def touched(self, ranges: Iterable[tuple[int, int]]) -> set[int]:
        """The regions overlapping any of ``ranges`` (start, end)."""
        out: set[int] = set()
        for s, e in ranges:
            i = bisect_right(self.ends, s)
            while i < len(self.starts) and self.starts[i] < max(e, s + 1):
                out.add(i)
                i += 1
        return out

    def update(self, regions: Iterable[int], in_gold: Callable[[Candidate], str | None],
               rejected: Mapping[Who, str], own: Iterable[Span]) -> None:
        """Decide again the candidates of ``regions`` (indexes into ``plan.regions``); ``own``:
        the gold spans that are no annotator's candidate."""
        own_keys = sorted((s["start"], s["end"], s["label"]) for s in own)
        own_starts = [k[0] for k in own_keys]
        for index in regions:
            region = self.plan.regions[index]
            cands = region.candidates
            ins = [in_gold(c) is not None for c in cands]
            kept = [c.key for c, i in zip(cands, ins) if i]
            if own_keys:  # the reviewer's own spans starting before the region ends, overlapping it
                kept += [k for k in own_keys[:bisect_left(own_starts, region.end)] if k[1] > region.start]
            done = [i or (bool(rejected) and who(c) in rejected) or any(_overlaps(k, c.key) for k in kept)
                    for c, i in zip(cands, ins)]
            at = self.offsets[index]
            self.flags[at:at + len(done)] = done
            self.region_open[index] = not all(done)

    def open_regions(self) -> tuple[Region, ...]:
        return tuple(r for r, is_open in zip(self.plan.regions, self.region_open) if is_open)
