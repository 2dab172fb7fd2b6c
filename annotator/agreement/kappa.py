"""Chance-corrected agreement on per-token labels (see :mod:`annotator.agreement.units` for how a
token gets its label, nested spans included).

Cohen's kappa (two annotators)
    ``(p_o - p_e) / (1 - p_e)``: p_o is the share of tokens both gave the same label, p_e the
    share expected by chance from how often each used each label. 1 is perfect agreement, 0 no
    better than chance, below 0 worse. Counted over the tokens of the documents both did.

Fleiss' kappa (all annotators)
    The same idea for n raters: p_o is the mean, over tokens, of the share of agreeing rater
    pairs; p_e the sum of squared label shares. It needs the same raters for every token, so it
    is counted over the documents that every annotator did.

Both are ``None`` (undefined) when there is no token, or when chance agreement is already
perfect (p_e = 1: everyone used a single label, typically "O" everywhere).

The functions take counts per unit with a weight per row (a segment standing for that many
tokens, see :class:`~annotator.agreement.units.Units`); weight 1 everywhere is the plain formula.
"""

from __future__ import annotations

import numpy as np

from annotator.agreement.units import MISSING, Units

_EPS = 1e-12


def confusion(units: Units, i: int, j: int) -> np.ndarray:
    """``c[x, y]``: tokens annotator i labelled x and annotator j labelled y (both present)."""
    a, b = units.codes[i], units.codes[j]
    both = (a != MISSING) & (b != MISSING)
    v = units.n_values
    flat = a[both].astype(np.int64) * v + b[both]
    return np.bincount(flat, weights=units.weight[both], minlength=v * v).reshape(v, v)


def cohen_kappa(c: np.ndarray) -> float | None:
    """Cohen's kappa of a confusion matrix ``c[x, y]``."""
    n = c.sum()
    if n == 0:
        return None
    p_o = np.trace(c) / n
    p_e = float((c.sum(axis=1) / n) @ (c.sum(axis=0) / n))
    if 1 - p_e <= _EPS:
        return None
    return float((p_o - p_e) / (1 - p_e))


def fleiss_kappa(counts: np.ndarray, weight: np.ndarray | None = None) -> float | None:
    """Fleiss' kappa of ``counts[u, v]`` (raters who gave unit u the value v), every row summing
    to the same number of raters, at least two; ``weight[u]``: how many units row u stands for."""
    if counts.shape[0] == 0:
        return None
    n = int(counts[0].sum())
    if n < 2:
        return None
    counts = counts.astype(np.int64)
    w = np.ones(counts.shape[0]) if weight is None else weight.astype(np.float64)
    units = w.sum()
    p_units = ((counts * counts).sum(axis=1) - n) / (n * (n - 1))
    p_o = float(p_units @ w / units)
    shares = (w @ counts) / (units * n)
    p_e = float(shares @ shares)
    if 1 - p_e <= _EPS:
        return None
    return (p_o - p_e) / (1 - p_e)


def fleiss_all(units: Units) -> tuple[float | None, int]:
    """Fleiss' kappa over the units that every annotator labelled, and how many documents that is."""
    complete = (units.codes != MISSING).all(axis=0)
    counts = units.value_counts()[complete]
    return fleiss_kappa(counts, units.weight[complete]), int(np.unique(units.doc[complete]).size)


def fleiss_per_doc(units: Units, n_docs: int) -> list[float | None]:
    """Fleiss' kappa of each document over the annotators who did it (``None`` where undefined).

    With two annotators this is Scott's pi, which differs from Cohen's kappa only in how chance
    agreement is estimated (from both annotators' labels pooled)."""
    counts = units.value_counts()
    raters = counts.sum(axis=1)
    doc, w = units.doc, units.weight.astype(np.float64)
    tokens = np.bincount(doc, weights=w, minlength=n_docs)
    n = np.zeros(n_docs, dtype=np.int64)
    n[doc] = raters  # the same for every unit of a document
    with np.errstate(divide="ignore", invalid="ignore"):
        p_units = ((counts * counts).sum(axis=1) - raters) / (raters * (raters - 1))
        p_o = np.bincount(doc, weights=p_units * w, minlength=n_docs) / tokens
        p_e = np.zeros(n_docs)
        for v in range(counts.shape[1]):
            share = np.bincount(doc, weights=counts[:, v] * w, minlength=n_docs) / (tokens * n)
            p_e += share * share
        kappa = (p_o - p_e) / (1 - p_e)
    ok = (tokens > 0) & (n >= 2) & (1 - p_e > _EPS)
    return [float(k) if good else None for k, good in zip(kappa.tolist(), ok.tolist())]
