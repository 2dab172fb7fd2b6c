"""The backends every store test runs against: each gives fresh, empty stores by their ``--db``
value. A new backend adds itself here and must pass ``test_contract.py`` unchanged: SQLite (a
file per store) and PostgreSQL (a database per store on one server per test session)."""

from __future__ import annotations

from collections.abc import Iterator
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
