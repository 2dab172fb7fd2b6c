"""User pattern files (``--patterns FILE``): JSONL lines ``{"label", "pattern"}`` as spaCy's
EntityRuler reads them -- a phrase (``"pattern": "Brett Mc Gurk"``) or token patterns
(``"pattern": [{"LOWER": "daech"}]``) -- run by spaCy's own EntityRuler over a blank French
tokenizer (``patterns``). A line may also carry ``"id"`` and ``"attrs"`` (the attributes given to
every span it matches: ``{"kind": "armed_group"}``).

Every line is checked before anything runs, against spaCy's pattern schema and the scheme; every
bad line is reported as ``FILE:LINE: field: why``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.errors import ActionRefused, InvalidData, Problem
from annotator.suggest.base import AttrValue, Candidate, DocumentInput, Suggestion
from annotator.suggest.nlp import require_spacy

if TYPE_CHECKING:
    from annotator.schema import Scheme

__all__ = ["PatternRule", "PatternSuggester", "read_pattern_file"]

_KEYS = frozenset(("label", "pattern", "id", "attrs"))


@dataclass(frozen=True, slots=True)
class PatternRule:
    label: str
    pattern: str | list[dict[str, Any]]
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)
    where: str = ""  # FILE:LINE


def read_pattern_file(path: str, scheme: Scheme) -> list[PatternRule]:
    """The rules of a pattern file; InvalidData lists every bad line."""
    spacy = require_spacy("--patterns")
    from spacy.schemas import validate_token_pattern

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidData([Problem(path, None, None, f"cannot read the pattern file: {exc.strerror or exc}")]) from None
    del spacy
    rules: list[PatternRule] = []
    problems: list[Problem] = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue

        def bad(fld: str | None, message: str, n: int = number) -> None:
            problems.append(Problem(path, n, fld, message))

        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            bad(None, f"not valid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            bad(None, 'expected an object {"label": ..., "pattern": ...}')
            continue
        unknown = sorted(set(obj) - _KEYS)
        if unknown:
            bad(unknown[0], "unknown field (a line has label, pattern, and optionally id and attrs)")
            continue
        label = obj.get("label")
        if not isinstance(label, str) or not label:
            bad("label", "missing: the label to give the spans it matches")
            continue
        if label not in scheme.by_name:
            bad("label", f"{label!r} is not in the scheme ({', '.join(scheme.by_name)})")
            continue
        pattern = obj.get("pattern")
        if isinstance(pattern, str):
            if not pattern.strip():
                bad("pattern", "an empty phrase matches nothing")
                continue
        elif isinstance(pattern, list) and pattern:
            errors = validate_token_pattern(pattern)
            if errors:
                bad("pattern", f"not a token pattern spaCy reads: {errors[0]}")
                continue
        else:
            bad("pattern", "a phrase (a string) or a token pattern (a non-empty list of objects)")
            continue
        attrs = obj.get("attrs", {})
        if not isinstance(attrs, dict):
            bad("attrs", "an object of attribute values")
            continue
        try:
            attrs = scheme.validate_attrs(label, attrs)
        except ActionRefused as exc:
            bad(exc.field or "attrs", exc.message)
            continue
        if any(not isinstance(v, (str, int, float, bool)) for v in attrs.values()):
            bad("attrs", "values are text, numbers or true/false (a ref cannot be given here)")
            continue
        rules.append(PatternRule(label, pattern, attrs, f"{path}:{number}"))
    if problems:
        raise InvalidData(problems, summary=f"{path}: {len(problems)} bad pattern line(s); nothing was suggested")
    return rules


class PatternSuggester:
    """spaCy's EntityRuler over the rules of pattern files."""

    name = "patterns"
    reads: frozenset[str] = frozenset()
    nests = False
    priority = 10

    def __init__(self, rules: Sequence[PatternRule], lang: str = "fr"):
        spacy = require_spacy("--patterns")
        self.labels = frozenset(r.label for r in rules)
        self._attrs = {f"r{n}": r.attrs for n, r in enumerate(rules)}
        self._nlp = spacy.blank(lang)
        ruler = self._nlp.add_pipe("entity_ruler")
        ruler.add_patterns([{"label": r.label, "pattern": r.pattern, "id": f"r{n}"} for n, r in enumerate(rules)])

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        nlp = self._nlp
        if len(doc.text) >= nlp.max_length:
            nlp.max_length = len(doc.text) + 1
        parsed = nlp(doc.text)
        return [Suggestion(e.start_char, e.end_char, e.label_, dict(self._attrs.get(e.ent_id_, {})), self.name)
                for e in parsed.ents]
