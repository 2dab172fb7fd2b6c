"""Hugging Face layout: datasets.load_dataset("json", features=...) gives the right label names."""

from __future__ import annotations

import json

import pytest

from annotator.formats import hf
from annotator.formats.common import LossyExport
from annotator.errors import UsageError
from tests.formats.fmt_helpers import SCHEME, options, sample_records

datasets = pytest.importorskip("datasets")


def test_load_dataset_with_features(tmp_path):
    out = tmp_path / "hf"
    report = hf.write(iter(sample_records()), str(out), SCHEME, options(allow_lossy=True))
    assert sorted(p.name for p in out.iterdir()) == [".annotator-export.json", "data.jsonl", "features.json"]
    features = datasets.Features.from_dict(json.loads((out / "features.json").read_text()))
    ds = datasets.load_dataset("json", data_files=str(out / "data.jsonl"), features=features, split="train",
                               cache_dir=str(tmp_path / "cache"))
    names = ds.features["ner_tags"].feature.names
    assert names == ["O", "B-ACTOR", "I-ACTOR", "B-DATE", "I-DATE", "B-QUANTITY", "I-QUANTITY", "B-QUOTE", "I-QUOTE"]
    row = next(r for r in ds if r["document"] == "crlf" and "Élise" in r["tokens"])
    tags = [names[i] for i in row["ner_tags"]]
    assert tags[row["tokens"].index("Élise")] == "B-ACTOR" and tags[row["tokens"].index("Moreau")] == "I-ACTOR"
    assert report.records == 4 and report.lossy


def test_bilou_names_and_refusals(tmp_path):
    with pytest.raises(LossyExport):
        hf.write(iter(sample_records()), str(tmp_path / "a"), SCHEME, options())
    assert not (tmp_path / "a").exists()
    with pytest.raises(UsageError):
        hf.write(iter([]), str(tmp_path / "b"), SCHEME, options(tags="iob1"))
    hf.write(iter(sample_records()), str(tmp_path / "c"), SCHEME, options(tags="bilou", allow_lossy=True))
    names = json.loads((tmp_path / "c" / "features.json").read_text())["ner_tags"]["feature"]["names"]
    assert names[:5] == ["O", "B-ACTOR", "I-ACTOR", "L-ACTOR", "U-ACTOR"]
