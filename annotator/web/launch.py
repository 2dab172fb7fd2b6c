"""The one place where a link becomes the app process a browser session runs.

Each browser session is its own ``annotator annotate`` (or ``annotator review``) process on the
store (through ``app_process``, which ends it if the server dies), started with the name its token
is bound to: the browser never passes a name, an option or a path. The command is an argument list
run without a shell.

A PostgreSQL store will add the annotator's database role here (a connection string in
``SessionCommand.env``, kept out of the argument list where ``ps`` would show it), so that a link
acts with its own role and cannot write as someone else.
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


def session_command(target: StoreTarget, link: Link) -> SessionCommand:
    argv = [sys.executable, "-m", "annotator.web.app_process"]  # ``annotator ...``, ended if the server dies
    if link.screen == "annotate":
        argv += ["annotate", "--db", target.db, "--annotator", link.name]
    else:
        argv += ["review", "--db", target.db, "--reviewer", link.name]
    if target.schema is not None:
        argv += ["--schema", target.schema]
    return SessionCommand(tuple(argv))
