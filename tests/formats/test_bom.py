"""A UTF-8 byte-order mark at the start of a file (what Windows editors add) is read past by every
format that reads one file: the same records come back as without it."""

from __future__ import annotations

import orjson
import pytest

from annotator.errors import ProblemLog
from annotator.formats import registry
from tests.formats.fmt_helpers import SCHEME, options, sample_records, same_records


@pytest.mark.parametrize("fmt,name,kw", [
    ("jsonl", "a.jsonl", {}),
    ("prodigy", "a.jsonl", {}),
    ("doccano", "a.jsonl", {}),
    ("label-studio", "a.json", {}),
    ("conll", "a.conll", {"allow_lossy": True}),
])
def test_a_bom_at_the_start_of_a_file_is_read_past(tmp_path, fmt, name, kw):
    recs = sample_records()
    f = registry.get_format(fmt)
    if fmt == "jsonl":  # native records as they are
        (tmp_path / name).write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    else:
        f.write()(iter(recs), str(tmp_path / name), SCHEME, options(**kw))
    plain_log, bom_log = ProblemLog(), ProblemLog()
    plain = list(f.read()(str(tmp_path / name), SCHEME, options(**kw), plain_log))
    (tmp_path / f"bom-{name}").write_bytes(b"\xef\xbb\xbf" + (tmp_path / name).read_bytes())
    assert registry.guess_format(tmp_path / f"bom-{name}")[0] == fmt
    with_bom = list(f.read()(str(tmp_path / f"bom-{name}"), SCHEME, options(**kw), bom_log))
    assert not bom_log, bom_log.lines()
    assert not plain_log, plain_log.lines()
    if fmt == "conll":  # ids come from the file name, spans as the tags give them
        assert [it.document.text for it in with_bom] == [it.document.text for it in plain]
        assert [it.record["spans"] for it in with_bom] == [it.record["spans"] for it in plain]
    else:
        same_records(recs, with_bom)
