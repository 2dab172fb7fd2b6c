"""French numbers: parse_number on whole strings (a form field) and find_numbers in running text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.text.numbers import (
    NotANumber,
    Number,
    find_numbers,
    parse_number,
    words_value,
)

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("text,value", [
    ("29.307", 29307), ("2.136", 2136), ("1 200", 1200), (f"1{NBSP}200", 1200), (f"1{NNBSP}200", 1200),
    ("12.345.678", 12345678), (f"12{NNBSP}345{NNBSP}678", 12345678), ("2,5", 2.5), ("30,4", 30.4),
    ("1,5 million", 1500000), ("1,1 million", 1100000), ("2 milliards", 2000000000), ("1.234,5", 1234.5),
    ("1.5", 1.5), ("3.14159", 3.14159), ("75", 75), ("0", 0), ("-3", -3), ("−2,5", -2.5), ("  42 ", 42),
    ("deux", 2), ("Dix-huit", 18), ("vingt et un", 21), ("soixante-dix", 70), ("soixante et onze", 71),
    ("quatre-vingts", 80), ("quatre-vingt-dix-neuf", 99), ("deux cents", 200), ("deux cent mille", 200000),
    ("trois mille cinq cents", 3500), ("deux millions", 2000000), ("mille", 1000), ("un million", 1000000),
])
def test_values(text, value):
    got = parse_number(text)
    assert isinstance(got, Number), got
    assert got.value == value and type(got.value) is type(value)
    assert not got.approximate and not got.percent


@pytest.mark.parametrize("text,value", [
    ("une dizaine", 10), ("une vingtaine", 20), ("une centaine", 100), ("un millier", 1000),
    ("des dizaines", None), ("plusieurs centaines", None), ("des milliers", None),
    ("des dizaines de milliers", None), ("environ 300", 300), ("près de 1 500", 1500), ("plus de 2,5", 2.5),
    ("au moins 56", 56),
])
def test_approximate(text, value):
    got = parse_number(text)
    assert got == Number(value, approximate=True), got


@pytest.mark.parametrize("text,value", [("30 %", 30), ("30%", 30), (f"44,5{NBSP}%", 44.5), ("30 pour cent", 30),
                                         ("cinq pour cent", 5)])
def test_percent(text, value):
    assert parse_number(text) == Number(value, percent=True)


@pytest.mark.parametrize("text,words", [
    ("", "empty"), ("abc", "not a number"), ("1,234.5", "English grouping"), ("1.23.456", "three digits"),
    ("1 2345", "three digits"), (f"1.234{NBSP}567", "mixes"), ("1e5", "not a number"), ("-", "no digits"),
    ("10000000000000000", "too large"), ("mille millions", "not a number"), ("2,5,3", "decimal comma"),
])
def test_refused_with_a_reason(text, words):
    got = parse_number(text)
    assert isinstance(got, NotANumber)
    assert words in got.reason


def french(n: int, sep: str) -> str:
    digits = str(n)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sep.join(groups)


@given(st.integers(min_value=0, max_value=10**14), st.sampled_from([".", " ", NBSP, NNBSP, ""]))
def test_grouped_integers_round_trip(n, sep):
    assert parse_number(french(n, sep)) == Number(n)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=999_999),
       st.sampled_from([" ", NNBSP, "."]))
def test_decimal_comma_round_trip(whole, frac, sep):
    frac_text = str(frac).rstrip("0") or "0"
    text = f"{french(whole, sep)},{frac_text}"
    got = parse_number(text)
    assert isinstance(got, Number)
    assert got.value == float(Decimal(f"{whole}.{frac_text}"))


@given(st.integers(min_value=2, max_value=999_999))
def test_words_agree_with_digits(n):
    # spell n the French way (1990 spelling: hyphens everywhere but "et" kept)
    units = ["", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
             "treize", "quatorze", "quinze", "seize"]
    tens = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}

    def below_100(k: int) -> str:
        if k <= 16:
            return units[k]
        if k < 20:
            return "dix-" + units[k - 10]
        t, u = divmod(k, 10)
        if t in (7, 9):
            base = "soixante" if t == 7 else "quatre-vingt"
            return base + ("-et-" if k == 71 else "-") + below_100(10 + u)
        base = tens.get(t, "quatre-vingt")
        if u == 0:
            return base + ("s" if t == 8 else "")
        return base + ("-et-un" if u == 1 and t != 8 else "-" + units[u])

    def below_1000(k: int) -> str:
        h, r = divmod(k, 100)
        head = "" if h == 0 else ("cent" if h == 1 else units[h] + "-cent" + ("s" if r == 0 else ""))
        return "-".join(p for p in (head, below_100(r) if r else "") if p)

    th, r = divmod(n, 1000)
    text = "-".join(p for p in ((("mille" if th == 1 else below_1000(th) + "-mille") if th else ""),
                                below_1000(r) if r else "") if p)
    assert words_value(text) == n, text
    assert parse_number(text) == Number(n)


def found(text: str) -> list[tuple[str, int | float | None, bool]]:
    return [(text[m.start:m.end], m.number.value, m.number.percent) for m in find_numbers(text)]


def test_find_numbers_in_running_text():
    text = (f"29.307 raids et 2.136 civils, 1,5 million de personnes, des dizaines de morts, une vingtaine de "
            f"soldats, deux cents soldats, 44,5{NBSP}% des voix, 230{NNBSP}000 habitants, dix-huit provinces.")
    assert found(text) == [
        ("29.307", 29307, False), ("2.136", 2136, False), ("1,5 million", 1500000, False),
        ("des dizaines", None, False), ("une vingtaine", 20, False), ("deux cents", 200, False),
        (f"44,5{NBSP}%", 44.5, True), (f"230{NNBSP}000", 230000, False), ("dix-huit", 18, False),
    ]


def test_find_numbers_leaves_names_dates_and_single_un_alone():
    assert found("un F-16, le G20, le 03/04/2018 à 21:45, un homme, une femme, COVID-19") == []
    # a year next to a count is not joined to it (the first group has four digits)
    assert found("en 2014 300 soldats") == [("2014", 2014, False), ("300", 300, False)]


def test_offsets_are_into_the_text():
    text = "Ils étaient «\u00a0près de 1\u202f500\u00a0», dit-il 🙂 puis 2,5 %."
    for m in find_numbers(text):
        assert parse_number(text[m.start:m.end]) == m.number


def test_the_shared_word_index_keeps_offsets_when_lowering_changes_lengths():
    from annotator.text.word_index import lower_words, trigger_starts

    text = "İstanbul, ǅ et 12 DEUX"
    starts, words = lower_words(text)
    assert [text[s:s + 1] for s in starts] == ["İ", "ǅ", "e", "1", "D"]
    assert words[-1] == "deux"
    assert trigger_starts(text, {"deux"}) == [text.index("12"), text.index("DEUX")]
    assert [text[m.start:m.end] for m in find_numbers(text)] == ["12", "DEUX"]


# -- the word scan the rules start from ------------------------------------------------------------

_SCAN_WORDS = ["an", "année", "années", "deux", "il", "mi", "fin", "ce", "cet", "cette", "istanbul", "i̇stanbul", "ǆ"]
_ALPHABET = list("anéeisdxuflmtc2١²_-'. \n") + ["İ", "ǅ", "Ǆ", "É", "\u00a0", "\u0307", "🙂"]


def _reference_starts(text, words, digits, start=0, end=None):
    """What the rules tried before the scan: every \\w+ word, lowered on its own, kept when listed."""
    from annotator.text.word_index import lower_words

    stop = len(text) if end is None else end
    return [s for s, w in zip(*lower_words(text))
            if start <= s < stop and (w in words or (digits and w[0].isdecimal()))]


@given(st.lists(st.sampled_from(_ALPHABET + ["an", "année", "deux", "Il", "CETTE", "İstanbul", "fin"]), max_size=40),
       st.integers(0, 60), st.integers(0, 80), st.booleans())
def test_the_word_scan_finds_what_a_pass_over_every_word_finds(parts, start, end, digits):
    from annotator.text.word_index import WordScan, lower_words

    text = "".join(parts)
    scan = WordScan(_SCAN_WORDS, digits=digits)
    assert scan.starts(text) == _reference_starts(text, set(_SCAN_WORDS), digits)
    assert scan.starts(text, start, end) == _reference_starts(text, set(_SCAN_WORDS), digits, start, end)
    by_word = [(s, w) for s, w in zip(*lower_words(text)) if w in _SCAN_WORDS]
    assert scan.found(text) == by_word  # a few words: looked for one by one
    many = WordScan(_SCAN_WORDS + [f"mot{i}" for i in range(20)])
    assert many.found(text) == by_word  # many: through the compiled trie
    # scans made together (one pass over the text for both) find what each finds alone
    from annotator.text.word_index import WordScans

    together = WordScans()
    first = WordScan(_SCAN_WORDS[:6], digits=digits, together=together)
    second = WordScan(_SCAN_WORDS[4:] + ["x"], digits=not digits, together=together)
    for shared, alone in ((first, WordScan(_SCAN_WORDS[:6], digits=digits)),
                          (second, WordScan(_SCAN_WORDS[4:] + ["x"], digits=not digits))):
        assert shared.starts(text) == alone.starts(text)
        assert shared.starts(text, start, end) == alone.starts(text, start, end)


def test_the_word_scan_takes_whole_words_only():
    from annotator.text.word_index import WordScan

    scan = WordScan(["an", "année", "années"], digits=True)
    text = "Année 12 ans, l'an 2014-an x3 an."
    assert [text[s:s + 5] for s in scan.starts(text)] == ["Année", "12 an", "an 20", "2014-", "an x3", "an."]
    assert scan.starts(text, 10, 21) == [text.index("an 2"), text.index("2014")]
    assert WordScan([]).starts(text) == [] and WordScan(["l'an"]).starts(text) == []


@pytest.mark.parametrize("text,expected", [
    ("30 POUR CENT", [("30 POUR CENT", Number(30, percent=True))]),
    ("DEUX MILLIONS", [("DEUX MILLIONS", Number(2000000))]),
    # letters re.IGNORECASE takes for others (ſ is s, ı is i) are read as the pattern took them
    ("2 mıllions de personnes", [("2 mıllions", Number(2000000))]),
    ("les dizaineſ de blessés", [("dizaineſ", Number(None, approximate=True))]),
])
def test_numbers_in_any_case(text, expected):
    assert [(text[m.start:m.end], m.number) for m in find_numbers(text)] == expected


def test_the_scanner_is_tried_only_where_a_number_can_start(monkeypatch):
    import annotator.text.numbers as numbers_module

    tried: list[int] = []
    real = numbers_module._SCAN

    class Counting:
        def match(self, text, pos, endpos):
            tried.append(pos)
            return real.match(text, pos, endpos)

    monkeypatch.setattr(numbers_module, "_SCAN", Counting())
    filler = "Les soldats de la coalition ont avancé vers la ville où les habitants attendaient. " * 50
    text = filler + "Ils étaient 1 200, puis deux cents." + filler
    assert [text[m.start:m.end] for m in find_numbers(text)] == ["1 200", "deux cents"]
    # every "les" and "Les" is tried (les dizaines), the words of the filler are not
    assert len(tried) == 2 + 2 * 50 * 2


def test_fold_case_is_what_ignorecase_matches():
    """For every letter the rules' patterns are written with, the characters re.IGNORECASE matches
    to it are exactly those fold_case turns into it (every code point of the BMP and beyond)."""
    import re
    import sys

    from annotator.text.word_index import fold_case

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    folded = fold_case(every)
    assert len(folded) == len(every)
    for letter in "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ'’-":
        ignoring_case = {m.start() for m in re.finditer(re.escape(letter), every, re.IGNORECASE)}
        assert ignoring_case == {m.start() for m in re.finditer(re.escape(letter), folded)}, letter
    for cls in (r"\w", r"\d", r"\s"):
        assert [m.start() for m in re.finditer(cls, every)] == [m.start() for m in re.finditer(cls, folded)]
