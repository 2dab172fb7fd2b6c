"""``annotator web`` as a user runs it: bad input stops it before it serves, with one line and exit 1;
links keep their tokens across restarts; the page and its websocket refuse a wrong token (403); the
token alone decides who a session acts as."""

from __future__ import annotations

import asyncio
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import ANNOTATOR, SCHEME_PATH
from tests.web.conftest import SERVER_ARGS, TEXT, spans_of
from tests.web.helpers import screen_text, start_server


def run_web(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ANNOTATOR, "web", "--schema", str(SCHEME_PATH), *args], check=False,
                          capture_output=True, text=True, timeout=60, cwd=cwd)


def assert_one_line_refusal(result: subprocess.CompletedProcess[str], needle: str, code: int = 1) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert "token=" not in result.stdout  # no link printed: nothing was served


def test_a_port_in_use_is_one_line_before_serving(web_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_web("--db", str(web_db), "--annotators", "alice", "--port", str(port))
    assert_one_line_refusal(result, f"cannot listen on 127.0.0.1:{port}: Address already in use")


def test_a_store_that_cannot_be_opened_is_one_line(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    assert_one_line_refusal(run_web("--db", str(bad), "--annotators", "alice", "--port", "0"), str(bad))


def test_a_malformed_tokens_file_is_one_line(web_db, tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("annotate alice not-a-token\n")
    tokens.chmod(0o600)
    result = run_web("--db", str(web_db), "--tokens", str(tokens), "--port", "0")
    assert_one_line_refusal(result, f"{tokens}:1: token: 32-128 characters")


def test_a_tokens_file_others_can_read_is_one_line(web_db, tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("annotate alice " + "a" * 43 + "\n")
    tokens.chmod(0o644)
    result = run_web("--db", str(web_db), "--tokens", str(tokens), "--port", "0")
    assert_one_line_refusal(result, "others may read the tokens file (mode 0644)")


def test_an_unreadable_tokens_file_is_one_line(web_db, tmp_path):
    result = run_web("--db", str(web_db), "--tokens", str(tmp_path), "--annotators", "alice", "--port", "0")
    assert_one_line_refusal(result, "cannot read the tokens file")


def test_nobody_named_is_a_usage_error(web_db):
    result = run_web("--db", str(web_db))
    assert_one_line_refusal(result, "name who gets a link", code=2)
    result = run_web("--db", str(web_db), "--annotators", "al/ice")
    assert result.returncode == 2 and "an annotator name is 1-64" in result.stderr


def test_tokens_are_kept_across_restarts_in_an_owner_only_file(web_db, tmp_path):
    tokens = tmp_path / "tokens"
    args = [*SERVER_ARGS, "--db", str(web_db), "--tokens", str(tokens), "--annotators", "alice,bob"]
    first = start_server(args, tmp_path / "1.log")
    assert first.stop() == 0
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    second = start_server(args, tmp_path / "2.log")
    assert second.stop() == 0
    assert second.tokens == first.tokens and len(set(first.tokens.values())) == 2
    assert set(first.links) == {("annotate", "alice"), ("annotate", "bob")}
    third = start_server([*SERVER_ARGS, "--db", str(web_db), "--tokens", str(tokens)], tmp_path / "3.log")
    assert third.stop() == 0
    assert third.tokens == first.tokens  # nobody named: every link the file keeps


def test_beyond_loopback_it_warns_that_traffic_is_plain_http(web_db, tmp_path):
    server = start_server([*SERVER_ARGS, "--db", str(web_db), "--annotators", "alice", "--host", "0.0.0.0"],
                          tmp_path / "w.log")
    try:
        assert "plain HTTP unless a reverse proxy adds TLS" in server.log()
    finally:
        assert server.stop() == 0
    quiet = start_server([*SERVER_ARGS, "--db", str(web_db), "--annotators", "alice"], tmp_path / "q.log")
    assert quiet.stop() == 0
    assert "plain HTTP" not in quiet.log()


async def _status(session: aiohttp.ClientSession, url: str) -> int:
    async with session.get(url) as response:
        return response.status


async def _ws_status(session: aiohttp.ClientSession, url: str) -> int:
    try:
        async with session.ws_connect(url):
            return 101
    except aiohttp.WSServerHandshakeError as exc:
        return exc.status


async def _app_text(session: aiohttp.ClientSession, url: str, needle: str, timeout: float = 20.0) -> str:
    frames: list[bytes] = []
    async with session.ws_connect(url) as ws:
        await ws.send_json(["resize", {"width": 120, "height": 30}])
        async with asyncio.timeout(timeout):
            while needle not in screen_text(frames):
                message = await ws.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    frames.append(message.data)
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    break
    return screen_text(frames)


@pytest.fixture
def server(web_db, tmp_path):
    running = start_server([*SERVER_ARGS, "--db", str(web_db), "--annotators", "alice,bob", "--reviewers", "carol"],
                           tmp_path / "server.log")
    yield running
    assert running.stop() == 0


async def test_wrong_or_missing_tokens_get_403_on_the_page_and_the_websocket(server):
    alice = server.tokens[("annotate", "alice")]
    ws_base = server.base.replace("http:", "ws:")
    async with aiohttp.ClientSession() as session:
        assert await _status(session, f"{server.base}/?token={alice}") == 200
        for query in ("", "?token=", f"?token={alice[:-1]}", f"?token={alice}x", "?token=" + "A" * 43,
                      f"?tokens={alice}"):
            assert await _status(session, f"{server.base}/{query}") == 403, query
        for path in ("/ws", f"/ws/{alice[:-1]}", "/ws/" + "A" * 43, f"/ws/{alice}x"):
            assert await _ws_status(session, f"{ws_base}{path}") == 403, path
    assert "session started" not in server.log()  # no app was started for any of them
    assert alice not in server.log()  # the access log never shows a token


async def test_the_token_alone_decides_who_the_session_acts_as(server):
    ws_base = server.base.replace("http:", "ws:")
    async with aiohttp.ClientSession() as session:
        alice = server.tokens[("annotate", "alice")]
        # the article (a session's first frame, painted before the browser's size arrives, may show the
        # header and the footer around an empty article; the article follows once the size is known)
        text = await _app_text(session, f"{ws_base}/ws/{alice}?width=120&height=30&annotator=bob", TEXT[:20])
        assert "alice" in text and "bob" not in text and TEXT[:20] in text
        carol = server.tokens[("review", "carol")]
        text = await _app_text(session, f"{ws_base}/ws/{carol}?width=120&height=30", "review: carol")
        assert "review: carol" in text
    server.wait_for_log("session ended", count=2)
    log = server.log()
    assert "session started: annotate as alice" in log and "session started: review as carol" in log


async def test_a_server_killed_outright_takes_its_sessions_apps_with_it_and_loses_nothing_saved(web_db, tmp_path):
    server = start_server([*SERVER_ARGS, "--db", str(web_db), "--annotators", "alice"], tmp_path / "k.log")
    url = server.base.replace("http:", "ws:") + "/ws/" + server.tokens[("annotate", "alice")] + "?width=100&height=30"
    frames: list[bytes] = []

    async def until(ws: aiohttp.ClientWebSocketResponse, needle: str, since: int) -> None:
        async with asyncio.timeout(20):
            while needle not in screen_text(frames[since:]):
                message = await ws.receive()
                assert message.type == aiohttp.WSMsgType.BINARY, message
                frames.append(message.data)

    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await until(ws, "all saved", 0)
        mark = len(frames)
        await ws.send_json(["stdin", "1"])  # tag the word under the cursor as ACTOR
        await until(ws, "✓ saved", mark)
        pid = int(re.search(r"session started: annotate as alice \(pid (\d+)\)", server.log())[1])
        server.process.kill()
        server.process.wait()
        server.process.stdout.close()
    deadline = time.monotonic() + 15
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the app outlived its server"
    assert spans_of(web_db, "alice") == [("Daech", "ACTOR", 0, 5)]


async def test_behind_a_reverse_proxy_the_page_points_at_the_public_url(web_db, tmp_path):
    public = "https://annotate.example.org/team"
    server = start_server([*SERVER_ARGS, "--db", str(web_db), "--annotators", "alice", "--public-url", public + "/"],
                          tmp_path / "p.log")
    try:
        token = server.tokens[("annotate", "alice")]
        assert server.links[("annotate", "alice")] == f"{public}/?token={token}"
        async with aiohttp.ClientSession() as session, session.get(f"{server.base}/?token={token}") as response:
            page = await response.text()
            assert response.status == 200
            assert response.headers["Cache-Control"] == "no-store"
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert f'data-session-websocket-url="wss://annotate.example.org/team/ws/{token}"' in page
        assert 'href="https://annotate.example.org/team/static/css/xterm.css"' in page
        assert "fonts.googleapis" not in page
    finally:
        assert server.stop() == 0


def test_without_the_web_extra_it_says_what_to_install(web_db):
    code = ("import sys; sys.modules['textual_serve'] = None\n"  # as if the web extra were not installed
            "from annotator.cli import main\n"
            f"sys.exit(main(['web', '--db', {str(web_db)!r}, '--annotators', 'alice', '--port', '0']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert_one_line_refusal(result, "pip install 'annotator[web]'")
