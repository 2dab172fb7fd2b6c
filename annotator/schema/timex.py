"""TIMEX3 ``value`` strings (TimeML 1.2.1 / TIDES conventions), checked by pattern.

Accepted forms, with ``X`` allowed for any unknown digit:
``2014``, ``2014-06``, ``2018-04-26``, ``2018-W17``, ``2018-W17-3``, ``2018-W17-WE``, ``XXXX-WXX-1``,
``2018-Q1``, ``2018-H1``, seasons ``2018-SU|FA|WI|SP``, decades ``201``, centuries ``19``, times
``2018-04-10T14:30`` (seconds optional) and parts of day ``2018-04-10TMO|TAF|TEV|TNI|TDT``,
durations ``P3Y``, ``P7M``, ``P1W``, ``PT2H``, ``P3Y7M``, ``PXY``, ``P1DE``, and the tokens
``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF``.
"""

from __future__ import annotations

import re

_D = r"[0-9X]"
_YEAR = rf"{_D}{{4}}"
_MONTH = r"(?:0[1-9]|1[0-2]|XX)"
_DAY = r"(?:0[1-9]|[12][0-9]|3[01]|XX)"
_WEEK = r"(?:0[1-9]|[1-4][0-9]|5[0-3]|XX)"
_TIME = r"T(?:(?:[01][0-9]|2[0-4]|XX)(?::(?:[0-5][0-9]|XX)(?::(?:[0-5][0-9]|XX)(?:\.[0-9]+)?)?)?|MO|MI|AF|EV|NI|DT)"
_CAL = (
    rf"{_YEAR}(?:-(?:{_MONTH}(?:-{_DAY}(?:{_TIME})?)?"
    rf"|W{_WEEK}(?:-(?:[1-7X]|WE))?"
    rf"|Q[1-4X]|H[12X]|SU|FA|WI|SP))?"
)
_DECADE_CENTURY = rf"{_D}{{2,3}}"
_NUM = r"(?:[0-9]+(?:[.,][0-9]+)?|X)"
_DURATION = rf"P(?:(?:{_NUM}(?:Y|M|W|D|DE|CE|ML|Q|H|WE))+(?:T(?:{_NUM}[HMS])+)?|T(?:{_NUM}[HMS])+)"
_TOKENS = r"PRESENT_REF|PAST_REF|FUTURE_REF"

TIMEX_PATTERN = rf"^(?:{_TOKENS}|{_CAL}|{_DECADE_CENTURY}|{_DURATION})$"
TIMEX_RE = re.compile(TIMEX_PATTERN)

# What a user is told instead of the pattern (it is 400 characters long).
TIMEX_EXAMPLES = "2014-06, 2018-04-26, 2018-W17, XXXX-WXX-1, PRESENT_REF"
TIMEX_HELP = ("a TIMEX3 value looks like 2014-06 (a month), 2018-04-26 (a day), 2018-W17 (a week), "
              "XXXX-WXX-1 (any Monday), P3Y (three years) or PRESENT_REF (now)")


def is_timex(value: str) -> bool:
    """True when ``value`` is a TIMEX3 value string. (``fullmatch``: Python's ``$`` would also
    let a final newline through, where the models' and JSON Schema's do not.)"""
    return TIMEX_RE.fullmatch(value) is not None


def timex_problem(value: str) -> str | None:
    """Why ``value`` is not a TIMEX3 value, in words, with the value it probably means when it is
    a date :func:`suggest_timex` can read (None: it is one)."""
    if is_timex(value):
        return None
    guess = suggest_timex(value)
    shown = repr(value if len(value) <= 40 else value[:39] + "…")
    if guess:
        return f"{shown} is not a TIMEX3 value; did you mean {guess}? (values look like {TIMEX_EXAMPLES})"
    return f"{shown} is not a TIMEX3 value; {TIMEX_HELP}"


# -- a small reader of French dates, for suggestions --------------------------------------------------
# Only what a mistyped value usually is: a written date (« juin 2014 », « le 1er mai 2018 »,
# « lundi »), a numeric one (26/04/2018, 04/2018, 2018-4-26) or a word for now. Full French
# normalisation of date expressions, relative ones included, belongs to annotator.suggest.

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
_WEEKDAYS = {"lundi": 1, "mardi": 2, "mercredi": 3, "jeudi": 4, "vendredi": 5, "samedi": 6, "dimanche": 7}
_NOW = {"aujourd'hui", "maintenant", "actuellement", "a present", "en ce moment", "desormais"}
_FILLER = {"le", "la", "l'", "en", "au", "mois", "de", "d'", "du", "courant", "debut", "fin", "mi"}
_NUMERIC = re.compile(r"(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})|(\d{4})[/.-](\d{1,2})(?:[/.-](\d{1,2}))?")


def _plain(text: str) -> str:
    """Lower case, accents off, apostrophes straight, white space single."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    """``YYYY-MM-DD`` / ``YYYY-MM`` / ``XXXX-MM[-DD]``, or None when the date cannot exist."""
    import datetime

    if month is None or not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            datetime.date(year if year is not None else 2000, month, day)  # 2000: 29 February exists
        except ValueError:
            return None
    y = f"{year:04d}" if year is not None else "XXXX"
    return f"{y}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def suggest_timex(text: str) -> str | None:
    """The TIMEX3 value of a French date written in words or digits, or None when this small
    reader cannot tell: ``juin 2014`` -> ``2014-06``, ``le 1er mai 2018`` -> ``2018-05-01``,
    ``26/04/2018`` -> ``2018-04-26``, ``avril`` -> ``XXXX-04``, ``lundi`` -> ``XXXX-WXX-1``,
    ``aujourd'hui`` -> ``PRESENT_REF``."""
    plain = _plain(text).strip(" .,;:")
    if not plain or len(plain) > 60:
        return None
    if plain in _NOW:
        return "PRESENT_REF"
    if plain.upper() in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
        return plain.upper()
    m = _NUMERIC.fullmatch(plain)
    if m:
        if m.group(3):  # [DD/]MM/YYYY
            day = int(m.group(1)) if m.group(1) else None
            return _iso(int(m.group(3)), int(m.group(2)), day)
        return _iso(int(m.group(4)), int(m.group(5)), int(m.group(6)) if m.group(6) else None)
    words = [w for w in re.split(r"[\s-]+|(?<=')", plain) if w and w not in _FILLER]
    year = month = day = weekday = None
    for w in words:
        w = w.rstrip(".,")
        if w in _MONTHS and month is None:
            month = _MONTHS[w]
        elif w in _WEEKDAYS and weekday is None:
            weekday = _WEEKDAYS[w]
        elif re.fullmatch(r"\d{4}", w) and year is None:
            year = int(w)
        elif re.fullmatch(r"(\d{1,2})(er)?", w) and day is None:
            day = int(w.removesuffix("er"))
        else:
            return None  # a word this reader does not know: no guess rather than a wrong one
    if month is None:
        if weekday is not None and day is None and year is None:
            return f"XXXX-WXX-{weekday}"
        if year is not None and day is None and weekday is None:
            return f"{year:04d}"
        return None
    return _iso(year, month, day)
