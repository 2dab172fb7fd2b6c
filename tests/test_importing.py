"""Loading documents: .txt (BOM, date header, exact text), folders, JSONL documents, and ids."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from annotator.errors import InvalidData
from annotator.formats.plaintext import parse_text
from annotator.importing import import_sources
from annotator.model import text_sha256
from tests.conftest import ANNOTATOR, SCHEME_PATH


def test_seed_header_becomes_meta_date_and_text_starts_at_the_article(seed_path):
    doc = parse_text(seed_path.read_bytes(), str(seed_path))
    assert doc.id == seed_path.stem
    assert doc.meta["date"] == "2018-05"
    assert doc.meta["source"] == str(seed_path)
    assert doc.text.startswith("La coalition internationale sous le commandement")
    assert doc.text_sha256 == text_sha256(doc.text)


@pytest.mark.parametrize("raw,text,date", [
    (b"date 2018-04-26\nBody", "Body", "2018-04-26"),
    (b"  date 2018-05   La suite", "La suite", "2018-05"),
    (b"date 2018-13 x", "date 2018-13 x", None),
    (b"La date 2018-05 reste", "La date 2018-05 reste", None),
])
def test_date_header_forms(raw, text, date):
    doc = parse_text(raw, "a.txt")
    assert doc.text == text
    assert doc.meta.get("date") == date


def test_bom_is_removed_and_recorded_and_text_kept_exactly():
    raw = "\ufeffLigne 1\r\nLigne\u00a02\rfin\u2028 e\u0301 👍🏽".encode()
    doc = parse_text(raw, "x.txt")
    assert doc.meta["bom"] is True
    assert doc.text == "Ligne 1\r\nLigne\u00a02\rfin\u2028 e\u0301 👍🏽"


def test_invalid_utf8_in_a_text_file_names_the_byte_and_says_how_to_convert():
    problem = parse_text("Côte d'Ivoire".encode("latin-1"), "bad.txt")
    assert str(problem) == ("bad.txt: invalid UTF-8 at byte 1: annotator reads UTF-8; if the file is Latin-1 or "
                            "Windows-1252, convert it first: iconv -f WINDOWS-1252 -t UTF-8 bad.txt > bad.utf8.txt")


def test_a_jsonl_file_may_start_with_a_bom(tmp_path, store, scheme):
    from annotator.formats.parallel import PARALLEL_MIN_BYTES

    path = tmp_path / "docs.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "d1", "text": "Un"}\n{"id": "d2", "text": "Deux"}\n')
    assert import_sources(store, [path], scheme, "alice").summary.documents_added == 2
    assert store.load("d1", "alice").text == "Un"
    # a big one too (read while another process validates it), and validate agrees
    big = tmp_path / "big.jsonl"
    line = orjson.dumps({"id": "b0", "text": "x" * 1000}) + b"\n"
    big.write_bytes(b"\xef\xbb\xbf" + b"".join(line.replace(b"b0", f"b{i}".encode()) for i in range(
        PARALLEL_MIN_BYTES // len(line) + 10)))
    assert import_sources(store, [big], scheme, "alice").summary.documents_added > 4000
    proc = subprocess.run([*ANNOTATOR, "validate", str(path), str(big), "--schema", str(SCHEME_PATH)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_bom_only_at_the_start_of_a_file(tmp_path, store, scheme):
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b'{"id": "d1", "text": "Un"}\n\xef\xbb\xbf{"id": "d2", "text": "Deux"}\n')
    with pytest.raises(InvalidData, match=f"{path}:2: not valid JSON"):
        import_sources(store, [path], scheme, "alice")


def test_latin1_jsonl_says_how_to_convert(tmp_path, store, scheme):
    path = tmp_path / "docs.jsonl"
    path.write_bytes('{"id": "d1", "text": "Côte"}\n'.encode("latin-1"))
    with pytest.raises(InvalidData) as exc:
        import_sources(store, [path], scheme, "alice")
    assert str(exc.value.problems[0]) == (
        f"{path}:1: invalid UTF-8 at byte 23 of the file: annotator reads UTF-8; if the file is Latin-1 or "
        f"Windows-1252, convert it first: iconv -f WINDOWS-1252 -t UTF-8 {path} > {tmp_path / 'docs.utf8.jsonl'}")


def test_an_empty_folder_is_said_to_be_empty(tmp_path, store, scheme):
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.md").write_text("x")
    with pytest.raises(InvalidData) as exc:
        import_sources(store, [tmp_path / "empty", tmp_path / "other"], scheme, "alice")
    assert [str(p) for p in exc.value.problems] == [
        f"{tmp_path / 'empty'}: the folder is empty: nothing to import",
        f"{tmp_path / 'other'}: the folder holds no .txt or .jsonl file (other tools' files: --format)"]
    assert "invalid lines" not in str(exc.value.summary)


def test_folder_is_read_recursively_in_sorted_order(tmp_path, store, scheme):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("zed", encoding="utf-8")
    (tmp_path / "a.txt").write_text("aaa", encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text("ccc", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    import_sources(store, [tmp_path], scheme, "alice")
    assert [d.id for d in store.documents("alice")] == ["a", "b/c", "b/z"]


def test_files_of_the_same_name_in_two_folders_are_two_documents(tmp_path, store, scheme):
    """An article's id is its path in the folder given, without .txt (``2014/juin``); a file
    named alone, or at the top of the folder given, keeps its stem, as before."""
    corpus = tmp_path / "corpus"
    for folder, text in (("a", "premier"), ("b", "second"), ("b/c", "troisième")):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "x.txt").write_text(text, encoding="utf-8")
    (corpus / "top.txt").write_text("en haut", encoding="utf-8")
    result = import_sources(store, [corpus], scheme, "alice")
    assert result.summary.documents_added == 4
    assert {d.id: store.load(d.id, "alice").text for d in store.documents("alice")} == {
        "a/x": "premier", "b/x": "second", "b/c/x": "troisième", "top": "en haut"}
    assert store.load("b/c/x", "alice").meta["source"] == str(corpus / "b" / "c" / "x.txt")
    # naming a sub-folder (or a file) gives ids relative to it: the stems, as before
    again = import_sources(store, [corpus / "b" / "c", corpus / "top.txt"], scheme, "bob").summary
    assert (again.documents_added, again.documents_unchanged) == (1, 1)
    assert store.load("x", "bob").text == "troisième"


def test_jsonl_documents_with_meta(tmp_path, store, scheme):
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b'{"id": "d1", "text": "Un\\r\\ntexte", "meta": {"url": "http://x"}}\n{"id": "d2", "text": "Deux"}\n')
    result = import_sources(store, [path], scheme, "alice")
    assert result.summary.documents_added == 2
    rec = store.load("d1", "alice")
    assert rec.text == "Un\r\ntexte" and rec.meta == {"url": "http://x", "source": str(path)}


def test_same_document_twice_is_a_no_op(tmp_path, store, scheme):
    (tmp_path / "a.txt").write_text("texte", encoding="utf-8")
    import_sources(store, [tmp_path / "a.txt"], scheme, "alice")
    again = import_sources(store, [tmp_path / "a.txt"], scheme, "alice")
    assert (again.summary.documents_added, again.summary.documents_unchanged) == (0, 1)
    assert store.document_count() == 1


def test_same_id_with_another_text_is_an_error_naming_both_sources(tmp_path, store, scheme):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "a.txt").write_text("first text", encoding="utf-8")
    (tmp_path / "two" / "a.txt").write_text("second text", encoding="utf-8")
    import_sources(store, [tmp_path / "one"], scheme, "alice")
    with pytest.raises(InvalidData) as exc:
        import_sources(store, [tmp_path / "two"], scheme, "alice")
    msg = str(exc.value.problems[0])
    assert str(tmp_path / "two" / "a.txt") in msg and str(tmp_path / "one" / "a.txt") in msg
    assert store.load("a", "alice").text == "first text"


def test_record_import_keeps_its_annotator_and_fills_in_a_missing_one(tmp_path):
    text = "Daech en Irak"
    base = {"text": text, "text_sha256": text_sha256(text), "schema": "news", "schema_version": 1,
            "spans": [{"id": "s1", "start": 0, "end": 5, "label": "ACTOR", "text": "Daech"}]}
    path = tmp_path / "r.jsonl"
    path.write_bytes(orjson.dumps({**base, "id": "a", "annotator": "alice"}) + b"\n" + orjson.dumps({**base, "id": "b"}) + b"\n")
    proc = subprocess.run([*ANNOTATOR, "import", str(path), "--db", "s.db", "--annotator", "carol", "--schema", str(SCHEME_PATH)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    stats = orjson.loads(subprocess.run([*ANNOTATOR, "stats", "--db", "s.db", "--json"], capture_output=True, cwd=tmp_path).stdout)
    assert stats["spans_by_label"] == {"alice": {"ACTOR": 1}, "carol": {"ACTOR": 1}}


def test_reopening_sources_already_stored_skips_their_validation(tmp_path, store, scheme, monkeypatch):
    """`annotator annotate FILE` on a file whose documents and records the store holds unchanged
    reads it but validates nothing; a changed line sends the file through the full import."""
    from annotator.importing import open_sources
    from tests.conftest import make_record

    text = "Daech en Irak, juin 2014."
    path = tmp_path / "r.jsonl"
    rec = make_record(text, [{"start": 0, "end": 5, "label": "ACTOR"}], id="a", status="in_progress")
    path.write_bytes(orjson.dumps(rec) + b"\n" + orjson.dumps({"id": "b", "text": "Deux"}) + b"\n")
    first = open_sources(store, [path], scheme, "alice")
    assert (first.summary.documents_added, first.summary.records_added) == (2, 1)

    validated = []
    real = scheme.validate_record
    monkeypatch.setattr(scheme, "validate_record", lambda obj: validated.append(obj["id"]) or real(obj))
    again = open_sources(store, [path], scheme, "alice")
    assert validated == []
    s = again.summary
    assert (s.documents_added, s.documents_unchanged, s.records_added, s.records_unchanged) == (0, 2, 0, 1)

    # the same record changed in the file: the whole file is read and validated again
    rec["spans"][0]["attrs"] = {"kind": "armed_group"}
    path.write_bytes(orjson.dumps(rec) + b"\n")
    with pytest.raises(InvalidData, match="different work"):
        open_sources(store, [path], scheme, "alice")
    assert validated == ["a"]


def _three_docs_by_several(tmp_path):
    """Records of three documents: alice's and bob's of each, and carol's of the first (7 lines)."""
    from tests.conftest import make_record

    recs = [make_record(f"Texte numéro {i}.", id=f"d{i}", annotator=who)
            for who in ("alice", "bob") for i in (1, 2, 3)]
    recs.append(make_record("Texte numéro 1.", id="d1", annotator="carol"))
    path = tmp_path / "several.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    return path


