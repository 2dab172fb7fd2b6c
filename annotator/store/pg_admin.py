"""Administering a PostgreSQL store: preparing (or upgrading) a database, and its team's roles.

``annotator db init URL`` lays out an empty database (tables, group roles, row-level security)
or brings an older one up to this annotator's format; ``annotator team add NAME --role R`` makes
NAME a login role that belongs to the store's group role R, and no other of its groups.
Both run as a user who may create roles: the database's owner with CREATEROLE, or a superuser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from annotator.errors import StoreError
from annotator.store import pg_migrations as schema
from annotator.store.pg_connection import connect, first_line

INIT_LOCK = 0x414E4E54  # "ANNT": two db inits at once take turns


@dataclass(frozen=True, slots=True)
class TeamMember:
    name: str
    role: str  # annotator, reviewer or admin


def _no_rights(location: str, what: str) -> StoreError:
    return StoreError(f"{location}: {what} needs a user who may create roles and tables (the database's owner "
                      "with CREATEROLE, or a superuser): connect as one in the URL")


def init_database(url: str, location: str) -> str:
    """Prepare or upgrade the database; say what was done."""
    conn = connect(url, location)
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (INIT_LOCK,))
            cur.execute("SELECT current_database(), to_regclass('annotator_meta') IS NOT NULL,"
                        " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())")
            db, has_meta, tables = cur.fetchone() or ("", False, 0)
            if not has_meta:
                if tables:
                    raise StoreError(f"{location}: this database holds other tables, not an annotator store; "
                                     "give annotator an empty database of its own")
                roles = schema.create(cur, db)
                return (f"{location}: prepared (format {schema.FORMAT_VERSION}; roles {roles.annotator}, "
                        f"{roles.reviewer}, {roles.admin}); add people with `annotator team add NAME --role ROLE`")
            version = schema.stored_format(dict(cur.execute("SELECT key, value FROM annotator_meta").fetchall()),
                                           location)
            if version == schema.FORMAT_VERSION:
                return f"{location}: already an annotator store of format {version}; nothing to do"
            schema.migrate(cur, version)
            return f"{location}: upgraded from format {version} to {schema.FORMAT_VERSION}"
    except psycopg.errors.InsufficientPrivilege:
        raise _no_rights(location, "`annotator db init`") from None
    except psycopg.Error as exc:
        raise StoreError(f"{location}: {first_line(exc)}") from None
    finally:
        conn.close()


def _roles(cur: Any, location: str) -> schema.Roles:
    if cur.execute("SELECT to_regclass('annotator_meta') IS NOT NULL").fetchone()[0] is not True:
        raise StoreError(f"{location}: not an annotator store: prepare it with `annotator db init URL`")
    meta = dict(cur.execute("SELECT key, value FROM annotator_meta").fetchall())
    return schema.Roles.from_meta(meta)


def add_member(url: str, location: str, name: str, role: str) -> str:
    """Make ``name`` (a new or existing login role) a member of the store's group ``role`` only."""
    conn = connect(url, location)
    try:
        with conn.transaction(), conn.cursor() as cur:
            roles = _roles(cur, location)
            who = sql.Identifier(name)
            made = cur.execute("SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", (name,)).fetchone()
            if made and made[0]:
                cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(who))
            for kind in schema.ROLE_KINDS:
                group = sql.Identifier(roles.of(kind))
                if kind == role:
                    cur.execute(sql.SQL("GRANT {} TO {}").format(group, who))
                else:
                    cur.execute(sql.SQL("REVOKE {} FROM {}").format(group, who))
        created = "created, " if made and made[0] else ""
        return (f"{name}: {created}{role} of {location}; they connect as postgresql://{name}@HOST:PORT/DATABASE "
                f"(set a password with: psql -c '\\password {name}')")
    except psycopg.errors.InsufficientPrivilege:
        raise _no_rights(location, "`annotator team add`") from None
    except psycopg.Error as exc:
        raise StoreError(f"{location}: {first_line(exc)}") from None
    finally:
        conn.close()


def members(url: str, location: str) -> list[TeamMember]:
    """Everyone in one of the store's groups, by name."""
    conn = connect(url, location)
    try:
        with conn.cursor() as cur:
            roles = _roles(cur, location)
            groups = {roles.of(kind): kind for kind in schema.ROLE_KINDS}
            rows = cur.execute(
                "SELECT m.rolname, g.rolname FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.member"
                " JOIN pg_roles g ON g.oid = am.roleid WHERE g.rolname = ANY(%s) AND NOT m.rolname = ANY(%s)",
                (list(groups), list(groups))).fetchall()
    except psycopg.Error as exc:
        raise StoreError(f"{location}: {first_line(exc)}") from None
    finally:
        conn.close()
    return sorted((TeamMember(name, groups[group]) for name, group in rows), key=lambda m: (m.name, m.role))
