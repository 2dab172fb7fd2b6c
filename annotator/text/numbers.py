"""French numbers as written in news and typed by analysts: reading their value (no labels here).

- digits with French grouping: ``29.307`` and ``2.136`` (a dot followed by groups of exactly three
  digits is a thousands separator), ``1 200`` with a normal, no-break (U+00A0), narrow no-break
  (U+202F) or thin (U+2009) space, one separator kind per number;
- a decimal comma: ``2,5``, ``30,4``; a decimal dot where the digits after it are not a group of
  three (``1.5``); ``1.234,5`` is 1234.5;
- multipliers: ``1,5 million`` is 1500000, ``2 milliards``, ``deux millions``;
- numbers in words: ``deux``, ``dix-huit``, ``vingt et un``, ``soixante-dix``, ``quatre-vingts``,
  ``deux cent mille``;
- approximate counts: ``une dizaine`` (10, approximate), ``une centaine``, ``un millier``; ``des
  dizaines``, ``plusieurs centaines``, ``des milliers`` have no single value (``value`` is None);
  approximators before a number (``environ``, ``près de``, ``plus de``, ``au moins``...) make it
  approximate;
- percentages: ``30 %``, ``30%``, ``30 pour cent`` (``percent`` is set, the value stays 30).

:func:`parse_number` reads one whole string (a form field) and says why when it cannot;
:func:`find_numbers` finds every number in a text, with its offsets (code points, end exclusive).
Values are ``int`` when whole, else ``float``; arithmetic is decimal, so ``1,1 million`` is 1100000.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from annotator.text.word_index import RULE_WORDS, WordScan, folded_text

__all__ = ["APPROXIMATORS", "NotANumber", "Number", "NumberMatch", "NumberRead", "find_numbers", "parse_number",
           "read_numbers", "words_value"]

_SPACES = "\u00a0\u202f\u2009 "
_S = r"[ \u00a0\u202f\u2009]"  # one space of any of the kinds French typography uses
_SP = _S + "+"

UNITS = {
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "quatre-vingt": 80, "quatre-vingts": 80, "quatrevingt": 80, "septante": 70, "huitante": 80, "octante": 80,
    "nonante": 90,
}
HUNDRED = {"cent": 100, "cents": 100}
SCALES = {"mille": 1000, "million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9,
          "billion": 10**12, "billions": 10**12}
MULTIPLIERS = {k: v for k, v in SCALES.items() if k != "mille"} | {"mille": 1000}
#: Nouns of approximate counts and the value of one of them (``une dizaine`` is about 10).
APPROX_NOUNS = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
    "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000,
}
#: Words before a number that make it approximate (a bound is not an exact count either).
APPROXIMATORS = (
    "environ", "près de", "près d'", "quelque", "autour de", "approximativement", "à peu près", "presque",
    "plus de", "plus d'", "moins de", "moins d'", "au moins", "au plus", "jusqu'à", "pas moins de",
    "pas moins d'", "quasiment", "pratiquement", "un peu plus de", "un peu moins de", "près",
)


@dataclass(frozen=True, slots=True)
class Number:
    """A number as read: its value (None for a count with no single value, ``des dizaines``),
    whether it is approximate, and whether it was written as a percentage."""

    value: int | float | None
    approximate: bool = False
    percent: bool = False


@dataclass(frozen=True, slots=True)
class NotANumber:
    """Why a string is not a number (a sentence to show the user)."""

    reason: str


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number found in a text: ``text[start:end]`` is what was read (multiplier and percent sign
    included, approximators before it not), ``written`` when it is spelled in words."""

    start: int
    end: int
    number: Number
    written: bool = False


# -- digits --------------------------------------------------------------------------------------

# the first group never starts with 0: "0.307" is a decimal, not three hundred and seven
_GROUPED = r"[1-9]\d{0,2}(?:(?P<sep>[.\u00a0\u202f\u2009 ])\d{3}(?!\d))(?:(?P=sep)\d{3}(?!\d))*(?:,\d+)?"
_PLAIN = r"\d+(?:,\d+|\.\d+)?"
_DIGITS = re.compile(rf"(?:{_GROUPED}|{_PLAIN})")


def _digits_value(s: str) -> Decimal | NotANumber:
    """The value of digits written the French way (the whole of ``s``)."""
    m = _DIGITS.fullmatch(s)
    if m is None:
        return NotANumber(_digits_problem(s))
    body = s
    sep = m.group("sep")
    if sep:
        body = body.replace(sep, "")
    body = body.replace(",", ".")
    return Decimal(body)


