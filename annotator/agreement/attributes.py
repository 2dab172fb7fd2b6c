"""Attribute agreement: on the spans two annotators matched exactly (same start, end, label),
the share whose values of an attribute are equal, per attribute (``"QUOTE.speaker"``).

Only pairs where at least one annotator gave the attribute a value are compared: a value against
no value counts as a difference, and two unset values are left out (they would mostly measure
that an optional attribute is rarely used). A QUOTE's speaker is equal when both speakers are the
same span by offsets and label (see :mod:`annotator.agreement.spans`), whatever their ids. The
share is ``None`` when no pair was compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

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


@dataclass(slots=True)
class AttrCounts:
    """The exactly matched pairs of one pair of annotators, collected document by document and
    counted once: pairs with identical attributes (most of them) as ``(label, attrs)``, the
    others whole."""

    same: list[tuple[str, tuple]] = field(default_factory=list)
    differ: list[tuple[Mark, Mark]] = field(default_factory=list)

    def add_doc(self, a: Sequence[Mark], b: Sequence[Mark], pairs: Iterable[tuple[int, int]]) -> None:
        for i, j in pairs:
            x, y = a[i], b[j]
            if x.attrs == y.attrs:
                if x.attrs:
                    self.same.append((x.label, x.attrs))
            else:
                self.differ.append((x, y))

    def add(self, other: AttrCounts) -> None:
        self.same.extend(other.same)
        self.differ.extend(other.differ)

    def tallies(self, names: Mapping[str, tuple[str, ...]]) -> dict[str, AttrTally]:
        """``"LABEL.attr"`` -> equal / compared, for the attributes of ``names``."""
        out: dict[str, AttrTally] = {}
        for (label, attrs), n in Counter(self.same).items():
            for name, _value in attrs:
                if name in names.get(label, ()):
                    t = out.setdefault(f"{label}.{name}", AttrTally())
                    t.equal += n
                    t.compared += n
        for x, y in self.differ:
            xa, ya = dict(x.attrs), dict(y.attrs)
            for name in names.get(x.label, ()):
                u, v = xa.get(name), ya.get(name)
                if u is None and v is None:
                    continue
                t = out.setdefault(f"{x.label}.{name}", AttrTally())
                t.compared += 1
                t.equal += u == v
        return out
