"""What the screens need of a scheme, refused before anything is drawn (issue 11, item 4): a
colour both Rich and Textual read, and hotkeys free on the annotate and review screens -- by
``annotator schema``, at start-up of annotate and review, naming the file and the entry."""

from __future__ import annotations

import re
import subprocess

import pytest

from annotator.errors import SchemeError
from annotator.schema import Scheme, parse_scheme
from annotator.tui import actions
from annotator.tui.app import build_app, build_review_app
from annotator.tui.scheme_check import check_scheme, color_problem
from tests.conftest import ANNOTATOR
from tests.tui.helpers import make_store

TEXT = "La coalition a parlé."


def scheme_with(color: str = "green", key: str = "1", path: str = "schemas/news.toml") -> Scheme:
    return Scheme(parse_scheme({"name": "news", "version": 1, "label": [
        {"name": "ACTOR", "key": key, "color": color}]}, path))


@pytest.mark.parametrize("color,message", [
    ("notacolor", "'notacolor' is not a colour (e.g. \"#4e9a06\", \"green\")"),
    ("gren", "'gren' is not a colour (e.g. \"#4e9a06\", \"green\"); did you mean 'green'?"),
    # each of these crashed one half of the screen or silently drew another colour
    ("crimson", "'crimson' is a colour for the article but not for the side panel (Rich does not know it); "
                "write it as '#dc143c'"),
    ("grey50", "'grey50' is a colour for the side panel but not for the article (Textual does not know it); "
               "write it as '#808080'"),
])
def test_a_colour_the_screens_cannot_draw_is_refused_at_start(tmp_path, color, message):
    store = make_store(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    try:
        for build in (build_app, build_review_app):
            with pytest.raises(SchemeError) as exc:
                build(store, scheme_with(color), "alice")
            assert str(exc.value) == f"schemas/news.toml: label ACTOR: color {message}"
    finally:
        store.close()


@pytest.mark.parametrize("color", ["green", "#4e9a06", "#4E9A06", "magenta", "purple", "blue", "white"])
async def test_every_colour_the_check_accepts_is_drawn_by_both_halves(tmp_path, color):
    """The first tag used to crash the app with 'notacolor': an accepted colour must tag and draw."""
    assert color_problem(color) is None
    store = make_store(tmp_path / "s.db", docs=[("d", TEXT)], seeds=False)
    app = build_app(store, scheme_with(color), "alice")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            app.screen.view.move_cursor(TEXT.index("coalition") + 2)
            await pilot.press("1", "tab")
            await pilot.pause()
            assert [s["text"] for s in app.screen.record.spans.values()] == ["coalition"]
            app.screen._compositor.render_update(full=True)  # the article, the span list, the panel
    finally:
        store.close()


def test_annotator_schema_refuses_a_bad_colour_naming_file_and_entry(tmp_path):
    path = tmp_path / "news.toml"
    path.write_text('name = "news"\nversion = 1\n[[label]]\nname = "ACTOR"\nkey = "1"\ncolor = "notacolor"\n',
                    encoding="utf-8")
    for args in (["schema"], ["schema", "--json-schema"]):
        proc = subprocess.run([*ANNOTATOR, *args, "--schema", str(path)], capture_output=True, text=True)
        assert proc.returncode == 1
        assert proc.stderr == (f"annotator: {path}: label ACTOR: color 'notacolor' is not a colour "
                               "(e.g. \"#4e9a06\", \"green\")\n")


@pytest.mark.parametrize("key", ["s", "g", "n", "t", "a", "v", "r", "p", "?", "]", "[", "}", "/", "N", "f",
                                 "ctrl+z", "ctrl+d", "ctrl+q", "ctrl+c", "tab", "escape", "enter", "delete"])
def test_a_hotkey_of_either_screen_is_refused(key):
    with pytest.raises(SchemeError, match=re.escape(f"schemas/news.toml: label ACTOR: hotkey {key!r} is already the key of ")):
        check_scheme(scheme_with(key=key))


def test_every_key_of_the_registry_is_refused():
    for a in actions.VIEW_ACTIONS + actions.SCREEN_ACTIONS + actions.REVIEW_ACTIONS:
        for key in a.keys:
            typed = actions.KEY_NAMES.get(key, key)
            with pytest.raises(SchemeError, match=f"\"{a.description}\"|already the key of"):
                check_scheme(scheme_with(key=typed))


def test_the_check_reads_the_registry_it_does_not_copy_it(monkeypatch):
    check_scheme(scheme_with(key="z"))
    monkeypatch.setattr(actions, "REVIEW_ACTIONS",
                        (*actions.REVIEW_ACTIONS, actions.ActionDef("zoom", ("z",), "Zoom", "Review")))
    with pytest.raises(SchemeError, match="hotkey 'z' is already the key of \"Zoom\" \\(review screen\\)"):
        check_scheme(scheme_with(key="z"))


def test_a_hotkey_that_is_several_keys_is_refused():
    with pytest.raises(SchemeError, match="hotkey '1,g' is several keys; give one"):
        check_scheme(scheme_with(key="1,g"))


def test_annotator_schema_refuses_a_colliding_hotkey(tmp_path):
    path = tmp_path / "news.toml"
    path.write_text('name = "news"\nversion = 1\n[[label]]\nname = "ACTOR"\nkey = "v"\ncolor = "green"\n',
                    encoding="utf-8")
    proc = subprocess.run([*ANNOTATOR, "schema", "--schema", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == (f"annotator: {path}: label ACTOR: hotkey 'v' is already the key of \"Pick one annotator's "
                           "version of the disputed region (then its digit)\" (review screen); choose another key in "
                           "the scheme\n")


def test_the_shipped_scheme_passes():
    from annotator.schema import load_scheme

    check_scheme(load_scheme())


def test_annotate_refuses_the_scheme_before_importing_anything(tmp_path):
    path = tmp_path / "news.toml"
    path.write_text('name = "news"\nversion = 1\n[[label]]\nname = "ACTOR"\nkey = "1"\ncolor = "notacolor"\n',
                    encoding="utf-8")
    (tmp_path / "a.txt").write_text("La coalition a parlé.", encoding="utf-8")
    for command in (["annotate"], ["review"]):
        proc = subprocess.run([*ANNOTATOR, *command, str(tmp_path / "a.txt"), "--schema", str(path), "--db",
                               str(tmp_path / "s.db")], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert proc.returncode == 1 and "color 'notacolor' is not a colour" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / "s.db").exists()  # nothing imported, no store made


def test_annotate_with_no_source_and_no_store_refuses_the_scheme_before_making_one(tmp_path):
    """With no SOURCE the sample would be imported into a new store: the scheme is checked first
    (the article's early rows, drawn before the check, are only for a store that exists)."""
    path = tmp_path / "news.toml"
    path.write_text('name = "news"\nversion = 1\n[[label]]\nname = "ACTOR"\nkey = "1"\ncolor = "notacolor"\n',
                    encoding="utf-8")
    proc = subprocess.run([*ANNOTATOR, "annotate", "--schema", str(path), "--db", str(tmp_path / "s.db")],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert proc.returncode == 1 and "color 'notacolor' is not a colour" in proc.stderr, proc.stderr
    assert not (tmp_path / "s.db").exists()
