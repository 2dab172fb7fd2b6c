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


def is_timex(value: str) -> bool:
    """True when ``value`` is a TIMEX3 value string."""
    return TIMEX_RE.match(value) is not None
