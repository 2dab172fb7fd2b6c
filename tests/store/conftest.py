"""The backends every store test runs against: each gives fresh, empty stores by their ``--db``
value. A new backend adds itself here and must pass ``test_contract.py`` unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.store import open_store
from annotator.store.base import Store


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


BACKENDS = {"sqlite": Backend}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield BACKENDS[request.param](tmp_path)
