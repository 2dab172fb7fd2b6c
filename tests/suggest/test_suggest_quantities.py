"""QUANTITY rules: the number, the noun it counts, approximation."""

from __future__ import annotations

import pytest

from annotator.suggest.quantities import find_quantities

NBSP, NNBSP = "\u00a0", "\u202f"


def quantities(text: str) -> list[tuple[str, int | float | None, str | None, bool]]:
    return [(text[q.start:q.end], q.number.value, q.unit, q.approximate) for q in find_quantities(text)]


@pytest.mark.parametrize("text,expected", [
    ("La coalition qui compte 75 membres", [("75 membres", 75, "membres", False)]),
    ("29.307 raids aériens et 2.136 civils", [("29.307 raids", 29307, "raids", False), ("2.136 civils", 2136,
                                                                                        "civils", False)]),
    (f"1{NBSP}200 soldats, 1{NNBSP}200 soldats, 1 200 soldats", [(f"1{NBSP}200 soldats", 1200, "soldats", False),
                                                                  (f"1{NNBSP}200 soldats", 1200, "soldats", False),
                                                                  ("1 200 soldats", 1200, "soldats", False)]),
    ("1,5 million de personnes", [("1,5 million de personnes", 1500000, "personnes", False)]),
    ("3,5 millions d'euros", [("3,5 millions d'euros", 3500000, "euros", False)]),
    ("des dizaines de civils", [("des dizaines de civils", None, "civils", True)]),
    ("une vingtaine de morts", [("une vingtaine de morts", 20, "morts", True)]),
    (f"44,5{NBSP}% des voix et 30 pour cent", [(f"44,5{NBSP}%", 44.5, "%", False), ("30 pour cent", 30, "%", False)]),
    ("près de 300 soldats, au moins 56 morts, plus d'une centaine", [
        ("300 soldats", 300, "soldats", True), ("56 morts", 56, "morts", True), ("une centaine", 100, None, True)]),
    ("en 30,4 secondes, pendant deux ans", [("30,4 secondes", 30.4, "secondes", False), ("deux ans", 2, "ans", False)]),
    ("des vents à 110 km/h, 15 €", [("110 km/h", 110, "km/h", False), ("15 €", 15, "€", False)]),
    ("dans six des dix-huit provinces", [("six", 6, None, False), ("dix-huit provinces", 18, "provinces", False)]),
])
def test_quantities(text, expected):
    assert quantities(text) == expected


@pytest.mark.parametrize("text", [
    "en 2014, depuis 2017 et avant 1999.", "le 3 avril 2018", "le 03/04/2018", "mardi à 21 h 45", "à 14 heures",
    "la résolution 2254", "un F-16 et le G20", "le 1er et le 3e", "un homme et une femme", "l'article 49",
])
def test_not_quantities(text):
    assert quantities(text) == []


def test_an_elided_article_after_the_number_is_not_a_unit():
    assert quantities("ils étaient 300 à l'arrivée, 12 l'an passé") == [("300", 300, None, False), ("12", 12,
                                                                                                    None, False)]
