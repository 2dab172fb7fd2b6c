"""``annotator web``'s server: textual-serve with a private link per person and an offline page.

textual-serve runs one app process per browser websocket and relays its output to xterm.js. What
this module changes:

- the page (``/?token=T``) and its websocket (``/ws/T``) answer 403 unless T is the token of a
  link, and the link, not the browser, decides the app command (``launch.session_command``);
- the app process is started from an argument list, without a shell;
- the page is our template (``templates/app_index.html``): fonts from the wheel, nothing from any
  other host, and headers that keep it so (Content-Security-Policy), out of caches and out of frames;
- the access log never shows a token. Files an app delivers (Textual's screenshot command) keep
  textual-serve's route, ``/download/KEY``: the page opens it without the token, and KEY, a random
  uuid4 the app makes per file, is the capability.

Imported only by ``annotator web`` (it needs the ``web`` extra: textual-serve, aiohttp).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from annotator.web.launch import SessionCommand, StoreTarget, session_command
from annotator.web.tokens import Link, find_link

log = logging.getLogger("annotator.web")

TEMPLATES = Path(__file__).resolve().parent / "templates"

# The page's own scripts and styles are inline in the template; everything else must come from the
# page's own origin. Chromium reports (and blocks) anything else.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
FORBIDDEN = "403: this link is not valid (ask for your private link)\n"
STOP_WAIT_S = 5.0


class SessionProcess(AppService):
    """One browser session's app process, started from an argument list (no shell)."""

    def __init__(self, command: SessionCommand, **kwargs: Any) -> None:
        super().__init__(shlex.join(command.argv), **kwargs)
        self.session_command = command

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        environment.update(self.session_command.env)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.session_command.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,  # a ctrl+c at the server's terminal reaches the server only; it ends each app
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def run(self) -> None:
        await super().run()
        await self.remote_close()  # the app has ended (quit, crashed, killed): the page says so

    def kill(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            process.kill()


class TokenFreeAccessLogger(AbstractAccessLogger):
    """One line per request, with the token (or download key) cut out of the path and no query string."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = request.path
        for secret in ("/ws/", "/download/"):
            if path.startswith(secret):
                path = secret + "…"
        self.logger.info("%s %s %s %s", request.remote, request.method, path, response.status)

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


class AnnotatorServer(Server):
    """textual-serve's server with private links; see the module's docstring."""

    def __init__(self, target: StoreTarget, links: tuple[Link, ...], *, host: str, port: int,
                 public_url: str | None = None, announce: Callable[[], None] = lambda: None) -> None:
        super().__init__("annotator", host=host, port=port, title="annotator", public_url=public_url,
                         templates_path=TEMPLATES)
        self.target = target
        self.links = links
        self.fixed_public_url = public_url
        self.announce = announce
        self.sessions: set[SessionProcess] = set()
        self.sockets: set[web.WebSocketResponse] = set()

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_forbidden),
            web.get("/ws/{token}", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        app.on_cleanup.append(self.on_cleanup)
        return app

    def base_url(self, request: web.Request) -> str:
        """Where the browser reaches this server: ``--public-url``, else the address it used."""
        if self.fixed_public_url:
            return self.fixed_public_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    async def handle_forbidden(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPForbidden(text=FORBIDDEN)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        link = find_link(self.links, request.query.get("token", ""))
        if link is None:
            raise web.HTTPForbidden(text=FORBIDDEN, headers={"Cache-Control": "no-store"})
        base = self.base_url(request)
        websocket = base.replace("https:", "wss:", 1) if base.startswith("https:") else base.replace("http:", "ws:", 1)
        context = {
            "font_size": min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 64),
            "app_websocket_url": f"{websocket}/ws/{link.token}",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": f"annotator · {link.screen} · {link.name}"},
            "ping_url": "",
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers.update(PAGE_HEADERS)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        link = find_link(self.links, request.match_info.get("token", ""))
        if link is None:
            raise web.HTTPForbidden(text=FORBIDDEN)
        width = min(max(to_int(request.query.get("width", "80"), 80), 10), 1000)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 500)
        websocket = web.WebSocketResponse(heartbeat=15)
        session: SessionProcess | None = None
        try:
            await websocket.prepare(request)
            self.sockets.add(websocket)
            session = SessionProcess(session_command(self.target, link), write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str, close=websocket.close,
                                     download_manager=self.download_manager)
            self.sessions.add(session)
            await session.start(width, height)
            log.info("session started: %s as %s (pid %s)", link.screen, link.name, session.pid)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            await websocket.close()
        except (ValueError, TypeError, LookupError, AssertionError, OSError, RuntimeError) as error:
            # a malformed message from the browser, a broken pipe to the app: this session ends, not the server
            log.warning("session of %s ended: %s", link.name, type(error).__name__)
        finally:
            if session is not None:
                await self._stop(session)
                self.sessions.discard(session)
                log.info("session ended: %s as %s", link.screen, link.name)
            self.sockets.discard(websocket)
        return websocket

    async def _stop(self, session: SessionProcess) -> None:
        """Ask the app to quit (every action is already committed), then make sure it has."""
        try:
            await asyncio.wait_for(session.stop(), STOP_WAIT_S)
        except (TimeoutError, ConnectionError, RuntimeError):
            session.kill()

    async def on_startup(self, app: web.Application) -> None:
        self.announce()  # ctrl+c now stops the server gracefully

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    async def on_cleanup(self, app: web.Application) -> None:
        for session in list(self.sessions):
            session.kill()

    def serve_on(self, sock: socket.socket) -> None:
        """Serve until SIGINT or SIGTERM on a socket the command has already bound."""
        self.initialize_logging()
        web.run_app(self._make_app(), sock=sock, print=None, access_log_class=TokenFreeAccessLogger,
                    shutdown_timeout=STOP_WAIT_S + 1)