def _digits_problem(s: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", s):
        return f"{s!r} looks like English grouping: write it the French way (1 234,5) or without grouping (1234.5)"
    if "," in s and "." in s and s.rindex(".") > s.rindex(","):
        return f"{s!r}: a decimal comma comes after the thousands separators"
    seps = {c for c in s if c in "." + _SPACES}
    if len(seps) > 1 and "," not in s:
        return f"{s!r} mixes thousands separators (use one kind: 1 234 567 or 1.234.567)"
    if re.fullmatch(r"[\d.\u00a0\u202f\u2009 ]+(?:,\d+)?", s):
        return f"{s!r}: thousands separators must be followed by groups of exactly three digits"
    if s.count(",") > 1:
        return f"{s!r} has more than one decimal comma"
    return f"{s!r} is not a number"


# -- words ---------------------------------------------------------------------------------------

_EIGHTY = re.compile(r"quatre[-\s]vingts?")
_WORD_SPLIT = re.compile(rf"(?:{_SP}et{_SP}|-et-|{_SP}|-)")


def words_value(s: str) -> int | None:
    """The value of a number written in French words (``dix-huit``, ``deux cent mille``,
    ``quatre-vingt-dix``), or None when ``s`` is not one."""
    low = s.lower().replace("\u2011", "-").replace("\u2010", "-")
    low = _EIGHTY.sub("quatrevingt", low)
    words = [w for w in _WORD_SPLIT.split(low) if w]
    if not words:
        return None
    total = 0
    current = 0
    last_scale = None
    seen_any = False
    for w in words:
        if w in UNITS:
            current += UNITS[w]
        elif w in HUNDRED:
            current = (current or 1) * 100
        elif w in SCALES:
            scale = SCALES[w]
            if last_scale is not None and scale >= last_scale:
                return None  # "mille millions" and the like: not a number we read
            total += (current or 1) * scale
            current = 0
            last_scale = scale
        else:
            return None
        seen_any = True
    return total + current if seen_any else None


_NUM_WORDS = sorted((set(UNITS) - {"un", "une", "zéro"}) | set(HUNDRED) | set(SCALES), key=len, reverse=True)
_W = "(?:" + "|".join(re.escape(w) for w in _NUM_WORDS) + ")"
_JOIN = rf"(?:{_SP}et{_SP}|-et-|{_SP}|-)"
_WRITTEN = (
    rf"(?:une?{_SP}(?=milli(?:on|ard)s?\b))?"  # "un million", but never "un" alone
    rf"{_W}(?:(?:{_JOIN}){_W}|(?:{_SP}et{_SP}|-et-)(?:une?|onze)\b)*"
)
_APPROX_NOUN = "(?:" + "|".join(APPROX_NOUNS) + ")"
_MULT = r"(?:milliards?|millions?|billions?|mille)"
_PERCENT = rf"(?:{_S}?%|{_SP}pour{_SP}cent\b|{_SP}p\.{_S}?100\b)"

_SCAN = re.compile(
    rf"""
    (?P<approx>\b(?P<adet>une?|des|plusieurs|quelques|les)(?:{_SP})(?P<anoun>{_APPROX_NOUN}s?|millions|milliards|milliers)\b
        (?:{_SP}(?:de{_SP}|d['’])(?:dizaines|centaines|milliers|millions|milliards)\b)*)
    |(?P<digits>(?<![\w.,/:\-−])(?:{_GROUPED}|{_PLAIN})(?![\w/:]|[.,]\d)
        (?:{_SP}(?P<dmult>{_MULT})\b)?)
    |(?P<written>(?<![\w\-])(?:{_WRITTEN})(?![\w\-]))
    """,
    re.VERBOSE,
)
_PERCENT_RE = re.compile(_PERCENT)
# (both are matched against fold_case(text): as re.IGNORECASE would match the text, at a fraction of
# the cost, and the words they capture are read as they matched: "2 mıllions" is two million)
# The words a number can start with: the pattern is tried only there, found by one compiled scan
# (trying it at every character costs several times more).
_TRIGGERS = frozenset({w.split("-")[0] for w in _NUM_WORDS} | {"un", "une", "des", "plusieurs", "quelques", "les"})
_STARTS = WordScan(_TRIGGERS, digits=True, together=RULE_WORDS)


_PLAIN_DIGITS = 18  # digits read with int() (longer ones are beyond MAX_VALUE and go through Decimal)
#: Values beyond this are refused: JSON readers (and orjson) keep integers to 64 bits, floats lose units.
MAX_VALUE = Decimal(10) ** 15


def _to_value(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


class NumberRead(NamedTuple):
    """A number found in a text, flat: what :func:`find_numbers` gives as a :class:`NumberMatch`
    holding a :class:`Number`, without the two objects (the quantity rule reads thousands)."""

    start: int
    end: int
    value: int | float | None
    approximate: bool
    percent: bool
    written: bool


def find_numbers(text: str, start: int = 0, end: int | None = None) -> Iterator[NumberMatch]:
    """Every number in ``text[start:end]`` in text order (offsets into ``text``)."""
    for n in read_numbers(text, start, end):
        yield NumberMatch(n.start, n.end, Number(n.value, n.approximate, n.percent), n.written)


def read_numbers(text: str, start: int = 0, end: int | None = None) -> Iterator[NumberRead]:
    """:func:`find_numbers`, each number as a :class:`NumberRead`."""
    stop = len(text) if end is None else end
    folded = folded_text(text)
    done = start  # where the last number (its percent sign included) ended
    for at in _STARTS.starts(text, start, stop):
        if at < done:
            continue
        m = _SCAN.match(folded, at, stop)
        if m is None:
            continue
        kind = m.lastgroup  # the alternative that matched: approx, digits or written (each encloses its groups)
        s, e = m.span()
        value: int | float | None
        approximate = False
        if kind == "approx":
            det = m.group("adet")
            noun = m.group("anoun")
            base = noun.rstrip("s")
            approximate = True
            if det in ("un", "une") and base in APPROX_NOUNS and not noun.endswith("s") and e == m.end("anoun"):
                value = APPROX_NOUNS[base]
            else:
                value = None
            if det == "les":
                if base not in APPROX_NOUNS:
                    continue
                s = m.start("anoun")
        elif kind == "digits":
            mult = m.group("dmult")
            body = text[m.start("digits"):m.end("digits")] if not mult else \
                text[m.start("digits"):m.start("dmult")].rstrip(_SPACES)
            if body.isdecimal() and len(body) <= _PLAIN_DIGITS:  # 75, 2014: a whole number as it reads
                value = int(body) * (MULTIPLIERS[mult] if mult else 1)
                if value > MAX_VALUE:
                    continue
            else:
                d = _digits_value(body)
                if isinstance(d, NotANumber):  # pragma: no cover - the scanner only matches valid digits
                    continue
                if mult:
                    d *= MULTIPLIERS[mult]
                if d > MAX_VALUE:
                    continue
                value = _to_value(d)
        else:
            value = words_value(m.group("written"))
            if value is None:
                continue
        percent = False
        if value is not None:
            pm = _PERCENT_RE.match(folded, e, stop)
            if pm is not None:
                e = pm.end()
                percent = True
        done = e
        yield NumberRead(s, e, value, approximate, percent, kind == "written" or kind == "approx")


# -- one whole string ----------------------------------------------------------------------------

_APPROX_PREFIX = re.compile(
    "^(?:" + "|".join(re.escape(a) + ("" if a.endswith("'") else r"\b") for a in
                      sorted(APPROXIMATORS, key=len, reverse=True)) + rf")[{_SPACES}]*", re.IGNORECASE)
_SIGN = re.compile(r"^[-−+]")


def parse_number(text: str) -> Number | NotANumber:
    """Read ``text`` (the whole of it, spaces at the edges ignored) as one French number.

    >>> parse_number("29.307"), parse_number("1,5 million"), parse_number("une dizaine")
    (Number(value=29307, ...), Number(value=1500000, ...), Number(value=10, approximate=True, ...))
    """
    s = text.strip(_SPACES + "\t\n\r")
    if not s:
        return NotANumber("empty: type a number (29.307, 1 200, 2,5, 1,5 million, deux, 30 %)")
    approximate = False
    m = _APPROX_PREFIX.match(s)
    if m and m.end() < len(s):
        approximate = True
        s = s[m.end():]
    percent = False
    pm = re.search(rf"(?:{_S}?%|{_SP}pour{_SP}cent|{_SP}p\.{_S}?100)$", s, re.IGNORECASE)
    if pm:
        percent = True
        s = s[:pm.start()]
    sign = 1
    if _SIGN.match(s):
        sign = -1 if s[0] in "-−" else 1
        s = s[1:]
    if not s:
        return NotANumber(f"{text.strip()!r} has no digits")
    found = list(find_numbers(s))
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(s):
        n = found[0].number
        value = n.value if n.value is None else _signed(n.value, sign)
        return Number(value, approximate or n.approximate, percent or n.percent)
    whole = words_value(s)
    if whole is not None:
        return Number(sign * whole, approximate, percent)
    mult = re.fullmatch(rf"(.+?){_SP}({_MULT})", s, re.IGNORECASE)
    body, factor = (mult.group(1), MULTIPLIERS[mult.group(2).lower()]) if mult else (s, 1)
    if not body[:1].isdigit():
        return NotANumber(f"{text.strip()!r} is not a number")
    d = _digits_value(body)
    if isinstance(d, NotANumber):
        return d
    d *= factor
    if d > MAX_VALUE:
        return NotANumber(f"{text.strip()!r} is too large (at most 10^15)")
    value = _to_value(d)
    return Number(_signed(value, sign), approximate, percent)


def _signed(value: float, sign: int) -> int | float:
    return value if sign == 1 else -value
