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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from annotator.agreement.matching import expand_ranges

if TYPE_CHECKING:
    from annotator.agreement.corpus import Corpus

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


def _code_dtype(n_values: int) -> type[np.signedinteger]:
    return np.int8 if n_values <= 127 else np.int16


def paint_segments(n_seg: int, first: np.ndarray, last: np.ndarray, codes: np.ndarray, order_len: np.ndarray,
                   dtype: type[np.signedinteger]) -> np.ndarray:
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


def _cuts(n_units: int, parts: list[np.ndarray]) -> np.ndarray:
    """The distinct values of ``parts`` (all in 0 .. n_units), sorted: marked in a mask where
    they are dense (faster than sorting them), sorted where they are sparse (a mask of every
    character of a huge corpus would cost more memory than the values)."""
    count = sum(p.size for p in parts)
    if n_units > 16 * count:
        return np.unique(np.concatenate(parts))
    mask = np.zeros(n_units + 1, dtype=bool)
    for p in parts:
        mask[p] = True
    return np.flatnonzero(mask)


@dataclass(slots=True)
class Layout:
    """The compared documents laid end to end: ``char_base[d]`` is where the d-th of them starts;
    ``marks[a]`` holds annotator a's spans as (starts, ends, codes) arrays in those offsets."""

    corpus: Corpus
    docs: np.ndarray  # the corpus's indices of the compared documents
    n_values: int
    char_base: np.ndarray
    present: np.ndarray  # present[a, d]: annotator a did the d-th compared document
    marks: list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def layout(corpus: Corpus, annotators: Sequence[int], docs: np.ndarray) -> Layout:
    """``annotators``: the corpus's indices of the annotators compared, in order."""
    char_base = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(corpus.doc_len[docs], out=char_base[1:])
    position = np.full(len(corpus.doc_ids), -1, dtype=np.int64)
    position[docs] = np.arange(len(docs))
    pos = position[corpus.span_doc]
    marks = []
    for a in annotators:
        mine = (corpus.span_ann == a) & (pos >= 0)
        base = char_base[pos[mine]]
        marks.append((corpus.span_start[mine] + base, corpus.span_end[mine] + base,
                      corpus.span_code[mine].astype(np.int64)))
    present = corpus.present[np.asarray(annotators, dtype=np.int64)][:, docs]
    return Layout(corpus, docs, len(corpus.labels) + 1, char_base, present, marks)


def char_units(lay: Layout) -> Units:
    """One unit per character."""
    return _segments(lay, lay.char_base, [(s, e) for s, e, _c in lay.marks])


def token_units(lay: Layout) -> Units:
    """One unit per token (the corpus's token boundaries)."""
    c = lay.corpus
    first, last = c.tok_base[lay.docs], c.tok_base[lay.docs + 1]
    owner, index = expand_ranges(first, last)
    counts = last - first
    all_s = c.tok_start[index] + lay.char_base[owner]
    all_e = c.tok_end[index] + lay.char_base[owner]
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
    cuts = _cuts(int(unit_base[-1]), [unit_base, *(x for lo, hi in ranges for x in (lo, hi))])
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
