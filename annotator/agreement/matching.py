"""Which spans of annotator A correspond to which spans of annotator B in one document.

Exact matching
    Two spans match when they have the same start, the same end and the same label. A record
    never holds two spans with the same (start, end, label), so exact matching is one-to-one.

Partial matching, the *greedy largest-overlap* scheme (:data:`PARTIAL_SCHEME`)
    Two spans may match when they have the same label and share at least one character. Each
    span is matched at most once: the possible pairs are taken greedily, the pair sharing the
    most characters first; ties go to the pair whose boundaries differ least (sum of the start
    and end differences), then to the earlier pair in the text. An exact pair shares as many
    characters as either span has and differs by nothing at its boundaries, so every exact pair
    is also a partial pair.

Both functions return ``(i, j)`` index pairs into the two sequences, sorted by ``i``.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.agreement.spans import Mark

PARTIAL_SCHEME = ("same label and at least one shared character; one-to-one, greedy by largest overlap "
                  "(ties: smallest boundary difference, then text order)")


def range_index(marks: Sequence[Mark]) -> dict[tuple[int, int, str], int]:
    """Position of each span by (start, end, label), for :func:`exact_pairs_indexed`."""
    return {m[:3]: i for i, m in enumerate(marks)}  # m[:3] is m.range_key, without a property call


def exact_pairs_indexed(index_a: dict[tuple[int, int, str], int],
                        index_b: dict[tuple[int, int, str], int]) -> list[tuple[int, int]]:
    """:func:`exact_pairs` from the :func:`range_index` of each side (built once per record)."""
    return sorted([(index_a[k], index_b[k]) for k in index_a.keys() & index_b.keys()])


def exact_pairs(a: Sequence[Mark], b: Sequence[Mark]) -> list[tuple[int, int]]:
    """Index pairs of the spans with the same start, end and label."""
    return exact_pairs_indexed(range_index(a), range_index(b))


def _overlapping(a: Sequence[Mark], ai: list[int], b: Sequence[Mark], bj: list[int]) -> list[tuple[int, int]]:
    """All (i, j) with a[i] and b[j] sharing a character (a sweep over starts: no all-pairs loop)."""
    events = sorted([(a[i].start, 0, i) for i in ai] + [(b[j].start, 1, j) for j in bj])
    active: tuple[list[int], list[int]] = ([], [])
    seqs = (a, b)
    out = []
    for start, side, k in events:
        other = 1 - side
        still = [x for x in active[other] if seqs[other][x].end > start]
        active[other][:] = still
        for x in still:
            out.append((k, x) if side == 0 else (x, k))
        active[side].append(k)
    return out


def partial_pairs(a: Sequence[Mark], b: Sequence[Mark],
                  exact: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Index pairs under the greedy largest-overlap scheme (exact pairs included; pass
    ``exact_pairs(a, b)`` when already known)."""
    pairs = exact_pairs(a, b) if exact is None else exact
    if len(pairs) == len(a) or len(pairs) == len(b):
        return pairs
    pairs = list(pairs)
    used_a = {i for i, _ in pairs}
    used_b = {j for _, j in pairs}
    rest_a: dict[str, list[int]] = {}
    rest_b: dict[str, list[int]] = {}
    for i in set(range(len(a))) - used_a:
        rest_a.setdefault(a[i].label, []).append(i)
    for j in set(range(len(b))) - used_b:
        rest_b.setdefault(b[j].label, []).append(j)
    ranked = []
    for label, ai in rest_a.items():
        bj = rest_b.get(label)
        if not bj:
            continue
        for i, j in _overlapping(a, ai, b, bj):
            x, y = a[i], b[j]
            overlap = min(x.end, y.end) - max(x.start, y.start)
            ranked.append((-overlap, abs(x.start - y.start) + abs(x.end - y.end), x.start, y.start, i, j))
    ranked.sort()
    for *_key, i, j in ranked:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    pairs.sort()
    return pairs
