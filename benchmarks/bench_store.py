"""Store benchmarks, each printed beside a baseline measured in the same run.

- one durable action (add span through Session) vs a bare one-row BEGIN IMMEDIATE/INSERT/COMMIT
  in WAL with synchronous=FULL: median and p99;
- export of N documents with 10 spans each vs orjson.dumps of the same record dicts (in memory)
  written as JSONL;
- validation of that file vs orjson.loads of each line;
- import of it into a new store vs the same baseline;
- peak memory (max RSS of a child process) of export and import at N/10 and N documents.

Targets (issue 3): action <= 2x at median and p99; export <= 2x; validation <= 2.5x; import <= 6x;
memory flat in corpus size.  Usage: python benchmarks/bench_store.py [--docs 100000] [--actions 300]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.model import text_sha256  # noqa: E402
from annotator.schema import load_scheme  # noqa: E402

WORDS = ("la coalition internationale a mené des opérations contre Daech en Irak et en Syrie depuis juin 2014 "
         "selon le Pentagone 75 membres « accomplie » d’après l’état-major").split()
SCHEME = ROOT / "schemas" / "news.toml"


def make_records(n_docs: int, spans_per_doc: int = 10, seed: int = 1):
    rnd = random.Random(seed)
    for i in range(n_docs):
        text = " ".join(rnd.choice(WORDS) for _ in range(150))
        spans = []
        cuts = sorted(rnd.sample(range(1, len(text) - 1), spans_per_doc * 2))
        for j in range(spans_per_doc):
            s, e = cuts[2 * j], cuts[2 * j + 1]
            label = ("ACTOR", "DATE", "QUANTITY", "QUOTE")[j % 4]
            attrs = {"ACTOR": {"kind": "state"}, "DATE": {"value": "2014-06"}, "QUANTITY": {"value": 75, "unit": "membres"},
                     "QUOTE": {"mode": "direct"}}[label]
            spans.append({"id": f"s{j + 1}", "start": s, "end": e, "label": label, "text": text[s:e], "attrs": attrs,
                          "source": "manual"})
        yield {"id": f"doc{i:06d}", "text": text, "text_sha256": text_sha256(text), "meta": {"n": i},
               "annotator": "alice", "status": "done", "schema": "news", "schema_version": 1, "spans": spans,
               "flags": [], "updated_at": "2026-01-01T00:00:00.000Z"}


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def bench_actions(tmp: Path, n: int) -> None:
    from annotator.session import Session
    from annotator.model.types import NewDocument
    from annotator.store import open_store

    base_path = tmp / "bare.db"
    conn = sqlite3.connect(base_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (x INTEGER, y TEXT)")
    scheme = load_scheme(SCHEME)
    store = open_store(tmp / "actions.db")
    text = " ".join(WORDS * 40)
    store.add_documents([NewDocument("d", text, text_sha256(text), {}, "bench")])
    session = Session(store, scheme, "alice")
    base, act = [], []
    for i in range(n):  # interleaved, so both see the same disk weather
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?, ?)", (i, "x" * 100))
        conn.execute("COMMIT")
        base.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        session.add_span("d", i, i + 5, ("ACTOR", "DATE", "QUANTITY", "QUOTE")[i % 4])
        act.append(time.perf_counter() - t0)
    store.close()
    conn.close()
    for name, q in (("median", 0.5), ("p99", 0.99)):
        b, a = pct(base, q) * 1000, pct(act, q) * 1000
        print(f"durable action {name:6}: {a:7.3f} ms   bare commit {b:7.3f} ms   ratio {a / b:5.2f}x  (target <= 2x)")


def child(mode: str, path: str, db: str) -> None:
    """Run one export or import in this (child) process, print seconds and max RSS."""
    from annotator.exporting import export
    from annotator.importing import import_sources
    from annotator.store import open_store

    scheme = load_scheme(SCHEME)
    t0 = time.perf_counter()
    if mode == "import":
        with open_store(db) as st:
            import_sources(st, [path], scheme, "alice")
    elif mode == "export":
        with open_store(db) as st:
            export(st, scheme, path, status=None)
    elif mode == "validate":  # what `annotator validate` runs
        from annotator.validation import validate_file

        verdict = validate_file(path, scheme)
        assert not verdict.total, verdict.problems[:5]
    elif mode == "baseline-loads":
        with open(path, "rb") as f:
            for line in f:
                orjson.loads(line)
    elapsed = time.perf_counter() - t0
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork+exec
    hwm = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
    print(f"{elapsed} {hwm}")


def run_child(mode: str, path: Path, db: Path) -> tuple[float, float]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(db)], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def bench_corpus(tmp: Path, n_docs: int) -> dict[str, float]:
    src = tmp / f"src{n_docs}.jsonl"
    records = list(make_records(n_docs))
    t0 = time.perf_counter()
    with open(src, "wb", buffering=1 << 20) as f:
        for r in records:
            f.write(orjson.dumps(r))
            f.write(b"\n")
    dump_base = time.perf_counter() - t0
    del records
    db = tmp / f"s{n_docs}.db"
    loads_base, _ = run_child("baseline-loads", src, db)
    t_val, m_val = run_child("validate", src, db)
    t_imp, m_imp = run_child("import", src, db)
    out = tmp / f"out{n_docs}.jsonl"
    t_exp, m_exp = run_child("export", out, db)
    return {"dump_base": dump_base, "loads_base": loads_base, "validate": t_val, "import": t_imp, "export": t_exp,
            "mem_import": m_imp, "mem_export": m_exp, "mem_validate": m_val}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--actions", type=int, default=1000)
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as d:
        tmp = Path(d)
        bench_actions(tmp, args.actions)
        small = bench_corpus(tmp, max(1, args.docs // 10))
        big = bench_corpus(tmp, args.docs)
    n = args.docs
    print(f"corpus: {n} documents, {n * 10} spans")
    print(f"export   {big['export']:7.2f} s   baseline orjson.dumps+write {big['dump_base']:6.2f} s   ratio {big['export'] / big['dump_base']:5.2f}x  (target <= 2x)")
    print(f"validate {big['validate']:7.2f} s   baseline orjson.loads       {big['loads_base']:6.2f} s   ratio {big['validate'] / big['loads_base']:5.2f}x  (target <= 2.5x)")
    print(f"import   {big['import']:7.2f} s   baseline orjson.loads       {big['loads_base']:6.2f} s   ratio {big['import'] / big['loads_base']:5.2f}x  (target <= 6x)")
    for key in ("mem_export", "mem_import", "mem_validate"):
        print(f"peak RSS {key[4:]:9}: {small[key]:7.1f} MiB at {n // 10} docs, {big[key]:7.1f} MiB at {n} docs")


if __name__ == "__main__":
    main()
