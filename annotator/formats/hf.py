"""Hugging Face token classification: a folder with ``data.jsonl`` and ``features.json``.

``data.jsonl`` has one row per sentence: ``{"id": "0", "document": doc id, "annotator": name,
"tokens": [str], "ner_tags": [int]}``; ``features.json`` is the ``datasets.Features`` dict that
names the tags (IOB2 by default, ``--tags bilou``), in the scheme's label order::

    import json
    from datasets import Features, load_dataset
    features = Features.from_dict(json.load(open("out/features.json")))
    ds = load_dataset("json", data_files="out/data.jsonl", features=features, split="train")
    ds.features["ner_tags"].feature.names   # ['O', 'B-ACTOR', 'I-ACTOR', ...]

Tokens, sentences and what is lost are exactly those of the CoNLL export (see
``annotator.formats.conll``): overlapping spans, white space at span edges, attributes and links
are reported per document, and a lossy export needs ``--allow-lossy``. Export only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import UsageError
from annotator.files.staged import staged_folder
from annotator.formats.common import Options, Report, check_lossy, labels_for, with_tokens
from annotator.formats.conll import TAG_SCHEMES, tag_names, tagged_sentences
from annotator.model.types import RecordDict
from annotator.schema import Scheme

DATA = "data.jsonl"
FEATURES = "features.json"


def features_dict(names: list[str]) -> dict[str, Any]:
    """``datasets.Features.to_dict()`` layout; "Sequence" is read by every datasets version."""
    string = {"dtype": "string", "_type": "Value"}
    return {
        "id": string,
        "document": string,
        "annotator": string,
        "tokens": {"feature": string, "_type": "Sequence"},
        "ner_tags": {"feature": {"names": names, "_type": "ClassLabel"}, "_type": "Sequence"},
    }


def earlier_export(folder: Path, present: set[str]) -> set[str] | None:
    """An hf export made before exports left a manifest: exactly its two files."""
    files = {DATA, FEATURES}
    return files if present == files else None


def write(records: Iterable[RecordDict], dest: str, scheme: Scheme, options: Options) -> Report:
    if options.tags == "iob1":
        raise UsageError("--tags iob1 is for reading old CoNLL files; hf writes iob2 or bilou")
    if options.tags not in TAG_SCHEMES:
        raise UsageError(f"--tags must be one of {', '.join(TAG_SCHEMES)}")
    labels = labels_for(scheme, options)
    names = tag_names(dict.fromkeys(labels.external(lab.name) for lab in scheme.labels), options.tags)
    index = {n: i for i, n in enumerate(names)}
    report = Report("hf", dest, notes=["token classification keeps tokens and tags only: the text's white space, "
                                       "attributes and links are not in the dataset"])
    row = 0
    with staged_folder(dest, "hf", recognise=earlier_export) as stage:
        with open(stage / DATA, "wb", buffering=1 << 20) as out:
            for rec, tokens in with_tokens(records):
                sentences, lost = tagged_sentences(rec, scheme, options, tokens)
                for tokens, tags in sentences:
                    out.write(orjson.dumps({"id": str(row), "document": rec["id"],
                                            "annotator": rec.get("annotator") or "", "tokens": tokens,
                                            "ner_tags": [index[t] for t in tags]}))
                    out.write(b"\n")
                    row += 1
                report.lose(rec, lost)
                report.records += 1
        (stage / FEATURES).write_bytes(orjson.dumps(features_dict(names), option=orjson.OPT_INDENT_2) + b"\n")
        check_lossy(report, options)
    return report
