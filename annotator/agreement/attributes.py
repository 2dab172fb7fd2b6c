"""Attribute agreement: on the spans two annotators matched exactly (same start, end, label),
the share whose values of an attribute are equal, per attribute (``"QUOTE.speaker"``).

Only pairs where at least one annotator gave the attribute a value are compared: a value against
no value counts as a difference, and two unset values are left out (they would mostly measure
that an optional attribute is rarely used). A QUOTE's speaker is equal when both speakers are the
same span by offsets and label (see :mod:`annotator.agreement.spans`), whatever their ids. The
share is ``None`` when no pair was compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.agreement.spans import Mark


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


def tally(a: Sequence[Mark], b: Sequence[Mark], pairs: Iterable[tuple[int, int]],
          names: Mapping[str, tuple[str, ...]], into: dict[str, AttrTally]) -> None:
    """Add the comparisons of one document's exact pairs to ``into``."""
    for i, j in pairs:
        x, y = a[i], b[j]
        attrs = names.get(x.label)
        if not attrs or (not x.attrs and not y.attrs):
            continue
        if x.attrs == y.attrs:
            for name, _value in x.attrs:
                t = into.setdefault(f"{x.label}.{name}", AttrTally())
                t.equal += 1
                t.compared += 1
            continue
        xa, ya = dict(x.attrs), dict(y.attrs)
        for name in attrs:
            u, v = xa.get(name), ya.get(name)
            if u is None and v is None:
                continue
            t = into.setdefault(f"{x.label}.{name}", AttrTally())
            t.compared += 1
            t.equal += u == v