def test_import_counts_documents_not_records(tmp_path, store, scheme):
    path = _three_docs_by_several(tmp_path)
    first = import_sources(store, [path], scheme, "alice").summary
    assert str(first) == "3 new document(s), 0 already in the store, 7 record(s) added, 0 unchanged"
    again = import_sources(store, [path], scheme, "alice").summary
    assert str(again) == "0 new document(s), 3 already in the store, 0 record(s) added, 7 unchanged"


def test_reopening_records_of_several_annotators_counts_each_document_once(tmp_path, store, scheme):
    """What ``annotator review FILE`` says on a file already imported: 3 documents, not 7."""
    from annotator.importing import open_sources

    path = _three_docs_by_several(tmp_path)
    assert open_sources(store, [path], scheme, "alice").summary.documents_added == 3
    s = open_sources(store, [path], scheme, "alice").summary
    assert (s.documents_added, s.documents_unchanged, s.records_unchanged) == (0, 3, 7)
    # one file changed, one not: the document both name is counted once
    other = tmp_path / "other.jsonl"
    other.write_bytes(orjson.dumps({"id": "d1", "text": "Texte numéro 1."}) + b"\n"
                      + orjson.dumps({"id": "d4", "text": "Un quatrième."}) + b"\n")
    s = open_sources(store, [path, other], scheme, "alice").summary
    assert (s.documents_added, s.documents_unchanged) == (1, 3)
