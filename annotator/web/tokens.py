"""Private links: a random token bound to one person and one screen, kept in an owner-only file.

Every link of ``annotator web`` carries a token (``secrets.token_urlsafe``) that names who the browser
session acts as; nothing else in a request can choose the name. ``--tokens FILE`` keeps the tokens
across restarts in a text file, one link a line::

    # annotator web: private links. Each token is a password; keep this file private (mode 0600).
    annotate alice 2Z0kq...
    review   carol Xy7f_...

The file is refused if others may read it, and written whole (a new file created with mode 0600,
then renamed over the old one), so it is never seen half written or with wider permissions.
No Textual, no aiohttp here: the command checks the file before anything else starts.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from annotator.errors import AnnotatorError

Screen = Literal["annotate", "review"]
SCREENS: tuple[Screen, ...] = ("annotate", "review")

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,128}")
NAME_RE = re.compile(r"[A-Za-z0-9_.@+-]{1,64}")
TOKEN_BYTES = 32  # 256 random bits; token_urlsafe writes them as 43 characters

HEADER = "# annotator web: private links. Each token is a password; keep this file private (mode 0600).\n"


class TokensFileError(AnnotatorError):
    """The tokens file cannot be read, is malformed or is open to others (exit 1, one line)."""


@dataclass(frozen=True, slots=True)
class Link:
    """Who a token lets in, and on which screen."""

    screen: Screen
    name: str
    token: str


@dataclass(frozen=True, slots=True)
class Wanted:
    """A person the command was asked to give a link to."""

    screen: Screen
    name: str


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """The links to serve, and what the tokens file should hold afterwards."""

    served: tuple[Link, ...]
    kept: tuple[Link, ...]
    new_tokens: bool


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def read_tokens(path: Path) -> list[Link]:
    """The links kept in ``path`` (none if it does not exist yet)."""
    try:  # no following a symbolic link, no waiting on a pipe
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise TokensFileError(f"{path}: cannot read the tokens file: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise TokensFileError(f"{path}: cannot read the tokens file: not a regular file")
    with os.fdopen(fd, "rb") as handle:
        if info.st_mode & 0o077:
            raise TokensFileError(f"{path}: others may read the tokens file (mode {stat.S_IMODE(info.st_mode):04o});"
                                  f" make it private first: chmod 600 {path}")
        try:
            raw = handle.read()
        except OSError as exc:
            raise TokensFileError(f"{path}: cannot read the tokens file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TokensFileError(f"{path}:{line}: not UTF-8 text") from None
    return parse_tokens(text, str(path))


def parse_tokens(text: str, where: str) -> list[Link]:
    links: list[Link] = []
    seen_people: set[tuple[str, str]] = set()
    seen_tokens: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        fields = content.split()
        if len(fields) != 3:
            raise TokensFileError(f"{where}:{number}: expected `SCREEN NAME TOKEN` (3 fields), found {len(fields)}")
        screen, name, token = fields
        if screen not in SCREENS:
            raise TokensFileError(f"{where}:{number}: screen: must be annotate or review")
        if not NAME_RE.fullmatch(name):
            raise TokensFileError(f"{where}:{number}: name: 1-64 letters, digits or _.@+-")
        if not TOKEN_RE.fullmatch(token):
            raise TokensFileError(f"{where}:{number}: token: 32-128 characters among A-Z a-z 0-9 _ -")
        if (screen, name) in seen_people:
            raise TokensFileError(f"{where}:{number}: name: a second {screen} link for {name}")
        if token in seen_tokens:
            raise TokensFileError(f"{where}:{number}: token: the same token as an earlier line")
        seen_people.add((screen, name))
        seen_tokens.add(token)
        links.append(Link(screen, name, token))  # screen: checked against SCREENS above
    return links


def plan_links(wanted: Sequence[Wanted], stored: Sequence[Link]) -> LinkPlan:
    """Reuse a stored token for each wanted person, make one for the others.

    With nobody wanted, every stored link is served. Stored links nobody asked for stay in the file.
    """
    by_person = {(link.screen, link.name): link for link in stored}
    if not wanted:
        return LinkPlan(tuple(stored), tuple(stored), False)
    served: list[Link] = []
    kept = list(stored)
    for person in dict.fromkeys(wanted):
        link = by_person.get((person.screen, person.name))
        if link is None:
            link = Link(person.screen, person.name, new_token())
            kept.append(link)
        served.append(link)
    return LinkPlan(tuple(served), tuple(kept), len(kept) != len(stored))


def write_tokens(path: Path, links: Iterable[Link]) -> None:
    """Write the whole file: a new owner-only file beside it, flushed, then renamed over ``path``."""
    body = HEADER + "".join(f"{link.screen:<8} {link.name} {link.token}\n" for link in links)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temporary, flags, 0o600)
    except OSError as exc:
        raise TokensFileError(f"{path}: cannot write the tokens file: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(body.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise TokensFileError(f"{path}: cannot write the tokens file: {exc.strerror}") from None
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def find_link(links: Sequence[Link], presented: str) -> Link | None:
    """The link whose token is ``presented``, compared in constant time against every link."""
    if not TOKEN_RE.fullmatch(presented):
        return None
    offered = presented.encode("ascii")
    found: Link | None = None
    for link in links:  # no early exit: the time taken does not tell which link, or how much, matched
        if hmac.compare_digest(link.token.encode("ascii"), offered):
            found = link
    return found
