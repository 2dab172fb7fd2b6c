"""``annotator export --out PATH`` writes where PATH leads: a regular file replaced atomically, a
symbolic link's target, a device, FIFO or pipe written through; an existing folder gets the
format's file; a failure is one line, exit 1, with nothing destroyed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import threading

import orjson

from tests.cli.conftest import run
from tests.conftest import ANNOTATOR, SCHEME_PATH
from tests.files.test_atomic import char_device_full


def _ids(data: bytes) -> list[str]:
    return [orjson.loads(line)["id"] for line in data.splitlines()]


def test_a_full_device_is_a_one_line_error_and_stays_a_device(db, tmp_path):
    node = char_device_full(tmp_path)
    proc = run("export", "--db", db, "--out", node)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"annotator: {node}: cannot write: No space left on device"
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_fifo_reader_gets_the_export(db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = run("export", "--db", db, "--out", fifo)
    reader.join()
    assert proc.returncode == 0, proc.stderr
    assert _ids(got[0]) == ["d1", "d2", "d3"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_process_substitution_gets_the_export(db, tmp_path):
    """``--out >(cmd)`` hands annotator /dev/fd/N: written through, no temporary file beside it."""
    cmd = " ".join([*ANNOTATOR, "export", "--db", str(db), "--schema", str(SCHEME_PATH)])
    proc = subprocess.run(["bash", "-c", f"{cmd} --out >(cat > got.jsonl); wait $!"], capture_output=True,
                          text=True, cwd=tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "/dev/fd/" in proc.stderr
    assert _ids((tmp_path / "got.jsonl").read_bytes()) == ["d1", "d2", "d3"]


def test_a_symlink_is_followed_and_stays_a_link(db, tmp_path):
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "gold.jsonl"
    target.write_bytes(b"old\n")
    link = tmp_path / "gold.jsonl"
    link.symlink_to(target)
    proc = run("export", "--db", db, "--out", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and _ids(target.read_bytes()) == ["d1", "d2", "d3"]


def test_an_existing_folder_gets_the_formats_file(db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = run("export", "--db", db, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert _ids((out / "annotations.jsonl").read_bytes()) == ["d1", "d2", "d3"]
    assert str(out / "annotations.jsonl") in proc.stderr  # says where it went

    proc = run("export", "--db", db, "--format", "doccano", "--out", f"{tmp_path / 'new'}/")
    assert proc.returncode == 0, proc.stderr
    assert len((tmp_path / "new" / "annotations.doccano.jsonl").read_bytes().splitlines()) == 3


def test_an_existing_empty_folder_gets_the_spacy_chunks_spacy_reads(db, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "out"
    out.mkdir()
    proc = run("export", "--db", db, "--format", "spacy", "--out", out)
    assert proc.returncode == 0, proc.stderr
    docs = list(DocBin().from_disk(out / "annotations-00000.spacy").get_docs(spacy.blank("fr").vocab))
    assert [d.ents[0].text for d in docs] == ["La coalition internationale"] * 3


def test_a_folder_the_user_cannot_write_is_a_one_line_error(db, tmp_path):
    (tmp_path / "file").write_text("mine")
    proc = run("export", "--db", db, "--out", tmp_path / "file" / "a.jsonl")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith(f"annotator: {tmp_path / 'file' / 'a.jsonl'}: cannot write")
    assert (tmp_path / "file").read_text() == "mine"


def test_bash_is_there():
    assert shutil.which("bash"), "the process-substitution test needs bash"


def test_standard_output_on_a_full_device_is_a_one_line_error(db, tmp_path):
    node = char_device_full(tmp_path)
    with open(node, "wb") as full:
        proc = subprocess.run([*ANNOTATOR, "export", "--db", str(db), "--out", "-", "--schema", str(SCHEME_PATH)],
                              stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip() == "annotator: standard output: cannot write: No space left on device"


def test_the_store_itself_is_never_the_output(db, tmp_path):
    before = db.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(db)
    for out in (db, link):
        proc = run("export", "--db", db, "--out", out)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip() == f"annotator: --out {out} is the store itself ({db}): name another file"
    assert db.read_bytes() == before
