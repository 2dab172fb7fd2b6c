"""What annotator writes it reads back: an article's text is limited on the way in (whatever the
format), a line on the way out, and a record far longer than the old 16 MiB line limit (a long
article, spans across it) exports, validates and imports again."""

from __future__ import annotations

import orjson
import pytest

from annotator.errors import InvalidData, OutputError
from annotator.exporting import export
from annotator.files import lines
from annotator.importing import import_sources
from annotator.session import Session
from tests.cli.conftest import run

PARAGRAPH = "La coalition internationale a déclaré « 75 membres » en Irak, juin 2014.\n"


def _article(size: int) -> str:
    return PARAGRAPH * (size // len(PARAGRAPH.encode()) + 1)


def test_a_record_over_16_mib_exports_validates_and_imports_back(tmp_path, store, scheme):
    text = _article(7 << 20)
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    import_sources(store, [tmp_path / "long.txt"], scheme, "alice")
    alice = Session(store, scheme, "alice")
    # two quotes over (nearly) the whole article: its text three times in the record
    alice.add_span("long", 0, len(text) - 1, "QUOTE", {"mode": "direct"})
    alice.add_span("long", 0, len(text) - 2, "QUOTE", {"mode": "indirect"})
    alice.add_span("long", 0, 27, "ACTOR")
    alice.set_status("long", "done")
    out = tmp_path / "out.jsonl"
    export(store, scheme, str(out))
    assert out.stat().st_size > 16 << 20  # longer than the line limit that used to refuse it

    proc = run("validate", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run("import", out, "--db", tmp_path / "again.db")
    assert proc.returncode == 0, proc.stderr
    proc = run("export", "--db", tmp_path / "again.db", "--out", tmp_path / "again.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert orjson.loads((tmp_path / "again.jsonl").read_bytes()) == orjson.loads(out.read_bytes())


def test_an_article_over_the_text_limit_is_refused_on_the_way_in(tmp_path, store, scheme):
    big = _article(lines.MAX_TEXT_BYTES + 100)
    (tmp_path / "big.txt").write_text(big, encoding="utf-8")
    doc = tmp_path / "big.jsonl"
    doc.write_bytes(orjson.dumps({"id": "big", "text": big}) + b"\n")
    rec = tmp_path / "rec.jsonl"
    from tests.conftest import make_record

    rec.write_bytes(orjson.dumps(make_record(big)) + b"\n")
    limit = f"annotator takes articles up to {lines.MAX_TEXT_BYTES >> 20} MiB"
    for path, where in ((tmp_path / "big.txt", f"{tmp_path / 'big.txt'}: text: "), (doc, f"{doc}:1: text: "),
                        (rec, f"{rec}:1: text: ")):
        with pytest.raises(InvalidData) as exc:
            import_sources(store, [path], scheme, "alice")
        assert [str(p) for p in exc.value.problems] == [f"{where}the article is 8.0 MiB of text; {limit} (split it "
                                                        "into several documents)"]
    assert store.document_count() == 0
    proc = run("validate", rec)  # validate says what import would
    assert proc.returncode == 1 and f"{rec}:1: text: the article is 8.0 MiB" in proc.stdout + proc.stderr


def test_an_export_never_writes_a_line_it_could_not_read(tmp_path, store, scheme, monkeypatch):
    (tmp_path / "a.txt").write_text(_article(3000), encoding="utf-8")
    import_sources(store, [tmp_path / "a.txt"], scheme, "alice")
    Session(store, scheme, "alice").set_status("a", "done")
    monkeypatch.setattr(lines, "MAX_LINE_BYTES", 2000)
    out = tmp_path / "out.jsonl"
    with pytest.raises(OutputError, match=r"the record of 'a' by 'alice' is 0 MiB as one line, over the 0 MiB"):
        export(store, scheme, str(out))
    assert not out.exists()
    with pytest.raises(OutputError, match="the record of 'a' by 'alice'"):
        export(store, scheme, str(tmp_path / "d.jsonl"), "doccano")
    assert not (tmp_path / "d.jsonl").exists()
