"""The engine: stages, conflicts, what the document has already, and the scheme's checks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest import (
    DocumentInput,
    KnownSpan,
    SpanRef,
    Suggestion,
    rule_suggesters,
    run_suggesters,
)
from annotator.suggest.base import ArticleDate, Candidate
from annotator.suggest.engine import order_suggesters
from annotator.suggest.gazetteer import Gazetteer, GazetteerEntry
from annotator.suggest.records import record_with_suggestions, span_dicts


class Fixed:
    """A suggester that proposes what it is given (and records what it was shown)."""

    def __init__(self, name: str, labels: set[str], out: list[Suggestion], reads: set[str] = frozenset(),
                 priority: int = 20, nests: bool = False):
        self.name, self.labels, self.reads = name, frozenset(labels), frozenset(reads)
        self.priority, self.nests, self.out = priority, nests, out
        self.seen: list[Candidate] = []

    def suggest(self, doc: DocumentInput, candidates: Sequence[Candidate]) -> list[Suggestion]:
        self.seen = list(candidates)
        return self.out


TEXT = "Jim Mattis a annoncé jeudi que « 75 membres restent », en juin 2014."


def at(text: str, part: str) -> tuple[int, int]:
    i = text.index(part)
    return i, i + len(part)


def test_readers_run_after_the_suggesters_they_read(scheme):
    actor = Fixed("model:x", {"ACTOR"}, [Suggestion(*at(TEXT, "Jim Mattis"), "ACTOR", {"kind": "person"}, "model:x")])
    quote = Fixed("rule:quote", {"QUOTE"}, [], reads={"ACTOR"}, nests=True)
    stages = order_suggesters([quote, actor])
    assert [[s.name for s in st] for st in stages] == [["model:x"], ["rule:quote"]]
    known = KnownSpan(*at(TEXT, "juin 2014"), "DATE", {"value": "2014-06"}, "s1")
    run_suggesters(DocumentInput(TEXT, {}, (known,)), [quote, actor], scheme)
    assert [(c.label, TEXT[c.start:c.end]) for c in quote.seen] == [("ACTOR", "Jim Mattis")]


def test_rules_on_a_document(scheme):
    result = run_suggesters(DocumentInput(TEXT, {"date": "1999-05-20"}), rule_suggesters(), scheme)
    got = [(s.label, TEXT[s.start:s.end], dict(s.attrs), s.source) for s in result.suggestions]
    assert got == [
        ("DATE", "jeudi", {"value": "1999-05-20"}, "rule:date"),
        ("QUOTE", "75 membres restent", {"mode": "direct"}, "rule:quote"),
        ("QUANTITY", "75 membres", {"value": 75, "unit": "membres"}, "rule:quantity"),
        ("DATE", "juin 2014", {"value": "2014-06"}, "rule:date"),
    ]
    assert result.refused == []


def test_conflicts_and_what_the_document_has(scheme):
    text = "En juin 2014, 2014 soldats."
    date = Suggestion(*at(text, "juin 2014"), "DATE", {"value": "2014-06"}, "rule:date")
    year_as_count = Suggestion(*at(text, "2014"), "QUANTITY", {"value": 2014}, "rule:quantity")
    weak_date = Suggestion(*at(text, "juin"), "DATE", {}, "model:x")
    count = Suggestion(*at(text, "2014 soldats"), "QUANTITY", {"value": 2014, "unit": "soldats"}, "rule:quantity")
    rules = Fixed("rules", {"DATE", "QUANTITY"}, [date, year_as_count, count])
    model = Fixed("model:x", {"DATE"}, [weak_date], priority=40)
    result = run_suggesters(DocumentInput(text), [model, rules], scheme)
    assert result.suggestions == [date, count]  # a date holds no count; the model loses to the rules
    # the annotator already tagged the count: it is not proposed again, nor anything overlapping it
    known = KnownSpan(*at(text, "2014 soldats"), "QUANTITY", {}, "s1")
    result = run_suggesters(DocumentInput(text, {}, (known,)), [model, rules], scheme)
    assert result.suggestions == [date]


def test_nothing_invalid_is_proposed(scheme):
    text = "En juin 2014, rien."
    bad = [
        Suggestion(*at(text, "juin 2014"), "DATE", {"value": "juin 2014"}, "x"),  # not a TIMEX3 value
        Suggestion(*at(text, "rien"), "ACTOR", {"kind": "people"}, "x"),  # not a choice
        Suggestion(*at(text, "En"), "PLACE", {}, "x"),  # not a label
        Suggestion(0, len(text) + 5, "QUOTE", {}, "x"),  # out of the text
    ]
    quote = [Suggestion(*at(text, "rien"), "QUOTE", {"speaker": "s1"}, "q")]  # a ref must be a SpanRef
    result = run_suggesters(DocumentInput(text), [Fixed("x", {"DATE", "ACTOR", "PLACE", "QUOTE"}, bad),
                                                  Fixed("q", {"QUOTE"}, quote, nests=True)], scheme)
    assert result.suggestions == []
    reasons = sorted(r.reason for r in result.refused)
    assert len(reasons) == 5
    assert any("attrs.value" in r for r in reasons) and any("attrs.kind" in r for r in reasons)
    assert any("not in the scheme" in r for r in reasons) and any("out of the text" in r for r in reasons)


def test_labels_filter_and_dangling_speakers(scheme):
    actor = Suggestion(*at(TEXT, "Jim Mattis"), "ACTOR", {"kind": "person"}, "m")
    quote = Suggestion(*at(TEXT, "75 membres restent"), "QUOTE",
                       {"mode": "direct", "speaker": SpanRef(actor.start, actor.end, "ACTOR")}, "q")
    sugg = [Fixed("m", {"ACTOR"}, [actor]), Fixed("q", {"QUOTE"}, [quote], reads={"ACTOR"}, nests=True)]
    both = run_suggesters(DocumentInput(TEXT), sugg, scheme)
    assert both.suggestions == [actor, quote]
    only_quotes = run_suggesters(DocumentInput(TEXT), sugg, scheme, labels=["QUOTE"])
    assert [dict(s.attrs) for s in only_quotes.suggestions] == [{"mode": "direct"}]  # its speaker is not proposed


def test_records_resolve_speakers_to_span_ids(scheme):
    actor = Suggestion(*at(TEXT, "Jim Mattis"), "ACTOR", {"kind": "person"}, "model:x")
    quote = Suggestion(*at(TEXT, "75 membres restent"), "QUOTE",
                       {"mode": "direct", "speaker": SpanRef(actor.start, actor.end, "ACTOR")}, "rule:quote")
    existing = [{"id": "x1", "start": TEXT.index("juin"), "end": TEXT.index("juin") + 9, "label": "DATE",
                 "text": "juin 2014", "attrs": {}, "source": "manual"}]
    spans = span_dicts([actor, quote], TEXT, existing)
    assert [(s["id"], s["attrs"]) for s in spans] == [("x2", {"kind": "person"}), ("x3", {"mode": "direct",
                                                                                          "speaker": "x2"})]
    from annotator.model import text_sha256

    rec = record_with_suggestions(doc_id="d", text=TEXT, text_sha256=text_sha256(TEXT), meta={},
                                  suggestions=[actor, quote],
                                  existing=existing, annotator="suggest", status="in_progress", scheme_name="news",
                                  scheme_version=1, updated_at="2026-01-01T00:00:00.000Z")
    scheme.validate_record(rec)
    assert [s["source"] for s in rec["spans"]] == ["model:x", "rule:quote", "manual"]


def test_gazetteer_proposes_an_actor_wherever_it_recurs(scheme):
    text = "La Banque mondiale paie. la Banque mondiale aussi; Banque mondiales non, la Banque Mondiale non."
    first = at(text, "Banque mondiale")
    doc = DocumentInput(text, {}, (KnownSpan(*first, "ACTOR", {"kind": "organization"}, "s1"),))
    result = run_suggesters(doc, [Gazetteer()], scheme)
    assert [(s.start, text[s.start:s.end], dict(s.attrs)) for s in result.suggestions] == [
        (text.index("Banque mondiale aussi"), "Banque mondiale", {"kind": "organization"})]
    # entries from elsewhere (the store's accepted actors), first letter in either case
    gaz = Gazetteer([GazetteerEntry("Daech", "ACTOR", {"kind": "armed_group"}), GazetteerEntry("x", "ACTOR", {})])
    got = run_suggesters(DocumentInput("daech et Daech, Daechien."), [gaz], scheme).suggestions
    assert [(s.start, s.end, s.source) for s in got] == [(0, 5, "gazetteer"), (9, 14, "gazetteer")]


def test_article_date():
    assert ArticleDate.parse("2018-05") == ArticleDate(2018, 5)
    assert ArticleDate.parse("1999-05-20") == ArticleDate(1999, 5, 20)
    assert ArticleDate.parse("2018-02-30") is None and ArticleDate.parse(2018) is None
    assert ArticleDate.parse("mai 2018") is None


def test_the_suggest_package_imports_neither_textual_nor_spacy():
    code = ("import annotator.suggest, annotator.suggest.patterns, annotator.suggest.spacy_model, "
            "annotator.suggest.records, annotator.text.numbers\n"
            "from annotator.suggest import DocumentInput, rule_suggesters\n"
            "[s.suggest(DocumentInput('Le 3 avril 2018, « oui », a dit X.'), []) for s in rule_suggesters()]\n"
            "import sys\nprint(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "spacy", "pydantic")}


def test_a_document_input_from_a_native_record(scheme):
    from tests.conftest import make_record

    text = "Jim Mattis a parlé mardi."
    rec = make_record(text, [{"start": 0, "end": 10, "label": "ACTOR", "attrs": {"kind": "person"}}],
                      meta={"date": "1999-05-20"})
    doc = DocumentInput.from_record(rec)
    assert doc.id == "doc1" and doc.date == ArticleDate(1999, 5, 20)
    assert doc.spans == (KnownSpan(0, 10, "ACTOR", {"kind": "person"}, "s1"),)
    got = run_suggesters(doc, rule_suggesters(), scheme).suggestions
    assert [(text[s.start:s.end], dict(s.attrs)) for s in got] == [("mardi", {"value": "1999-05-18"})]


def _greedy(pool, known, nesting):
    """The conflict rule as the module docstring states it, checked pair by pair over the whole pool."""
    kept = [(k.start, k.end, k.label) for k in known]
    out = []
    for _prio, s in sorted(pool, key=lambda ps: (ps[0], -(ps[1].end - ps[1].start), ps[1].start, ps[1].label)):
        if all(not (s.start < e and b < s.end) or (lab != s.label and (lab in nesting or s.label in nesting))
               for b, e, lab in kept):
            kept.append((s.start, s.end, s.label))
            out.append(s)
    return sorted(out, key=lambda s: (s.start, -s.end, s.label))


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from(["DATE", "QUANTITY", "QUOTE"]),
                          st.sampled_from([10, 20, 30]), st.sampled_from(["a", "b"])), max_size=30),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12), st.sampled_from(["DATE", "QUOTE"])), max_size=4))
@settings(max_examples=300, deadline=None)
def test_conflicts_settle_as_the_rule_says_pair_by_pair(pool_spec, known_spec):
    from annotator.suggest.engine import _settle

    pool = [(prio, Suggestion(start, start + n, label, {"v": v}, "x")) for start, n, label, prio, v in pool_spec]
    known = [KnownSpan(start, start + n, label) for start, n, label in known_spec]
    nesting = frozenset({"QUOTE"})
    assert _settle(pool, known, nesting) == _greedy(pool, known, nesting)


def test_a_suggester_whose_labels_change_is_planned_again(scheme):
    """A pipeline's labels are known once it is loaded: the next run plans with them."""
    date = Suggestion(*at(TEXT, "juin 2014"), "DATE", {"value": "2014-06"}, "model:x")
    model = Fixed("model:x", {"PLACE"}, [date], priority=40)  # before loading: no label of the scheme
    assert run_suggesters(DocumentInput(TEXT), [model], scheme).suggestions == []
    model.labels = frozenset({"DATE"})
    assert run_suggesters(DocumentInput(TEXT), [model], scheme).suggestions == [date]


def test_readers_see_the_stages_before_settled(scheme):
    """The quote rule reads ACTORs: those of the stages before it, after their conflicts."""
    weak = Suggestion(*at(TEXT, "Jim Mattis a"), "ACTOR", {"kind": "person"}, "model:x")
    strong = Suggestion(*at(TEXT, "Jim Mattis"), "ACTOR", {"kind": "person"}, "patterns")
    model = Fixed("model:x", {"ACTOR"}, [weak], priority=40)
    patterns = Fixed("patterns", {"ACTOR"}, [strong], priority=10)
    quote = Fixed("rule:quote", {"QUOTE"}, [], reads={"ACTOR"}, nests=True)
    run_suggesters(DocumentInput(TEXT), [quote, model, patterns], scheme)
    assert quote.seen == [strong]
    nothing = Fixed("none", {"ACTOR"}, [])
    quote2 = Fixed("rule:quote", {"QUOTE"}, [], reads={"ACTOR"}, nests=True)
    known = KnownSpan(*at(TEXT, "Jim"), "ACTOR", {"kind": "person"}, "s1")
    run_suggesters(DocumentInput(TEXT, {}, (known,)), [quote2, nothing], scheme)
    assert quote2.seen == [known]
