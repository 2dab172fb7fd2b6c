"""Regenerate docs/web.png: the annotate screen in Chromium, served by ``annotator web``, on the seed
article with the spans of docs/annotate.svg.

    python docs/web_screenshot.py      (needs the web and test extras, and Debian's chromium)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.importing import import_sources  # noqa: E402
from annotator.schema import load_scheme  # noqa: E402
from annotator.session import Session  # noqa: E402
from annotator.store import open_store  # noqa: E402
from docs.screenshot import SPANS, find  # noqa: E402
from tests.web.helpers import CHROMIUM, CHROMIUM_ARGS, screen_text, start_server  # noqa: E402

SCHEME_PATH = ROOT / "schemas" / "news.toml"


def make_store(db: Path) -> None:
    scheme = load_scheme(SCHEME_PATH)
    with open_store(db) as store:
        import_sources(store, [ROOT / "seeds"], scheme, "alice")
        doc_id = store.documents("alice")[0].id
        session = Session(store, scheme, "alice")
        text = session.record(doc_id).text
        for needle, occurrence, label, attrs in SPANS:
            start = find(text, needle, occurrence)
            session.add_span(doc_id, start, start + len(needle), label, attrs)


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shot.db"
        make_store(db)
        server = start_server(["--db", str(db), "--schema", str(SCHEME_PATH), "--annotators", "alice"],
                              Path(tmp) / "server.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                frames: list[bytes] = []
                page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(p)
                                                      if isinstance(p, bytes) else None))
                page.goto(server.links[("annotate", "alice")])
                deadline = time.monotonic() + 30
                while "saved" not in screen_text(frames) and time.monotonic() < deadline:
                    page.wait_for_timeout(50)
                page.focus("textarea.xterm-helper-textarea")
                for key in ("Tab", "Tab", "Tab"):  # focus the third span: its attributes show in the panel
                    page.keyboard.press(key)
                page.wait_for_timeout(800)
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    target = ROOT / "docs" / "web.png"
    main(target)
    print(f"wrote {target}")
