"""The default scheme and the sample article ship inside the package (annotator/data/), equal to the
project's schemas/ and seeds/, and are what a folder without its own opens."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import annotator.tui.app as tui_app
from annotator.cli import main
from annotator.cli.annotate import default_sources, packaged_seeds
from annotator.schema import default_scheme_path, load_scheme, packaged_scheme
from annotator.tui.screens.annotate import AnnotateScreen
from tests.conftest import SCHEME_PATH, SEEDS
from tests.tui.helpers import screen_text

SEED_ID = "000_3e94996991f7161a"


def test_the_packaged_copies_are_byte_identical_to_the_projects_files():
    assert packaged_scheme().read_bytes() == SCHEME_PATH.read_bytes()
    packaged = {f.name: f.read_bytes() for f in packaged_seeds().iterdir()}
    project = {f.name: f.read_bytes() for f in SEEDS.iterdir() if f.is_file()}
    assert packaged == project
    assert f"{SEED_ID}.txt" in packaged


@pytest.fixture
def empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for name in ("ANNOTATOR_SCHEMA", "ANNOTATOR_DB"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _scheme_named(path: Path, name: str) -> Path:
    text = SCHEME_PATH.read_text(encoding="utf-8")
    assert 'name = "news"' in text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace('name = "news"', f'name = "{name}"', 1), encoding="utf-8")
    return path


def test_an_empty_folder_uses_the_packaged_scheme(empty_folder: Path):
    assert default_scheme_path() == packaged_scheme()
    scheme = load_scheme()
    assert scheme.name == "news"
    shown = Path(scheme.path)  # what `annotator schema` shows and errors name: the real packaged file
    assert shown.is_file() and shown.parts[-3:] == ("annotator", "data", "news.toml")
    assert shown.read_bytes() == SCHEME_PATH.read_bytes()


def test_the_folders_own_scheme_then_the_environment_then_the_option_win(
        empty_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    _scheme_named(empty_folder / "schemas" / "news.toml", "local")
    assert load_scheme().name == "local"
    monkeypatch.setenv("ANNOTATOR_SCHEMA", str(_scheme_named(empty_folder / "env.toml", "fromenv")))
    assert load_scheme().name == "fromenv"
    option = _scheme_named(empty_folder / "option.toml", "fromoption")
    assert main(["schema", "--schema", str(option)]) == 0
    assert capsys.readouterr().out.startswith(f"scheme fromoption v1 ({option})")


# How a test harness says it runs the screen itself (``annotate`` otherwise needs a terminal).
HARNESS = "textual.drivers.headless_driver:HeadlessDriver"


class _Opened:
    """What `annotator` handed to the TUI, and what the TUI's first frame showed."""

    def __init__(self) -> None:
        self.doc_id: str | None = None
        self.meta: dict[str, Any] = {}
        self.text = ""
        self.screen = ""
        self.scheme_path = ""


def _fake_run_tui(opened: _Opened):
    def run_tui(store, scheme, annotator, doc_id=None, suggesting=None,  # type: ignore[no-untyped-def]
                before_run=None) -> int:
        app = tui_app.build_app(store, scheme, annotator, doc_id)

        async def first_frame() -> None:
            async with app.run_test(size=(120, 36)) as pilot:
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, AnnotateScreen)
                opened.doc_id = screen.doc_id
                opened.screen = screen_text(app)

        asyncio.run(first_frame())
        assert opened.doc_id is not None
        rec = store.load(opened.doc_id, annotator)
        opened.meta, opened.text, opened.scheme_path = dict(rec.meta), rec.text, scheme.path
        return 0

    return run_tui


def test_annotator_with_no_arguments_in_an_empty_folder_opens_the_packaged_sample(
        empty_folder: Path, monkeypatch: pytest.MonkeyPatch):
    opened = _Opened()
    monkeypatch.setattr(tui_app, "run_tui", _fake_run_tui(opened))
    monkeypatch.setenv("TEXTUAL_DRIVER", HARNESS)  # a harness runs the app: no terminal is needed
    assert default_sources() == [str(packaged_seeds())]
    assert main([]) == 0
    assert opened.doc_id == SEED_ID
    source = Path(opened.meta["source"])
    assert source.is_file() and source.parts[-4:] == ("annotator", "data", "seeds", f"{SEED_ID}.txt")
    assert opened.meta["date"] == "2018-05"
    assert opened.text.startswith("La coalition internationale sous le commandement des Etats-Unis")
    assert "La coalition internationale" in opened.screen
    assert Path(opened.scheme_path).parts[-3:] == ("annotator", "data", "news.toml")
    assert sorted(p.name for p in empty_folder.iterdir()) == ["annotator.db"]


def test_a_seeds_folder_in_the_current_folder_wins_over_the_packaged_sample(
        empty_folder: Path, monkeypatch: pytest.MonkeyPatch):
    (empty_folder / "seeds").mkdir()
    (empty_folder / "seeds" / "mine.txt").write_text("Le maire de Lyon a parlé.", encoding="utf-8")
    opened = _Opened()
    monkeypatch.setattr(tui_app, "run_tui", _fake_run_tui(opened))
    monkeypatch.setenv("TEXTUAL_DRIVER", HARNESS)  # a harness runs the app: no terminal is needed
    assert default_sources() == ["seeds"]
    assert main([]) == 0
    assert opened.doc_id == "mine"
    assert opened.meta["source"] == str(Path("seeds") / "mine.txt")
    assert "Le maire de Lyon a parlé." in opened.screen

