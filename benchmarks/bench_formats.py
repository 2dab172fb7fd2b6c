"""Interchange formats: export and import time of N documents in each format, beside native JSONL's,
and the peak memory of an export at 10k and 100k documents.

Corpus: N French news records (one annotator, ~1 KB of text with NBSP, « », ’, an emoji and a
CRLF; 8 spans each: ACTORs, DATEs, QUANTITYs, overlapping QUOTEs linked to a speaker, attributes).
Export = store -> file through the same path as ``annotator export --format F``; import = file ->
fresh store through the same path as ``annotator import --format F`` (read, validate, one
transaction). Lossy formats are written with --allow-lossy; hf is export-only. Each export runs in
a child process, which reports its wall time, its CPU time (user + system: what the export costs,
whatever else the machine is doing) and its peak resident memory (VmHWM, interpreter and imports
included); each figure is the best of --repeat runs. The memory table exports the same corpus at
each of --memory-docs sizes: memory that stays flat in corpus size has a 100k/10k ratio near 1.

    python benchmarks/bench_formats.py [--docs 10000] [--repeat 1] [--formats spacy,conll]
                                       [--memory-docs 10000,100000]  (0: no memory table;
                                                                      --docs 0: the memory table alone)
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.errors import ProblemLog  # noqa: E402
from annotator.exporting import export  # noqa: E402
from annotator.formats import registry  # noqa: E402
from annotator.formats.common import Options, known_names  # noqa: E402
from annotator.formats.jsonl import canonical_record  # noqa: E402
from annotator.formats.labelmap import LabelMap  # noqa: E402
from annotator.importing import import_items  # noqa: E402
from annotator.model.document import text_sha256  # noqa: E402
from annotator.model.types import ImportItem as Item  # noqa: E402
from annotator.model.types import NewDocument  # noqa: E402
from annotator.schema import load_scheme  # noqa: E402
from annotator.store import open_store  # noqa: E402

SCHEME = load_scheme(ROOT / "schemas" / "news.toml")
WORDS = ("la coalition internationale a mené des opérations contre Daech en Irak et en Syrie depuis "
         "le ministère d’après l’état-major les forces armées ont frappé des positions").split()
OUT = {"jsonl": "x.jsonl", "spacy": "x.spacy", "prodigy": "x.prodigy.jsonl", "doccano": "x.doccano.jsonl",
       "label-studio": "x.ls.json", "brat": "brat", "conll": "x.conll", "hf": "hf"}


def make_record(i: int, rng: random.Random) -> dict:
    parts = [f"Le {rng.randint(1, 28)} avril 2018, ", "Élise Moreau", " a déclaré : ", "« Nous resterons »",
             f", selon l’état-major 👍. Environ 1\u00a0{rng.randint(100, 999)} soldats", ".\r\n"]
    parts += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))) + ". " for _ in range(8)]
    text = "".join(parts)
    pos = {}
    off = 0
    for k, p in enumerate(parts[:6]):
        pos[k] = (off, off + len(p))
        off += len(p)

    def sp(sid, s, e, label, attrs=None):
        return {"id": sid, "start": s, "end": e, "label": label, "text": text[s:e], "attrs": attrs or {}, "source": "manual"}

    d0 = text.index("avril 2018") - len(str(text.split(" ")[1])) - 1
    q = pos[3]
    n0 = text.index("1\u00a0")
    spans = [
        sp("d1", d0, text.index("avril 2018") + 10, "DATE", {"value": "2018-04"}),
        sp("a1", *pos[1], "ACTOR", {"kind": "person"}),
        sp("q1", q[0], q[1], "QUOTE", {"speaker": "a1", "mode": "direct"}),
        sp("q2", pos[2][0] + 1, q[1], "QUOTE"),  # overlaps q1
        sp("a2", text.index("l’état-major"), text.index("l’état-major") + 12, "ACTOR", {"kind": "state"}),
        sp("n1", n0, n0 + 5, "QUANTITY", {"value": 1000, "approximate": True}),
        sp("n2", n0, n0 + 13, "QUANTITY", {"unit": "soldats"}),
        sp("a3", text.index(" ", pos[5][1] + 3) + 1, text.index(" ", pos[5][1] + 3) + 5, "ACTOR"),
    ]
    return {"id": f"doc{i:06d}", "text": text, "text_sha256": text_sha256(text), "meta": {"n": i}, "annotator": "alice",
            "status": "done", "schema": SCHEME.name, "schema_version": SCHEME.version, "spans": spans, "flags": [],
            "updated_at": "2024-05-01T10:00:00Z"}


def build_store(path: Path, n: int) -> None:
    rng = random.Random(7)

    def items():
        for i in range(n):
            rec = make_record(i, rng)
            if i < 1000:  # every record has the same shape: checking the first thousand is enough
                SCHEME.validate_record(rec)
            yield Item(NewDocument(rec["id"], rec["text"], rec["text_sha256"], rec["meta"], "bench"),
                       canonical_record(rec, "alice"))

    with open_store(path) as store:
        import_items(store, items(), ProblemLog())


def options() -> Options:
    return Options(annotator="alice", allow_lossy=True, label_map=LabelMap(known=known_names(SCHEME)))


def export_child(db: str, fmt: str, dest: str) -> None:
    """In a child process: one export; prints wall s, CPU s and peak RSS in kB."""
    if fmt == "spacy":
        from annotator.formats.spacy_docbin import blank

        blank("fr")  # loaded before the clock starts, as in the time table (once per process)
    with open_store(db, create=False) as store:
        t = time.perf_counter()
        c = time.process_time()
        report = export(store, SCHEME, dest, fmt, options())
        wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert report.records, "nothing exported"
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork+exec
    hwm = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
    print(f"{wall} {cpu} {hwm}")


def export_once(db: Path, fmt: str, dest: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one export in a child process."""
    if dest.is_dir():
        shutil.rmtree(dest)
    elif dest.exists():
        dest.unlink()
    out = subprocess.run([sys.executable, __file__, "--child-export", str(db), fmt, str(dest)], capture_output=True,
                         text=True)
    if out.returncode:
        raise SystemExit(f"{fmt}: export failed: {out.stderr[-2000:]}")
    wall, cpu, hwm = out.stdout.split()
    return float(wall), float(cpu), int(hwm) / 1024


