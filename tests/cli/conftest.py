"""What the CLI tests share: running ``annotator`` as a subprocess, and a store with work in it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest

from tests.conftest import ANNOTATOR, SCHEME_PATH, make_record

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak, juin 2014."


def run(*args: str | Path, cwd: Path | None = None, **kw) -> subprocess.CompletedProcess[str]:
    """``annotator ARGS --schema news.toml`` as a user runs it (standard streams not a terminal)."""
    return subprocess.run([*ANNOTATOR, *map(str, args), "--schema", str(SCHEME_PATH)], capture_output=True,
                          text=True, cwd=cwd, **kw)


def records(n: int = 3, annotator: str = "alice", status: str = "done") -> list[dict]:
    return [make_record(TEXT, [{"start": 0, "end": 27, "label": "ACTOR", "attrs": {"kind": "coalition"}}],
                        id=f"d{i}", annotator=annotator, status=status) for i in range(1, n + 1)]


def write_jsonl(path: Path, objs: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(o) + b"\n" for o in objs))
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    """A store holding three documents done by alice."""
    db = tmp_path / "s.db"
    proc = run("import", write_jsonl(tmp_path / "in.jsonl", records()), "--db", db)
    assert proc.returncode == 0, proc.stderr
    return db
