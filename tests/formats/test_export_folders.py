"""brat and hf write folders: never over a file they did not write, and an export replaces the
earlier one whole (no stale file of it stays)."""

from __future__ import annotations

import orjson
import pytest

from annotator.errors import OutputError, UsageError
from annotator.files.staged import MANIFEST, read_manifest, staged_folder
from annotator.formats import brat, hf
from tests.formats.fmt_helpers import SCHEME, options, sample_records


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", [brat, hf], ids=["brat", "hf"])
def test_a_folder_holding_someone_elses_files_is_refused_untouched(tmp_path, fmt):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "data.jsonl").write_text("mine too")
    with pytest.raises(UsageError, match="not empty .* not an earlier annotator export"):
        fmt.write(iter(sample_records()), str(out), SCHEME, options(allow_lossy=True))
    assert _names(out) == ["data.jsonl", "notes.txt"]
    assert (out / "notes.txt").read_text() == "mine" and (out / "data.jsonl").read_text() == "mine too"


def test_brat_replaces_its_earlier_export_whole(tmp_path):
    out = tmp_path / "out"
    recs = sample_records()
    brat.write(iter(recs), str(out), SCHEME, options())
    first = _names(out)
    assert "crlf.ann" in first and MANIFEST in first
    assert read_manifest(out) == set(first) - {MANIFEST}

    brat.write(iter(recs[1:]), str(out), SCHEME, options())  # one document fewer
    second = _names(out)
    gone = set(first) - set(second)
    assert gone == {"crlf.txt", "crlf.ann"}, gone
    index = [orjson.loads(line)["id"] for line in (out / brat.INDEX).read_bytes().splitlines()]
    assert index == [r["id"] for r in recs[1:]]


def test_a_file_of_the_users_beside_an_earlier_export_is_kept(tmp_path):
    out = tmp_path / "out"
    recs = sample_records()
    brat.write(iter(recs), str(out), SCHEME, options())
    (out / "README.md").write_text("what this folder is")
    brat.write(iter(recs[1:]), str(out), SCHEME, options())
    assert (out / "README.md").read_text() == "what this folder is"
    assert "crlf.txt" not in _names(out)


def test_an_export_that_would_overwrite_a_file_it_did_not_write_moves_nothing(tmp_path):
    out = tmp_path / "out"
    recs = sample_records()
    brat.write(iter(recs[1:]), str(out), SCHEME, options())
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "crlf.txt").write_text("a file of mine that the next export would overwrite")
    with pytest.raises(OutputError, match="would overwrite crlf.txt"):
        brat.write(iter(recs), str(out), SCHEME, options())
    assert (out / "crlf.txt").read_text().startswith("a file of mine")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != "crlf.txt"} == before


def test_an_export_made_before_manifests_is_recognised_and_replaced(tmp_path):
    """Folders exported by earlier versions (no manifest) are still taken for ours."""
    out = tmp_path / "out"
    recs = sample_records()
    brat.write(iter(recs), str(out), SCHEME, options())
    (out / MANIFEST).unlink()
    brat.write(iter(recs[1:]), str(out), SCHEME, options())
    assert "crlf.txt" not in _names(out)

    hf_out = tmp_path / "hf"
    hf.write(iter(recs), str(hf_out), SCHEME, options(allow_lossy=True))
    (hf_out / MANIFEST).unlink()
    hf.write(iter(recs), str(hf_out), SCHEME, options(allow_lossy=True))
    assert _names(hf_out) == sorted([MANIFEST, hf.DATA, hf.FEATURES])


def test_a_refused_export_into_a_new_folder_leaves_nothing(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(ZeroDivisionError), staged_folder(out, "brat") as stage:
        (stage / "x.txt").write_text("x")
        1 / 0
    assert not out.exists()
