"""DATE suggestions for French news, each with its TIMEX3 value relative to the article's date.

Found: full dates (``3 avril 2018``, ``mardi 3 avril``, ``03/04/2018``, ``2018-04-03``), months with
or without a year and a modifier (``juin 2014``, ``début avril``, ``mi-mars``, ``fin mars 2018``,
``août dernier``, ``septembre de la même année``), years in a date context (``en 2014``, ``fin
2017``, ``l'été 2014``), decades (``années 1990``), weekdays (``mardi``, ``jeudi dernier``,
``dimanche soir``, ``mardi vers 21 h 45``), relative days and periods (``aujourd'hui``, ``hier
matin``, ``la semaine dernière``, ``l'an dernier``, ``fin du mois``, ``début de l'année``,
``l'année précédente``, ``il y a deux ans``). Durations (``pendant deux ans``) are not dates.
Elisions, prepositions and articles before a date stay out of its span (``D'août 2014`` gives
``août 2014``).

Values: a date without year, a weekday or a relative day takes its calendar value from the
article's date (``meta.date``). News reports the past: a bare weekday is the last one (today
included), a month or day without year the last one, unless the clause speaks of the future
(:func:`annotator.suggest.french.clause_tense`). ``la même année``, ``l'année précédente`` and
``le lendemain`` count from the last date the article named. Without an article date nothing is
guessed: a weekday is ``XXXX-WXX-2``, a day ``XXXX-06-12``, ``aujourd'hui`` ``PRESENT_REF``, and
``hier`` has no value. Plain rules: the ``dateparser`` library was tried and read none of ``début
avril``, ``hier matin``, ``fin 2017``, ``mi-mars``, ``jeudi dernier``, at about 0.5 ms a call.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from annotator.suggest.base import ArticleDate, Candidate, DocumentInput, Suggestion
from annotator.suggest.french import (
    FUNCTION_WORDS,
    MONTHS,
    PARTS_OF_DAY,
    WEEKDAYS,
    clause_tense,
)
from annotator.text.numbers import words_value
from annotator.text.word_index import RULE_WORDS, WordScan, folded_text

__all__ = ["DateSuggester", "FoundDate", "find_dates", "normalise_date"]

_SP = r"[ \u00a0\u202f]+"
_MONTH = "(?:" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + ")"
_WD = "(?:" + "|".join(WEEKDAYS) + ")"
_DAY = r"(?:1er|premier|[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_PART = "(?:matinée|matin|après-midi|soirée|soir|nuit|midi|mi-journée)"
_SP0 = r"[ \u00a0\u202f]*"
_TIME = rf"(?:(?:[01]?\d|2[0-3]){_SP0}(?:h|heures?)(?:{_SP0}[0-5]\d)?|(?:[01]?\d|2[0-3]):[0-5]\d)"
_AT_TIME = rf"(?:,?{_SP}(?:à|vers|dès|aux alentours de|peu avant|peu après){_SP}(?P<{{g}}>{_TIME}))"
_DIR = r"(?:dernière|dernier|passée|passé|prochaine|prochain|précédente|précédent|suivante|suivant|écoulée|écoulé)"
_MOD = rf"(?:début{_SP}|fin{_SP}|mi-|courant{_SP})"
_SEASON = "(?:printemps|été|automne|hiver)"
_SMALL = r"(?:\d{1,3}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quelques)"

_PATTERN = rf"""
(?<![\w\-/.])(?:
  (?P<num>(?P<nd>0?[1-9]|[12]\d|3[01])(?P<ns>[/.])(?P<nm>0?[1-9]|1[0-2])(?P=ns)(?P<ny>\d{{4}}))(?![\d/])
| (?P<iso>(?P<iy>\d{{4}})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01]))(?![\d-])
| (?P<dated>(?:(?P<dwd>{_WD}){_SP})?(?P<dd>{_DAY}){_SP}(?P<dm>{_MONTH})(?:{_SP}(?P<dy>{_YEAR}))?
      (?:{_SP}(?:au{_SP}|dans{_SP}la{_SP}|en{_SP})?(?P<dpart>{_PART})|{_AT_TIME.format(g="dtime")})?)
