"""Changing a span's label or edges is ONE undoable action that keeps its id, its links and the
attributes its new label has (issue 11, "missing, that annotators expect"); every action can be
said in words (undo says what it undid)."""

from __future__ import annotations

import pytest

from annotator.errors import ActionRefused
from annotator.model.describe import describe
from annotator.model.working import invert_all
from annotator.session import RecordChanged, Session

TEXT = "« La coalition compte 75 membres », a précisé Brett Mc Gurk le 26 avril 2018."


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


@pytest.fixture
def session(store, scheme):
    from annotator.model import text_sha256
    from annotator.model.types import NewDocument

    store.add_documents([NewDocument("d", TEXT, text_sha256(TEXT), {}, "d.txt")])
    return Session(store, scheme, "alice")


def spans(session: Session) -> dict[str, tuple[str, str, dict]]:
    return {s["id"]: (s["label"], s["text"], s["attrs"]) for s in session.store.load("d", "alice").spans.values()}


def test_relabel_keeps_id_link_and_attributes_the_new_label_has(session):
    quote = session.add_span("d", *at("La coalition compte 75 membres"), "QUOTE", {"mode": "direct"})
    qid = quote.ops[0]["span"]["id"]
    actor = session.add_span("d", *at("Brett Mc Gurk"), "ACTOR", {"kind": "person"}).ops[0]["span"]["id"]
    session.set_attrs("d", qid, {"mode": "direct", "speaker": actor})
    # ACTOR -> ACTOR edges moved: the quote's speaker link holds, kind is kept
    change = session.change_span("d", actor, start=at("Mc Gurk")[0])
    assert spans(session)[actor] == ("ACTOR", "Mc Gurk", {"kind": "person"})
    assert spans(session)[qid][2] == {"mode": "direct", "speaker": actor}
    assert describe(change.ops, change.record.spans) == "move the edges of ACTOR 'Brett Mc Gurk' → 'Mc Gurk'"
    # QUOTE -> QUOTE relabel to itself is nothing
    assert session.change_span("d", qid, label="QUOTE").ops == []


def test_relabel_drops_what_the_new_label_lacks_and_clears_links_it_may_not_take(session):
    quote = session.add_span("d", *at("La coalition compte 75 membres"), "QUOTE").ops[0]["span"]["id"]
    actor = session.add_span("d", *at("Brett Mc Gurk"), "ACTOR", {"kind": "person"}).ops[0]["span"]["id"]
    session.set_attrs("d", quote, {"speaker": actor})
    before = spans(session)
    change = session.change_span("d", actor, label="QUANTITY")  # a speaker must be an ACTOR
    after = spans(session)
    assert after[actor] == ("QUANTITY", "Brett Mc Gurk", {})
    assert after[quote][2] == {}, "the link a QUANTITY may not take is cleared in the same action"
    assert describe(change.ops, change.record.spans) == "relabel 'Brett Mc Gurk' ACTOR → QUANTITY (dropped: kind)"
    # one undo puts everything back, id and link included
    undo = session.undo("d")
    assert spans(session) == before
    assert describe(invert_all(undo.ops), undo.record.spans) == describe(change.ops, change.record.spans)


def test_a_change_is_planned_with_the_rules_of_add(session):
    a = session.add_span("d", *at("Brett Mc Gurk"), "ACTOR").ops[0]["span"]["id"]
    session.add_span("d", *at("Mc Gurk"), "ACTOR")
    with pytest.raises(ActionRefused, match="already a ACTOR"):
        session.change_span("d", a, start=at("Mc Gurk")[0])
    with pytest.raises(ActionRefused, match="end"):
        session.change_span("d", a, end=len(TEXT) + 3)
    with pytest.raises(ActionRefused, match="unknown label"):
        session.change_span("d", a, label="PLACE")
    with pytest.raises(ActionRefused, match="no span"):
        session.change_span("d", "s99", label="DATE")


def test_describe_says_what_each_action_did(session):
    c = session.add_span("d", *at("26 avril 2018"), "DATE")
    assert describe(c.ops, c.record.spans) == "tag DATE '26 avril 2018'"
    sid = c.ops[0]["span"]["id"]
    c = session.set_attrs("d", sid, {"value": "2018-04-26"})
    assert describe(c.ops, c.record.spans) == "attributes of DATE '26 avril 2018' (value=2018-04-26)"
    c = session.set_status("d", "skipped")
    assert describe(c.ops, c.record.spans) == "mark skipped"
    c = session.add_flag("d", "date douteuse")
    assert describe(c.ops, c.record.spans) == "flag 'date douteuse'"
    c = session.remove_flag("d", c.ops[0]["flag"]["id"])
    assert describe(c.ops, c.record.spans) == "remove the flag 'date douteuse'"
    c = session.remove_span("d", sid)
    assert describe(c.ops, c.record.spans) == "remove DATE '26 avril 2018'"


def test_a_session_refuses_to_act_on_a_record_changed_elsewhere(session, tmp_path, scheme):
    """The same annotator in two windows: the first acts only on what it has read."""
    from annotator.store import open_store

    first = session
    first.record("d")
    with open_store(first.store.location) as other_store:
        other = Session(other_store, scheme, "alice")
        other.record("d")
        sid = other.add_span("d", *at("Brett Mc Gurk"), "ACTOR").ops[0]["span"]["id"]
        assert first.changed("d")
        with pytest.raises(RecordChanged):
            first.undo("d")  # it never showed that span: nothing is undone
        with pytest.raises(RecordChanged):
            first.add_span("d", *at("26 avril 2018"), "DATE")
        assert list(spans(first)) == [sid]
        rec = first.record("d")  # read again: now it acts
        assert sid in rec.spans and not first.changed("d")
        first.undo("d")
        assert spans(first) == {}
        with pytest.raises(RecordChanged):  # and the other window, in turn, has not seen that undo
            other.remove_span("d", sid)
        # a session that never read the record (a script) acts as before
        assert Session(first.store, scheme, "alice").add_span("d", *at("26 avril 2018"), "DATE").ops
