"""The review screen's decisions said and counted (issue 11, item 15): r on a candidate not in
gold rejects it and says what r does; a region is settled once each of its candidates is decided,
and the legend counts what is left; v prompts for the region and refuses a digit with no
annotator; only done records are votes, and one annotator's work is never accepted unasked."""

from __future__ import annotations

import pytest

from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.review.session import ReviewSession
from annotator.session import Session
from annotator.store import open_store
from annotator.tui.app import build_review_app
from tests.tui.helpers import SCHEME, screen_text

TEXT = "« Nous resterons », a déclaré Brett Mc Gurk à Bagdad en juin 2014, selon la coalition."


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


def work(store, who: str, spans: list[tuple[str, str]], status: str = "done") -> Session:
    s = Session(store, SCHEME, who)
    for needle, label in spans:
        s.add_span("d1", *at(needle), label)
    if status != "in_progress":
        s.set_status("d1", status)
    return s


@pytest.fixture
def store(tmp_path):
    st = open_store(tmp_path / "r.db")
    st.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {}, "d1.txt")])
    yield st
    st.close()


def said(app) -> list[str]:
    messages: list[str] = []
    app.notify = lambda message, **kw: messages.append(str(message))  # type: ignore[method-assign]
    return messages


def legend(app) -> str:
    return str(app.screen.query_one("#legend").render())


async def test_r_on_a_candidate_not_in_gold_rejects_it_and_says_what_r_does(store):
    work(store, "alice", [("la coalition", "ACTOR"), ("juin 2014", "DATE")])
    work(store, "bob", [("la coalition", "ACTOR")])
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        messages = said(app)
        screen = app.screen
        assert "0 auto-accepted" not in legend(app) and "1 of 1 disputed region(s) left" in legend(app)
        await pilot.press("n", "r")
        assert messages == ["Rejected: this DATE stays out of gold (a accepts it)."]
        assert "0 of 1 disputed region(s) left" in legend(app)
        assert str(screen._row(screen.focus_index)).startswith("✗")
        assert not any("not in gold" in m or m.startswith("id:") for m in messages)
        await pilot.press("r")
        assert messages[-1] == "Already rejected: r keeps a candidate out of gold; a accepts it."
        await pilot.press("n")
        assert messages[-1] == "Every disputed region is settled: ctrl+d marks the document reviewed."
        await pilot.press("a")  # changing one's mind: accepted, the rejection taken back in the same action
        rec = store.load("d1", "reviewer")
        assert [s["text"] for s in rec.sorted_spans()] == ["juin 2014", "la coalition"] and rec.flags == []
        await pilot.press("ctrl+z")
        assert len(store.load("d1", "reviewer").flags) == 1  # one undo: back to rejected
    # durable: a new session sees the region settled
    app2 = build_review_app(store, SCHEME, "reviewer")
    async with app2.run_test(size=(140, 40)):
        assert "0 of 1 disputed region(s) left" in legend(app2)


async def test_a_region_is_settled_when_each_candidate_is_decided(store):
    work(store, "alice", [("Brett Mc Gurk", "ACTOR"), ("juin 2014", "DATE")])
    work(store, "bob", [("Mc Gurk", "ACTOR"), ("juin", "DATE")])
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    assert len(st.open_regions) == 2
    brett = next(c for c in st.plan.disputed if c.label == "ACTOR" and c.annotators == ("alice",))
    rs.accept(st, brett)  # bob's "Mc Gurk" is another version of it: decided by this choice
    st = rs.state("d1")
    assert [r.start for r in st.open_regions] == [at("juin")[0]]
    date_region = st.open_regions[0]
    rs.pick(st, date_region, "bob")
    assert rs.state("d1").open_regions == ()


