"""The PostgreSQL store, each figure printed beside a baseline measured in the same run on the same
server (issue 13's targets in brackets):

- one durable action (add span through Session, as the database user alice, row-level security in
  force) vs a bare one-row autocommit INSERT on another connection, interleaved: median and p99
  [<= 2x];
- 16 annotator processes (each its own database user) x 500 actions at once, all on one document:
  the actions counted in the log afterwards (0 lost, 0 duplicated), p99 per action against the bare
  commit's p99 [<= 4x], throughput; run twice: every process acting as fast as it can (2 cores for
  16 processes and the server), then each pausing 50 ms between actions (20 actions a second per
  annotator, far beyond a person's pace);
- import of N documents / 10 N spans vs orjson.loads of each line of the file [<= 8x]; export of
  them vs orjson.dumps of the same records (in memory) written as JSONL [<= 2.5x]; peak memory of
  both at N/10 and N documents [flat];
- ``annotator agree --db URL`` on 3 annotators x 10,000 documents x 20 spans (the corpus of
  bench_agree.py), median of 3 runs [<= 2.5 s].

A throwaway server is started with fsync on (tests/pg_server.py, durable); SQLite's figures for
the same work are printed beside, from the same run.
Usage: python benchmarks/bench_postgres.py [--docs 100000] [--actions 1000] [--agree-docs 10000]
       python benchmarks/bench_postgres.py --ab OTHER_CHECKOUT [--rounds 3] [--only actions|concurrent]
         (the action figures of this checkout and of another one, e.g. ``git worktree add /tmp/main main``,
         in alternated runs, each its own server: both see the same machine weather)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_store import SCHEME, WORDS, make_records, pct  # noqa: E402


def bare_connection(url: str):
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("SET synchronous_commit = on")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_bare (x integer, y text)")
    return conn


def bare_commit(conn, i: int) -> float:
    t0 = time.perf_counter()
    conn.execute("INSERT INTO bench_bare VALUES (%s, %s)", (i, "x" * 100))
    return time.perf_counter() - t0


def bench_actions(owner_url: str, alice_url: str, n: int, tmp: Path) -> tuple[float, float]:
    """Interleaved, so both see the same disk weather (SQLite's action too, for comparison).
    Returns the bare commit's median and p99."""
    from annotator.model import text_sha256
    from annotator.model.types import NewDocument
    from annotator.schema import load_scheme
    from annotator.session import Session
    from annotator.store import open_store

    text = " ".join(WORDS * 40)
    doc = NewDocument("d", text, text_sha256(text), {}, "bench")
    with open_store(owner_url) as admin:
        admin.add_documents([doc])
    conn = bare_connection(owner_url)
    rules = load_scheme(SCHEME)
    rules.compile()  # as the app does after its first frame: not part of an action
    store = open_store(alice_url)
    lite = open_store(tmp / "actions.db")
    lite.add_documents([doc])
    sessions = [Session(store, rules, store.user), Session(lite, rules, "alice")]
    times: list[list[float]] = [[], [], []]
    for s in sessions:
        s.record("d")
    for i in range(n):
        times[0].append(bare_commit(conn, i))
        for s, out in zip(sessions, times[1:]):
            t0 = time.perf_counter()
            s.add_span("d", i % 2000, i % 2000 + 5, ("ACTOR", "DATE", "QUANTITY", "QUOTE")[i % 4])
            out.append(time.perf_counter() - t0)
    store.close()
    lite.close()
    conn.close()
    base, act, sqlite_act = times
    for name, q in (("median", 0.5), ("p99", 0.99)):
        b, a, li = pct(base, q) * 1000, pct(act, q) * 1000, pct(sqlite_act, q) * 1000
        print(f"durable action {name:6}: {a:7.3f} ms   bare commit {b:7.3f} ms   ratio {a / b:5.2f}x  (target <= 2x);"
              f" SQLite's action {li:.3f} ms")
    return pct(base, 0.5), pct(base, 0.99)


WORKER = """
import sys, time
from annotator.schema import load_scheme
from annotator.session import Session
from annotator.store import open_store
url, n, pause, scheme = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
st = open_store(url)
rules = load_scheme(scheme)
rules.compile()  # as the app does after its first frame: not part of an action
s = Session(st, rules, st.user)
s.record("d")  # the document read once, as the screen opening it does
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # all start together
times = []
for i in range(n):
    t0 = time.perf_counter()
    s.add_span("d", i, i + 1, "ACTOR")
    times.append(time.perf_counter() - t0)
    if pause:
        time.sleep(pause)
st.close()
sys.stdout.write(" ".join(f"{t:.6f}" for t in times) + "\\n")
"""


def bench_concurrent(server, db: str, owner_url: str, procs: int, per_proc: int, pause: float,
                     bare_p99: float, tmp: Path) -> None:
    import psycopg

    from annotator.store.pg_admin import add_member

    names = [f"ann{i:02d}" for i in range(procs)]
    for who in names:
        add_member(owner_url, db, who, "annotator")
    script = tmp / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    with psycopg.connect(owner_url, autocommit=True) as c:
        c.execute("DELETE FROM actions WHERE annotator LIKE 'ann%%'")
        c.execute("DELETE FROM records WHERE annotator LIKE 'ann%%'")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the workers run this checkout's annotator, as this process does
    children = [subprocess.Popen([sys.executable, str(script), server.url(db, who), str(per_proc), str(pause),
                                  str(SCHEME)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                 env=env)
                for who in names]
    for ch in children:
        assert ch.stdout is not None and ch.stdout.readline().strip() == "ready"
    t0 = time.perf_counter()
    for ch in children:
        assert ch.stdin is not None
        ch.stdin.write("go\n")
        ch.stdin.flush()
    times: list[float] = []
    for ch in children:
        out, _ = ch.communicate()
        if ch.returncode:
            raise SystemExit(f"a worker failed ({ch.returncode})")
        times += [float(x) for x in out.split()]
    wall = time.perf_counter() - t0
    with psycopg.connect(owner_url, autocommit=True) as c:
        logged = dict(c.execute("SELECT annotator, count(*) FROM actions WHERE annotator LIKE 'ann%%'"
                                " GROUP BY annotator").fetchall())
        spans = dict(c.execute("SELECT annotator, span_count FROM records WHERE annotator LIKE 'ann%%'").fetchall())
    lost = sum(max(0, per_proc - logged.get(who, 0)) for who in names)
    extra = sum(max(0, logged.get(who, 0) - per_proc) for who in names)
    wrong_records = sum(1 for who in names if spans.get(who) != per_proc)
    p99 = pct(times, 0.99)
    label = f"each pausing {pause * 1000:.0f} ms" if pause else "as fast as they can"
    print(f"{procs} processes x {per_proc} actions, {label}: {len(times)} acknowledged, {sum(logged.values())} in the "
          f"log; lost {lost}, duplicated {extra}, records with a wrong span count {wrong_records}")
    print(f"  per action median {pct(times, 0.5) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms; bare commit p99 "
          f"{bare_p99 * 1000:.2f} ms; ratio {p99 / bare_p99:5.2f}x  (target <= 4x); throughput "
          f"{len(times) / wall:,.0f} actions/s")


def child(mode: str, path: str, url: str) -> None:
    """One import or export in this (child) process: print seconds and peak RSS."""
    from annotator.schema import load_scheme

    scheme = load_scheme(SCHEME)
    t0 = time.perf_counter()
    if mode == "import":
        from annotator.importing import import_sources
        from annotator.store import open_store

        with open_store(url) as st:
            import_sources(st, [path], scheme, "alice")
    elif mode == "export":
        from annotator.exporting import export
        from annotator.store import open_store

        with open_store(url) as st:
            export(st, scheme, path, status=None)
    elif mode == "baseline-loads":
        with open(path, "rb") as f:
            for line in f:
                orjson.loads(line)
    elapsed = time.perf_counter() - t0
    hwm = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
    print(f"{elapsed} {hwm}")


def run_child(mode: str, path: Path, url: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), url], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def bench_corpus(server, tmp: Path, n_docs: int) -> dict[str, float]:
    db = server.new_database()
    url = server.url(db)
    src = tmp / f"src{n_docs}.jsonl"
    records = list(make_records(n_docs))
    t0 = time.perf_counter()
    with open(src, "wb", buffering=1 << 20) as f:
        for r in records:
            f.write(orjson.dumps(r))
            f.write(b"\n")
    dump_base = time.perf_counter() - t0
    del records
    loads_base, _ = run_child("baseline-loads", src, url)
    t_imp, m_imp = run_child("import", src, url)
    server.sql("VACUUM ANALYZE", db=db)
    out = tmp / f"out{n_docs}.jsonl"
    t_exp, m_exp = run_child("export", out, url)
    n_out = sum(1 for _ in open(out, "rb"))
    assert n_out == n_docs, (n_out, n_docs)
    server.drop_database(db)
    lite = tmp / f"s{n_docs}.db"  # SQLite on the same file, in the same run
    t_imp_lite, _ = run_child("import", src, str(lite))
    t_exp_lite, _ = run_child("export", out, str(lite))
    return {"dump_base": dump_base, "loads_base": loads_base, "import": t_imp, "export": t_exp,
            "mem_import": m_imp, "mem_export": m_exp, "import_sqlite": t_imp_lite, "export_sqlite": t_exp_lite}


def bench_agree(server, tmp: Path, n_docs: int, repeat: int) -> None:
    from annotator.importing import import_sources
    from annotator.schema import load_scheme
    from annotator.store import open_store
    from benchmarks.bench_agree import timed_command, write_files

    paths = write_files(tmp, n_docs)
    db = server.new_database()
    url = server.url(db)
    with open_store(url) as store:
        import_sources(store, [str(p) for p in paths], load_scheme(SCHEME), "nobody")
    server.sql("VACUUM ANALYZE", db=db)
    t = time.perf_counter()
    for p in paths:
        with p.open("rb") as f:
            for line in f:
                orjson.loads(line)
    base = time.perf_counter() - t
    lite = tmp / "agree.db"
    with open_store(lite) as store:
        import_sources(store, [str(p) for p in paths], load_scheme(SCHEME), "nobody")
    files_s, _ = timed_command([str(p) for p in paths], repeat)
    lite_s, _ = timed_command(["--db", str(lite)], repeat)
    db_s, db_mb = timed_command(["--db", url], repeat)
    print(f"annotator agree --db URL, 3 x {n_docs} documents x 20 spans: {db_s:5.2f} s median of {repeat} "
          f"(target <= 2.5 s: {'met' if db_s <= 2.5 else 'NOT met'}); peak RSS {db_mb:.0f} MiB; in the same run: "
          f"--db on SQLite {lite_s:5.2f} s, the JSONL files {files_s:5.2f} s, orjson.loads of every line {base:5.2f} s")
    server.drop_database(db)


def alternate(other: Path, args: argparse.Namespace) -> None:
    """Run this benchmark's action part (and the 16 processes with --only concurrent) from this
    checkout and from ``other`` in turn, ``args.rounds`` times, and print each run's figures."""
    only = "concurrent" if "concurrent" in (args.only or []) else "actions"
    for rnd in range(1, args.rounds + 1):
        for root in (other, ROOT):
            out = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_postgres.py"), "--only", only,
                                  "--actions", str(args.actions), "--procs", str(args.procs),
                                  "--per-proc", str(args.per_proc)], capture_output=True, text=True,
                                 env={**os.environ, "PYTHONPATH": str(root)}, cwd=root)
            if out.returncode:
                raise SystemExit(f"{root}: the benchmark failed\n{out.stderr}")
            print(f"== round {rnd}, {root}")
            print(out.stdout.rstrip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--actions", type=int, default=1000)
    ap.add_argument("--procs", type=int, default=16)
    ap.add_argument("--per-proc", type=int, default=500)
    ap.add_argument("--agree-docs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=["actions", "concurrent", "corpus", "agree"], action="append")
    ap.add_argument("--child", nargs=3)
    ap.add_argument("--ab", type=Path, help="another checkout to alternate with (A/B)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.ab:
        alternate(args.ab.resolve(), args)
        return
    from annotator.store.pg_admin import add_member
    from tests.pg_server import PgServer

    only = set(args.only or ["actions", "concurrent", "corpus", "agree"])
    server = PgServer(durable=True)
    try:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as d:
            tmp = Path(d)
            db = server.new_database()
            owner = server.url(db)
            add_member(owner, db, "alice", "annotator")
            bare_median, bare_p99 = bench_actions(owner, server.url(db, "alice"), args.actions, tmp)
            if "concurrent" in only:
                for pause in (0.0, 0.05):
                    bench_concurrent(server, db, owner, args.procs, args.per_proc, pause, bare_p99, tmp)
            # agree first: ru_maxrss carries over fork and exec, and the corpus part makes this process big
            if "agree" in only:
                bench_agree(server, tmp, args.agree_docs, args.repeat)
            if "corpus" in only:
                small = bench_corpus(server, tmp, max(1, args.docs // 10))
                big = bench_corpus(server, tmp, args.docs)
                n = args.docs
                print(f"corpus: {n} documents, {n * 10} spans")
                print(f"export   {big['export']:7.2f} s   baseline orjson.dumps+write {big['dump_base']:6.2f} s   "
                      f"ratio {big['export'] / big['dump_base']:5.2f}x  (target <= 2.5x); SQLite "
                      f"{big['export_sqlite']:.2f} s")
                print(f"import   {big['import']:7.2f} s   baseline orjson.loads       {big['loads_base']:6.2f} s   "
                      f"ratio {big['import'] / big['loads_base']:5.2f}x  (target <= 8x); SQLite "
                      f"{big['import_sqlite']:.2f} s")
                for key in ("mem_export", "mem_import"):
                    print(f"peak RSS {key[4:]:6}: {small[key]:7.1f} MiB at {n // 10} docs, {big[key]:7.1f} MiB at "
                          f"{n} docs")
    finally:
        server.close()


if __name__ == "__main__":
    main()
