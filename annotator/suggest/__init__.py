"""Suggestions: proposed spans with attributes and the ``source`` that made them, pure over one
document (no Textual, no store writes; the face decides what to keep).

    from annotator.suggest import DocumentInput, rule_suggesters, run_suggesters
    result = run_suggesters(DocumentInput(text, {"date": "2018-05-14"}), rule_suggesters(), scheme)

Modules: ``base`` (the types and the Suggester protocol), ``engine`` (order, conflicts, checks),
``dates``, ``quantities``, ``quotes`` and ``speakers`` (rules), ``gazetteer``, ``patterns`` and
``spacy_model`` (spaCy, imported when used), ``records`` (into native records), ``pipeline``
(which suggesters to run).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.suggest.base import (
        ArticleDate,
        AttrValue,
        Candidate,
        DocumentInput,
        KnownSpan,
        SpanRef,
        Suggester,
        Suggestion,
    )
    from annotator.suggest.engine import Refused, SuggestResult, run_suggesters
    from annotator.suggest.pipeline import SuggestOptions, build_suggesters, rule_suggesters

__all__ = [
    "ArticleDate", "AttrValue", "Candidate", "DocumentInput", "KnownSpan", "Refused", "SpanRef", "SuggestOptions",
    "SuggestResult", "Suggester", "Suggestion", "build_suggesters", "rule_suggesters", "run_suggesters",
]

# Imported on first use (PEP 562): a screen reaches annotator.suggest.process on its way to the
# first frame, and the rules (and ``regex``) load on import.
_HOME = {name: "annotator.suggest.base" for name in (
    "ArticleDate", "AttrValue", "Candidate", "DocumentInput", "KnownSpan", "SpanRef", "Suggester", "Suggestion")}
_HOME.update({name: "annotator.suggest.engine" for name in ("Refused", "SuggestResult", "run_suggesters")})
_HOME.update({name: "annotator.suggest.pipeline" for name in ("SuggestOptions", "build_suggesters", "rule_suggesters")})


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home), name)
