"""Which suggesters to run: the rules, the gazetteer, user patterns and a spaCy pipeline, built
from a few options (what ``annotator suggest`` and, later, the TUI's worker ask for)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.suggest.base import Suggester
from annotator.suggest.dates import DateSuggester
from annotator.suggest.gazetteer import Gazetteer
from annotator.suggest.quantities import QuantitySuggester
from annotator.suggest.quotes import QuoteSuggester

if TYPE_CHECKING:
    from annotator.formats.labelmap import LabelMap
    from annotator.schema import Scheme

__all__ = ["SuggestOptions", "build_suggesters", "rule_suggesters"]


@dataclass(frozen=True, slots=True)
class SuggestOptions:
    model: str | None = None  # a spaCy pipeline (name or folder); None: no model
    label_map: LabelMap | None = None  # the model's labels onto the scheme's
    pattern_files: Sequence[str] = ()
    gazetteer: Gazetteer | None = field(default=None, compare=False)


def rule_suggesters() -> list[Suggester]:
    """The rules alone: dates, quantities, quotes."""
    return [DateSuggester(), QuantitySuggester(), QuoteSuggester()]


def build_suggesters(options: SuggestOptions, scheme: Scheme) -> list[Suggester]:
    """Every suggester the options ask for, loaded (a missing model or a bad pattern file raises
    an AnnotatorError / InvalidData that says why)."""
    suggesters: list[Suggester] = rule_suggesters()
    suggesters.append(options.gazetteer if options.gazetteer is not None else Gazetteer())
    if options.pattern_files:
        from annotator.suggest.patterns import PatternSuggester, read_pattern_file

        rules = [r for path in options.pattern_files for r in read_pattern_file(path, scheme)]
        suggesters.append(PatternSuggester(rules))
    if options.model:
        from annotator.suggest.spacy_model import SpacyModelSuggester

        model = SpacyModelSuggester(options.model, options.label_map, [lab.name for lab in scheme.labels])
        model.load()
        suggesters.append(model)
    return suggesters
