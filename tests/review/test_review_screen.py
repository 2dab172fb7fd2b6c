"""The review screen and session: auto-accept, accept/reject/pick/add with provenance, resume,
undo, and the gold export."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from annotator.model import text_sha256
from annotator.review.session import ReviewSession
from annotator.session import Session
from annotator.model.types import NewDocument
from annotator.store import open_store
from annotator.tui.app import build_review_app
from tests.conftest import ANNOTATOR, SCHEME_PATH
from tests.tui.helpers import SCHEME, screen_text

TEXT = "La coalition dit « 75 membres » selon Brett Mc Gurk, en juin 2014."


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


WORK = {
    "alice": [("La coalition", "ACTOR"), ("75 membres", "QUANTITY"), ("Brett Mc Gurk", "ACTOR"), ("juin 2014", "DATE")],
    "bob": [("La coalition", "ACTOR"), ("75 membres", "QUANTITY"), ("Mc Gurk", "ACTOR")],
}


@pytest.fixture
def store(any_db):
    """A store of each backend with alice's and bob's work on d1."""
    st = open_store(any_db)
    st.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {}, "d1.txt")])
    for who, spans in WORK.items():
        s = Session(st, SCHEME, who)
        for needle, label in spans:
            s.add_span("d1", *at(needle), label)
        s.set_status("d1", "done")  # only done records are votes
    yield st
    st.close()


def gold(store) -> list[tuple[str, str, str, tuple[str, ...]]]:
    rec = store.load("d1", "reviewer")
    return [(s["text"], s["label"], s["provenance"]["decision"], tuple(s["provenance"]["annotators"]))
            for s in rec.sorted_spans()]


def test_session_auto_accepts_what_everyone_marked(store):
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    assert st.annotators == ("alice", "bob")
    assert gold(store) == [("La coalition", "ACTOR", "auto_accepted", ("alice", "bob")),
                           ("75 membres", "QUANTITY", "auto_accepted", ("alice", "bob"))]
    assert [(c.label, c.annotators) for c in st.plan.disputed] == [("ACTOR", ("alice",)), ("ACTOR", ("bob",)),
                                                                    ("DATE", ("alice",))]
    # opening again does not add them twice
    rs.open("d1")
    assert len(gold(store)) == 2


def test_min_agree_one_accepts_everything_undisputed(store):
    rs = ReviewSession(store, SCHEME, "reviewer", min_agree=1)
    st = rs.open("d1")
    assert ("juin 2014", "DATE", "auto_accepted", ("alice",)) in gold(store)
    # overlapping spans of different ranges are not versions of one span: each is accepted on its own
    assert st.plan.regions == ()
    assert {t for t, *_ in gold(store)} >= {"Brett Mc Gurk", "Mc Gurk"}


async def test_review_keys_accept_reject_pick_add_and_resume(store, tmp_path):
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        text = screen_text(app)
        assert "① alice" in text and "② bob" in text and "2 auto-accepted" in text
        await pilot.press("n")  # first disagreement: alice's Brett Mc Gurk
        assert screen.items[screen.focus_index].candidate.annotators == ("alice",)
        await pilot.press("v", "2")  # bob's version of the region
        assert ("Mc Gurk", "ACTOR", "picked", ("bob",)) in gold(store)
        assert not any(t == "Brett Mc Gurk" for t, *_ in gold(store))
        await pilot.press("n", "n")  # the date, alice only
        it = screen.items[screen.focus_index]
        assert it.candidate.label == "DATE"
        row = screen.focus_index
        assert at("juin 2014") in screen.view.highlights and not str(screen._row(row)).startswith("✓")
        await pilot.press("a")
        assert ("juin 2014", "DATE", "accepted", ("alice",)) in gold(store)
        # the screen shows it at once: in gold (✓), no longer highlighted as disputed
        assert at("juin 2014") not in screen.view.highlights and str(screen._row(row)).startswith("✓")
        await pilot.press("r")
        assert not any(label == "DATE" for _, label, *_ in gold(store))
        # rejected is decided too: out of gold (✗), not highlighted, its region settled
        assert at("juin 2014") not in screen.view.highlights and str(screen._row(row)).startswith("✗")
        assert "0 of 2 disputed region(s) left" in screen_text(app)
        await pilot.press("ctrl+z")
        assert ("juin 2014", "DATE", "accepted", ("alice",)) in gold(store)
        assert at("juin 2014") not in screen.view.highlights
        # the reviewer's own fix: a span nobody marked, listed at once
        screen.view.select(*at("selon"))
        await pilot.press("1")
        assert ("selon", "ACTOR", "added", ()) in gold(store)
        assert [it.span["text"] for it in screen.items if it.span] == ["selon"]
        await pilot.press("ctrl+z")
        assert not any(it.span for it in screen.items)
        await pilot.press("ctrl+y")
        assert [it.span["text"] for it in screen.items if it.span] == ["selon"]
        await pilot.press("ctrl+d")
        assert store.load("d1", "reviewer").status == "done"
        await app.workers.wait_for_complete()
        await pilot.pause()
        figures = screen_text(app)
    # resume: a new app shows the same gold record
    app2 = build_review_app(store, SCHEME, "reviewer")
    async with app2.run_test(size=(140, 40)) as pilot:
        assert any(it.span and it.span["text"] == "selon" for it in app2.screen.items)
    # the panel shows this document's agreement: alice and bob share 2 of their 4 and 3 spans exactly
    assert "alice–bob: F1 exact 0.57" in figures


async def test_review_attributes_and_speaker_on_gold(store):
    s = Session(store, SCHEME, "alice")
    s.add_span("d1", TEXT.index("«"), TEXT.index("»") + 1, "QUOTE")
    s2 = Session(store, SCHEME, "bob")
    s2.add_span("d1", TEXT.index("«"), TEXT.index("»") + 1, "QUOTE")
    app = build_review_app(store, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        q = next(i for i, it in enumerate(screen.items) if it.label == "QUOTE")
        screen._focus(q)
        await pilot.press("s")
        picker = app.screen
        assert type(picker).__name__ == "SpeakerPicker"
        assert picker.shown[0]["text"] == "La coalition"
        await pilot.press("enter")
        rec = store.load("d1", "reviewer")
        quote = next(sp for sp in rec.spans.values() if sp["label"] == "QUOTE")
        assert rec.spans[quote["attrs"]["speaker"]]["text"] == "La coalition"
        # the gold span's attribute form: its speaker shown by name, unset from the keyboard
        screen._focus(next(i for i, it in enumerate(screen.items) if it.gold_id(screen.state) == quote["id"]))
        await pilot.press("enter")
        form = screen.attr_form
        assert form is not None and form.label == "QUOTE"
        assert form.field("speaker").shown == f"La coalition  [{quote['attrs']['speaker']}]"
        assert f"La coalition  [{quote['attrs']['speaker']}]" in form.text()
        await pilot.press("backspace", "enter")
        assert screen.attr_form is None
        rec = store.load("d1", "reviewer")
        assert "speaker" not in rec.spans[quote["id"]]["attrs"]


def test_gold_export_carries_provenance_and_validates(store, tmp_path, any_db):
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    for region in st.plan.regions:
        rs.pick(st, region, "alice")
        st = rs.state("d1")
    out = tmp_path / "gold.jsonl"
    proc = subprocess.run([*ANNOTATOR, "export", "--db", any_db, "--annotator", "reviewer", "--status", "all",
                           "--out", str(out), "--schema", str(SCHEME_PATH)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rec = orjson.loads(out.read_bytes())
    assert rec["annotator"] == "reviewer"
    assert {(s["text"], s["provenance"]["decision"]) for s in rec["spans"]} == {
        ("La coalition", "auto_accepted"), ("75 membres", "auto_accepted"), ("Brett Mc Gurk", "picked"),
        ("juin 2014", "picked")}
    proc = subprocess.run([*ANNOTATOR, "validate", str(out), "--schema", str(SCHEME_PATH)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_review_without_other_annotators_is_a_clear_error(tmp_path):
    proc = subprocess.run([*ANNOTATOR, "review", "--db", str(tmp_path / "empty.db"), "--schema", str(SCHEME_PATH)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "nothing to review" in proc.stderr and "Traceback" not in proc.stderr


def test_gold_marks_kept_up_to_date_equal_those_computed_again(store):
    """After every kind of decision (and undo / redo), the gold marks, the rejections, the
    reviewer's own spans and the decided candidates and regions updated from the change are the
    ones a full reading of the gold record gives."""
    import random

    from annotator.errors import ActionRefused

    Session(store, SCHEME, "alice").add_span("d1", *at("« 75 membres »"), "QUOTE")
    alice = store.load("d1", "alice")
    quote = next(s for s in alice.spans.values() if s["label"] == "QUOTE")
    actor = next(s for s in alice.spans.values() if s["label"] == "ACTOR")
    Session(store, SCHEME, "alice").set_attrs("d1", quote["id"], {"speaker": actor["id"]})
    rs = ReviewSession(store, SCHEME, "reviewer")
    st = rs.open("d1")
    rnd = random.Random(5)
    for _ in range(80):
        kind = rnd.choice(["accept", "reject", "add", "attrs", "pick", "remove", "undo", "redo"])
        try:
            if kind == "pick":
                if not st.plan.regions:
                    continue
                change = rs.pick(st, rnd.choice(st.plan.regions), rnd.choice(st.annotators))
            elif kind == "remove":
                if not st.gold.spans:
                    continue
                change = rs.remove(st, rnd.choice(sorted(st.gold.spans)))
            elif kind == "accept":
                change = rs.accept(st, rnd.choice(st.plan.candidates))
            elif kind == "reject":
                change = rs.reject(st, rnd.choice(st.plan.candidates))
            elif kind == "add":
                start = rnd.randrange(len(TEXT) - 6)
                change = rs.add(st, start, start + rnd.randint(1, 6), rnd.choice(["ACTOR", "DATE"]))
            elif kind == "attrs":
                actors = [s for s in st.gold.spans.values() if s["label"] == "ACTOR"]
                if not actors:
                    continue
                change = rs.set_attrs(st, rnd.choice(actors)["id"], {"kind": rnd.choice(["person", "state"])})
            else:
                change = rs.undo("d1") if kind == "undo" else rs.redo("d1")
        except ActionRefused:
            continue
        if change is None or not change.ops:
            continue
        st = rs.refresh(st, change)
        assert st.gold_ids == rs._gold_ids(st.gold), kind
        again = rs.state("d1")
        assert (st.rejected, st.own, list(st.decided), st.open_regions) == (
            again.rejected, again.own, list(again.decided), again.open_regions), kind


async def test_figures_panel_with_nothing_marked_and_without_the_agree_extra(tmp_path, monkeypatch):
    """A document both annotators left empty has undefined figures (—), not a crash; without
    numpy or krippendorff installed, the panel says what to install instead of failing."""
    st = open_store(tmp_path / "e.db")
    st.add_documents([NewDocument("d1", TEXT, text_sha256(TEXT), {}, "d1.txt")])
    for who in ("alice", "bob"):
        s = Session(st, SCHEME, who)
        sid = s.add_span("d1", *at("juin 2014"), "DATE").ops[0]["span"]["id"]
        s.remove_span("d1", sid)  # a record, with no span left
        s.set_status("d1", "done")
    app = build_review_app(st, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "alice–bob: F1 exact —  partial —" in screen_text(app)
    import annotator.agreement

    monkeypatch.setattr(annotator.agreement, "missing_packages", lambda: ["numpy"])
    app = build_review_app(st, SCHEME, "reviewer")
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = str(app.screen.query_one("#figures").render())
        assert panel == "agreement figures need numpy: pip install 'annotator[agree]'"
    st.close()
