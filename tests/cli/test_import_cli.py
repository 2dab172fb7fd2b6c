"""``annotator import`` as a user runs it: what each source is read as (said once per way of
reading), ids from paths in folders, a BOM, Latin-1, empty folders, counts."""

from __future__ import annotations

import orjson

from tests.cli.conftest import records, run, write_jsonl


def test_notes_name_what_is_read_once_per_way_of_reading(tmp_path):
    for name in "abcd":
        (tmp_path / f"{name}.txt").write_text(f"Article {name}.", encoding="utf-8")
    (tmp_path / "corpus" / "2014").mkdir(parents=True)
    (tmp_path / "corpus" / "2014" / "a.txt").write_text("Dans un dossier.", encoding="utf-8")
    write_jsonl(tmp_path / "docs.jsonl", [{"id": "j1", "text": "Un document."}])
    proc = run("import", "a.txt", "b.txt", "c.txt", "d.txt", "corpus", "docs.jsonl", "--db", "s.db", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "a.txt, b.txt, c.txt and 1 more: reading each as a text article (--format to choose)",
        "corpus: reading as text articles and native JSONL (a folder of .txt and .jsonl files; --format to choose)",
        "docs.jsonl: reading as native JSONL (first line has native record or document keys; --format to choose)",
        "imported into s.db: 6 new document(s), 0 already in the store",
    ]
    proc = run("import", "a.txt", "--db", "s.db", cwd=tmp_path)
    assert proc.stderr.splitlines()[0] == "a.txt: reading as a text article (--format to choose)"
    export = run("export", "--db", "s.db", "--status", "all", "--out", "-", cwd=tmp_path)
    assert [orjson.loads(x)["id"] for x in export.stdout.splitlines()] == ["a", "b", "c", "d", "2014/a", "j1"]


def test_counts_of_a_file_of_several_annotators(tmp_path):
    both = write_jsonl(tmp_path / "both.jsonl", records(3, "alice") + records(3, "bob"))
    proc = run("import", both, "--db", "s.db", cwd=tmp_path)
    assert proc.stderr.splitlines()[-1] == ("imported into s.db: 3 new document(s), 0 already in the store, "
                                            "6 record(s) added, 0 unchanged"), proc.stderr
    proc = run("import", both, "--db", "s.db", cwd=tmp_path)
    assert proc.stderr.splitlines()[-1] == ("imported into s.db: 0 new document(s), 3 already in the store, "
                                            "0 record(s) added, 6 unchanged"), proc.stderr


def test_a_jsonl_file_with_a_bom_imports(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(records(1)[0]) + b"\n")
    proc = run("import", path, "--db", tmp_path / "s.db")
    assert proc.returncode == 0 and "1 record(s) added" in proc.stderr, proc.stderr
    proc = run("validate", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_latin1_text_is_one_line_saying_how_to_convert(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Côte d'Ivoire".encode("latin-1"))
    proc = run("import", "latin.txt", "--db", "s.db", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[1:] == [
        "latin.txt: invalid UTF-8 at byte 1: annotator reads UTF-8; if the file is Latin-1 or Windows-1252, convert "
        "it first: iconv -f WINDOWS-1252 -t UTF-8 latin.txt > latin.utf8.txt",
        "annotator: nothing was imported (1 problem(s))"]


def test_an_empty_folder_is_said_to_be_empty(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run("import", "empty", "--db", "s.db", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[1:] == ["empty: the folder is empty: nothing to import",
                                            "annotator: nothing was imported (1 problem(s))"]


def test_an_empty_jsonl_file_says_there_is_nothing_in_it(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"\n")
    proc = run("import", "empty.jsonl", "--db", "s.db", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == ["empty.jsonl: reading as native JSONL (an empty file; --format to choose)",
                                        "note: the sources hold no document (nothing to import)",
                                        "imported into s.db: 0 new document(s), 0 already in the store"]
