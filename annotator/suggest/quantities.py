"""QUANTITY suggestions: French numbers (:mod:`annotator.text.numbers`) with the noun they count.

The span runs from the number (``1,5 million``, ``des dizaines``, ``deux``) to the noun after it
(``1,5 million de personnes``, ``29.307 raids``, ``44,5 %``); ``value`` is the number, ``unit``
the noun as written (``%`` for percentages), ``approximate`` is set for approximate counts and
after ``environ``, ``près de``, ``plus de``, ``au moins``... (which stay out of the span).
Left alone: years, days of dates (``3 avril``), clock times (``21 h 45``, ``à 14 heures``),
numbers in names (``résolution 2254``, ``F-16``) and ordinals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from annotator.suggest.base import AttrValue, Candidate, DocumentInput, Suggestion
from annotator.suggest.french import FUNCTION_WORDS, MONTHS, WEEKDAYS
from annotator.text.numbers import APPROXIMATORS, Number, NumberRead, read_numbers

__all__ = ["FoundQuantity", "QuantitySuggester", "find_quantities"]

_S = r"[ \u00a0\u202f\u2009]"
_NOUN = r"[^\W\d_][\w'’\-]*(?:/[^\W\d_]+)?"
_SYMBOL = r"(?:€|\$|£|°C|°|‰)"
_UNIT_AFTER = re.compile(rf"{_S}*(?P<u>{_SYMBOL})|{_S}+(?P<w>{_NOUN})")
_UNIT_AFTER_DE = re.compile(rf"{_S}+(?:de{_S}+|d['’])(?P<w>{_NOUN})")
_SPACES = " \u00a0\u202f\u2009"
# approximators as the text before a number ends with them: "près de ", "plus d'"
_APPROX_ENDINGS = tuple(a if a.endswith("'") else a + " " for a in APPROXIMATORS)
_LAST_WORDS = re.compile(r"[\w°]+")
_TRAILING = _SPACES + ".\n\t"
_CLOCK_AFTER = re.compile(rf"{_S}*(?:h|heures?){_S}*(?:\d\d)?\b", re.IGNORECASE)
_MINUTES_BEFORE = re.compile(rf"(?:^|[\s\d]){_S}*h{_S}*$")
_CLOCK_MINUTES = re.compile(rf"{_S}*h{_S}*\d\d")
_CLOCK_BEFORE = re.compile(rf"(?:\bà|\bvers|\bdès|\bjusqu'à|\bavant|\baprès|\bd'ici)({_S}+\w+)?{_S}+$", re.IGNORECASE)
# a number read with a multiplier or as a count of tens, hundreds...: its unit follows "de"
_MULTIPLIED = re.compile(r"(?:millions?|milliards?|billions?|dizaines?|douzaines?|quinzaines?|vingtaines?|"
                         r"trentaines?|quarantaines?|cinquantaines?|soixantaines?|centaines?|milliers?)$",
                         re.IGNORECASE)
_WORD_AFTER = re.compile(rf"{_S}+(\w+)")


def _approximated(before: str) -> bool:
    """The text before a number ends with an approximator (``environ``, ``près de``, ``plus d'``)."""
    tail = before[-24:].lower().replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    tail = tail.rstrip(" ") + ("" if tail.endswith("'") else " ")
    return tail.endswith(_APPROX_ENDINGS)


def _previous_word(before: str) -> str:
    """The word right before a number (only spaces or a full stop between them), lower case."""
    tail = before[-30:].rstrip(_TRAILING)
    if not tail or not (tail[-1].isalnum() or tail[-1] in "_°"):
        return ""
    # the run of word characters that ends the tail: read backwards, it is the one at the start
    last = _LAST_WORDS.match(tail[::-1])
    return last.group()[::-1].lower() if last else ""
#: Words before a number that make it a name or an index, not a count.
_NAMING = frozenset(["article", "articles", "résolution", "résolutions", "numéro", "n°", "no", "nº", "page",
    "pages", "chapitre", "vol", "vols", "route", "autoroute", "loi", "décret", "version", "saison", "édition",
    "tome", "acte", "code", "ligne", "lignes", "h", "heure", "heures", "kilomètre", "point", "points",
    "paragraphe", "alinéa", "annexe", "rang", "classement", "niveau", "groupe", "catégorie", "section",
    "salle", "chambre", "bâtiment", "porte", "rue", "avenue", "boulevard", "quai", "place"])
_NOT_UNITS = frozenset(MONTHS) | frozenset(WEEKDAYS) | FUNCTION_WORDS


@dataclass(frozen=True, slots=True)
class FoundQuantity:
    start: int
    end: int
    number: Number
    unit: str | None
    approximate: bool


def _unit(text: str, end: int, after_de: bool) -> tuple[str, int] | None:
    window_end = min(len(text), end + 60)
    m = (_UNIT_AFTER_DE if after_de else _UNIT_AFTER).match(text, end, window_end)
    if m is None:
        return None
    if m.lastgroup == "u":
        return m.group("u"), m.end()
    word = m.group("w")
    low = word.lower().replace("’", "'")
    if low in _NOT_UNITS or low.split("'")[0] in FUNCTION_WORDS or low.rstrip(".") in MONTHS:
        return None
    if "'" in low or "’" in word:  # "l'armée": an elided article starts a new phrase
        return None
    return word, m.end()


class _Found(NamedTuple):
    """A quantity found, flat (a FoundQuantity without its objects): the number as read, its span
    with the unit, the unit, and whether the count is approximate."""

    number: NumberRead
    end: int
    unit: str | None
    approximate: bool


def find_quantities(text: str) -> list[FoundQuantity]:
    """Every quantity in ``text``, in text order."""
    return [FoundQuantity(q.number.start, q.end, Number(q.number.value, q.number.approximate, q.number.percent),
                          q.unit, q.approximate) for q in _find(text)]


def _find(text: str) -> list[_Found]:
    out: list[_Found] = []
    for n in read_numbers(text):
        raw = text[n.start:n.end]
        before = text[max(0, n.start - 40):n.start]
        prev = _previous_word(before)
        if prev in _NAMING and not n.written:
            continue
        if not n.written and _CLOCK_AFTER.match(text, n.end) and (
                _CLOCK_BEFORE.search(before[-30:]) or _CLOCK_MINUTES.match(text, n.end)):
            continue
        if prev == "h" and not n.written and raw.isdigit() and len(raw) == 2 and _MINUTES_BEFORE.search(before[-6:]):
            continue  # the minutes of "21 h 45"
        if n.percent:
            unit: tuple[str, int] | None = ("%", n.end)
        else:
            multiplied = raw[-1].isalpha() and _MULTIPLIED.search(raw) is not None
            unit = _unit(text, n.end, after_de=multiplied)
        if unit is None and isinstance(n.value, int) and 1600 <= n.value <= 2099 and raw.isdigit():
            continue  # a year
        if not n.written:
            after = _WORD_AFTER.match(text, n.end, n.end + 20)
            if after and after.group(1).lower() in MONTHS:
                continue  # the day of a date
        approximate = n.approximate or _approximated(before)
        end = unit[1] if unit else n.end
        out.append(_Found(n, end, unit[0] if unit else None, approximate))
    return out


class QuantitySuggester:
    """French quantities with their value and unit (``rule:quantity``)."""

    name = "rule:quantity"
    labels = frozenset({"QUANTITY"})
    reads: frozenset[str] = frozenset()
    nests = False
    priority = 20

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        out = []
        for q in _find(doc.text):
            attrs: dict[str, AttrValue] = {}
            if q.number.value is not None:
                attrs["value"] = q.number.value
            if q.unit:
                attrs["unit"] = q.unit
            if q.approximate:
                attrs["approximate"] = True
            out.append(Suggestion(q.number.start, q.end, "QUANTITY", attrs, self.name))
        return out
