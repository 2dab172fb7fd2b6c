"""Per-unit labels: what each annotator says about every token (for kappa) or every character
(for alpha) of the documents.

A unit's label is a code: 0 for "O" (outside every span), ``1 + i`` for the i-th label in scope.

Nested spans: a unit takes the label of the *innermost* span it belongs to, the shortest one in
characters; between spans of equal length, the label that comes first in the scheme. A character
belongs to the spans that cover it; a token belongs to every span it shares at least one
character with. So inside a QUOTE, the tokens of an ACTOR it holds count as ACTOR, and the
QUOTE's label is compared on the rest of its tokens (span F1 compares both spans whole).

Units are not stored one by one: the span boundaries of all annotators cut each document into
*segments* inside which every annotator's label is constant, and a segment stands for all its
units with a ``weight`` (how many tokens or characters it holds). Every figure computed from
units weighs a segment by that count, which gives exactly the per-unit figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from annotator.agreement.corpus import Doc

MISSING = -1


@dataclass(slots=True)
class Units:
    """Segments of units. ``codes[a, s]``: annotator a's label code on segment s (``-1``: a did
    not do its document); ``weight[s]``: units in s; ``doc[s]``: index of its document."""

    codes: np.ndarray
    weight: np.ndarray
    doc: np.ndarray
    n_values: int  # codes are 0 .. n_values - 1

    def value_counts(self) -> np.ndarray:
        """``counts[s, v]``: how many annotators gave segment s the value v."""
        out = np.zeros((self.codes.shape[1], self.n_values), dtype=np.int64)
        for v in range(self.n_values):
            out[:, v] = (self.codes == v).sum(axis=0)
        return out


def _code_dtype(n_values: int) -> type:
    return np.int8 if n_values <= 127 else np.int16


def paint_segments(n_seg: int, first: np.ndarray, last: np.ndarray, codes: np.ndarray, order_len: np.ndarray,
                   dtype: type) -> np.ndarray:
    """The code of each of ``n_seg`` segments; span k covers segments ``first[k]:last[k]``.

    Where one span covers a segment its code is read from running sums; where several do (nested
    or overlapping spans), those spans are painted longest first (``order_len``), so the innermost
    is left on top."""
    cover = np.cumsum(np.bincount(first, minlength=n_seg + 1) - np.bincount(last, minlength=n_seg + 1))[:n_seg]
    total = np.cumsum(np.bincount(first, weights=codes, minlength=n_seg + 1)
                      - np.bincount(last, weights=codes, minlength=n_seg + 1))[:n_seg]
    out = np.where(cover == 1, np.rint(total), 0).astype(dtype)
    crowded = np.concatenate([[0], np.cumsum(cover >= 2)])
    nested = np.flatnonzero(crowded[last] - crowded[first] > 0)
    if nested.size:
        order = nested[np.lexsort((-codes[nested], -order_len[nested]))]
        for lo, hi, code in zip(first[order].tolist(), last[order].tolist(), codes[order].tolist()):
            out[lo:hi] = code
    return out


def token_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the tokens of ``text`` (:func:`annotator.text.words.token_spans`)."""
    from annotator.text.words import token_spans

    arr = np.array(token_spans(text), dtype=np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _unique(x: np.ndarray) -> np.ndarray:
    x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if x.size else x


@dataclass(slots=True)
class Layout:
    """The compared documents laid end to end: ``char_base[d]`` is where document d starts;
    ``marks[a]`` holds annotator a's spans as (starts, ends, codes) arrays in those offsets."""

    docs: Sequence[Doc]
    n_values: int
    char_base: np.ndarray
    present: np.ndarray  # present[a, d]: annotator a did document d
    marks: list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def layout(docs: Sequence[Doc], annotators: Sequence[str], labels: Sequence[str]) -> Layout:
    code_of = {lab: i + 1 for i, lab in enumerate(labels)}
    row = {ann: i for i, ann in enumerate(annotators)}
    char_base = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(d.text) for d in docs], out=char_base[1:])
    present = np.zeros((len(annotators), len(docs)), dtype=bool)
    lists: list[tuple[list[int], list[int], list[int]]] = [([], [], []) for _ in annotators]
    for d, doc in enumerate(docs):
        base = int(char_base[d])
        for ann, marks in doc.marks.items():
            r = row[ann]
            present[r, d] = True
            starts, ends, codes = lists[r]
            starts.extend([base + m.start for m in marks])
            ends.extend([base + m.end for m in marks])
            codes.extend([code_of[m.label] for m in marks])
    arrays = [(np.array(s, dtype=np.int64), np.array(e, dtype=np.int64), np.array(c, dtype=np.int64))
              for s, e, c in lists]
    return Layout(docs, len(labels) + 1, char_base, present, arrays)


def char_units(lay: Layout) -> Units:
    """One unit per character."""
    return _segments(lay, lay.char_base, [(s, e) for s, e, _c in lay.marks])


def token_units(lay: Layout, tokens: Callable[[str], tuple[np.ndarray, np.ndarray]] = token_bounds) -> Units:
    """One unit per token (``tokens(text)``: the start and end offsets of its tokens)."""
    tok_s, tok_e, counts = [], [], []
    for d, doc in enumerate(lay.docs):
        s, e = tokens(doc.text)
        tok_s.append(s + lay.char_base[d])
        tok_e.append(e + lay.char_base[d])
        counts.append(len(s))
    all_s = np.concatenate(tok_s) if tok_s else np.empty(0, dtype=np.int64)
    all_e = np.concatenate(tok_e) if tok_e else np.empty(0, dtype=np.int64)
    unit_base = np.zeros(len(lay.docs) + 1, dtype=np.int64)
    np.cumsum(counts, out=unit_base[1:])
    # a span holds the tokens from the first one ending after its start to the last one starting before its end
    ranges = [(np.searchsorted(all_e, s, side="right"), np.searchsorted(all_s, e, side="left"))
              for s, e, _c in lay.marks]
    return _segments(lay, unit_base, ranges)


def _segments(lay: Layout, unit_base: np.ndarray, ranges: list[tuple[np.ndarray, np.ndarray]]) -> Units:
    """Cut the units at every span boundary and at every document's start; label the segments."""
    dtype = _code_dtype(lay.n_values)
    ranges = [(lo, np.maximum(lo, hi)) for lo, hi in ranges]  # a span over no token covers nothing
    cuts = _unique(np.concatenate([unit_base, *(x for lo, hi in ranges for x in (lo, hi))]))
    n_seg = len(cuts) - 1
    weight = np.diff(cuts)
    seg_doc = (np.searchsorted(unit_base, cuts[:-1], side="right") - 1).astype(np.int32)
    codes = np.full((len(ranges), n_seg), MISSING, dtype=dtype)
    for r, ((lo, hi), (s, e, c)) in enumerate(zip(ranges, lay.marks)):
        first = np.searchsorted(cuts, lo)
        last = np.searchsorted(cuts, hi)
        painted = paint_segments(n_seg, first, last, c, e - s, dtype)
        codes[r] = np.where(lay.present[r, seg_doc], painted, MISSING)
    return Units(codes, weight, seg_doc, lay.n_values)
