"""``annotator agree`` on 3 annotators x N documents x 20 spans each (issue 6: <= 2 s at N = 10,000).

Each document is a ~150-word article (about 1,000 characters). Annotator a's 20 spans include a
QUOTE that holds an ACTOR and names it as speaker; b and c start from a's spans and change about
one span in ten each (a boundary moved, a label changed, a span dropped or an attribute changed).

Printed: the wall time of the command as a user runs it (a new process, ``--json`` to
/dev/null), from JSONL files (every line validated) and from a store (``--db``), the median of
``--repeat`` runs, beside a baseline of the same run: parsing every line with ``orjson`` in one
process, the least any reader of those files does (the machine is shared: it tells how fast it
was then). Then where the time goes, in this process, one stage after the other: reading,
validating and tokenizing (one process per core), assembling the corpus, and the figures.

Usage: python benchmarks/bench_agree.py [--docs 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.model import text_sha256  # noqa: E402

WORDS = ("la coalition internationale a mené des opérations contre Daech en Irak et en Syrie depuis juin 2014 "
         "selon le Pentagone 75 membres « accomplie » d’après l’état-major").split()
SCHEME = ROOT / "schemas" / "news.toml"
LABELS = ("ACTOR", "DATE", "QUANTITY", "QUOTE")
ATTRS = {"ACTOR": {"kind": "state"}, "DATE": {"value": "2014-06"}, "QUANTITY": {"value": 75, "unit": "membres"},
         "QUOTE": {"mode": "direct"}}


def article(rnd: random.Random) -> tuple[str, list[tuple[int, int]]]:
    words = [rnd.choice(WORDS) for _ in range(150)]
    bounds, pos = [], 0
    for w in words:
        bounds.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), bounds


def base_spans(rnd: random.Random, words: list[tuple[int, int]]) -> list[list]:
    """19 flat spans plus a QUOTE around the first ACTOR, which it names as speaker: 20 spans."""
    spans = []
    for k in range(19):
        i = k * 7 + rnd.randrange(3)
        j = i + rnd.randrange(1, 4)
        spans.append([words[i][0], words[j - 1][1], LABELS[k % 3], dict(ATTRS[LABELS[k % 3]])])
    actor = spans[0]
    spans.append([words[0][0], words[10][1], "QUOTE", {"mode": "direct", "speaker": actor}])
    return spans


def record(doc_id: str, text: str, annotator: str, spans: list[list]) -> dict:
    out, ids = [], {}
    for n, s in enumerate(spans, 1):
        ids[id(s)] = f"s{n}"
    for s in spans:
        attrs = dict(s[3])
        if "speaker" in attrs:
            target = attrs.pop("speaker")
            if id(target) in ids and target[2] == "ACTOR":
                attrs["speaker"] = ids[id(target)]
        out.append({"id": ids[id(s)], "start": s[0], "end": s[1], "label": s[2], "text": text[s[0]:s[1]],
                    "attrs": attrs, "source": "manual"})
    return {"id": doc_id, "text": text, "text_sha256": text_sha256(text), "meta": {}, "annotator": annotator,
            "status": "done", "schema": "news", "schema_version": 1, "spans": out, "flags": [],
            "updated_at": "2026-01-01T00:00:00.000Z"}


def variant(rnd: random.Random, spans: list[list], text_len: int) -> list[list]:
    out = [list(s) for s in spans]
    by_old = {id(old): new for old, new in zip(spans, out)}
    for s in out:
        if "speaker" in s[3]:
            s[3] = {**s[3], "speaker": by_old[id(s[3]["speaker"])]}
    keep = []
    for s in out:
        r = rnd.random()
        if r < 0.03 and s[2] != "ACTOR":
            continue  # dropped
        if r < 0.06:
            s[1] = min(text_len, s[1] + 2)  # boundary moved
        elif r < 0.08 and s[2] != "QUOTE":
            s[2] = "DATE" if s[2] == "ACTOR" else "ACTOR"  # label changed
            s[3] = {}
        elif r < 0.10 and s[2] == "ACTOR":
            s[3] = {"kind": "person"}  # attribute changed
        keep.append(s)
    seen, unique = set(), []
    for s in keep:
        if (s[0], s[1], s[2]) not in seen:
            seen.add((s[0], s[1], s[2]))
            unique.append(s)
    return unique


def write_files(folder: Path, n_docs: int, seed: int = 1) -> list[Path]:
    rnd = random.Random(seed)
    paths = [folder / f"{a}.jsonl" for a in "abc"]
    files = [p.open("wb") for p in paths]
    try:
        for d in range(n_docs):
            text, words = article(rnd)
            spans = base_spans(rnd, words)
            for name, f, version in zip("abc", files, (spans, variant(rnd, spans, len(text)), variant(rnd, spans, len(text)))):
                f.write(orjson.dumps(record(f"doc{d:06d}", text, name, version)) + b"\n")
    finally:
        for f in files:
            f.close()
    return paths


def timed_command(args: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time of the command, and the peak RSS (MiB) of its main process."""
    times, peaks = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "agree", *args, "--json", "--schema", str(SCHEME)],
                                stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - t)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"annotator agree failed ({proc.returncode})")
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
    return statistics.median(times), max(peaks)


def stages(paths: list[Path]) -> dict[str, float]:
    from annotator.agreement import corpus as corpus_mod
    from annotator.agreement import report
    from annotator.agreement.reading import read_files
    from annotator.gc_pause import gc_paused
    from annotator.schema import load_scheme

    scheme = load_scheme(SCHEME)
    labels = [lab.name for lab in scheme.labels]
    out = {}
    with gc_paused(freeze=True):  # as the command does
        t = time.perf_counter()
        batches, sources = read_files([str(p) for p in paths], scheme, labels)
        out["read, validate, tokenize (all cores)"] = time.perf_counter() - t
        t = time.perf_counter()
        corpus = corpus_mod.assemble(batches, sources, labels)
        out["assemble the corpus"] = time.perf_counter() - t
        t = time.perf_counter()
        report.agreement(corpus, scheme, fork=True)
        out["figures"] = time.perf_counter() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_files(folder, args.docs)
        chars = sum(len(orjson.loads(line)["text"]) for line in paths[0].open("rb"))
        print(f"3 annotators x {args.docs} documents x 20 spans (about {chars / max(1, args.docs):.0f} characters each)")
        t = time.perf_counter()
        for p in paths:
            with p.open("rb") as f:
                for line in f:
                    orjson.loads(line)
        print(f"baseline, orjson.loads of every line in one process: {time.perf_counter() - t:6.2f} s")
        files_s, files_mb = timed_command([str(p) for p in paths], args.repeat)
        print(f"annotator agree FILES --json : {files_s:6.2f} s  (target <= 2 s: {'met' if files_s <= 2 else 'NOT met'});"
              f" peak RSS {files_mb:.0f} MiB")
        from annotator.importing import import_sources
        from annotator.schema import load_scheme
        from annotator.store import open_store

        db = folder / "bench.db"
        with open_store(db) as store:
            import_sources(store, [str(p) for p in paths], load_scheme(SCHEME), "nobody")
        db_s, db_mb = timed_command(["--db", str(db)], args.repeat)
        print(f"annotator agree --db --json  : {db_s:6.2f} s  (target <= 2 s: {'met' if db_s <= 2 else 'NOT met'});"
              f" peak RSS {db_mb:.0f} MiB")
        print("where the time goes (files, in this process):")
        for what, secs in stages(paths).items():
            print(f"  {what:30s} {secs:6.2f} s")


if __name__ == "__main__":
    main()
