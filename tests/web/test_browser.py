"""The app in a real browser: Debian's Chromium, headless, driven by Playwright.

xterm.js draws on a canvas, so the app's text is read from the websocket frames it receives. These
tests fail (never skip) when Chromium or Playwright is missing: ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import SERVER_ARGS, make_web_store, spans_of
from tests.web.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RunningServer,
    screen_text,
    start_server,
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright's Python package is missing: pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does); never `playwright install`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("web")
    db = make_web_store(folder / "web.db")
    running = start_server([*SERVER_ARGS, "--db", str(db), "--annotators", "alice,bob"], folder / "server.log")
    running.db = db
    yield running
    assert running.stop() == 0


class Tab:
    """A browser tab on one link: every request it makes, and the app's frames from its websocket."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 720})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.sockets: list[str] = []
        self.frames: list[bytes] = []
        self.console: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("websocket", self._on_websocket)

    def _on_websocket(self, websocket: Any) -> None:
        self.sockets.append(websocket.url)
        websocket.on("framereceived", lambda payload: self.frames.append(payload)
                     if isinstance(payload, bytes) else None)

    def wait_for_text(self, needle: str, since: int = 0, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = screen_text(self.frames[since:])
            if needle in text:
                return text
            self.page.wait_for_timeout(25)
        raise AssertionError(f"{needle!r} never appeared; the app wrote: {screen_text(self.frames[since:])[-1500:]!r}")

    def keys(self, *keys: str) -> int:
        """Press keys in the terminal; returns the frame count before them."""
        mark = len(self.frames)
        self.page.focus("textarea.xterm-helper-textarea")
        for key in keys:
            self.page.keyboard.press(key)
        return mark


def test_alice_tags_a_word_through_her_link_and_the_page_loads_nothing_from_elsewhere(browser, server):
    tab = Tab(browser)
    response = tab.page.goto(server.links[("annotate", "alice")])
    assert response.status == 200
    # the first frame with the article (one painted before the browser's size arrives may show the
    # header and the footer around an empty article)
    first = tab.wait_for_text("Daech a perdu la ville")
    assert "alice" in first and "Daech a perdu la ville" in first
    mark = tab.keys("Control+Shift+ArrowRight", "1")  # select the first word, tag it ACTOR
    tab.wait_for_text("✓ saved", since=mark)
    assert spans_of(server.db, "alice") == [("Daech", "ACTOR", 0, 5)]
    assert spans_of(server.db, "bob") == []

    origin = urlsplit(server.base)
    assert tab.requests and tab.sockets
    for url in tab.requests + tab.sockets:
        assert urlsplit(url).netloc == origin.netloc, f"the page reached another host: {url}"
    assert any(re.search(r"/static/fonts/RobotoMono-.*\.ttf$", url) for url in tab.requests)  # the wheel's font
    assert not [line for line in tab.console if "Content Security Policy" in line]
    tab.context.close()


def test_a_wrong_token_gets_403_and_no_session(browser, server):
    sessions_before = server.log().count("session started")
    tab = Tab(browser)
    alice = server.tokens[("annotate", "alice")]
    for query in ("", "?token=" + alice[:-1] + ("A" if alice[-1] != "A" else "B")):
        response = tab.page.goto(f"{server.base}/{query}")
        assert response.status == 403
        assert "not valid" in tab.page.content()
    # Even from a page of the right origin, a websocket with a wrong token never opens.
    outcome = tab.page.evaluate("""url => new Promise(done => {
        const socket = new WebSocket(url);
        socket.onopen = () => { socket.close(); done("open"); };
        socket.onerror = () => done("refused");
    })""", server.base.replace("http:", "ws:") + "/ws/" + "A" * 43)
    assert outcome == "refused"
    assert not tab.frames
    tab.context.close()
    assert server.log().count("session started") == sessions_before  # no app process was started


def test_closing_the_tab_right_after_a_tag_loses_nothing_shown_as_saved(browser, server):
    tab = Tab(browser)
    tab.page.goto(server.links[("annotate", "bob")])
    tab.wait_for_text("all saved")
    mark = tab.keys("Control+Shift+ArrowRight", "1")
    tab.wait_for_text("✓ saved", since=mark)  # the screen says saved...
    tab.keys("Control+ArrowRight", "Control+ArrowRight", "Control+Shift+ArrowRight", "2")
    tab.context.close()  # ...and the browser goes away in the middle of the next action
    log = server.wait_for_log("session ended: annotate as bob")
    pid = int(re.search(r"session started: annotate as bob \(pid (\d+)\)", log)[1])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the session's app process outlived its browser"
    spans = spans_of(server.db, "bob")
    assert spans[0] == ("Daech", "ACTOR", 0, 5)  # what the screen showed as saved is in the store
    assert len(spans) <= 2  # the action in flight either happened whole or not at all
