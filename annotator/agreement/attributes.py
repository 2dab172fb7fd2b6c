"""Attribute agreement: on the spans two annotators matched exactly (same start, end, label),
the share whose values of an attribute are equal, per attribute (``"QUOTE.speaker"``).

Only pairs where at least one annotator gave the attribute a value are compared: a value against
no value counts as a difference, and two unset values are left out (they would mostly measure
that an optional attribute is rarely used). A QUOTE's speaker is equal when both speakers are the
same span by offsets and label (see :mod:`annotator.agreement.spans`), whatever their ids. The
share is ``None`` when no pair was compared.

Attributes arrive interned: each span carries the index of its attributes in a table of the
distinct values, so pairs are counted per distinct (label, attributes) and only those distinct
combinations are looked at in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class AttrTally:
    equal: int = 0
    compared: int = 0

    def add(self, other: AttrTally) -> None:
        self.equal += other.equal
        self.compared += other.compared

    @property
    def share(self) -> float | None:
        return self.equal / self.compared if self.compared else None


def attr_names(scheme_labels: Iterable, labels: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The attributes of each label in scope, from the scheme's label definitions."""
    return {lab.name: tuple(a.name for a in lab.attrs) for lab in scheme_labels if lab.name in labels and lab.attrs}


def keys(names: Mapping[str, tuple[str, ...]]) -> list[str]:
    return [f"{label}.{attr}" for label, attrs in names.items() for attr in attrs]


def tallies(codes: np.ndarray, attr_a: np.ndarray, attr_b: np.ndarray, values: Sequence[frozenset],
            labels: Sequence[str], names: Mapping[str, tuple[str, ...]]) -> dict[str, AttrTally]:
    """``"LABEL.attr"`` -> equal / compared over exactly matched pairs: pair k has label code
    ``codes[k]`` and attributes ``values[attr_a[k]]`` on A's side, ``values[attr_b[k]]`` on B's."""
    out: dict[str, AttrTally] = {}
    if not codes.size:
        return out
    n_values = max(len(values), 1)
    key = (codes.astype(np.int64) * n_values + attr_a) * n_values + attr_b
    distinct, counts = np.unique(key, return_counts=True)
    for k, n in zip(distinct.tolist(), counts.tolist()):
        k, y = divmod(k, n_values)
        code, x = divmod(k, n_values)
        label = labels[code - 1]
        wanted = names.get(label, ())
        if not wanted:
            continue
        xa, ya = dict(values[x]), dict(values[y])
        for name in wanted:
            u, v = xa.get(name), ya.get(name)
            if u is None and v is None:
                continue
            t = out.setdefault(f"{label}.{name}", AttrTally())
            t.compared += n
            t.equal += n if u == v else 0
    return out