| (?P<night>nuit{_SP}(?:de|du){_SP}(?P<nwd>{_WD}){_SP}(?:à|au){_SP}{_WD})
| (?P<wd>(?P<wdw>{_WD})(?:{_SP}(?P<wdrel>{_DIR}))?
      (?:{_SP}(?P<wdpart>{_PART})|{_AT_TIME.format(g="wdtime")})?)
| (?P<month>(?P<mmod>{_MOD})?(?P<mm>{_MONTH})
      (?:{_SP}(?P<my>{_YEAR})|{_SP}(?P<mrel>{_DIR})
       |(?P<msame>{_SP}(?:de|d')(?:{_SP})?(?:la{_SP}même{_SP}année|l'année{_SP}(?:suivante|précédente)
                    |cette{_SP}année-là)))?)
| (?P<rel>(?P<rw>aujourd'hui|aujourd’hui|avant-hier|après-demain|hier|demain)
      (?:{_SP}(?:au{_SP}|dans{_SP}la{_SP})?(?P<rpart>{_PART}))?)
| (?P<this>(?:ce|cette|cet){_SP}(?P<tp>matinée|matin|soirée|soir|nuit|après-midi))
| (?P<per>(?:(?P<pmod>début|fin|mi-|mi){_SP0}
        (?:de{_SP}la{_SP}|de{_SP}l'|du{_SP}|de{_SP}cette{_SP}|de{_SP}ce{_SP}|de{_SP}cet{_SP}|(?=cette|ce|cet)))?
      (?:(?P<pthis>cette|ce|cet){_SP}(?P<pu1>semaine|mois|année|an|{_SEASON})(?:-là)?
       |(?P<pu2>semaine|mois|année|an|{_SEASON}){_SP}(?P<pdir>{_DIR})
       |(?P<pu3>semaine|mois|année)(?=[\s,.;:)]|$)))
| (?P<same>(?:même|cette){_SP}année(?:-là)?)
| (?P<next>(?:lendemain|veille|surlendemain))
| (?P<dec>années{_SP}(?P<decy>(?:19|20)\d0|\d0))
| (?P<ago>il{_SP}y{_SP}a{_SP}(?P<agon>{_SMALL}){_SP}(?P<agou>jours?|semaines?|mois|ans|années))
| (?P<year>(?P<ymod>{_MOD}|(?P<ys>{_SEASON}){_SP})?(?P<yy>{_YEAR}))(?![\d]|[.,]\d|{_SP}?%)
)(?![\w\-])
"""
# Matched against fold_case(text): as re.IGNORECASE would match the text, at a fraction of the cost,
# and the words it captures are the keys of MONTHS, WEEKDAYS... as they match (``ſeptembre`` is
# September for the pattern, and for the tables too).
_DATES = re.compile(_PATTERN, re.VERBOSE)

#: Words before a year that make a bare four-digit number a year whatever follows it.
_YEAR_BEFORE = frozenset(["en", "depuis", "dès", "de", "d", "à", "avant", "après", "jusqu", "jusqu'en",
    "entre", "et", "au", "aux", "vers", "pour", "ici", "l'an", "an", "année", "années", "courant", "fin",
    "début", "mi", "été", "hiver", "automne", "printemps", "saison", "exercice"])
_SEASON_CODE = {"printemps": "SP", "été": "SU", "automne": "FA", "hiver": "WI"}
_CLOCK = re.compile(r"(\d{1,2})\D*?(\d{2})?$")
_DEFINITE_BEFORE = re.compile(r"(?:le|la|l')\s*$")
_WORD_BEFORE = re.compile(r"([\w']+)['’]?[\s\u00a0\u202f(]*$")
_WORD_AFTER = re.compile(r"[\s\u00a0\u202f]*([\w'’-]+|\S)")


@dataclass(frozen=True, slots=True)
class FoundDate:
    start: int
    end: int
    value: str | None  # a TIMEX3 value, or None when it has none without guessing


@dataclass(slots=True)
class _Ctx:
    text: str
    dct: ArticleDate | None
    ref: dt.date | None = None  # the last date named (for "la même année", "le lendemain")
    ref_year: int | None = None

    @property
    def day(self) -> dt.date | None:
        return dt.date(self.dct.year, self.dct.month, self.dct.day) if self.dct and self.dct.day else None


# (the words these helpers get come from the case-folded text, see _DATES)
def _month_number(name: str) -> int:
    return MONTHS[name]


def _day_number(text: str) -> int:
    return 1 if text in ("1er", "premier") else int(text)


def _part(word: str | None) -> str:
    return PARTS_OF_DAY.get(word, "") if word else ""


def _time(text: str | None) -> str:
    if not text:
        return ""
    m = _CLOCK.match(text.strip())
    if m is None:  # pragma: no cover - the pattern only lets times through
        return ""
    hh = int(m.group(1))
    mm = m.group(2) or "00"
    return f"T{hh:02d}:{mm}"


def _valid_day(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _pick_year(ctx: _Ctx, month: int, day: int | None, tense: int) -> int | None:
    """The year of a month (and day) named without one: the last such date up to the article's
    date, or the next one from it when the clause speaks of the future."""
    if ctx.dct is None:
        return None
    here = (ctx.dct.month, ctx.dct.day or (31 if day is not None else 0))
    there = (month, day if day is not None else 0)
    if day is None:
        here = (ctx.dct.month, 0)
    if tense > 0:
        return ctx.dct.year if there >= here else ctx.dct.year + 1
    return ctx.dct.year if there <= here else ctx.dct.year - 1


def _weekday(ctx: _Ctx, wd: int, rel: str | None, tense: int) -> str:
    today = ctx.day
    if today is None:
        return f"XXXX-WXX-{wd}"
    iso = today.isoweekday()
    rel_low = (rel or "").lower()
    if rel_low.startswith(("prochain", "suivant")) or (not rel_low and tense > 0):
        delta = (wd - iso) % 7
        if rel_low:
            delta = delta or 7
        day = today + dt.timedelta(days=delta)
    else:
        delta = (iso - wd) % 7
        if rel_low:
            delta = delta or 7
        day = today - dt.timedelta(days=delta)
    ctx.ref = day
    return day.isoformat()


def _shift_month(y: int, m: int, by: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + by
    return k // 12, k % 12 + 1


def _period(ctx: _Ctx, unit: str, direction: int, anaphoric: bool) -> str | None:
    """``cette semaine`` (0), ``la semaine dernière`` (-1), ``l'année suivante`` (+1 from the last
    date named when ``anaphoric``)."""
    unit = unit.lower()
    if anaphoric:
        year = ctx.ref_year
        if year is None:
            return None
        if unit in ("année", "an"):
            return f"{year + direction:04d}"
        return None
    if ctx.dct is None:
        return None
    if unit in ("année", "an"):
        return f"{ctx.dct.year + direction:04d}"
    if unit == "mois":
        y, m = _shift_month(ctx.dct.year, ctx.dct.month, direction)
        return f"{y:04d}-{m:02d}"
    if unit == "semaine":
        today = ctx.day
        if today is None:
            return None
        y, w, _ = (today + dt.timedelta(weeks=direction)).isocalendar()
        return f"{y:04d}-W{w:02d}"
    if unit in _SEASON_CODE:
        return f"{ctx.dct.year + direction:04d}-{_SEASON_CODE[unit]}"
    return None  # pragma: no cover


def _direction(word: str | None) -> int:
    if not word:
        return 0
    w = word.lower()
    if w.startswith(("dernier", "dernière", "passé", "précédent", "écoulé")):
        return -1
    if w.startswith(("prochain", "suivant")):
        return 1
    return 0  # pragma: no cover


def _is_year_context(text: str, start: int, end: int, has_mod: bool) -> bool:
    if has_mod:
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    prev = before.group(1).lower() if before else ""
    prev = prev.split("'")[-1] if "'" in prev and prev not in _YEAR_BEFORE else prev
    if prev in _YEAR_BEFORE or text[max(0, start - 1):start] == "(":
        return True
    after = _WORD_AFTER.match(text, end, min(len(text), end + 40))
    if after is None:
        return True
    nxt = after.group(1)
    if not nxt[0].isalpha():
        return nxt not in ("%", "€", "$", "£")
    low = nxt.lower().replace("’", "'")
    return low in FUNCTION_WORDS or low.split("'")[0] in FUNCTION_WORDS or low in MONTHS


def _value(m: re.Match[str], ctx: _Ctx) -> str | None | bool:
    """The TIMEX3 value of one match (None: no value), or False when the match is not a date.
    ``m`` is a match in the case-folded text (its groups are lower case); ``ctx.text`` is the text."""
    g = m.group
    text = ctx.text
    y: int | None
    if g("num") or g("iso"):
        y, mo, d = ((int(g("ny")), int(g("nm")), int(g("nd"))) if g("num")
                    else (int(g("iy")), int(g("im")), int(g("id"))))
        day = _valid_day(y, mo, d)
        if day is None:
            return False
        ctx.ref, ctx.ref_year = day, y
        return day.isoformat()
    if g("dated"):
        mo, d = _month_number(g("dm")), _day_number(g("dd"))
        suffix = _part(g("dpart")) or _time(g("dtime"))
        if g("dy"):
            y = int(g("dy"))
        else:
            y = _pick_year(ctx, mo, d, clause_tense(text, m.start(), m.end()) if ctx.dct else 0)
        if y is None:
            return f"XXXX-{mo:02d}-{d:02d}" if _valid_day(2000, mo, d) else False
        day = _valid_day(y, mo, d)
        if day is None:
            return False
        ctx.ref, ctx.ref_year = day, y
        return day.isoformat() + suffix
    if g("night"):
        tense = clause_tense(text, m.start(), m.end()) if ctx.dct and ctx.dct.day else 0  # else not used
        value = _weekday(ctx, WEEKDAYS[g("nwd")], None, tense)
        return value if value.startswith("X") else value + "TNI"
    if g("wd"):
        tense = clause_tense(text, m.start(), m.end()) if ctx.dct and ctx.dct.day and not g("wdrel") else 0
        value = _weekday(ctx, WEEKDAYS[g("wdw")], g("wdrel"), tense)
        if value.startswith("X"):
            return value
        return value + (_part(g("wdpart")) or _time(g("wdtime")))
    if g("month"):
        word = g("mm")
        if word == "mars" and text[m.start("mm")].isupper() and not g("mmod") and not g("my") and not g("mrel"):
            before = text[max(0, m.start() - 3):m.start()].strip()
            if before and before[-1] not in ".!?»\"":  # "Mars" inside a sentence: the planet, a name
                return False
        mo = _month_number(word)
        if g("my"):
            y = int(g("my"))
        elif g("msame"):
            same = g("msame")
            if ctx.ref_year is None:
                return f"XXXX-{mo:02d}"
            y = ctx.ref_year + (1 if "suivante" in same else -1 if "précédente" in same else 0)
        elif g("mrel"):
            if ctx.dct is None:
                return f"XXXX-{mo:02d}"
            direction = _direction(g("mrel"))
            y = _pick_year(ctx, mo, None, 1 if direction > 0 else -1)
            if y is not None and direction < 0 and mo == ctx.dct.month:
                y -= 1
            if y is not None and direction > 0 and mo == ctx.dct.month:
                y += 1
        else:
            y = _pick_year(ctx, mo, None, clause_tense(text, m.start(), m.end()) if ctx.dct else 0)
        if y is None:
            return f"XXXX-{mo:02d}"
        ctx.ref_year = y
        ctx.ref = dt.date(y, mo, 1)
        return f"{y:04d}-{mo:02d}"
    if g("rel"):
        word = g("rw").replace("’", "'")
        today = ctx.day
        if word == "aujourd'hui":
            if today is None:
                return "PRESENT_REF"
            return today.isoformat() + _part(g("rpart"))
        if today is None:
            return None
        shift = {"hier": -1, "avant-hier": -2, "demain": 1, "après-demain": 2}[word]
        day = today + dt.timedelta(days=shift)
        ctx.ref = day
        return day.isoformat() + _part(g("rpart"))
    if g("this"):
        today = ctx.day
        return today.isoformat() + _part(g("tp")) if today else None
    if g("per"):
        unit = g("pu1") or g("pu2") or g("pu3")
        if g("pu3") and not g("pmod"):
            return False  # a bare "semaine": not a date
        if g("pu3"):  # début du mois, fin de l'année: this one
            return _period(ctx, unit, 0, False)
        if g("pu1"):
            if g("pu1") == "an":
                return False
            anaphoric = "-là" in text[m.start():m.end()]  # written in lower case (as before)
            return _period(ctx, unit, 0, anaphoric)
        direction = _direction(g("pdir"))
        anaphoric = g("pdir").startswith(("précédent", "suivant"))
        if unit in _SEASON_CODE and not anaphoric:
            return _period(ctx, unit, direction, False)
        return _period(ctx, unit, direction, anaphoric)
    if g("same"):
        return f"{ctx.ref_year:04d}" if ctx.ref_year is not None else None
    if g("next"):
        word = g("next")
        before = text[max(0, m.start() - 4):m.start()].lower()
        if not _DEFINITE_BEFORE.search(before):
            return False
        shift = {"lendemain": 1, "veille": -1, "surlendemain": 2}[word]
        if ctx.ref is None:
            return None
        day = ctx.ref + dt.timedelta(days=shift)
        ctx.ref = day
        return day.isoformat()
    if g("dec"):
        decade = g("decy")
        if len(decade) == 2:
            decade = ("19" if int(decade) >= 30 else "20") + decade
        return decade[:3]
    if g("ago"):
        n_text = g("agon")
        n = int(n_text) if n_text.isdigit() else words_value(n_text)
        unit = g("agou")
        if n is None or ctx.dct is None:
            return None
        if unit.startswith(("an", "année")):
            return f"{ctx.dct.year - n:04d}"
        if unit == "mois":
            y, mo = _shift_month(ctx.dct.year, ctx.dct.month, -n)
            return f"{y:04d}-{mo:02d}"
        today = ctx.day
        if today is None:
            return None
        if unit.startswith("semaine"):
            y, w, _ = (today - dt.timedelta(weeks=n)).isocalendar()
            return f"{y:04d}-W{w:02d}"
        return (today - dt.timedelta(days=n)).isoformat()
    if g("year"):
        if not _is_year_context(text, m.start(), m.end(), bool(g("ymod"))):
            return False
        y = int(g("yy"))
        ctx.ref_year = y
        if g("ys"):
            return f"{y:04d}-{_SEASON_CODE[g('ys')]}"
        return f"{y:04d}"
    return False  # pragma: no cover - every alternative is handled above


# The first words a date can start with: the pattern is tried only where one of them starts, found
# by one compiled scan (trying the whole pattern at every character costs several times more).
_TRIGGERS = frozenset(
    {m.rstrip(".") for m in MONTHS} | set(WEEKDAYS)
    | frozenset(["premier", "nuit", "début", "fin", "mi", "courant", "aujourd", "avant", "après", "hier",
        "demain", "ce", "cette", "cet", "semaine", "mois", "année", "an", "même", "lendemain", "veille",
        "surlendemain", "années", "il", "printemps", "été", "automne", "hiver"])
)
_STARTS = WordScan(_TRIGGERS, digits=True, together=RULE_WORDS)


def _matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of _DATES where a date can start, in the case-folded ``text``."""
    folded = folded_text(text)
    done = 0
    for start in _STARTS.starts(text):
        if start < done:
            continue
        m = _DATES.match(folded, start)
        if m is not None:
            done = m.end()
            yield m