def import_once(src: Path, fmt: str, db: Path) -> tuple[float, int]:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    log = ProblemLog()
    opts = options()
    with open_store(db) as store:
        t = time.perf_counter()
        plan = [registry.SourcePlan(str(src), fmt, "bench")]
        result = import_items(store, registry.read_sources(plan, SCHEME, opts, log), log)
        elapsed = time.perf_counter() - t
    if log:
        raise SystemExit(f"{fmt}: import problems: {log.lines()[:3]}")
    return elapsed, result.items


def memory_table(tmpdir: Path, sizes: list[int], formats: list[str]) -> None:
    """Peak memory of each format's export at each corpus size, beside native JSONL's."""
    peaks: dict[tuple[str, int], tuple[float, float]] = {}
    for n in sizes:
        db = tmpdir / f"mem{n}.db"
        t = time.perf_counter()
        build_store(db, n)
        print(f"memory corpus: {n} documents (built in {time.perf_counter() - t:.1f} s)", flush=True)
        for fmt in formats:
            _wall, cpu, peak = export_once(db, fmt, tmpdir / f"mem-{OUT[fmt]}")
            peaks[(fmt, n)] = (peak, cpu)
            print(f"  {fmt} at {n}: peak {peak:.0f} MB, CPU {cpu:.2f} s", flush=True)
        db.unlink()
    print()
    head = "".join(f" {f'peak MB {n // 1000}k':>14} {f'CPU s {n // 1000}k':>11}" for n in sizes)
    ratio = f" {f'{sizes[-1] // 1000}k/{sizes[0] // 1000}k':>9}" if len(sizes) > 1 else ""
    print(f"{'format':<13}{head}{ratio}")
    for fmt in formats:
        row = "".join(f" {peaks[(fmt, n)][0]:14.0f} {peaks[(fmt, n)][1]:11.2f}" for n in sizes)
        growth = f" {peaks[(fmt, sizes[-1])][0] / peaks[(fmt, sizes[0])][0]:9.2f}" if len(sizes) > 1 else ""
        print(f"{fmt:<13}{row}{growth}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-export":
        export_child(*sys.argv[2:5])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--formats", default=",".join(registry.FORMATS))
    ap.add_argument("--memory-docs", default="10000,100000",
                    help="corpus sizes of the memory table, comma-separated (0: none)")
    args = ap.parse_args()
    formats = ["jsonl"] + [f for f in args.formats.split(",") if f != "jsonl"]
    sizes = [int(x) for x in args.memory_docs.split(",") if int(x)]
    if not args.docs:  # the memory table alone
        with tempfile.TemporaryDirectory() as tmp:
            memory_table(Path(tmp), sizes, formats)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        db = tmpdir / "corpus.db"
        t = time.perf_counter()
        build_store(db, args.docs)
        print(f"corpus: {args.docs} documents, 8 spans each (built in {time.perf_counter() - t:.1f} s)")
        if "spacy" in formats:
            from annotator.formats.spacy_docbin import blank

            t = time.perf_counter()
            blank("fr")
            print(f"spaCy blank('fr') loaded in {time.perf_counter() - t:.1f} s (once per process; not in the figures)")
        rows = []
        for fmt in formats:
            dest = tmpdir / OUT[fmt]
            runs = [export_once(db, fmt, dest) for _ in range(args.repeat)]
            wall, cpu, peak = min(r[0] for r in runs), min(r[1] for r in runs), min(r[2] for r in runs)
            imp = None
            if registry.FORMATS[fmt].can_read:
                imp = min(import_once(dest, fmt, tmpdir / f"in-{fmt}.db")[0] for _ in range(args.repeat))
            rows.append((fmt, wall, cpu, peak, imp))
            print(f"  {fmt}: export {wall:.2f} s (CPU {cpu:.2f} s, peak {peak:.0f} MB)"
                  + (f", import {imp:.2f} s" if imp is not None else ""), flush=True)
        base_w, base_c, base_i = rows[0][1], rows[0][2], rows[0][4]
        print()
        print(f"{'format':<13} {'export s':>9} {'x jsonl':>8} {'CPU s':>7} {'x jsonl':>8} {'peak MB':>8} "
              f"{'import s':>9} {'x jsonl':>8}")
        for fmt, wall, cpu, peak, imp in rows:
            imp_s = f"{imp:9.2f} {imp / base_i:8.2f}" if imp is not None else f"{'-':>9} {'-':>8}"
            print(f"{fmt:<13} {wall:9.2f} {wall / base_w:8.2f} {cpu:7.2f} {cpu / base_c:8.2f} {peak:8.0f} {imp_s}")
        if sizes:
            print()
            memory_table(tmpdir, sizes, formats)


if __name__ == "__main__":
    main()
