"""Suggestions on the annotate screen (issue 12): computed in a worker after the first paint, drawn
apart from the spans, accepted (y, Y), rejected (x) for good, hidden (o), and ``=``; durable
across reopening the app, the accepted spans' ``source`` exported."""

from __future__ import annotations

import subprocess
import threading

import orjson
import pytest

from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.session import Session
from annotator.store import open_store
from annotator.suggest.kept import GazetteerCache, Suggesting
from annotator.suggest.pipeline import SuggestOptions
from annotator.suggest.process import screen_suggesting
from annotator.tui.app import build_app
from annotator.tui.screens.suggestions import suggestion_id
from tests.conftest import ANNOTATOR
from tests.suggest.test_suggest_process import gone
from tests.tui.helpers import SCHEME, screen_text, terminal_output

TEXT = ("Le 3 avril 2018, la coalition a mené 29.307 raids aériens en Irak. « La coalition compte 75 membres », "
        "a précisé Brett Mc Gurk. Brett Mc Gurk est revenu à Bagdad en juin 2014.")
OTHER = "Deuxième document : Brett Mc Gurk, le 5 mai 2018."


def at(needle: str, start: int = 0) -> tuple[int, int]:
    i = TEXT.index(needle, start)
    return i, i + len(needle)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def rules() -> Suggesting:
    """The rules and the gazetteer (no spaCy pipeline: the screen's worker is what is tested)."""
    return Suggesting(SCHEME, "alice", SuggestOptions(), gazetteer=GazetteerCache(), model_optional=True)


def new_store(path):
    store = open_store(path)
    store.add_documents([NewDocument("d", TEXT, text_sha256(TEXT), {"date": "2018-05-14"}, "d.txt"),
                         NewDocument("d2", OTHER, text_sha256(OTHER), {"date": "2018-05-05"}, "d2.txt")])
    # bob tagged the envoy in d2: the gazetteer proposes him wherever he recurs
    i = OTHER.index("Brett Mc Gurk")
    Session(store, SCHEME, "bob").add_span("d2", i, i + 13, "ACTOR", {"kind": "person"})
    return store


def app_on(store, suggesting=None, doc_id="d"):
    # by default as the command does it: a way to make it, called in the worker
    return build_app(store, SCHEME, "alice", doc_id, suggesting if suggesting is not None else rules)


async def arrived(pilot, screen, n: int = 1) -> None:
    """Wait (by turns of the event loop, never by the clock) for the worker's answer."""
    for _ in range(400):
        if screen.suggestions.arrivals >= n:
            await pilot.pause()
            return
        await screen.app.workers.wait_for_complete()
        await pilot.pause()
    raise AssertionError("the suggestions never arrived")


def keys_shown(screen) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in screen.view.suggestions}


def stored(store, doc="d"):
    return {(s["start"], s["end"], s["label"]): s for s in store.load(doc, "alice").spans.values()}


@pytest.fixture
def store(tmp_path):
    s = new_store(tmp_path / "s.db")
    yield s
    s.close()


async def test_suggestions_arrive_after_the_first_paint_from_a_worker_and_are_kept(store):
    gate = threading.Event()
    suggesting = rules()
    real = suggesting.for_document
    threads: list[str] = []

    def blocked(st, doc_id):
        threads.append(threading.current_thread().name)
        assert gate.wait(30), "the test never opened the gate"
        return real(st, doc_id)

    suggesting.for_document = blocked  # type: ignore[method-assign]
    app = app_on(store, suggesting)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await pilot.pause()
        # the article is on screen while the worker is still held: nothing waited for it
        assert "Le 3 avril 2018" in screen_text(app) and "suggesting…" in screen_text(app)
        assert screen.view.suggestions == [] and screen.suggestions.arrivals == 0
        await pilot.press("right")  # keys work meanwhile, a durable action too
        assert screen.view.cursor == 1
        screen.view.select(*at("29.307 raids"))
        await pilot.press("3")
        assert len(store.load("d", "alice").spans) == 1
        gate.set()
        await arrived(pilot, screen)
        assert threads and threads[0] != threading.main_thread().name
        shown = keys_shown(screen)
        assert (*at("3 avril 2018"), "DATE") in shown
        assert (*at("29.307 raids"), "QUANTITY") not in shown, "tagged meanwhile: not pending"
        assert any(label == "QUOTE" for _, _, label in shown)
        assert f"◇ {len(shown)} suggested" in screen_text(app)
        assert store.suggestions("d", "alice").items is not None, "kept in the store"
        # nothing is an annotation until accepted
        assert len(store.load("d", "alice").spans) == 1


