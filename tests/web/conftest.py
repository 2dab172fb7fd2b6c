"""A store for the web tests: one short article, and one annotator (dave) who has marked it, so a
reviewer's link has something to review."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.session import Session
from annotator.store import open_store
from tests.conftest import SCHEME_PATH
from tests.tui.helpers import SCHEME

TEXT = "Daech a perdu la ville en juin 2014, selon la coalition internationale."
DOC = "article"


def make_web_store(path: Path) -> Path:
    with open_store(path) as store:
        store.add_documents([NewDocument(DOC, TEXT, text_sha256(TEXT), {}, "article.txt")])
        dave = Session(store, SCHEME, "dave")
        dave.add_span(DOC, TEXT.index("juin 2014"), TEXT.index("juin 2014") + 9, "DATE")
        dave.set_status(DOC, "done")  # a reviewer reviews done records
    return path


def spans_of(db: Path, annotator: str) -> list[tuple[str, str, int, int]]:
    with open_store(db) as store:
        record = store.load(DOC, annotator)
    out = []
    for span in record.sorted_spans():
        assert TEXT[span["start"]:span["end"]] == span["text"]
        out.append((span["text"], span["label"], span["start"], span["end"]))
    return out


@pytest.fixture
def web_db(tmp_path) -> Path:
    return make_web_store(tmp_path / "web.db")


SERVER_ARGS = ["--schema", str(SCHEME_PATH)]
