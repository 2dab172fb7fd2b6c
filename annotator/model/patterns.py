"""The patterns that strings of a record must match, in one place with no pydantic import: the
models (``document``, ``record``, ``span``) put them in their fields, and the fast decoder of
``annotator.schema.record_decoder`` checks the same ones."""

import re
from functools import cache

from annotator.model.name_chars import NAME_CHARS

# Ids become file names in some exports (brat), keys in others: keep them printable and bounded.
DOC_ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]{1,256}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
# letters (any script), combining marks, digits and _.@+- (see name_chars.py for why a class of ranges)
ANNOTATOR_PATTERN = rf"^[{NAME_CHARS}_.@+-]{{1,64}}$"
# [0-9], not \d: Python's and Rust's \d take any script's digits, ECMA-262's only ASCII ones
ISO_DATETIME_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
                        r"(Z|[+-][0-9]{2}:[0-9]{2})?$")
SPAN_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
# Where a span came from: "manual", "gazetteer", "rule:date", "model:fr_core_news_sm" (suggesters name
# themselves KIND:NAME; a model name can be long).
SOURCE_PATTERN = r"^[a-z][a-z0-9_.:-]{0,63}$"

# The same patterns compiled, for code that checks or cleans strings outside the models:
# SPAN_ID_RE, ANNOTATOR_RE and NOT_IN_ANNOTATOR_RE (a character an annotator name cannot hold),
# compiled on first use (module ``__getattr__``): the annotator name's class of 5,000 characters
# takes ~10 ms to compile, which every start of the TUI paid before its first frame.
_PATTERNS = {
    "SPAN_ID_RE": SPAN_ID_PATTERN,
    "ANNOTATOR_RE": ANNOTATOR_PATTERN,
    "NOT_IN_ANNOTATOR_RE": f"[^{NAME_CHARS}_.@+-]",
}
# The ASCII characters of ANNOTATOR_PATTERN's class (NAME_CHARS holds no other ASCII than 0-9A-Za-z;
# a test checks both agree on every ASCII name): an ASCII name is checked without the big class.
_ASCII_ANNOTATOR_RE = re.compile(r"[0-9A-Za-z_.@+-]{1,64}")
ANNOTATOR_RULE = "an annotator name is 1-64 letters, digits or _.@+- (no spaces or other signs)"


@cache
def _compiled(name: str) -> re.Pattern[str]:
    return re.compile(_PATTERNS[name])


def __getattr__(name: str) -> re.Pattern[str]:
    if name in _PATTERNS:
        return _compiled(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_annotator_name(value: object) -> bool:
    """``value`` is a valid annotator name. (``fullmatch``: in Python ``$`` also matches before a
    final newline, where the models' and JSON Schema's ``$`` do not.)"""
    if not isinstance(value, str):
        return False
    if value.isascii():
        return _ASCII_ANNOTATOR_RE.fullmatch(value) is not None
    return _compiled("ANNOTATOR_RE").fullmatch(value) is not None


def annotator_name_problem(value: str) -> str | None:
    """Why ``value`` cannot be an annotator name (None: it can), naming the first character that
    is not allowed. Names are never rewritten: two names must never become one."""
    if is_annotator_name(value):
        return None
    if not value:
        return "an annotator name cannot be empty"
    if len(value) > 64:
        return f"{ANNOTATOR_RULE}; this one has {len(value)} characters"
    bad = _compiled("NOT_IN_ANNOTATOR_RE").search(value)
    assert bad is not None  # not too long, not empty: a character is wrong
    c = bad.group()
    return f"{ANNOTATOR_RULE}; {c!r} (U+{ord(c):04X}) is not allowed"


# What each pattern means, in words: a message never shows the pattern itself (the annotator
# name's is 5,000 characters long).
PATTERN_RULES = {
    DOC_ID_PATTERN: "a document id is 1-256 characters, none of them a control character",
    SHA256_PATTERN: "a SHA-256 digest is 64 lower-case hexadecimal digits",
    ANNOTATOR_PATTERN: ANNOTATOR_RULE,
    ISO_DATETIME_PATTERN: "a date and time is written like 2026-01-02T03:04:05Z or 2026-01-02T03:04:05.123+01:00",
    SPAN_ID_PATTERN: "a span id is 1-64 letters, digits or _.:-",
    SOURCE_PATTERN: "a source is a lower-case word such as manual or prediction (letters, digits, _.-)",
}