async def test_j_focuses_y_accepts_with_attributes_and_source_and_export_carries_it(store, tmp_path):
    app = app_on(store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        await pilot.press("j")
        date = at("3 avril 2018")
        assert screen.suggestions.focused == (*date, "DATE")
        assert screen.view.focused_suggestion == suggestion_id((*date, "DATE"))
        panel = screen.query_one("#attrs").render().plain
        assert "suggested by rule:date" in panel and "2018-04-03" in panel
        await pilot.press("y")
        span = stored(store)[(*date, "DATE")]
        assert span["source"] == "rule:date" and span["attrs"]["value"] == "2018-04-03"
        assert screen.focused_span_id == span["id"], "the accepted span is focused"
        assert (*date, "DATE") not in keys_shown(screen)
    # the exported record keeps where the span came from
    out = tmp_path / "out.jsonl"
    subprocess.run([*ANNOTATOR, "export", "--db", str(tmp_path / "s.db"), "--annotator", "alice", "--status", "all",
                    "--out", str(out)], check=True, capture_output=True)
    rec = next(r for r in map(orjson.loads, out.read_bytes().splitlines()) if r["id"] == "d")
    assert [(s["text"], s["source"]) for s in rec["spans"]] == [("3 avril 2018", "rule:date")]


async def test_y_on_a_quote_accepts_its_speaker_too_in_one_action(store):
    app = app_on(store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        quote = next(s for s in screen.suggestions.pending.pending() if s.label == "QUOTE")
        screen.suggestions.focus(quote)
        await pilot.press("y")
        spans = stored(store)
        q = spans[quote.key]
        speaker = next(s for s in spans.values() if s["label"] == "ACTOR")
        assert speaker["text"] == "Brett Mc Gurk" and q["attrs"]["speaker"] == speaker["id"]
        await pilot.press("ctrl+z")
        assert stored(store) == {}, "one undo takes the quote and its speaker back"
        assert quote.key in keys_shown(screen), "and shows them as suggestions again"


async def test_x_rejects_for_good_and_goes_on_to_the_next(store, tmp_path):
    app = app_on(store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        await pilot.press("j")
        first = screen.suggestions.focused
        after = screen.suggestions.pending.step(first, 0, 1)
        await pilot.press("x")
        assert first not in keys_shown(screen) and screen.suggestions.focused == after.key
        assert store.suggestions("d", "alice").rejected == {first}
        assert store.load("d", "alice").status == "todo", "x no longer skips the document"
    # a new app on the same store: read back from the store, the rejected one never comes back
    store.close()
    again = open_store(tmp_path / "s.db")
    counting = rules()
    app = app_on(again, counting)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        assert first not in keys_shown(screen) and after.key in keys_shown(screen)
        assert counting._suggesters is None, "nothing was computed: the kept suggestions were read"
    again.close()


async def test_Y_accepts_everything_left_as_one_undoable_action_durably(store, tmp_path):
    app = app_on(store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        pending = screen.suggestions.pending.pending()
        await pilot.press("j", "x")  # one rejected first
        rejected = pending[0].key
        await pilot.press("Y")
        spans = stored(store)
        assert set(spans) == {s.key for s in pending[1:]} and rejected not in spans
        assert {s["source"] for s in spans.values()} >= {"rule:quantity", "rule:quote"}
        assert keys_shown(screen) == set() and "◇ none suggested" in screen_text(app)
        assert any("Accepted" in n and "one action" in n for n in notes(app))
        await pilot.press("ctrl+z")
        assert stored(store) == {}
        assert keys_shown(screen) == {s.key for s in pending[1:]}
        await pilot.press("ctrl+y")
    store.close()
    with open_store(tmp_path / "s.db") as again:
        assert set(stored(again)) == {s.key for s in pending[1:]}


async def test_o_hides_and_shows_them_for_the_session_and_keys_then_explain(store):
    app = app_on(store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        n = len(screen.view.suggestions)
        await pilot.press("o")
        assert screen.view.suggestions == [] and "suggestions off" in screen_text(app)
        await pilot.press("j")
        assert screen.suggestions.focused is None and any("o shows them" in m for m in notes(app))
        await pilot.press("right_square_bracket")  # the next document: still off, nothing computed
        assert screen.doc_id == "d2" and screen.view.suggestions == []
        assert store.suggestions("d2", "alice").items is None
        await pilot.press("o")
        await arrived(pilot, screen, 2)
        assert screen.view.suggestions and store.suggestions("d2", "alice").items is not None
        await pilot.press("left_square_bracket")
        await arrived(pilot, screen, 3)
        assert len(screen.view.suggestions) == n


async def test_equals_tags_every_other_occurrence_as_one_action(store):
    app = app_on(store, doc_id="d")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        view = screen.view
        view.select(*at("Brett Mc Gurk"))
        await pilot.press("1")  # ACTOR
        assert len(stored(store)) == 1
        await pilot.press("equals_sign")
        spans = stored(store)
        assert (*at("Brett Mc Gurk", at("Brett Mc Gurk")[1]), "ACTOR") in spans and len(spans) == 2
        assert any("Tagged 1 other occurrence" in n for n in notes(app))
        await pilot.press("ctrl+z")
        assert len(stored(store)) == 1


async def test_a_y_redraws_only_the_rows_of_what_it_touched(tmp_path):
    long_text = "\n".join(f"Ligne {i} sans rien de particulier ici." for i in range(60))
    long_text += "\nLe 3 avril 2018, rien.\n" + "\n".join(f"Ligne {i} encore." for i in range(20))
    store = open_store(tmp_path / "s.db")
    store.add_documents([NewDocument("d", long_text, text_sha256(long_text), {"date": "2018-05-14"}, "d.txt")])
    app = build_app(store, SCHEME, "alice", "d", rules())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        await pilot.press("j")
        await pilot.pause()
        view = screen.view
        before = view.rows_rendered
        await pilot.press("y")
        await pilot.pause()
        assert len(store.load("d", "alice").spans) == 1
        assert 1 <= view.rows_rendered - before <= 1, "only the row of the accepted date is drawn again"
    store.close()


async def test_suggested_text_is_drawn_apart_and_sanitised(tmp_path):
    text = "Le 3 avril 2018\x1b[31m, « rouge\u202e » a dit Marie."
    store = open_store(tmp_path / "s.db")
    store.add_documents([NewDocument("d", text, text_sha256(text), {"date": "2018-05-14"}, "d.txt")])
    app = build_app(store, SCHEME, "alice", "d", rules())
    async with app.run_test(size=(100, 20)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        assert screen.view.suggestions
        await pilot.press("k")  # the last one: the quote, whose text holds the controls
        panel = screen.query_one("#attrs").render().plain
        assert "\x1b" not in panel and "\u202e" not in panel
        out = terminal_output(app)
        assert "\x1b[31m" not in out.replace("\x1b[38", "") and "\u202e" not in out
        # a suggestion is underlined text in its label's colour, never a span's tint
        segments = list(screen.view.render_line(0))
        date = next(seg for seg in segments if "avril" in seg.text)
        plain = next(seg for seg in segments if seg.text == "e ")  # (the cursor is on "L")
        assert date.style.underline and not plain.style.underline
        assert date.style.bgcolor == plain.style.bgcolor and date.style.color != plain.style.color
    store.close()


async def test_without_suggesting_the_keys_say_so_and_nothing_runs(store):
    app = build_app(store, SCHEME, "alice", "d")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await pilot.press("j", "y", "x", "o")
        assert screen.view.suggestions == [] and store.suggestions("d", "alice").items is None
        assert any("--no-suggest" in n for n in notes(app))
        assert store.load("d", "alice").status == "todo"


def test_the_screen_suggests_with_the_model_only_when_it_is_installed(monkeypatch):
    import annotator.suggest.process as mod

    assert screen_suggesting(SCHEME, "alice", model=False)().options.model is None
    monkeypatch.setattr(mod, "find_spec", lambda name: None)
    assert screen_suggesting(SCHEME, "alice")().options.model is None  # the rules alone, silently
    monkeypatch.setattr(mod, "find_spec", lambda name: object())
    made = screen_suggesting(SCHEME, "alice", pattern_files=["p.jsonl"])()
    assert made.options.model == "fr_core_news_sm" and made.options.pattern_files == ("p.jsonl",)


def test_annotate_says_which_line_of_a_pattern_file_is_bad_before_anything_is_done(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ACTOR", "pattern": "Daech"}\n{"label": "NOPE", "pattern": "x"}\n', encoding="utf-8")
    proc = subprocess.run([*ANNOTATOR, "annotate", "--db", str(tmp_path / "s.db"), "--patterns", str(bad)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1 and f"{bad}:2: label:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "s.db").exists(), "nothing imported, no store made"


async def test_a_ctrl_click_on_a_suggestion_focuses_it_and_y_accepts_it(store):
    """The mouse's way to a suggestion: ctrl+click on it (where no span is) focuses it, as j would."""
    app = app_on(store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        view = screen.view
        target = TEXT.index("avril")  # inside the suggested DATE "3 avril 2018"
        x = next(x for x in range(40) if view.offset_at_point(x, 0) == target)
        await pilot.click(view, offset=(x, 0), control=True)
        await pilot.pause()
        assert screen.suggestions.focused == (*at("3 avril 2018"), "DATE")
        assert view.focused_suggestion == suggestion_id((*at("3 avril 2018"), "DATE"))
        await pilot.press("y")
        await pilot.pause()
        assert stored(store)[(*at("3 avril 2018"), "DATE")]["source"] == "rule:date"
        # on a span (accepted now), a ctrl+click focuses the span, not a suggestion
        await pilot.click(view, offset=(x, 0), control=True)
        await pilot.pause()
        assert screen.focused_span_id is not None and screen.suggestions.focused is None


async def test_the_commands_way_makes_them_in_a_child_process_ended_with_the_app(store):
    """As ``annotator annotate`` does: the worker only waits for a child process, which the app
    ends when it quits; what the session tags reaches the child's gazetteer."""
    from annotator.suggest.process import SuggestingProcess

    process = SuggestingProcess(screen_suggesting(SCHEME, "alice", model=False))
    app = app_on(store, process)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await arrived(pilot, screen)
        assert (*at("3 avril 2018"), "DATE") in keys_shown(screen)
        assert store.suggestions("d", "alice").items is not None, "kept in the store by the child"
        pid = process.pid
        assert pid is not None and process.starts == 1
        screen.view.select(*at("coalition"))
        await pilot.press("1")  # an ACTOR: queued for the child's gazetteer
        assert [s.text for s in process._learned] == ["coalition"]
    assert process.pid is None and gone(pid), "the child ended with the app"
