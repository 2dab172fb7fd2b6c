"""Suggestions from any spaCy pipeline (``model:NAME``): its entities (``doc.ents``) and span groups
(``doc.spans``) mapped onto the scheme's labels.

The default, ``fr_core_news_sm``, tags PER, ORG, LOC and MISC: each becomes an ACTOR with a
``kind`` (person, organization, state, other). Another pipeline's labels map with ``--map SRC=LABEL``
(the label maps of import, :mod:`annotator.formats.labelmap`); a label that already is a scheme
label stays itself (a pipeline trained on ``annotator export --format spacy``), ``SRC=`` drops
one, and a label neither mapped nor in the scheme stops the command with the list of them.

A place is not an actor: an ACTOR from a LOC or GPE entity right after a preposition of place
(``en Irak``, ``à Bagdad``, ``dans le nord du Mali``) is left out. The pipeline loads on first use
(or :meth:`SpacyModelSuggester.load`), without its parser and lemmatizer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from annotator.errors import AnnotatorError
from annotator.formats.labelmap import LabelMap
from annotator.suggest.base import AttrValue, Candidate, DocumentInput, Suggestion
from annotator.suggest.french import TITLE
from annotator.suggest.nlp import DEFAULT_MODEL, load_pipeline, source_name

__all__ = ["DEFAULT_MAP", "KINDS", "SpacyModelSuggester"]

#: Labels of the usual spaCy pipelines and the ACTOR kind they stand for.
KINDS = {"PER": "person", "PERSON": "person", "ORG": "organization", "LOC": "state", "GPE": "state",
         "NORP": "other", "MISC": "other"}
DEFAULT_MAP = {"PER": "ACTOR", "PERSON": "ACTOR", "ORG": "ACTOR", "LOC": "ACTOR", "GPE": "ACTOR", "MISC": "ACTOR"}
_PLACES = frozenset(("LOC", "GPE"))
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:en|à|au|aux|dans|vers|depuis|sur|de|du|des|via|jusqu'à|jusqu'en|près de|entre)|\bd['’]|"
    r"\bl['’])[\s\u00a0]*(?:la[\s\u00a0]+|le[\s\u00a0]+|les[\s\u00a0]+|l['’])?$",
    re.IGNORECASE,
)
# head nouns that tell an actor's kind better than LOC or MISC do
_ARMED_HEADS = frozenset({"forces", "armée", "armées", "brigade", "brigades", "milice", "milices", "front",
    "groupe", "bataillon"})
_ORGANIZATION_HEADS = frozenset({"ministère", "agence", "office", "commission", "conseil", "tribunal",
    "cour", "parquet", "banque", "organisation", "programme", "fonds", "comité", "union", "ong", "parlement",
    "assemblée", "sénat", "gouvernement", "observatoire", "institut", "fédération", "syndicat", "parti",
    "mission", "haut-commissariat", "haute", "bureau", "direction"})
_LEADING_ARTICLE = re.compile(r"(?:l['’]|la\s+|le\s+|les\s+)", re.IGNORECASE)  # used with match(text, pos)
# honorifics before a name stay out of the span: "Me Claire Dufour" -> "Claire Dufour"
_HONORIFIC = re.compile(r"(?:M\.|MM\.|Mme|Mmes|Mlle|Me|Maître|Dr|Pr|Mgr)[\s\u00a0]+(?=[A-ZÀ-Ý])")
_HONORIFIC_BEFORE = re.compile(r"\b(?:M\.|MM\.|Mme|Mmes|Mlle|Me|Maître|Dr|Pr|Mgr)[\s\u00a0]+$")
# a function, not a name: "Premier ministre sortant", "ministre de l'Économie"
_FUNCTION = TITLE
# "les Irakiens", "des Syriens": inhabitants, not an actor
_DEMONYM = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:iens|iennes|ais|aises|ains|aines|ois|oises|ens|ennes|ites|ains)")
_PLURAL_BEFORE = re.compile(r"\b(?:les|des|aux|ces|leurs)[\s\u00a0]+$", re.IGNORECASE)


class SpacyModelSuggester:
    """Entities of a spaCy pipeline as suggestions."""

    reads: frozenset[str] = frozenset()
    nests = False
    priority = 40

    def __init__(self, model: str = DEFAULT_MODEL, label_map: LabelMap | None = None,
                 scheme_labels: Collection[str] = ("ACTOR", "DATE", "QUANTITY", "QUOTE")):
        self.model = model
        self.scheme_labels = frozenset(scheme_labels)
        self.user_map = label_map
        self._nlp: Any = None
        self._map: dict[str, str] = {}
        self.name = "model:" + model  # replaced by the pipeline's own name once loaded
        self.labels: frozenset[str] = frozenset(lab for lab in DEFAULT_MAP.values()
                                                  if lab in self.scheme_labels)

    def load(self) -> None:
        """Load the pipeline and check its labels (AnnotatorError says what is wrong)."""
        if self._nlp is not None:
            return
        nlp = load_pipeline(self.model)
        produced: set[str] = set()
        for name in nlp.pipe_names:
            labels = getattr(nlp.get_pipe(name), "labels", ()) or ()
            produced.update(str(x) for x in labels)
        mapping: dict[str, str] = {}
        unmapped = []
        user = self.user_map.to_scheme if self.user_map is not None else {}
        for label in sorted(produced):
            if label in user:
                target = user[label]
            elif label in self.scheme_labels:
                target = label
            elif label in DEFAULT_MAP and DEFAULT_MAP[label] in self.scheme_labels:
                target = DEFAULT_MAP[label]
            else:
                unmapped.append(label)
                continue
            if target:
                mapping[label] = target
        if unmapped:
            first = unmapped[0]
            raise AnnotatorError(
                f"--model {self.model}: label(s) {', '.join(unmapped)} are not in the scheme and not mapped: "
                f"--map {first}={min(self.scheme_labels)} to map one, --map {first}= to leave it out")
        self._nlp = nlp
        self._map = mapping
        self.name = source_name(self.model, nlp)
        self.labels = frozenset(mapping.values())

    def _attrs(self, source_label: str, target: str, name: str) -> dict[str, AttrValue]:
        if target != "ACTOR" or source_label not in KINDS:
            return {}
        kind = KINDS[source_label]
        if kind != "person":  # the head noun of a name says more than the pipeline's label
            head = name.split()[0].lower() if name.split() else ""
            if head == "coalition":
                kind = "coalition"
            elif head in _ARMED_HEADS:
                kind = "armed_group"
            elif head in _ORGANIZATION_HEADS:
                kind = "organization"
        return {"kind": kind}

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        self.load()
        nlp = self._nlp
        text = doc.text
        if len(text) >= nlp.max_length:
            nlp.max_length = len(text) + 1
        parsed = nlp(text)
        spans = list(parsed.ents)
        for group in parsed.spans.values():
            spans.extend(group)
        out = []
        for span in spans:
            target = self._map.get(span.label_)
            if not target:
                continue
            start, end = span.start_char, span.end_char
            honorific = False
            if target == "ACTOR":
                for lead_re in (_LEADING_ARTICLE, _HONORIFIC):
                    lead = lead_re.match(text, start, end)
                    if lead and lead.end() < end:
                        start = lead.end()
                        honorific = lead_re is _HONORIFIC
                if not honorific:  # "Dr Jeanne Hérard" with the title outside the entity
                    honorific = _HONORIFIC_BEFORE.search(text, max(0, start - 8), start) is not None
                if _FUNCTION.match(text, start, end):
                    continue
                if _DEMONYM.fullmatch(text, start, end) and _PLURAL_BEFORE.search(text, max(0, start - 8), start):
                    continue
            if span.label_ in _PLACES and _PLACE_BEFORE.search(text, max(0, start - 20), start):
                continue
            while end > start and not text[end - 1].isalnum() and text[end - 1] not in ")]":
                end -= 1
            if end <= start:
                continue
            attrs = self._attrs(span.label_, target, text[start:end])
            if honorific and "kind" in attrs:  # only people are called Me, Dr, Mme
                attrs["kind"] = "person"
            out.append(Suggestion(start, end, target, attrs, self.name))
        return out
