"""Kept suggestions: their JSON in the store, which are pending for a record as it changes,
accepting them (a quote with its pending speaker, everything at once) as one undoable action, ``=``
(every other occurrence tagged), and computing once then reading them back from the store."""

from __future__ import annotations

import orjson
import pytest

from annotator.errors import ActionRefused
from annotator.model import text_sha256
from annotator.model.occurrences import occurrences, plan_tag_occurrences
from annotator.model.types import NewDocument
from annotator.session import Session
from annotator.store import open_store
from annotator.suggest.accepting import LeftOut, accept_plans
from annotator.suggest.base import SpanRef, Suggestion
from annotator.suggest.kept import GazetteerCache, Suggesting, document_input
from annotator.suggest.pending import Pending, decode, encode
from annotator.suggest.pipeline import SuggestOptions

TEXT = ("Le 3 avril 2018, Brett McGurk a déclaré : « 75 membres sont morts », a précisé Brett McGurk. "
        "La coalition a mené 29.307 raids.")
DATE = Suggestion(3, 15, "DATE", {"value": "2018-04-03"}, "rule:date")
ACTOR1 = Suggestion(17, 29, "ACTOR", {"kind": "person"}, "gazetteer")
QUOTE = Suggestion(44, 65, "QUOTE", {"mode": "direct", "speaker": SpanRef(79, 91, "ACTOR")}, "rule:quote")
QTY = Suggestion(44, 54, "QUANTITY", {"value": 75, "unit": "membres"}, "rule:quantity")
ACTOR2 = Suggestion(79, 91, "ACTOR", {"kind": "person"}, "gazetteer")
RAIDS = Suggestion(113, 125, "QUANTITY", {"value": 29307, "unit": "raids"}, "rule:quantity")
ALL = [DATE, ACTOR1, QUOTE, QTY, ACTOR2, RAIDS]


def span(start, end, label, sid="s1"):
    return {"id": sid, "start": start, "end": end, "label": label, "text": TEXT[start:end], "attrs": {},
            "source": "manual"}


@pytest.fixture
def session(tmp_path, scheme):
    store = open_store(tmp_path / "s.db")
    store.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {"date": "2018-05-14"}, "d1.txt")])
    yield Session(store, scheme, "alice")
    store.close()


# -- the JSON kept in the store ---------------------------------------------------------------------


def test_suggestions_round_trip_through_their_json_speaker_refs_included():
    items = encode(reversed(ALL))
    assert orjson.loads(items)[3]["attrs"]["speaker"] == {"ref": [79, 91, "ACTOR"]}
    assert decode(items) == ALL  # text order, SpanRefs back
    assert decode(b"[]") == []


# -- what is pending for a record -------------------------------------------------------------------


def test_pending_leaves_out_the_rejected_the_accepted_and_what_a_span_of_its_label_covers():
    spans = [span(3, 15, "DATE"), span(113, 119, "QUANTITY", "s2"), span(44, 65, "ACTOR", "s3")]
    p = Pending(ALL, {(17, 29, "ACTOR")}, spans)
    # DATE: a span already; ACTOR1: rejected; RAIDS: a QUANTITY span over part of it; an ACTOR over
    # the quote's text hides no QUOTE nor QUANTITY
    assert p.pending() == [QUOTE, QTY, ACTOR2]
    assert len(p) == 3 and QUOTE.key in p and DATE.key not in p and p.get(DATE.key) is None


def test_pending_follows_the_records_ops_and_the_rejections():
    p = Pending(ALL, (), [])
    added = span(40, 60, "QUANTITY")
    delta = p.apply([{"op": "add_span", "span": added}])
    assert delta.hidden == [QTY] and delta.shown == [] and QTY.key not in p
    assert p.apply([{"op": "remove_span", "span": added}]).shown == [QTY]  # an undo shows it again
    # a label changed (removed and added again under its id): hidden as long as a span covers it
    other = span(44, 54, "QUANTITY", "s2")
    p.apply([{"op": "add_span", "span": other}])
    assert not p.apply([{"op": "remove_span", "span": other}, {"op": "add_span", "span": {**other, "end": 50}}])
    assert QTY.key not in p
    assert p.reject(ACTOR2.key).hidden == [ACTOR2]
    gone = span(79, 91, "ACTOR", "s3")
    p.apply([{"op": "add_span", "span": gone}])
    assert p.apply([{"op": "remove_span", "span": gone}]).shown == []  # rejected: never again
    assert p.pending() == [DATE, ACTOR1, QUOTE, RAIDS]


