"""``annotator web --annotators alice,bob [--reviewers carol]``: the same app in a browser, one private
link per person.

Everything that can be wrong is checked before the server starts, each as one line and exit 1: the
store, the scheme, the tokens file, the address to listen on. Only then are the links printed and
the server run (``annotator.web.server``, which needs the ``web`` extra).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from annotator.cli.common import annotator_name, err, load_scheme_arg, open_store_arg
from annotator.errors import AnnotatorError, UsageError
from annotator.store import is_postgres

if TYPE_CHECKING:
    from annotator.schema import Scheme


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="documents to import first (default: seeds/ when the store is empty)")
    p.add_argument("--annotators", type=name_list, default=[], metavar="NAMES",
                   help="comma-separated names; each gets a private link to the annotate screen as that name")
    p.add_argument("--reviewers", type=name_list, default=[], metavar="NAMES",
                   help="comma-separated names; each gets a private link to the review screen (gold record of that "
                        "name)")
    p.add_argument("--tokens", metavar="FILE",
                   help="keep the links' tokens in FILE across restarts (created with mode 0600; "
                        "without --annotators/--reviewers, serve every link it lists)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=port_number, default=8000, help="port to listen on (default: 8000; 0: any free port)")
    p.add_argument("--public-url", metavar="URL", type=public_url,
                   help="the address browsers use when a reverse proxy is in front (e.g. https://annotate.example.org)")
    p.set_defaults(func=run)


def name_list(value: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one person, e.g. alice,bob")
    return [annotator_name(name) for name in names]


def port_number(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535")
    return port


def public_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or any(c in value for c in "\"'<> \\"):
        raise argparse.ArgumentTypeError("an http:// or https:// address, with no query, e.g. "
                                         "https://annotate.example.org")
    return value.rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """Bind and listen now, so a port in use is a one-line error before anything is served."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise AnnotatorError(f"annotator web: cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not SO_REUSEPORT: a port in use stays refused
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = " (another server is there: choose another --port)" if exc.errno == 98 else ""
        raise AnnotatorError(f"annotator web: cannot listen on {host}:{port}: {exc.strerror}{hint}") from None
    sock.setblocking(False)
    return sock


def link_base(host: str, sock: socket.socket, fixed: str | None) -> str:
    if fixed:
        return fixed
    port = sock.getsockname()[1]
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def run(args: argparse.Namespace) -> int:
    from annotator.web.launch import StoreTarget
    from annotator.web.tokens import Wanted, plan_links, read_tokens, write_tokens

    wanted = [Wanted("annotate", n) for n in args.annotators] + [Wanted("review", n) for n in args.reviewers]
    if not wanted and not args.tokens:
        raise UsageError("name who gets a link: --annotators alice,bob (and/or --reviewers carol), or --tokens FILE")
    try:
        from annotator.web.server import AnnotatorServer
    except ImportError as exc:
        raise AnnotatorError(f"annotator web needs the web extra ({exc.name} is missing):"
                             " pip install 'annotator[web]'") from None

    scheme = load_scheme_arg(args)
    from annotator.tui.scheme_check import check_scheme

    check_scheme(scheme)  # each browser tab runs the TUI: a scheme it cannot show is refused here, once
    db = prepare_store(args, scheme)
    target = StoreTarget(db=db if is_postgres(db) else os.path.abspath(db),
                         schema=os.path.abspath(args.schema) if args.schema else None)

    tokens_path = Path(args.tokens) if args.tokens else None
    plan = plan_links(wanted, read_tokens(tokens_path) if tokens_path else [])
    if not plan.served:
        raise AnnotatorError(f"annotator web: {tokens_path} lists no link; "
                             "name people with --annotators or --reviewers")

    sock = listen(args.host, args.port)
    try:
        if tokens_path is not None and (plan.new_tokens or not tokens_path.exists()):
            write_tokens(tokens_path, plan.kept)
    except AnnotatorError:
        sock.close()
        raise
    if not is_loopback(args.host):
        err(f"annotator web: warning: listening on {args.host}, beyond this machine: the links and everything on the"
            " page travel as plain HTTP unless a reverse proxy adds TLS (README: In a browser), with --public-url")
    base = link_base(args.host, sock, args.public_url)

    listening = link_base(args.host, sock, None)

    def announce() -> None:
        print(f"annotator web: listening on {listening}")
        print("Private links (each one is a password: give it to that person only):")
        for link in plan.served:
            print(f"  {link.screen:<8} {link.name:<16} {base}/?token={link.token}")
        print("Press ctrl+c to stop; every action is already saved.", flush=True)

    AnnotatorServer(target, plan.served, host=args.host, port=sock.getsockname()[1], public_url=args.public_url,
                    announce=announce).serve_on(sock)
    return 0


def prepare_store(args: argparse.Namespace, scheme: Scheme) -> str:
    """Open the store once (a store that cannot be used stops here), import SOURCES, and say where it is."""
    store = open_store_arg(args)
    try:
        sources = args.sources
        if not sources and store.document_count() == 0:
            from annotator.cli.annotate import default_sources

            sources = default_sources()
        if sources:
            from annotator.cli.common import LOGIN_HINT, working_as
            from annotator.importing import open_sources

            result = open_sources(store, sources, scheme, working_as(None, store, hint=LOGIN_HINT))
            if result.summary.documents_added:
                err(f"imported {result.summary}")
        if store.document_count() == 0:
            raise AnnotatorError("annotator web: the store holds no document: name a .txt file, a folder or a .jsonl "
                                 "file")
        from annotator.review.session import ReviewSession

        for reviewer in args.reviewers:
            if not ReviewSession(store, scheme, reviewer).documents():
                err(f"annotator web: note: nothing for {reviewer} to review yet (no document has another annotator's"
                    " done record): their link opens the review screen once there is")
        from annotator.store import resolve_db

        return resolve_db(args.db)
    finally:
        store.close()
