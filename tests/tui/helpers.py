"""Helpers for pilot tests of the annotator app: build it on a throwaway store, read its screen."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from annotator.importing import import_sources
from annotator.model import text_sha256
from annotator.schema import load_scheme
from annotator.model.types import NewDocument
from annotator.store import open_store
from annotator.tui.app import build_app

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SCHEME = load_scheme(ROOT / "schemas" / "news.toml")


def make_store(path: Path, docs: list[tuple[str, str]] | None = None, seeds: bool = True):
    store = open_store(path)
    if seeds:
        import_sources(store, [SEEDS], SCHEME, "alice")
    if docs:
        store.add_documents([NewDocument(i, t, text_sha256(t), {}, f"{i}.txt") for i, t in docs])
    return store


def make_app(path: Path, docs=None, seeds=True, annotator="alice", doc_id=None):
    store = make_store(path, docs, seeds)
    return build_app(store, SCHEME, annotator, doc_id), store


def terminal_output(app) -> str:
    """What the terminal would receive for a full repaint of the current screen."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=app.size.width,
                      height=app.size.height, legacy_windows=False)
    return app.screen._compositor.render_update(full=True).render_segments(console)


def screen_text(app) -> str:
    """The screen as plain text lines (styles dropped)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def select(pilot, view, start: int, end: int) -> None:
    view.select(start, end)
    await pilot.pause()
