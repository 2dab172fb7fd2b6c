"""The CLI: --format auto says what it chose, exit codes 0/1/2, a rejected file changes nothing."""

from __future__ import annotations

import subprocess

import orjson

from tests.conftest import ANNOTATOR
from tests.formats.fmt_helpers import sample_records


def run(*args, cwd):
    p = subprocess.run([*ANNOTATOR, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stderr


def native(tmp_path):
    f = tmp_path / "native.jsonl"
    f.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in sample_records()))
    return f


def test_export_import_through_every_format(tmp_path):
    rc, err = run("import", "--db", "a.db", str(native(tmp_path)), cwd=tmp_path)
    assert rc == 0, err
    for fmt, out in (("doccano", "d.jsonl"), ("label-studio", "ls.json"), ("prodigy", "p.jsonl"), ("brat", "brat")):
        rc, err = run("export", "--db", "a.db", "--format", fmt, "--out", out, cwd=tmp_path)
        assert rc == 0 and f"exported 4 record(s) to {out} ({fmt})" in err, err
        rc, err = run("import", "--db", f"{fmt}.db", out, cwd=tmp_path)
        assert rc == 0 and f"{out}: reading as {fmt} (" in err and "4 record(s) added" in err, err
        rc, err = run("export", "--db", f"{fmt}.db", "--out", f"{fmt}.back.jsonl", cwd=tmp_path)
        assert rc == 0, err
        back = [orjson.loads(x) for x in (tmp_path / f"{fmt}.back.jsonl").read_bytes().splitlines()]
        first = [orjson.loads(x) for x in (tmp_path / "native.jsonl").read_bytes().splitlines()]
        key = lambda r: (r["id"], r["annotator"])  # noqa: E731
        for a, b in zip(sorted(first, key=key), sorted(back, key=key)):
            for k in ("id", "text", "meta", "annotator", "status", "flags"):
                assert a[k] == b[k], (fmt, k)
            dump = lambda s: orjson.dumps(s, option=orjson.OPT_SORT_KEYS)  # noqa: E731
            assert sorted(map(dump, a["spans"])) == sorted(map(dump, b["spans"])), fmt


def test_lossy_export_needs_allow_lossy(tmp_path):
    assert run("import", "--db", "a.db", str(native(tmp_path)), cwd=tmp_path)[0] == 0
    rc, err = run("export", "--db", "a.db", "--format", "conll", "--out", "x.conll", cwd=tmp_path)
    assert rc == 1 and "nothing was written: conll cannot hold everything" in err and "dropped: overlaps" in err
    assert not (tmp_path / "x.conll").exists()
    rc, err = run("export", "--db", "a.db", "--format", "conll", "--out", "x.conll", "--allow-lossy", "--tags", "bilou",
                  cwd=tmp_path)
    assert rc == 0 and "lost (--allow-lossy) in 4 record(s):" in err and (tmp_path / "x.conll").exists()
    rc, err = run("export", "--db", "a.db", "--format", "hf", "--out", "hf", "--allow-lossy", cwd=tmp_path)
    assert rc == 0 and (tmp_path / "hf" / "features.json").exists()


def test_rejected_file_changes_nothing_and_unmapped_labels_are_listed(tmp_path):
    assert run("import", "--db", "a.db", str(native(tmp_path)), cwd=tmp_path)[0] == 0
    before = (tmp_path / "a.db").read_bytes()
    rows = [{"id": "n1", "text": "Paul et Marie à Paris.", "label": [[0, 4, "PER"], [8, 13, "PER"], [16, 21, "LOC"]]},
            {"id": "n2", "text": "Ok", "label": [[0, 2, "ACTOR"]]}]
    (tmp_path / "d.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    rc, err = run("import", "--db", "a.db", "--format", "doccano", "d.jsonl", cwd=tmp_path)
    assert rc == 1 and "2 label(s) not in the scheme and not mapped: 'PER' x2 (first at d.jsonl:1), 'LOC' x1" in err
    assert "nothing was imported" in err and "Traceback" not in err
    rc, err = run("stats", "--db", "a.db", "--json", cwd=tmp_path)
    rc, err = run("import", "--db", "a.db", "--format", "doccano", "d.jsonl", "--map", "PER=ACTOR", "--map", "LOC=",
                  cwd=tmp_path)
    assert rc == 0 and "2 new document(s)" in err and "note: d.jsonl: dropped on purpose (--map SRC=): 'LOC' x1" in err
    assert (tmp_path / "a.db").read_bytes() != before


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "x.json").write_text('{"foo": 1}\n')
    rc, err = run("import", "--db", "a.db", "x.json", cwd=tmp_path)
    assert rc == 2 and "cannot tell the format" in err and "--format" in err
    rc, err = run("import", "--db", "a.db", "--format", "doccano", "--lang", "en", "x.json", cwd=tmp_path)
    assert rc == 2 and "--lang applies to spacy only" in err
    rc, err = run("import", "--db", "a.db", "--format", "doccano", "--map", "PER", "x.json", cwd=tmp_path)
    assert rc == 2 and "expected SRC=LABEL" in err
    rc, err = run("import", "--db", "a.db", "--format", "xml", "x.json", cwd=tmp_path)
    assert rc == 2
    assert run("import", "--db", "a.db", str(native(tmp_path)), cwd=tmp_path)[0] == 0
    rc, err = run("export", "--db", "a.db", "--format", "brat", "--out", "-", cwd=tmp_path)
    assert rc == 2 and "writes a folder" in err
