"""Output goes where the user asked: a regular file is replaced atomically, a symbolic link is
followed (its target replaced), and a device, FIFO or file descriptor is written through -- never
replaced by a regular file, never with a temporary file beside it."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from annotator.errors import OutputError
from annotator.files.atomic import atomic_output, write_lines, writes_through


def char_device_full(tmp_path: Path) -> Path:
    """A node of /dev/full (every write fails: no space left) that a failed test cannot harm:
    a new node in ``tmp_path`` as root, else /dev/full itself (which a user cannot replace)."""
    if os.geteuid() == 0:
        node = tmp_path / "full"
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        return node
    return Path("/dev/full")


def test_a_regular_file_is_replaced_whole_and_keeps_its_permissions(tmp_path):
    out = tmp_path / "a.jsonl"
    out.write_bytes(b"old\n")
    out.chmod(0o600)
    write_lines([b"1", b"2"], str(out))
    assert out.read_bytes() == b"1\n2\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    out = tmp_path / "a.jsonl"
    out.write_bytes(b"old\n")
    with pytest.raises(ZeroDivisionError), atomic_output(out) as f:
        f.write(b"new")
        1 / 0
    assert out.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.jsonl"]


def test_a_symlink_is_followed_and_its_target_replaced(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "a.jsonl"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    write_lines([b"new"], str(link))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["a.jsonl"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.jsonl"
    link.symlink_to(tmp_path / "made" / "a.jsonl")
    write_lines([b"x"], str(link))
    assert link.is_symlink() and (tmp_path / "made" / "a.jsonl").read_bytes() == b"x\n"


def test_a_fifo_is_written_through_to_its_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_lines([b"a", b"b"], str(fifo))
    reader.join()
    assert got == [b"a\nb\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_file_descriptor_path_is_written_through(tmp_path):
    r, w = os.pipe()
    try:
        assert writes_through(f"/dev/fd/{w}")
        write_lines([b"through the pipe"], f"/dev/fd/{w}")
    finally:
        os.close(w)
    with os.fdopen(r, "rb") as f:
        assert f.read() == b"through the pipe\n"


def test_a_full_device_gives_a_clear_error_and_stays_a_device(tmp_path):
    node = char_device_full(tmp_path)
    with pytest.raises(OutputError, match="No space left on device") as exc:
        write_lines([b"x" * 100], str(node))
    assert str(exc.value).startswith(f"{node}: cannot write")
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert not [p for p in node.parent.iterdir() if p.name.startswith(f".{node.name}.")]


def test_nothing_is_ever_created_under_dev_or_proc(tmp_path):
    assert writes_through("/dev/null") and writes_through("/dev/stdout") and writes_through("/proc/self/fd/1")
    assert writes_through("/dev/shm/x.jsonl")
    assert not writes_through(tmp_path / "x.jsonl")


def test_a_folder_or_a_file_in_the_way_is_a_one_line_error(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        write_lines([b"x"], str(tmp_path))
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="cannot write"):
        write_lines([b"x"], str(tmp_path / "file" / "a.jsonl"))
