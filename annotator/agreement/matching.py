"""Which spans of annotator A correspond to which spans of annotator B, for every document at
once: spans are rows of arrays (start and end in corpus-wide offsets, so spans of different
documents never overlap, and a label code).

Exact matching
    Two spans match when they have the same start, the same end and the same label. A record
    never holds two spans with the same (start, end, label), so exact matching is one-to-one.

Partial matching, the *greedy largest-overlap* scheme (:data:`PARTIAL_SCHEME`)
    Two spans may match when they have the same label and share at least one character. Each
    span is matched at most once: the possible pairs are taken greedily, the pair sharing the
    most characters first; ties go to the pair whose boundaries differ least (sum of the start
    and end differences), then to the earlier pair in the text, then to the earlier spans in their
    records. An exact pair shares as many characters as either span has and differs by nothing at
    its boundaries, so every exact pair is also a partial pair: partial matching only has to pair
    the spans left over by exact matching.

The greedy order only matters where spans compete (a span overlapping two of the other side);
every pair without competition is taken as it is, and only the competing ones go through the
greedy loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_I64_LIMIT = 1 << 62


def span_keys(start: np.ndarray, end: np.ndarray, code: np.ndarray) -> np.ndarray:
    """One int64 per span, equal exactly when (start, end, code) are equal."""
    if not start.size:
        return np.zeros(0, np.int64)
    n_codes = int(code.max()) + 1
    width = int((end - start).max()) + 1
    if (int(start.max()) + 1) * width * n_codes < _I64_LIMIT:
        return (start * width + (end - start)) * n_codes + code
    rows = np.stack([start, end, code.astype(np.int64)], axis=1)  # a huge corpus: rank the rows instead
    return np.unique(rows, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)


def exact_match(key_a: np.ndarray, key_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices into A and into B of the pairs with equal keys (keys unique on each side)."""
    _common, ia, ib = np.intersect1d(key_a, key_b, assume_unique=True, return_indices=True)
    return ia, ib


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every k, the integers lo[k] .. hi[k] - 1: (owner k of each, the integers)."""
    n = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(lo.size), n)
    if not owner.size:
        return owner, owner
    firsts = np.cumsum(n) - n
    return owner, np.arange(owner.size) - firsts[owner] + lo[owner]


def overlapping(a_start: np.ndarray, a_end: np.ndarray, a_code: np.ndarray,
                b_start: np.ndarray, b_end: np.ndarray, b_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with a[i] and b[j] of the same code sharing at least one character."""
    if not a_start.size or not b_start.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    span = int(max(a_end.max(), b_end.max())) + 1
    order = np.lexsort((b_start, b_code))
    key_b = b_code[order].astype(np.int64) * span + b_start[order]
    longest = np.zeros(int(max(a_code.max(), b_code.max())) + 1, np.int64)
    np.maximum.at(longest, b_code, b_end - b_start)
    base = a_code.astype(np.int64) * span
    # the spans of B that start after a[i]'s start minus B's longest span and before a[i]'s end
    lo = np.searchsorted(key_b, base + np.maximum(a_start - longest[a_code] + 1, 0), side="left")
    hi = np.searchsorted(key_b, base + a_end, side="left")
    i, pos = expand_ranges(lo, hi)
    j = order[pos]
    keep = b_end[j] > a_start[i]
    return i[keep], j[keep]


def partial_match(a_start: np.ndarray, a_end: np.ndarray, a_code: np.ndarray,
                  b_start: np.ndarray, b_end: np.ndarray, b_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The greedy largest-overlap pairs (indices into A and B) between two sets of spans; pass
    the spans left over by exact matching (see the module docstring)."""
    i, j = overlapping(a_start, a_end, a_code, b_start, b_end, b_code)
    if not i.size:
        return i, j
    overlap = np.minimum(a_end[i], b_end[j]) - np.maximum(a_start[i], b_start[j])
    diff = np.abs(a_start[i] - b_start[j]) + np.abs(a_end[i] - b_end[j])
    rank = np.lexsort((j, i, b_start[j], a_start[i], diff, -overlap))
    i, j = i[rank], j[rank]
    alone = (np.bincount(i)[i] == 1) & (np.bincount(j)[j] == 1)
    keep_i, keep_j = [i[alone]], [j[alone]]
    used_a: set[int] = set()
    used_b: set[int] = set()
    taken_i, taken_j = [], []
    for x, y in zip(i[~alone].tolist(), j[~alone].tolist()):
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
            taken_i.append(x)
            taken_j.append(y)
    keep_i.append(np.array(taken_i, np.int64))
    keep_j.append(np.array(taken_j, np.int64))
    return np.concatenate(keep_i), np.concatenate(keep_j)


@dataclass(slots=True)
class Matches:
    """Index pairs (into A, into B): exact ones, and partial ones (the exact ones included)."""

    exact_a: np.ndarray
    exact_b: np.ndarray
    partial_a: np.ndarray
    partial_b: np.ndarray


def match(a_start: np.ndarray, a_end: np.ndarray, a_code: np.ndarray,
          b_start: np.ndarray, b_end: np.ndarray, b_code: np.ndarray) -> Matches:
    """Exact and partial matching of A's spans with B's (offsets corpus-wide: see the module
    docstring)."""
    ea, eb = exact_match(*_keys_of_both(a_start, a_end, a_code, b_start, b_end, b_code))
    left_a = np.ones(a_start.size, bool)
    left_a[ea] = False
    left_b = np.ones(b_start.size, bool)
    left_b[eb] = False
    ra, rb = np.flatnonzero(left_a), np.flatnonzero(left_b)
    pa, pb = partial_match(a_start[ra], a_end[ra], a_code[ra], b_start[rb], b_end[rb], b_code[rb])
    return Matches(ea, eb, np.concatenate([ea, ra[pa]]), np.concatenate([eb, rb[pb]]))


def _keys_of_both(a_start, a_end, a_code, b_start, b_end, b_code) -> tuple[np.ndarray, np.ndarray]:
    keys = span_keys(np.concatenate([a_start, b_start]), np.concatenate([a_end, b_end]),
                     np.concatenate([a_code, b_code]))
    return keys[:a_start.size], keys[a_start.size:]