async def test_v_prompts_for_the_region_and_refuses_a_digit_with_no_annotator(store):
    work(store, "alice", [("Brett Mc Gurk", "ACTOR")])
    work(store, "bob", [("Mc Gurk", "ACTOR")])
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.screen.focus_index is None
        await pilot.press("v")  # nothing focused: the region under the cursor, else the next open one
        picker = app.screen
        assert type(picker).__name__ == "VersionPicker"
        assert "Whose version of 'Brett Mc Gurk'? Press its digit, 1-2" in screen_text(app)
        await pilot.press("3")
        assert app.screen is picker
        assert "no annotator 3 here: press 1-2 (Escape cancels)" in screen_text(app)
        await pilot.press("2")
        assert app.screen is not picker
        assert [s["text"] for s in store.load("d1", "reviewer").sorted_spans()] == ["Mc Gurk"]
        assert "0 of 1 disputed region(s) left" in legend(app)


async def test_v_without_a_disputed_region_says_so(store):
    work(store, "alice", [("la coalition", "ACTOR")])
    work(store, "bob", [("la coalition", "ACTOR")])
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        messages = said(app)
        await pilot.press("v")
        assert messages == ["No disputed region in this document: nothing to pick."]
        assert type(app.screen).__name__ == "ReviewScreen"


async def test_one_annotator_is_never_accepted_unasked_and_the_legend_says_so(store):
    work(store, "alice", [("la coalition", "ACTOR"), ("juin 2014", "DATE")])
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        assert store.load("d1", "reviewer").spans == {}
        assert "one annotator: nothing is accepted automatically; a accepts, v 1 takes alice's version" in legend(app)
        assert "0 auto-accepted, 2 of 2 disputed region(s) left" in legend(app)
        await pilot.press("n", "a")
        assert [s["provenance"]["decision"] for s in store.load("d1", "reviewer").spans.values()] == ["accepted"]


async def test_a_record_in_progress_is_no_vote(store):
    work(store, "alice", [("la coalition", "ACTOR")])
    work(store, "bob", [("la coalition", "ACTOR"), ("juin 2014", "DATE")], status="in_progress")
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    assert st.annotators == ("alice",) and st.unfinished == ("bob",)
    assert store.load("d1", "reviewer").spans == {}  # alice alone: nothing auto-accepted
    assert all(c.annotators == ("alice",) for c in st.plan.candidates)
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)):
        assert "not counted (not done): bob" in legend(app)


def test_a_document_nobody_finished_is_not_to_review(tmp_path):
    st = open_store(tmp_path / "r.db")
    st.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {}, "d1.txt")])
    work(st, "alice", [("la coalition", "ACTOR")], status="in_progress")
    assert ReviewSession(st, SCHEME, "reviewer").documents() == []
    from annotator.errors import AnnotatorError

    with pytest.raises(AnnotatorError, match="no document has a done record of another annotator"):
        build_review_app(st, SCHEME, "reviewer")
    st.close()


async def test_a_cleared_link_and_a_waiting_one_are_said(store):
    for who, kind in (("alice", "person"), ("bob", "state")):
        s = work(store, who, [("Brett Mc Gurk", "ACTOR"), ("« Nous resterons »", "QUOTE")], status="in_progress")
        rec = store.load("d1", who)
        actor = rec.span_with_range(*at("Brett Mc Gurk"), "ACTOR")
        s.set_attrs("d1", actor, {"kind": kind})
        s.set_attrs("d1", rec.span_with_range(*at("« Nous resterons »"), "QUOTE"), {"speaker": actor})
        s.set_status("d1", "done")
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        messages = said(app)
        screen = app.screen
        assert "1 link(s) wait for the span they name" in legend(app)
        quote_row = next(i for i, it in enumerate(screen.items) if it.label == "QUOTE")
        assert str(screen._row(quote_row)).startswith("✓")  # in gold, its speaker to come
        await pilot.press("n", "a")  # one version of the speaker: the quote is linked to it
        rec = store.load("d1", "reviewer")
        quote = rec.spans[rec.span_with_range(*at("« Nous resterons »"), "QUOTE")]
        assert rec.spans[quote["attrs"]["speaker"]]["text"] == "Brett Mc Gurk"
        assert "wait for" not in legend(app)
        await pilot.press("r")  # and rejecting it clears the link: said, not silent
        assert any(m.startswith("The speaker of QUOTE '« Nous resterons »' was cleared: ACTOR 'Brett Mc Gurk' "
                                "left gold") for m in messages), messages
        assert "1 link(s) wait for the span they name" in legend(app)