def test_stepping_through_pending_suggestions_wraps_around():
    p = Pending(ALL, (), [])
    assert p.step(None, 0, 1) == DATE
    assert p.step(None, 40, 1) == QUOTE and p.step(None, 40, -1) == ACTOR1
    assert p.step(QUOTE.key, 0, 1) == QTY and p.step(QTY.key, 0, -1) == QUOTE
    assert p.step(RAIDS.key, 0, 1) == DATE and p.step(DATE.key, 0, -1) == RAIDS
    p.reject(QTY.key)
    assert p.step(QTY.key, 0, 1) == ACTOR2 and p.step(QTY.key, 0, -1) == QUOTE  # from where it was
    assert Pending([], (), []).step(None, 0, 1) is None


# -- accepting ---------------------------------------------------------------------------------------


def test_a_quote_is_accepted_with_its_pending_speaker_in_one_action(session, scheme):
    p = Pending(ALL, (), [])
    change = session.edit("d1", accept_plans([QUOTE], scheme, p.get))
    spans = {s["text"]: s for s in change.record.spans.values()}
    assert set(spans) == {"Brett McGurk", "75 membres sont morts"}
    quote, actor = spans["75 membres sont morts"], spans["Brett McGurk"]
    assert (actor["start"], actor["source"], actor["attrs"]) == (79, "gazetteer", {"kind": "person"})
    assert quote["attrs"] == {"mode": "direct", "speaker": actor["id"]} and quote["source"] == "rule:quote"
    assert change.record.status == "in_progress"
    assert sorted(p.apply(change.ops).hidden, key=lambda s: s.start) == [QUOTE, ACTOR2]
    session.undo("d1")  # one undo takes both back
    assert session.record("d1").spans == {}


def test_a_quote_whose_speaker_is_a_span_already_names_it_and_one_not_pending_is_left_unset(session, scheme):
    actor = session.add_span("d1", 79, 91, "ACTOR").record.spans["s1"]
    change = session.edit("d1", accept_plans([QUOTE], scheme, lambda key: None))
    quote = next(s for s in change.record.spans.values() if s["label"] == "QUOTE")
    assert quote["attrs"]["speaker"] == actor["id"]
    session.undo("d1")
    session.remove_span("d1", "s1")
    change = session.edit("d1", accept_plans([QUOTE], scheme, lambda key: None))  # speaker rejected: unset
    assert [s["attrs"] for s in change.record.spans.values()] == [{"mode": "direct"}]


def test_every_suggestion_at_once_is_one_action_and_nothing_is_added_twice(session, scheme):
    p = Pending(ALL, (), [])
    session.add_span("d1", 17, 29, "ACTOR")  # one of them is a span already
    change = session.edit("d1", accept_plans(p.pending(), scheme, p.get))
    assert len(change.record.spans) == 6
    assert sorted(s["source"] for s in change.record.spans.values()) == [
        "gazetteer", "manual", "rule:date", "rule:quantity", "rule:quantity", "rule:quote"]
    session.undo("d1")
    assert len(session.record("d1").spans) == 1


def test_accepting_everything_leaves_out_what_the_scheme_refuses_and_says_so(session, scheme):
    bad = Suggestion(113, 125, "QUANTITY", {"value": "many"}, "rule:quantity")
    with pytest.raises(ActionRefused):
        session.edit("d1", accept_plans([DATE, bad], scheme))
    assert session.record("d1").spans == {}
    left_out = LeftOut()
    change = session.edit("d1", accept_plans([DATE, bad], scheme, left_out=left_out))
    assert [s["text"] for s in change.record.spans.values()] == ["3 avril 2018"]
    assert len(left_out) == 1 and left_out.items[0][0] == bad and "value" in left_out.items[0][1]


# -- every other occurrence --------------------------------------------------------------------------


