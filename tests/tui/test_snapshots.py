"""SVG snapshots of the main screens (pytest-textual-snapshot), at a fixed 120x36 terminal.

Each picture must be a function of the code alone, so:

* spans, statuses and flags are written through :class:`annotator.session.Session` *before* the
  app is built, and nothing inside the app saves anything: the header says "all saved" instead
  of "saved HH:MM:SS";
* document ids are fixed strings (the seed's id comes from its file name), the store lives in
  ``tmp_path`` and its path is shown nowhere;
* the blinking input cursor is held steady (on), so the time a picture is taken does not matter;
* background work (the document list loads in a thread, the scheme compiles in one) is waited for.

Regenerate after a deliberate change of the look: ``pytest tests/tui/test_snapshots.py
--snapshot-update``, then look at the SVGs under ``tests/tui/__snapshots__/`` before committing.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from annotator.session import Session
from annotator.tui.app import build_app
from annotator.tui.screens.annotate import AnnotateScreen
from tests.tui.helpers import SCHEME, make_store

SIZE = (120, 36)
WHO = "alice"

SPANS = [  # (text, occurrence, label, attrs) on the seed article
    ("La coalition internationale", 0, "ACTOR", {"kind": "coalition"}),
    ("Etats-Unis", 0, "ACTOR", {"kind": "state"}),
    ("Daech", 0, "ACTOR", {"kind": "armed_group"}),
    ("La coalition qui compte 75 membres reste engagée en faveur de la stabilité en Irak pour l'étape de "
     "l'après Daech", 0, "QUOTE", {}),
    ("75 membres", 0, "QUANTITY", {"value": 75, "unit": "membres"}),
    ("Brett Mc Gurk", 0, "ACTOR", {"kind": "person"}),
    ("juin 2014", 0, "DATE", {"value": "2014-06"}),
]
QUOTE, QUANTITY, SPEAKER = 3, 4, 5  # indexes in SPANS

OTHER_DOCS = [  # (id, text): the rest of the corpus the document list shows
    ("wire-001-done", "Le Parlement a adopté mardi le budget 2019 par 312 voix contre 205."),
    ("wire-002-skipped", "Communiqué sans date ni auteur, repris tel quel par plusieurs sites."),
    ("wire-003-todo", "Les négociations reprendront à Genève le 12 mars, selon un diplomate."),
]


def find(text: str, needle: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return at


@pytest.fixture(autouse=True)
def steady_input_cursor(monkeypatch):
    """The Input cursor blinks every 0.5 s: keep it shown so the moment of the screenshot is moot."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def corpus(tmp_path):
    """A store with the seed (spans, a nested QUANTITY, a QUOTE with its speaker) and three short
    documents of other statuses; returns (store, seed id, {SPANS index: span id})."""
    store = make_store(tmp_path / "snapshots.db", docs=OTHER_DOCS, seeds=True)
    session = Session(store, SCHEME, WHO)
    seed = store.documents(WHO)[0].id  # "000_<hash>": from the seed's file name, not from the run
    text = session.record(seed).text
    ids: dict[int, str] = {}
    for i, (needle, occ, label, attrs) in enumerate(SPANS):
        start = find(text, needle, occ)
        change = session.add_span(seed, start, start + len(needle), label, attrs)
        ids[i] = next(op["span"]["id"] for op in change.ops if op["op"] == "add_span")
    session.set_attrs(seed, ids[QUOTE], {"speaker": ids[SPEAKER]})
    done_text = OTHER_DOCS[0][1]
    session.add_span("wire-001-done", done_text.index("mardi"), done_text.index("mardi") + 5, "DATE")
    session.set_status("wire-001-done", "done")
    session.set_status("wire-002-skipped", "skipped")
    session.add_flag("wire-002-skipped", "not a news article")
    yield store, seed, ids
    store.close()


def app_on(corpus):
    store, seed, _ = corpus
    return build_app(store, SCHEME, WHO, seed)


def focusing(span_id: str):
    """A ``run_before``: the annotate screen is up, idle, with ``span_id`` focused (no save)."""

    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, AnnotateScreen)
        screen.focus_span(span_id)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_annotate_screen(snap_compare, corpus):
    _, _, ids = corpus
    assert snap_compare(app_on(corpus), terminal_size=SIZE, run_before=focusing(ids[QUANTITY]))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_annotate_screen_at_common_sizes(snap_compare, corpus, size):
    """At 80x24 the side panel narrows so the article keeps about 45 columns (issue 11, item 16)."""
    _, _, ids = corpus
    assert snap_compare(app_on(corpus), terminal_size=size, run_before=focusing(ids[QUANTITY]))


def test_help_screen(snap_compare, corpus):
    assert snap_compare(app_on(corpus), press=["question_mark"], terminal_size=SIZE, run_before=settle)


def test_document_list(snap_compare, corpus):
    async def open_list(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)  # the list loads in a thread

    assert snap_compare(app_on(corpus), terminal_size=SIZE, run_before=open_list)


def test_attribute_form(snap_compare, corpus):
    _, _, ids = corpus
    assert snap_compare(app_on(corpus), press=["enter"], terminal_size=SIZE, run_before=focusing(ids[QUANTITY]))


def test_speaker_picker(snap_compare, corpus):
    _, _, ids = corpus
    assert snap_compare(app_on(corpus), press=["s"], terminal_size=SIZE, run_before=focusing(ids[QUOTE]))


def test_annotate_screen_with_suggestions(snap_compare, corpus):
    """Suggestions (the rules alone, computed in the worker) drawn apart from the spans, the second
    one focused and shown in the side panel."""
    from annotator.suggest.kept import GazetteerCache, Suggesting
    from annotator.suggest.pipeline import SuggestOptions

    store, seed, _ = corpus
    suggesting = Suggesting(SCHEME, WHO, SuggestOptions(), gazetteer=GazetteerCache(), model_optional=True)
    app = build_app(store, SCHEME, WHO, seed, suggesting)

    async def run_before(pilot: Pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, AnnotateScreen)
        for _ in range(400):
            await settle(pilot)
            if screen.suggestions.arrivals:
                break
        assert screen.suggestions.arrivals
        await pilot.press("j", "j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
