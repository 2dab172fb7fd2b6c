"""Krippendorff's alpha, nominal, on per-character labels, computed by the ``krippendorff``
package (imported when first needed).

``alpha = 1 - D_o / D_e``: the observed disagreement between the labels that annotators gave the
same character, over the disagreement expected from how often each label is used overall. 1 is
perfect agreement, 0 no better than chance. Each character of a document that at least two
annotators did is a unit; annotators who did not do a document are missing values, which alpha
allows. ``None`` (undefined) when no character has two labels to compare, or when a single label
is used everywhere (no variation to explain).

The package works on a (units x values) matrix of counts and, internally, on a (units x values
x values) array, which for millions of characters would not fit in memory. Alpha depends on
the units only through the sum of their coincidences, and a unit where all m annotators gave the
same value v adds exactly m to the coincidence of v with itself, the same as one unit holding
the values of many such units together (a unit with M values v adds (M^2 - M) / (M - 1) = M).
So the unanimous characters are handed to the package as one unit per value, and only the
characters on which annotators differ as units of their own: the same alpha, exactly, from a
matrix that is small. Units with a single value add nothing and are dropped.
"""

from __future__ import annotations

import numpy as np


def compact(value_counts: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """An equivalent, smaller value-count matrix: unanimous units merged per value (see above).

    ``weight[u]``: how many identical units row u stands for (default 1)."""
    counts = np.asarray(value_counts, dtype=np.int64)
    w = np.ones(counts.shape[0], dtype=np.int64) if weight is None else np.asarray(weight, dtype=np.int64)
    paired = counts.sum(axis=1) >= 2
    counts, w = counts[paired], w[paired]
    unanimous = counts.max(axis=1) == counts.sum(axis=1)
    merged = np.diag(w[unanimous] @ counts[unanimous])
    merged = merged[merged.sum(axis=1) > 0]
    return np.concatenate([merged, np.repeat(counts[~unanimous], w[~unanimous], axis=0)])


def krippendorff_alpha(value_counts: np.ndarray, weight: np.ndarray | None = None) -> float | None:
    """Nominal alpha of ``value_counts[u, v]`` (how many annotators gave unit u the value v);
    ``weight[u]``: how many identical units row u stands for (default 1)."""
    counts = compact(value_counts, weight)
    if counts.shape[0] == 0 or counts.shape[1] < 2:
        return None
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return None
    import krippendorff

    return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))