def test_occurrences_are_found_on_word_edges():
    text = "Irak, les Irakiens et l'Irak. IrakIrak « Irak »"
    assert occurrences(text, "Irak") == [(0, 4), (24, 28), (41, 45)]
    assert occurrences(text, "« Irak »") == [(39, 47)]
    assert occurrences("aaaa", "aa") == [] and occurrences("a a", "a") == [(0, 1), (2, 3)]
    assert occurrences("x", "") == [] and occurrences("-- --", "--") == [(0, 2), (3, 5)]


def test_every_other_occurrence_is_tagged_in_one_action_with_the_same_label_and_attributes(session, scheme):
    session.add_span("d1", 17, 29, "ACTOR", {"kind": "person"})
    rec = session.record("d1")
    change = session.edit("d1", [lambda r: plan_tag_occurrences(r, scheme, "s1")])
    other = [s for s in change.record.spans.values() if s["id"] != "s1"]
    assert [(s["start"], s["label"], s["attrs"], s["source"]) for s in other] == [
        (79, "ACTOR", {"kind": "person"}, "manual")]
    assert plan_tag_occurrences(session.record("d1"), scheme, "s1") == []  # tagged already: nothing to do
    session.undo("d1")
    assert session.record("d1").spans == rec.spans


# -- computed once, kept in the store ----------------------------------------------------------------


class Counting:
    """A suggester that proposes the DATE and counts its runs."""

    name = "rule:date"
    labels = frozenset({"DATE"})
    reads: frozenset[str] = frozenset()
    nests = False
    priority = 20

    def __init__(self) -> None:
        self.runs = 0

    def suggest(self, doc, candidates):
        self.runs += 1
        return [DATE]


def test_a_documents_suggestions_are_computed_once_and_read_back_from_the_store(session, scheme, tmp_path):
    store = session.store
    suggesting = Suggesting(scheme, "alice", SuggestOptions())
    first = suggesting.for_document(store, "d1")
    assert first.computed and first.kept
    assert {s.source for s in first.suggestions} == {"rule:date", "rule:quote", "rule:quantity"}
    assert "rule:date" in store.suggestions("d1", "alice").made_by
    store.reject_suggestion("d1", "alice", DATE.key)
    again = Suggesting(scheme, "alice", SuggestOptions())
    counting = Counting()
    again._suggesters = [counting]
    second = again.for_document(store, "d1")
    assert not second.computed and counting.runs == 0  # reopening reads what was kept
    assert second.suggestions == first.suggestions and second.rejected == {DATE.key}
    assert Suggesting(scheme, "bob").for_document(store, "d1").computed  # each annotator's own


def test_a_read_only_store_gets_suggestions_it_cannot_keep(session, scheme, tmp_path):
    from tests.store.conftest import Backend

    session.store.close()
    path = str(tmp_path / "s.db")
    with Backend(tmp_path).read_only(path), open_store(path) as st:
        assert st.read_only
        out = Suggesting(scheme, "alice").for_document(st, "d1")
        assert out.computed and not out.kept and out.suggestions
    with open_store(path) as st:
        assert st.suggestions("d1", "alice").items is None


def test_the_gazetteer_is_read_from_the_store_once_and_learns_what_the_session_tags(session, scheme):
    store = session.store
    text2 = "Brett McGurk et Daech. Puis Daech encore."
    store.add_documents([NewDocument("d2", text2, text_sha256(text2), {}, "d2.txt"),
                         NewDocument("d3", text2, text_sha256(text2), {}, "d3.txt")])
    Session(store, scheme, "bob").add_span("d1", 17, 29, "ACTOR", {"kind": "person"})  # bob's record
    cache = GazetteerCache()
    suggesting = Suggesting(scheme, "alice", gazetteer=cache)
    found = suggesting.for_document(store, "d2").suggestions
    assert [(s.start, s.attrs) for s in found if s.source == "gazetteer"] == [(0, {"kind": "person"})]
    cache.learn(text2, [{"id": "s1", "start": 16, "end": 21, "label": "ACTOR", "text": "Daech",
                         "attrs": {"kind": "armed_group"}, "source": "manual"}])
    found = suggesting.for_document(store, "d3").suggestions
    assert [s.start for s in found if s.source == "gazetteer"] == [0, 16, 28]
    assert cache.builds == 1
    mine = Suggesting(scheme, "alice", gazetteer=GazetteerCache("alice"))
    assert [s for s in mine.compute(store, document_input(store.load("d2", "alice"))) if s.source == "gazetteer"] == []
