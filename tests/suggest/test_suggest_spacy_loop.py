"""The loop of an NLP engineer, with spaCy's own commands: export the annotations for spaCy, train
a pipeline with ``python -m spacy train`` (a few steps, CPU, a tiny network), suggest with it on new
text. The corpus is tiny and repetitive so that a few steps learn something to suggest."""

from __future__ import annotations

import subprocess
import sys

import orjson

from tests.conftest import ANNOTATOR, SCHEME_PATH, make_record

NAMES = ["Alpha Dupont", "Karim Benali", "Léa Moreau", "Jean Martin", "Zoé Lefèvre", "Hugo Blanc"]
ENDINGS = ["est arrivé hier.", "a parlé longtemps.", "reste prudent.", "a signé l'accord."]


def sh(*args: str, cwd) -> subprocess.CompletedProcess:
    proc = subprocess.run(list(args), check=False, capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, f"{' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_export_train_suggest(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    lines = []
    for n, (name, end) in enumerate((n, e) for n in NAMES for e in ENDINGS):
        text = f"{name} {end}"
        lines.append(orjson.dumps(make_record(text, [{"start": 0, "end": len(name), "label": "ACTOR",
                                                      "attrs": {"kind": "person"}}], id=f"t{n}")))
    corpus.write_bytes(b"\n".join(lines) + b"\n")
    schema = ["--schema", str(SCHEME_PATH)]
    sh(*ANNOTATOR, "import", str(corpus), "--db", "s.db", *schema, cwd=tmp_path)
    sh(*ANNOTATOR, "export", "--db", "s.db", "--format", "spacy", "--out", "train.spacy", *schema, cwd=tmp_path)
    sh(sys.executable, "-m", "spacy", "init", "config", "config.cfg", "--lang", "fr", "--pipeline", "ner",
       "--optimize", "efficiency", cwd=tmp_path)
    sh(sys.executable, "-m", "spacy", "train", "config.cfg", "--output", "training", "--paths.train", "train.spacy",
       "--paths.dev", "train.spacy", "--training.max_steps", "60", "--training.eval_frequency", "20",
       "--components.tok2vec.model.encode.width", "32", "--components.tok2vec.model.embed.width", "32", cwd=tmp_path)
    (tmp_path / "new.txt").write_text("Karim Benali a signé hier.\nLe chat dort.\n", encoding="utf-8")
    proc = sh(*ANNOTATOR, "suggest", "new.txt", "--model", "training/model-last", "--labels", "ACTOR",
              "--out", "suggestions.jsonl", *schema, cwd=tmp_path)
    (rec,) = [orjson.loads(line) for line in (tmp_path / "suggestions.jsonl").read_bytes().splitlines()]
    assert [(s["text"], s["label"], s["source"]) for s in rec["spans"]] == [
        ("Karim Benali", "ACTOR", "model:model-last")]
    assert "model:model-last" in proc.stderr
    sh(*ANNOTATOR, "validate", "suggestions.jsonl", *schema, cwd=tmp_path)
