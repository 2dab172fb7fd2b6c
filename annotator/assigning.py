"""Handing documents to annotators (``annotator assign``): each document to K of them, balanced by
text length, the same plan for the same seed; what is assigned already is kept, so running it
again assigns only what is new (new documents, or a larger K).

The plan is greedy, longest document first: each goes to the K annotators (of those it lacks)
with the fewest characters so far, counting what they were assigned before. Ties are broken by a
shuffle drawn from the seed, so the plan is deterministic for a seed and fair across seeds.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from annotator.errors import UsageError
from annotator.model.actions import now_iso
from annotator.store.base import AssignableDocument, Store

DocsChoice = Literal["todo", "all"]


@dataclass(slots=True)
class AssignmentPlan:
    pairs: list[tuple[int, str]] = field(default_factory=list)  # (document key, annotator), new ones
    documents: int = 0  # documents that get someone new
    load: dict[str, int] = field(default_factory=dict)  # characters per annotator, old and new
    count: dict[str, int] = field(default_factory=dict)  # documents per annotator, old and new


def plan(docs: Sequence[AssignableDocument], annotators: Sequence[str], overlap: int, which: DocsChoice = "todo",
         seed: int = 0) -> AssignmentPlan:
    """The new assignments that give each document of ``which`` ``overlap`` annotators."""
    names = list(dict.fromkeys(annotators))
    if not names:
        raise UsageError("--annotators names nobody")
    if not 1 <= overlap <= len(names):
        raise UsageError(f"--overlap must be between 1 and the number of annotators ({len(names)})")
    rnd = random.Random(seed)
    rank = {name: i for i, name in enumerate(rnd.sample(names, len(names)))}
    out = AssignmentPlan(load=dict.fromkeys(names, 0), count=dict.fromkeys(names, 0))
    for d in docs:  # what they have already counts
        for who in d.assigned:
            if who in out.load:
                out.load[who] += d.length
                out.count[who] += 1
    tiebreak = [rnd.random() for _ in docs]
    todo = [(d, t) for d, t in zip(docs, tiebreak)
            if len(set(d.assigned) & set(names)) < overlap and not (which == "todo" and d.finished and not d.assigned)]
    for d, _ in sorted(todo, key=lambda dt: (-dt[0].length, dt[1])):
        have = set(d.assigned) & set(names)
        free = sorted((n for n in names if n not in have), key=lambda n: (out.load[n], out.count[n], rank[n]))
        chosen = free[:overlap - len(have)]
        for who in chosen:
            out.pairs.append((d.key, who))
            out.load[who] += d.length
            out.count[who] += 1
        out.documents += 1
    return out


def assign(store: Store, annotators: Sequence[str], overlap: int, which: DocsChoice = "todo",
           seed: int = 0) -> AssignmentPlan:
    """Plan and store the new assignments in one transaction."""
    with store.transaction():
        p = plan(store.assignable(), annotators, overlap, which, seed)
        store.add_assignments(p.pairs, now_iso())
    return p
