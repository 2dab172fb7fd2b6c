"""The one place where a link becomes the app process a browser session runs.

Each browser session is its own ``annotator annotate`` (or ``annotator review``) process on the
store (through ``app_process``, which ends it if the server dies), started with the name its token
is bound to: the browser never passes a name, an option or a path. The command is an argument list
run without a shell.

On a PostgreSQL store a link's session connects as the link's own database user: the store's URL
with the user replaced and any password dropped (each user's password comes from ``~/.pgpass`` or
a service file of the server's account), passed as ``ANNOTATOR_DB`` in ``SessionCommand.env``, out
of the argument list where ``ps`` would show it; the database's row-level security then keeps the
link to its own records.

A session computes suggestions without a spaCy pipeline: a model loaded in every session's process
would multiply its memory; suggestions kept by ``annotator suggest`` beforehand (with the model)
are read from the store as they are.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from annotator.web.tokens import Link


@dataclass(frozen=True, slots=True)
class StoreTarget:
    """What every session opens: the store and the label scheme, as absolute paths."""

    db: str
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class SessionCommand:
    """The process of one browser session: its arguments and what it adds to the environment."""

    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)


def as_user(url: str, user: str) -> str:
    """A PostgreSQL URL for ``user``, without a password."""
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}@{host}"))


def session_command(target: StoreTarget, link: Link) -> SessionCommand:
    from annotator.store import is_postgres

    argv = [sys.executable, "-m", "annotator.web.app_process"]  # ``annotator ...``, ended if the server dies
    env: dict[str, str] = {}
    db = ["--db", target.db]
    if is_postgres(target.db):
        env["ANNOTATOR_DB"] = as_user(target.db, link.name)
        db = []
    if link.screen == "annotate":
        # no spaCy pipeline per session (each would load its own, some 100 MB): the rules and the
        # gazetteer run, and what `annotator suggest` kept in the store (with the model) is shown as is
        argv += ["annotate", *db, "--annotator", link.name, "--no-model"]
    else:
        argv += ["review", *db, "--reviewer", link.name]
    if target.schema is not None:
        argv += ["--schema", target.schema]
    return SessionCommand(tuple(argv), env)
