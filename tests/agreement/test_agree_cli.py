"""``annotator agree`` as a user runs it: files or the store, JSON or tables, errors and exit codes."""

from __future__ import annotations

import subprocess

import orjson

from annotator.importing import import_sources
from annotator.store import open_store
from tests.conftest import ANNOTATOR, SCHEME_PATH, make_record

TEXT = "Le président Macron a déclaré que la France enverra 300 soldats au Mali en 2019 ."


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*ANNOTATOR, "agree", *args, "--schema", str(SCHEME_PATH)], capture_output=True, text=True,
                          cwd=cwd)


def write(path, records) -> str:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return str(path)


def files(tmp_path) -> list[str]:
    a = [make_record(TEXT, [{"start": 13, "end": 19, "label": "ACTOR"}, {"start": 76, "end": 80, "label": "DATE"}],
                     annotator="alice"),
         make_record(TEXT, [], id="only-alice", annotator="alice")]
    b = [make_record(TEXT, [{"start": 13, "end": 19, "label": "ACTOR"}, {"start": 72, "end": 80, "label": "DATE"}],
                     annotator="bob")]
    return [write(tmp_path / "alice.jsonl", a), write(tmp_path / "bob.jsonl", b)]


def test_agree_json(tmp_path):
    proc = run(*files(tmp_path), "--json")
    assert proc.returncode == 0, proc.stderr
    fig = orjson.loads(proc.stdout)
    assert fig["annotators"] == ["alice", "bob"] and fig["documents"] == 2
    assert set(fig) >= {"annotators", "documents", "pairs", "fleiss_kappa", "krippendorff_alpha", "per_doc"}
    (pair,) = fig["pairs"]
    assert (pair["a"], pair["b"]) == ("alice", "bob")
    assert set(pair) >= {"exact", "partial", "cohen_kappa", "attributes"}
    assert pair["exact"]["f1"] == 0.5 and pair["partial"]["f1"] == 1.0
    assert set(pair["exact"]["per_label"]["ACTOR"]) == {"f1", "precision", "recall"}
    assert fig["only_one_annotator"] == [{"id": "only-alice", "annotator": "alice"}]


def test_agree_tables_and_by_doc(tmp_path):
    proc = run(*files(tmp_path), "--by-doc", "--labels", "ACTOR,DATE")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "exact F1" in out and "Cohen" in out and "Krippendorff" in out and "per document" in out
    assert "only-alice" in out  # reported as done by one annotator only


def test_agree_from_the_store(tmp_path, any_db):
    db = any_db
    paths = files(tmp_path)
    with open_store(db) as store:
        from annotator.schema import load_scheme

        scheme = load_scheme(SCHEME_PATH)
        import_sources(store, paths, scheme, "nobody")
    proc = run("--db", str(db), "--json")
    assert proc.returncode == 0, proc.stderr
    fig = orjson.loads(proc.stdout)
    assert fig["annotators"] == ["alice", "bob"] and fig["pairs"][0]["exact"]["f1"] == 0.5
    from_files = orjson.loads(run(*paths, "--json").stdout)
    assert {k: v for k, v in fig.items() if k != "source"} == {k: v for k, v in from_files.items() if k != "source"}


def test_agree_errors(tmp_path):
    paths = files(tmp_path)
    proc = run(*paths, "--labels", "PERSON")
    assert proc.returncode == 2 and "unknown label" in proc.stderr and "ACTOR" in proc.stderr
    proc = run("--labels", "ACTOR", *paths)
    assert proc.returncode == 2 and "put --labels after the SOURCES" in proc.stderr
    proc = run("--labels=ACTOR", *paths, "--json")
    assert proc.returncode == 0 and list(orjson.loads(proc.stdout)["labels"]) == ["ACTOR"]
    proc = run(*paths, "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 2 and "not both" in proc.stderr
    other = write(tmp_path / "carol.jsonl", [make_record(TEXT + " Fin.", [], annotator="carol")])
    proc = run(*paths, other, "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "carol.jsonl:1" in proc.stderr and "alice.jsonl:1" in proc.stderr and "different text" in proc.stderr
    proc = run(str(tmp_path / "missing.jsonl"))
    assert proc.returncode == 1 and "cannot read" in proc.stderr


def test_agree_help_names_the_partial_scheme():
    proc = subprocess.run([*ANNOTATOR, "agree", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "greedy by largest overlap" in " ".join(proc.stdout.split())


def test_agree_without_sources_or_store(tmp_path):
    proc = run(cwd=tmp_path)
    assert proc.returncode == 2 and "give SOURCES" in proc.stderr


def test_agree_says_which_package_is_missing(monkeypatch, capsys):
    import importlib.util

    from annotator.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "krippendorff" else real(name, *a))
    assert main(["agree", "x.jsonl", "--schema", str(SCHEME_PATH)]) == 1
    assert "needs krippendorff" in capsys.readouterr().err


def test_agree_reads_a_pipe(tmp_path):
    """A SOURCE that is a pipe (/dev/stdin, a shell's <(...)) is read as it comes, not skipped."""
    alice, bob = files(tmp_path)
    with open(alice, "rb") as stdin:
        proc = subprocess.run([*ANNOTATOR, "agree", "/dev/stdin", bob, "--json", "--schema", str(SCHEME_PATH)],
                              stdin=stdin, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    fig = orjson.loads(proc.stdout)
    assert fig["annotators"] == ["alice", "bob"] and fig["pairs"][0]["exact"]["f1"] == 0.5
