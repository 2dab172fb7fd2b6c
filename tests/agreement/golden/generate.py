"""The golden corpus of ``annotator agree`` and what the command printed for it.

``inputs/`` holds five annotators' JSONL records on 40 short French articles, made once by
``python tests/agreement/golden/generate.py inputs`` (seeded): spans of every label with
attributes (a QUOTE naming its ACTOR as speaker, nested in it), spans dropped, moved, relabelled
or given another attribute by each annotator, an annotator who opens a few documents and marks
nothing, documents done by one annotator only, ``todo`` and ``skipped`` records, documents nobody
marked, an id holding Rich markup, three annotators in one file and one whose records name no
annotator (it takes the file's name).

``agree.json`` (``--json``) and ``agree_tables.txt`` (``--by-doc``, 120 columns, not a
terminal) are what the command printed for it, kept to check that the output does not change
(test_agree_golden.py). After a deliberate change of the output, or when an upgrade of numpy or
krippendorff moves the last digit of a float, write them again with ``python
tests/agreement/golden/generate.py expected`` and read the diff before committing.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
INPUTS = HERE / "inputs"
SCHEME = ROOT / "schemas" / "news.toml"
FILES = ("alice.jsonl", "team.jsonl", "dave.jsonl")  # team: bob, carol, erin; dave's records name no annotator
TABLE_COLUMNS = "120"

WORDS = ["le", "président", "Macron", "a", "déclaré", "que", "la", "France", "enverra", "300", "soldats", "au", "Mali",
         "en", "mai", "2019", "selon", "l’état-major", "«", "accomplie", "»", "d’après", "Paris", "et", "Bamako",
         "1\u202f200", "hommes", "la", "coalition", "depuis", "juin", "2014", "."]


def command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "annotator", "agree", *(str(INPUTS / f) for f in FILES), "--schema", str(SCHEME),
            *extra]


def environment() -> dict[str, str]:
    """A fixed width for the tables, and no colour whatever the caller's terminal says."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")}
    env.update(COLUMNS=TABLE_COLUMNS, LINES="40", NO_COLOR="1", TERM="dumb", PYTHONPATH=str(ROOT))
    return env


def _spans(rnd: random.Random, text: str) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from annotator.text.words import token_spans

    toks = token_spans(text)
    spans: list[dict] = []
    used: set[tuple[int, int, str]] = set()
    for _ in range(rnd.randint(0, 5)):
        i = rnd.randrange(len(toks))
        j = min(len(toks), i + rnd.randint(1, 3))
        label = rnd.choice(("ACTOR", "DATE", "QUANTITY"))
        key = (toks[i][0], toks[j - 1][1], label)
        if key in used:
            continue
        used.add(key)
        attrs: dict = {}
        if label == "ACTOR" and rnd.random() < 0.7:
            attrs["kind"] = rnd.choice(("person", "state", "coalition"))
        elif label == "DATE" and rnd.random() < 0.6:
            attrs["value"] = rnd.choice(("2019-05", "2014-06", "PRESENT_REF"))
        elif label == "QUANTITY":
            if rnd.random() < 0.6:
                attrs["value"] = rnd.choice((300, 1200, 75))
            if rnd.random() < 0.4:
                attrs["unit"] = rnd.choice(("soldats", "hommes"))
            if rnd.random() < 0.3:
                attrs["approximate"] = rnd.random() < 0.5
        spans.append({"id": f"s{len(spans) + 1}", "start": key[0], "end": key[1], "label": label, "attrs": attrs})
    actors = [s for s in spans if s["label"] == "ACTOR"]
    if actors and rnd.random() < 0.6:  # a QUOTE around its speaker
        a = actors[0]
        end = min(len(text), a["end"] + rnd.randint(10, 40))
        end = next((e for _s, e in toks if e >= end), toks[-1][1])
        spans.append({"id": f"s{len(spans) + 1}", "start": a["start"], "end": end, "label": "QUOTE",
                      "attrs": {"speaker": a["id"], "mode": rnd.choice(("direct", "indirect"))}})
    return spans


def _variant(rnd: random.Random, spans: list[dict], text: str) -> list[dict]:
    out, seen = [], set()
    for s in spans:
        s = {**s, "attrs": dict(s["attrs"])}
        r = rnd.random()
        if r < 0.12 and s["label"] != "ACTOR":
            continue  # dropped
        if r < 0.22:
            s["end"] = min(len(text), s["end"] + rnd.choice((-1, 2))) if s["end"] - s["start"] > 1 else s["end"]
        elif r < 0.30 and s["label"] in ("DATE", "QUANTITY"):
            s["label"] = "QUANTITY" if s["label"] == "DATE" else "DATE"
            s["attrs"] = {}
        elif r < 0.40 and s["label"] == "ACTOR":
            s["attrs"] = {"kind": "other"}
        elif r < 0.45 and s["label"] == "QUOTE":
            s["attrs"].pop("speaker", None)
        if (s["start"], s["end"], s["label"]) not in seen:
            seen.add((s["start"], s["end"], s["label"]))
            out.append(s)
    return out


def write_inputs(n_docs: int = 40, seed: int = 20260102) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.conftest import make_record

    rnd = random.Random(seed)
    records: dict[str, list[dict]] = {name: [] for name in ("alice", "bob", "carol", "dave")}
    erin: list[dict] = []
    for d in range(n_docs):
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 40)))
        doc_id = "[bold]x[/bold]" if d == 7 else f"art-{d:03d}"
        base = [] if d == 3 else _spans(rnd, text)  # doc 3: nobody marks anything
        for name, done in records.items():
            r = rnd.random()
            if d % 6 == 5 and name != "alice":
                continue  # done by alice only
            if r < 0.15:
                continue  # never opened
            status = "done" if r > 0.3 else rnd.choice(("in_progress", "todo", "skipped", "done"))
            spans = [] if status in ("todo", "skipped") else (base if name == "alice" else _variant(rnd, base, text))
            rec = make_record(text, spans, id=doc_id, annotator=name, status=status)
            if name == "dave":
                del rec["annotator"]
            done.append(rec)
        if d % 10 == 0:  # erin opens a few documents and marks nothing
            erin.append(make_record(text, [], id=doc_id, annotator="erin"))
    INPUTS.mkdir(exist_ok=True)
    by_file = {"alice.jsonl": records["alice"], "team.jsonl": records["bob"] + records["carol"] + erin,
               "dave.jsonl": records["dave"]}
    for name, recs in by_file.items():
        (INPUTS / name).write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))


def write_expected() -> None:
    for extra, name in ((["--json"], "agree.json"), (["--by-doc"], "agree_tables.txt")):
        proc = subprocess.run(command(*extra), capture_output=True, env=environment(), check=True)
        (HERE / name).write_bytes(proc.stdout)


if __name__ == "__main__":
    what = sys.argv[1:] or ["expected"]
    if "inputs" in what:
        write_inputs()
    if "expected" in what:
        write_expected()
