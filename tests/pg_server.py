"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary folder, started with
``pg_ctl`` on a free port and a unix socket in that folder, stopped and removed at the end.

``initdb`` and ``pg_ctl`` refuse to run as root: as root they run as the ``postgres`` user
(``runuser``) on a folder it owns. A server that cannot start FAILS the tests that need it (never
a skip): ``.ci/run`` installs Debian's ``postgresql`` package when ``initdb`` is missing.

A test leases an empty annotator database: one used before and emptied (``TRUNCATE``, a few
milliseconds), else a new copy of a template prepared once with ``annotator db init``
(``CREATE DATABASE ... TEMPLATE``, about half a second here). A test that changes more than the
store's rows (its format, its tables) takes a database of its own (:meth:`new_database`).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path

TEMPLATE = "annotator_tmpl"
SUPERUSER = "postgres"
PASSWORD_USER = "pw_checked"


def find_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql); "
                           "the PostgreSQL store's tests need it")
    return candidates[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One server for the test session."""

    def __init__(self, durable: bool = False) -> None:
        """``durable``: fsync on, as a real server (benchmarks); tests leave flushing to the OS."""
        self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self._names = itertools.count(1)
        self._free: list[str] = []
        try:
            self._prepare(durable)
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        self.start()
        try:
            self.sql(f"CREATE DATABASE {TEMPLATE}")
            from annotator.store.pg_admin import init_database

            init_database(self.url(TEMPLATE), TEMPLATE)
        except BaseException:
            self.close()
            raise

    def _prepare(self, durable: bool) -> None:
        if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
            raise RuntimeError("/dev/null is not a device (something replaced it with a file): initdb needs it; "
                               ".ci/run puts the device back")
        if self.as_root:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "postgres", "postgres")
        self._run([find_bin("initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"])
        # durable commits stay on (the kill -9 and restart tests rely on them); fsync is left to the OS
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\nmax_connections = 200\nlisten_addresses = '127.0.0.1'\n")
            conf.write("shared_buffers = 256MB\n" if durable else "fsync = off\nfull_page_writes = off\n"
                       "shared_buffers = 64MB\n")
        # trust for everyone (tests only: any local connection may claim any role), except one user whose
        # password is checked over TCP (the wrong-password test)
        (self.data / "pg_hba.conf").write_text(
            f"local all all trust\nhost all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n", encoding="utf-8")
        if self.as_root:
            shutil.chown(self.data / "pg_hba.conf", "postgres", "postgres")

    def _run(self, argv: list[str]) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *argv] if self.as_root else argv
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:2])} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")

    def start(self) -> None:
        self._run([find_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60",
                   "-o", f"-k {self.root} -p {self.port}", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([find_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def url(self, db: str, user: str = SUPERUSER) -> str:
        """Over the unix socket in the server's folder."""
        return f"postgresql://{user}@/{db}?host={self.root}&port={self.port}"

    def tcp_url(self, db: str, user: str = SUPERUSER, password: str | None = None) -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{db}"

    def sql(self, statement: str, db: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as conn:
            conn.execute(statement)

    def sql_rows(self, query: str, db: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as conn:
            return conn.execute(query).fetchall()

    def new_database(self) -> str:
        """The name of a new database, a copy of the prepared template."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return name

    def lease(self) -> str:
        """An empty annotator database (give it back with :meth:`give_back`)."""
        return self._free.pop() if self._free else self.new_database()

    def give_back(self, name: str) -> None:
        """Empty a leased database for the next test (its connections ended first)."""
        import psycopg

        try:
            self.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                     " AND pid <> pg_backend_pid()")
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute("TRUNCATE documents, records, actions, assignments, suggestions, suggestion_rejections"
                             " RESTART IDENTITY")
        except psycopg.Error:
            self.drop_database(name)
            return
        self._free.append(name)

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
