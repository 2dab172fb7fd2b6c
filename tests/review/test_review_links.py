"""A QUOTE's speaker under review (issue 11, item 5): accepting a quote brings its speaker with it,
a link gold cannot hold yet waits and is set by the decision that makes it possible, and a link an
action clears is said -- never dropped in silence."""

from __future__ import annotations

import pytest

from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.review.links import lost_links
from annotator.review.session import ReviewSession
from annotator.session import Session
from annotator.store import open_store
from tests.tui.helpers import SCHEME

TEXT = "« Nous resterons », a déclaré Brett Mc Gurk à Bagdad, selon la coalition."


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


@pytest.fixture
def store(tmp_path):
    st = open_store(tmp_path / "r.db")
    st.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {}, "d1.txt")])
    yield st
    st.close()


def mark(store, who: str, actor_kind: str | None = None, quote: bool = True, extra: str | None = None) -> None:
    s = Session(store, SCHEME, who)
    actor = s.add_span("d1", *at("Brett Mc Gurk"), "ACTOR").record
    actor_id = actor.span_with_range(*at("Brett Mc Gurk"), "ACTOR")
    if actor_kind:
        s.set_attrs("d1", actor_id, {"kind": actor_kind})
    if quote:
        rec = s.add_span("d1", *at("« Nous resterons »"), "QUOTE").record
        s.set_attrs("d1", rec.span_with_range(*at("« Nous resterons »"), "QUOTE"), {"speaker": actor_id,
                                                                                   "mode": "direct"})
    if extra:
        s.add_span("d1", *at(extra), "ACTOR")
    s.set_status("d1", "done")  # only done records are votes


def gold(store) -> dict[str, tuple]:
    rec = store.load("d1", "reviewer")
    out = {}
    for s in rec.spans.values():
        speaker = s["attrs"].get("speaker")
        out[s["text"]] = (s["provenance"]["decision"], tuple(s["provenance"]["annotators"]),
                          rec.spans[speaker]["text"] if speaker else None)
    return out


def cand(st, label: str, who: tuple[str, ...]):
    return next(c for c in st.plan.candidates if c.label == label and c.annotators == who)


def test_accepting_a_quote_accepts_its_speaker_in_the_same_action(store):
    mark(store, "alice")
    mark(store, "bob", quote=False, extra="la coalition")  # bob has the actor (auto-accepted), not the quote
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    assert "« Nous resterons »" not in gold(store)
    rs.accept(st, cand(st, "QUOTE", ("alice",)))
    g = gold(store)
    assert g["« Nous resterons »"] == ("accepted", ("alice",), "Brett Mc Gurk")
    assert g["Brett Mc Gurk"] == ("auto_accepted", ("alice", "bob"), None)
    rs.undo("d1")  # one action: the quote and whatever came with it go back together
    assert "« Nous resterons »" not in gold(store)


def test_the_speaker_nobody_else_has_comes_with_provenance_accepted(store):
    mark(store, "alice")
    mark(store, "bob", quote=False, actor_kind="person")  # bob's Brett differs: alice's is not auto-accepted
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    assert "Brett Mc Gurk" not in gold(store)
    rs.accept(st, cand(st, "QUOTE", ("alice",)))
    g = gold(store)
    assert g["« Nous resterons »"] == ("accepted", ("alice",), "Brett Mc Gurk")
    assert g["Brett Mc Gurk"] == ("accepted", ("alice",), None)  # alice's version: the one the quote named
    assert store.load("d1", "reviewer").spans[
        store.load("d1", "reviewer").span_with_range(*at("Brett Mc Gurk"), "ACTOR")]["attrs"] == {}
    rs.undo("d1")
    assert gold(store) == {}


def test_a_speaker_with_two_versions_waits_for_the_reviewer_and_is_linked_by_their_choice(store):
    mark(store, "alice", actor_kind="person")
    mark(store, "bob", actor_kind="state")  # same quote, same speaker range: the quote is auto-accepted
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    assert gold(store) == {"« Nous resterons »": ("auto_accepted", ("alice", "bob"), None)}
    (waiting,) = st.waiting
    assert (waiting.attr, waiting.target[:2], waiting.versions) == ("speaker", at("Brett Mc Gurk"), 2)
    rs.accept(st, cand(st, "ACTOR", ("bob",)))
    st = rs.state("d1")
    assert gold(store)["« Nous resterons »"][2] == "Brett Mc Gurk" and st.waiting == ()
    # replacing the speaker by the other version keeps the link (it follows to the new span)
    rs.accept(st, cand(st, "ACTOR", ("alice",)))
    rec = store.load("d1", "reviewer")
    quote = rec.spans[rec.span_with_range(*at("« Nous resterons »"), "QUOTE")]
    assert rec.spans[quote["attrs"]["speaker"]]["attrs"] == {"kind": "person"}
    rs.undo("d1")
    rs.undo("d1")  # both choices undone: the link waits again
    assert gold(store) == {"« Nous resterons »": ("auto_accepted", ("alice", "bob"), None)}
    assert len(rs.state("d1").waiting) == 1


def test_picking_a_version_brings_its_speaker_from_outside_the_region(store):
    mark(store, "alice")
    s = Session(store, SCHEME, "bob")
    s.add_span("d1", *at("« Nous resterons »"), "QUOTE")  # bob: the quote, no speaker, no actor
    s.set_status("d1", "done")
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    region = st.plan.region_of(cand(st, "QUOTE", ("alice",)))
    assert region is not None and all(c.label == "QUOTE" for c in region.candidates)
    rs.pick(st, region, "alice")
    g = gold(store)
    assert g["« Nous resterons »"] == ("picked", ("alice",), "Brett Mc Gurk")
    assert g["Brett Mc Gurk"] == ("picked", ("alice",), None)


def test_rejecting_the_speaker_is_a_lost_link_the_screen_can_name(store):
    mark(store, "alice")
    mark(store, "bob")
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    assert gold(store)["« Nous resterons »"][2] == "Brett Mc Gurk"
    change = rs.reject(st, cand(st, "ACTOR", ("alice", "bob")))
    (lost,) = lost_links(change.ops, change.record, SCHEME.ref_attrs)
    assert (lost.holder["text"], lost.attr, lost.target["text"]) == ("« Nous resterons »", "speaker", "Brett Mc Gurk")
    assert len(rs.state("d1").waiting) == 1  # and the link waits for an ACTOR there again