def find_dates(text: str, article_date: ArticleDate | None) -> list[FoundDate]:
    """Every date in ``text`` with its value (see the module docstring), in text order."""
    return [FoundDate(start, end, value) for start, end, value in _find(text, article_date)]


def _find(text: str, article_date: ArticleDate | None) -> list[tuple[int, int, str | None]]:
    """find_dates as (start, end, value) tuples (the rule makes thousands)."""
    ctx = _Ctx(text, article_date)
    out: list[tuple[int, int, str | None]] = []
    for m in _matches(text):
        value = _value(m, ctx)
        if value is False:
            continue
        start, end = m.span()
        out.append((start, end, value if isinstance(value, str) else None))
    return out


def normalise_date(text: str, article_date: ArticleDate | None = None) -> str | None:
    """The TIMEX3 value of ``text`` when the whole of it is one date this module reads
    (``juin 2014`` -> ``2014-06``), else None. For a form that suggests a value."""
    stripped = text.strip()
    found = find_dates(stripped, article_date)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0].value
    return None


class DateSuggester:
    """French dates with their TIMEX3 values (``rule:date``)."""

    name = "rule:date"
    labels = frozenset({"DATE"})
    reads: frozenset[str] = frozenset()
    nests = False
    priority = 20

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        return [Suggestion(start, end, "DATE", {"value": value} if value else {}, self.name)
                for start, end, value in _find(doc.text, doc.date)]
