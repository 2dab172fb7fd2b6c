"""The backends every store test runs against: each gives fresh, empty stores by their ``--db``
value. A new backend adds itself here and must pass ``test_contract.py`` unchanged."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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


BACKENDS = {"sqlite": Backend}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield BACKENDS[request.param](tmp_path)
