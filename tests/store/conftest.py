"""The backends every store test runs against: each gives fresh, empty stores by their ``--db``
value. A new backend adds itself here and must pass ``test_contract.py`` unchanged: SQLite (a
file per store) and PostgreSQL (a database per store on one server per test session)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotator.store import open_store
from annotator.store.base import Store
from tests.pg_server import PgServer


class Backend:
    """Hands out new empty stores of one kind and opens them again."""

    name = "sqlite"

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.count = 0

    def new(self) -> str:
        """The ``--db`` value of a new, empty store."""
        self.count += 1
        return str(self.tmp / f"store{self.count}.db")

    def open(self, db: str, *, create: bool = True) -> Store:
        return open_store(db, create=create)

    @contextmanager
    def read_only(self, db: str) -> Iterator[None]:
        """While inside, the store ``db`` (closed) cannot be written by this user: its file made
        immutable as root (which permissions do not stop), read-only by its mode otherwise."""
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", db], check=True)
            try:
                yield
            finally:
                subprocess.run(["chattr", "-i", db], check=True)
        else:
            os.chmod(db, 0o444)
            try:
                yield
            finally:
                os.chmod(db, 0o644)


class PostgresBackend(Backend):
    """An empty database per store, leased from the session's server (``tests/pg_server.py``)
    and given back, emptied, when the test ends."""

    name = "postgresql"

    def __init__(self, tmp: Path, server: PgServer):
        super().__init__(tmp)
        self.server = server
        self.databases: list[str] = []

    def new(self) -> str:
        name = self.server.lease()
        self.databases.append(name)
        return self.server.url(name)

    @contextmanager
    def read_only(self, db: str) -> Iterator[None]:
        """While inside, the database refuses writes to every new session (as on a standby)."""
        name = db.split("?")[0].rsplit("/", 1)[1]
        self.server.sql(f"ALTER DATABASE \"{name}\" SET default_transaction_read_only = on")
        try:
            yield
        finally:
            self.server.sql(f"ALTER DATABASE \"{name}\" RESET default_transaction_read_only")

    def close(self) -> None:
        for name in self.databases:
            self.server.give_back(name)


BACKENDS: dict[str, type[Backend]] = {"sqlite": Backend, "postgresql": PostgresBackend}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "postgresql":
        pg = PostgresBackend(tmp_path, request.getfixturevalue("pg_server"))
        yield pg
        pg.close()
    else:
        yield BACKENDS[request.param](tmp_path)


@pytest.fixture
def db(backend: Backend) -> str:
    """A new, empty store of the backend (its path or URL)."""
    return backend.new()
