"""``annotator team add NAME --role annotator|reviewer|admin`` and ``annotator team list``: the
people of a PostgreSQL store, as database roles whose rights the database itself enforces."""

from __future__ import annotations

import argparse

from annotator.cli.common import add_db_to, annotator_name, err

ROLES = ("annotator", "reviewer", "admin")


def configure(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="make NAME a member of the store's team with a role",
                         description="Create the database user NAME (when new) and give it one role: an annotator "
                                     "writes only their own records; a reviewer also reads everyone's; an admin "
                                     "also imports documents and assigns them. Run it as a user who may create roles.")
    add.add_argument("name", type=annotator_name, metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    add_db_to(add)
    add_db_to(sub.add_parser("list", help="everyone with a role in the store"))
    p.set_defaults(func=run)


def _url(args: argparse.Namespace) -> str:
    from annotator.errors import UsageError
    from annotator.store import is_postgres, require_postgres, resolve_db

    target = resolve_db(args.db)
    if not is_postgres(target):
        raise UsageError(f"{target}: teams and roles need a PostgreSQL store (--db postgresql://USER@HOST/DATABASE); "
                         "in an SQLite store an annotator's name is only a label")
    require_postgres(target)
    return target


def run(args: argparse.Namespace) -> int:
    from annotator.store import describe_db, pg_admin

    url = _url(args)
    location = describe_db(url)
    if args.team_command == "add":
        err(f"annotator: {pg_admin.add_member(url, location, args.name, args.role)}")
        return 0
    team = pg_admin.members(url, location)
    if not team:
        err(f"annotator: nobody in {location} yet: `annotator team add NAME --role annotator`")
        return 0
    from annotator.text.sanitize import display_line

    width = max(len(m.name) for m in team)
    for m in team:
        print(display_line(f"{m.name:<{width}}  {m.role}"))
    return 0
