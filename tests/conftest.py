"""Shared fixtures: the default scheme, a fresh store, the seed article, record builders."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.model import text_sha256
from annotator.schema import load_scheme

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SCHEME_PATH = ROOT / "schemas" / "news.toml"
ANNOTATOR = [sys.executable, "-m", "annotator"]


@pytest.fixture(scope="session")
def scheme():
    return load_scheme(SCHEME_PATH)


@pytest.fixture
def store(tmp_path):
    from annotator.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server of this test session (tests/pg_server.py); one that cannot start fails
    the tests that need it."""
    from tests.pg_server import PgServer

    try:
        server = PgServer()
    except Exception as exc:
        pytest.fail(f"the PostgreSQL test server could not start: {exc}")
    yield server
    server.close()


@pytest.fixture
def pg_url(pg_server):
    """The URL of an empty annotator database (as the server's superuser) for this test."""
    name = pg_server.lease()
    yield pg_server.url(name)
    pg_server.give_back(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path):
    """The --db of a new store of each backend (for the CLI tests where the store matters)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return sorted(SEEDS.glob("*.txt"))[0]


def make_record(text: str, spans: list[dict[str, Any]] | None = None, **over: Any) -> dict[str, Any]:
    """A valid native record of ``text``; spans are given as (start, end, label[, attrs]) dicts."""
    out = []
    for i, s in enumerate(spans or [], 1):
        out.append({"id": s.get("id", f"s{i}"), "start": s["start"], "end": s["end"], "label": s["label"],
                    "text": s.get("text", text[s["start"]:s["end"]]), "attrs": s.get("attrs", {}),
                    "source": s.get("source", "manual")})
    rec = {"id": "doc1", "text": text, "text_sha256": text_sha256(text), "meta": {}, "annotator": "alice",
           "status": "done", "schema": "news", "schema_version": 1, "spans": out, "flags": [],
           "updated_at": "2026-01-02T03:04:05.000Z"}
    rec.update(over)
    return rec
