"""``annotator db init [URL]``: prepare a store (a PostgreSQL database: its tables, roles and
row-level security; an SQLite file: created), or bring an older one up to this annotator's format."""

from __future__ import annotations

import argparse

from annotator.cli.common import add_db_to, err


def configure(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="prepare an empty database (or upgrade an older store)",
                          description="Prepare an empty PostgreSQL database for a team (run it as the database's "
                                      "owner with CREATEROLE, or a superuser), or create an SQLite store file.")
    init.add_argument("url", nargs="?", metavar="URL",
                      help="postgresql://USER@HOST:PORT/DATABASE, or a file path (default: --db, $ANNOTATOR_DB)")
    add_db_to(init)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.store import describe_db, is_postgres, open_store, require_postgres, resolve_db

    target = resolve_db(args.url or args.db)
    if not is_postgres(target):
        with open_store(target) as store:
            err(f"annotator: {store.location}: ready (an SQLite store: annotator names are labels; teams and roles "
                "need PostgreSQL)")
        return 0
    require_postgres(target)
    from annotator.store.pg_admin import init_database

    err(f"annotator: {init_database(target, describe_db(target))}")
    return 0
