"""Suggestions: proposed spans with attributes and the ``source`` that made them, pure over one
document (no Textual, no store writes; the face decides what to keep).

    from annotator.suggest import DocumentInput, rule_suggesters, run_suggesters
    result = run_suggesters(DocumentInput(text, {"date": "2018-05-14"}), rule_suggesters(), scheme)

Modules: ``base`` (the types and the Suggester protocol), ``engine`` (order, conflicts, checks),
``dates``, ``quantities``, ``quotes`` and ``speakers`` (rules), ``gazetteer``, ``patterns`` and
``spacy_model`` (spaCy, imported when used), ``records`` (into native records), ``pipeline``
(which suggesters to run).
"""

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
