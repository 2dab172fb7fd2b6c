"""What every command shares: --db, --annotator, --schema, --labels, error printing and progress bars."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from annotator.errors import AnnotatorError, InvalidData, UsageError
from annotator.model.patterns import annotator_name_problem
from annotator.text.sanitize import display_line


def default_annotator(hint: str = "pass --annotator NAME") -> str:
    """The login name, as it is: a login name that cannot be an annotator name is refused with
    ``hint`` (never rewritten: ``josé`` and ``jos_`` must stay two people)."""
    try:
        name = getpass.getuser()
    except Exception:  # no login name at all (containers): a neutral one
        return "annotator"
    problem = annotator_name_problem(name)
    if problem is not None:
        raise UsageError(f"your login name {name!r} cannot be an annotator name ({problem}): {hint}")
    return name


# where a command has no --annotator, the login name names the records its SOURCES leave unnamed
LOGIN_HINT = "run it as LOGNAME=NAME annotator ... (the name given to records that name no annotator)"


def working_as(given: str | None, store: Any, fallback: str | None = None, *,
               hint: str = "pass --annotator NAME") -> str:
    """Whose work a session is: on a store that knows who connects (PostgreSQL), the database
    user, and a different ``--annotator`` is a usage error; elsewhere the name given, else
    ``fallback``, else the login name (a label; ``hint`` says what to do when it cannot be one)."""
    user = store.user
    if user is None:
        return given or fallback or default_annotator(hint)
    if given is not None and given != user:
        from annotator.errors import UsageError

        raise UsageError(f"{store.location}: you work as the database user {user!r}; to work as {given!r}, "
                         f"connect as them: postgresql://{given}@HOST:PORT/DATABASE")
    return str(user)


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH|URL", help="the store: a file, or postgresql://USER@HOST:PORT/DATABASE "
                   "(default: $ANNOTATOR_DB, else ./annotator.db)")
    p.add_argument("--schema", metavar="TOML", help="the label scheme (default: $ANNOTATOR_SCHEMA, else "
                   "./schemas/news.toml if present, else the news scheme shipped with annotator)")


def add_db_to(sub: argparse.ArgumentParser) -> None:
    """--db on a sub-command too (``annotator team add NAME --db URL``), where given it wins."""
    sub.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS,
                     help="the store (default: $ANNOTATOR_DB, else ./annotator.db)")


def add_annotator(p: argparse.ArgumentParser, help_text: str | None = None) -> None:
    p.add_argument("--annotator", metavar="NAME", type=annotator_name,
                   help=help_text or "whose work this is (default: your login name)")


def add_labels(p: argparse.ArgumentParser) -> None:
    p.add_argument("--labels", nargs="+", metavar="LABEL",
                   help="only these labels (names or comma-separated lists; default: every label of the scheme)")


def chosen_labels(scheme: Any, names: list[str] | None) -> list[str]:
    """The labels in scope, in scheme order; UsageError for a name the scheme lacks."""
    if not names:
        return [lab.name for lab in scheme.labels]
    wanted = {n.strip() for arg in names for n in arg.split(",") if n.strip()}
    unknown = sorted(wanted - set(scheme.by_name))
    if unknown:
        hint = ""
        if any(os.path.exists(n) for n in unknown):
            hint = " (a file was read as a label: put --labels after the SOURCES, or write --labels=ACTOR,DATE)"
        raise UsageError(f"unknown label(s) {', '.join(map(repr, unknown))}; the scheme has "
                         f"{', '.join(lab.name for lab in scheme.labels)}{hint}")
    return [lab.name for lab in scheme.labels if lab.name in wanted]


def annotator_name(value: str) -> str:
    problem = annotator_name_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{value!r}: {problem}")
    return value


def err(message: str) -> None:
    print(display_line(message), file=sys.stderr)


def print_problems(exc: InvalidData) -> None:
    for p in exc.problems:
        err(str(p))
    if exc.total > len(exc.problems):
        err(f"... and {exc.total - len(exc.problems)} more problem(s)")
    if exc.summary:
        err(f"annotator: {exc.summary} ({exc.total} problem(s))")


def run_command(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except InvalidData as exc:
        print_problems(exc)
        return exc.exit_code
    except AnnotatorError as exc:
        err(f"annotator: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        err("annotator: interrupted; everything saved before this point is kept")
        return 130
    except BrokenPipeError:
        return 0


def require_terminal(command: str) -> None:
    """A screen needs a terminal on standard input and output: refuse (exit 2) rather than write
    escape codes into a pipe and wait for keys that never come. A Textual driver chosen in the
    environment (``annotator web``'s sessions run under textual-serve's, a test harness its own)
    draws elsewhere: then the screen runs."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    missing = [name for name, stream in (("input", sys.stdin), ("output", sys.stdout))
               if stream is None or not stream.isatty()]
    if missing:
        from annotator.errors import UsageError

        raise UsageError(f"{command} opens a screen and needs a terminal, but standard {' and '.join(missing)} "
                         f"{'is' if len(missing) == 1 else 'are'} not one (annotator import and export work without "
                         "one)")


def load_scheme_arg(args: argparse.Namespace) -> Any:
    from annotator.schema import load_scheme

    return load_scheme(args.schema)


def open_store_arg(args: argparse.Namespace, *, create: bool = True) -> Any:
    from annotator.store import open_store

    return open_store(args.db, create=create)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[], None]]:
    """A Rich progress bar on stderr when it is a terminal; otherwise a silent counter."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        count = 0

        def step() -> None:
            nonlocal count
            count += 1
            if count % 256 == 0:
                bar.update(task, completed=count)

        yield step
        bar.update(task, completed=count)
