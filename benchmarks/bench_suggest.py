"""Quality and speed of the suggesters (annotator/suggest).

    python -m benchmarks.bench_suggest            # quality (dev, held out, all) and speed
    python -m benchmarks.bench_suggest --quality  # quality only
    python -m benchmarks.bench_suggest --speed    # speed only
    python -m benchmarks.bench_suggest --no-model # rules, gazetteer and patterns only
    python -m benchmarks.bench_suggest --speed --docs 2000  # fewer documents for the command
    python -m benchmarks.bench_suggest --store    # the command keeping its suggestions in a store only

Quality: the gold set tests/data/suggest_gold.jsonl (ten articles written for this project; those
with meta.split = test were held out while the rules were written) goes through ``annotator
suggest`` as plain documents, and ``annotator agree GOLD SUGGESTIONS --json`` gives precision and
recall per label, exact and partial. On top of that: the share of gold DATEs with a calendar value
whose suggested value is right, of gold QUANTITYs whose number is right, and of gold QUOTEs with a
named speaker whose suggested speaker is that actor (a gold span with no overlapping suggestion
counts as wrong).

Speed: the rules (dates, quantities, quotes, gazetteer) over a ~1 MB article made of the gold
texts, beside a baseline of one regular-expression pass over its words; and ``annotator suggest
--no-model`` over 10,000 documents beside the time to read them (the command's own reading), then
where its time goes (start-up, reading, the suggesters, records and JSON, writing); and ``annotator
suggest --db`` (no ``--out``) keeping them in a SQLite store of those documents, beside the time to
read the documents from the store (one snapshot of every record, as the command reads them), first
run, ``--again`` (every document computed and kept again) and a run with nothing left to compute.
Every figure is
given as wall time and CPU time (this process's and its children's): the machine is shared, and the
CPU time is what the work costs whatever else runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "suggest_gold.jsonl"
ANNOTATOR = [sys.executable, "-m", "annotator"]
LABELS = ("ACTOR", "DATE", "QUANTITY", "QUOTE")
TARGET_RECALL = {"ACTOR": 0.8, "DATE": 0.9, "QUANTITY": 0.9, "QUOTE": 0.9}


def _records(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(ANNOTATOR + args, check=False, capture_output=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode())
        raise SystemExit(f"annotator {' '.join(args)} failed ({proc.returncode})")
    return proc


def _best_overlap(span: dict[str, Any], others: list[dict[str, Any]]) -> dict[str, Any] | None:
    best, best_len = None, 0
    for o in others:
        if o["label"] != span["label"]:
            continue
        overlap = min(span["end"], o["end"]) - max(span["start"], o["start"])
        if overlap > best_len:
            best, best_len = o, overlap
    return best


def _values(gold: list[dict[str, Any]], sugg: dict[str, dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """(right, of) for DATE calendar values, QUANTITY numbers and QUOTE speakers."""
    out = {"DATE.value": [0, 0], "QUANTITY.value": [0, 0], "QUOTE.speaker": [0, 0]}
    for g in gold:
        s = sugg[g["id"]]
        gspans = {sp["id"]: sp for sp in g["spans"]}
        sspans = {sp["id"]: sp for sp in s["spans"]}
        for sp in g["spans"]:
            match = _best_overlap(sp, s["spans"])
            if sp["label"] == "DATE" and str(sp["attrs"].get("value", "X"))[:1].isdigit():
                out["DATE.value"][1] += 1
                out["DATE.value"][0] += bool(match and match["attrs"].get("value") == sp["attrs"]["value"])
            elif sp["label"] == "QUANTITY" and "value" in sp["attrs"]:
                out["QUANTITY.value"][1] += 1
                out["QUANTITY.value"][0] += bool(match and match["attrs"].get("value") == sp["attrs"]["value"])
            elif sp["label"] == "QUOTE" and "speaker" in sp["attrs"]:
                out["QUOTE.speaker"][1] += 1
                want = gspans[sp["attrs"]["speaker"]]
                got = sspans.get(match["attrs"].get("speaker", "")) if match else None
                out["QUOTE.speaker"][0] += bool(got and (got["start"], got["end"]) == (want["start"], want["end"]))
    return {k: (v[0], v[1]) for k, v in out.items()}


def _f(x: float | None) -> str:
    """A figure in 8 columns; agree gives None where it is undefined (no span on either side)."""
    return f"{x:8.2f}" if x is not None else f"{'—':>8}"


def quality(model: bool) -> None:
    gold_all = _records(GOLD)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        docs = t / "docs.jsonl"
        _write(docs, [{"id": r["id"], "text": r["text"], "meta": r["meta"]} for r in gold_all])
        out = t / "suggestions.jsonl"
        _run(["suggest", str(docs), "--out", str(out)] + ([] if model else ["--no-model"]))
        sugg_all = {r["id"]: r for r in _records(out)}
        print(f"quality on {GOLD.relative_to(ROOT)} ({'with' if model else 'without'} the model), "
              f"figures of `annotator agree GOLD SUGGESTIONS --json` (precision: of the suggestions, recall: of gold)")
        for split in ("dev", "test", None):
            gold = [r for r in gold_all if split is None or r["meta"].get("split") == split]
            g_path, s_path = t / f"gold-{split}.jsonl", t / f"sugg-{split}.jsonl"
            _write(g_path, gold)
            _write(s_path, [sugg_all[r["id"]] for r in gold])
            fig = orjson.loads(_run(["agree", str(g_path), str(s_path), "--json"]).stdout)
            pair = fig["pairs"][0]
            name = {"dev": "dev (tuned on)", "test": "held out", None: "all"}[split]
            n_spans = sum(len(r["spans"]) for r in gold)
            print(f"\n{name}: {len(gold)} articles, {n_spans} gold spans")
            print(f"  {'label':9} {'exact P':>8} {'exact R':>8} {'part. P':>8} {'part. R':>8}   target R")
            for lab in LABELS:
                e = pair["exact"]["per_label"].get(lab, {})
                p = pair["partial"]["per_label"].get(lab, {})
                print(f"  {lab:9} {_f(e.get('precision'))} {_f(e.get('recall'))} "
                      f"{_f(p.get('precision'))} {_f(p.get('recall'))}   {TARGET_RECALL[lab]:.2f}")
            print(f"  {'overall':9} {_f(pair['exact']['precision'])} {_f(pair['exact']['recall'])} "
                  f"{_f(pair['partial']['precision'])} {_f(pair['partial']['recall'])}   (precision target 0.85)")
            for key, (right, of) in _values(gold, {r["id"]: sugg_all[r["id"]] for r in gold}).items():
                target = {"DATE.value": 0.8, "QUANTITY.value": 0.95, "QUOTE.speaker": 0.8}[key]
                share = right / of if of else 0.0
                print(f"  {key:15} right {right}/{of} = {share:.2f} (target {target:.2f})")
            attrs = pair.get("attributes", {})
            print("  agree's attribute agreement on exact matches: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in sorted(attrs.items()) if isinstance(v, (int, float))))


def _cpu() -> float:
    """CPU seconds used so far by this process and by the children it has waited for (the command
    run as a subprocess, and the process it forks for big inputs)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(fn: Any, repeat: int = 3) -> tuple[float, float]:
    """The best wall time and the best CPU time of ``repeat`` runs: on a shared, loaded machine the
    CPU time is what the work costs, the wall time what the other processes left of it."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        fn()
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, _cpu() - c0)
    return best_wall, best_cpu


def _forget_texts() -> None:
    """Empty the caches keyed by a text (a repeated run over one text must cost what the first does)."""
    from annotator.text import word_index

    forget = getattr(word_index, "forget_texts", None)  # (before it, the words of the last texts were kept)
    clear = forget or getattr(getattr(word_index, "lower_words", None), "cache_clear", None)
    if clear is not None:
        clear()


def _fig(wall: float, cpu: float) -> str:
    return f"{wall:.2f} s (CPU {cpu:.2f} s)"


def speed(n_docs: int = 10_000) -> None:
    import re

    from annotator.schema import load_scheme
    from annotator.suggest import DocumentInput, rule_suggesters, run_suggesters
    from annotator.suggest.gazetteer import Gazetteer

    scheme = load_scheme(ROOT / "schemas" / "news.toml")
    gold = _records(GOLD)
    texts = [r["text"] for r in gold]
    article = ""
    while len(article.encode()) < 1_000_000:
        article += "\n\n".join(texts) + "\n\n"
    doc = DocumentInput(article, {"date": "2019-03-07"})
    gaz = Gazetteer()
    for r in gold[:3]:  # a few accepted actors, proposed wherever they recur
        gaz.add_spans(r["text"], [])
    suggesters = rule_suggesters() + [gaz]
    found: list[int] = []

    def rules() -> None:
        _forget_texts()
        found.append(len(run_suggesters(doc, suggesters, scheme).suggestions))

    scheme.compile()
    wall, cpu = _timed(rules)
    words = re.compile(r"\w+")
    b_wall, b_cpu = _timed(lambda: sum(1 for _ in words.finditer(article)))
    print(f"\nspeed, rules over one article of {len(article.encode()) / 1e6:.2f} MB ({found[-1]} suggestions): "
          f"{_fig(wall, cpu)} (target <= 1 s); baseline, one regex pass over its words: {b_wall:.3f} s "
          f"(CPU {b_cpu:.3f} s; {wall / b_wall:.0f}x, CPU {cpu / b_cpu:.0f}x)")
    parts = []
    for s in suggesters:
        _w, c = _timed(lambda s=s: (_forget_texts(), s.suggest(doc, [])))
        parts.append(f"{s.name} {c:.2f}")
    print(f"  CPU s by suggester, alone: {', '.join(parts)}; the rest is the engine (conflicts, scheme checks)")

    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs.jsonl"
        _write(docs, [{"id": f"d{i}", "text": texts[i % len(texts)], "meta": {"date": "2019-03-07"}}
                      for i in range(n_docs)])
        size = docs.stat().st_size / 1e6
        from annotator.errors import ProblemLog
        from annotator.importing import read_native

        def read() -> None:
            list(read_native([str(docs)], scheme, "suggest", ProblemLog()))

        r_wall, r_cpu = _timed(read)
        c_wall, c_cpu = _timed(lambda: _run(["suggest", str(docs), "--no-model", "--out", os.devnull]), repeat=1)
        print(f"speed, `annotator suggest --no-model` over {n_docs:,} documents ({size:.1f} MB, on {os.cpu_count()} "
              f"cores): {_fig(c_wall, c_cpu)}; reading them as the command does: {_fig(r_wall, r_cpu)} "
              f"({c_wall / r_wall:.0f}x, CPU {c_cpu / r_cpu:.0f}x; target <= 2x)")
        _stages(docs, scheme)


def _stages(docs: Path, scheme: Any) -> None:
    """Where the command's time goes, in one process: start-up, reading, the suggesters, the
    records and their JSON, writing."""
    import argparse

    from annotator.cli.suggest_cmd import Tally, _Suggest
    from annotator.errors import ProblemLog
    from annotator.files.atomic import write_lines
    from annotator.importing import read_native
    from annotator.suggest import SuggestOptions, build_suggesters
    from annotator.suggest.gazetteer import Gazetteer

    s_wall, s_cpu = _timed(lambda: _run(["--version"]), repeat=3)
    c0 = _cpu()
    items = list(read_native([str(docs)], scheme, "suggest", ProblemLog()))
    c_read = _cpu() - c0
    suggesters = build_suggesters(SuggestOptions(gazetteer=Gazetteer()), scheme)
    work = _Suggest(argparse.Namespace(annotator=None), scheme, suggesters, [lab.name for lab in scheme.labels])
    tally = Tally()
    lines = []
    c_suggest = c_line = 0.0
    clock = time.process_time
    for item in items:  # one item at a time, as the command goes (keeping every result costs garbage collections)
        c0 = clock()
        result = work.suggest(item, tally)
        c1 = clock()
        lines.append(work.record_line(item, result))
        c_suggest += c1 - c0
        c_line += clock() - c1
    with tempfile.TemporaryDirectory() as tmp:
        c0 = _cpu()
        write_lines(iter(lines), str(Path(tmp) / "out.jsonl"))
        c_write = _cpu() - c0
    print(f"  in one process, CPU s: start-up (annotator --version) {s_cpu:.2f}, reading {c_read:.2f}, the "
          f"suggesters {c_suggest:.2f}, records and their JSON {c_line:.2f}, writing {c_write:.2f}")

def store_speed(n_docs: int = 10_000) -> None:
    """``annotator suggest --db`` over a store of ``n_docs`` documents, against reading them from it."""
    from annotator.store import open_store
    from annotator.store.base import RecordQuery

    texts = [r["text"] for r in _records(GOLD)]
    with tempfile.TemporaryDirectory() as tmp:
        docs, db = Path(tmp) / "docs.jsonl", str(Path(tmp) / "s.db")
        _write(docs, [{"id": f"d{i}", "text": texts[i % len(texts)], "meta": {"date": "2019-03-07"}}
                      for i in range(n_docs)])
        _run(["import", str(docs), "--db", db, "--annotator", "alice"])

        def read() -> None:
            with open_store(db) as store:
                for _ in store.iter_records(RecordQuery(annotator="alice", untouched=True)):
                    pass

        r_wall, r_cpu = _timed(read)
        out = str(Path(tmp) / "export.jsonl")  # a file: never --out /dev/null (an export replaces its target)
        e_wall, e_cpu = _timed(lambda: _run(["export", "--db", db, "--annotator", "alice", "--out", out]), repeat=2)
        command = ["suggest", "--db", db, "--no-model", "--annotator", "alice"]
        f_wall, f_cpu = _timed(lambda: _run(command), repeat=1)
        a_wall, a_cpu = _timed(lambda: _run([*command, "--again"]), repeat=2)
        n_wall, n_cpu = _timed(lambda: _run(command), repeat=2)
        with open_store(db) as store:
            kept = sum(1 for i in range(n_docs) if store.suggestions(f"d{i}", "alice").items is not None)
        print(f"speed, `annotator suggest --db --no-model` (suggestions kept in a SQLite store) over {n_docs:,} "
              f"documents ({kept:,} kept): first run {_fig(f_wall, f_cpu)}, --again {_fig(a_wall, a_cpu)}, nothing "
              f"left to compute {_fig(n_wall, n_cpu)}; reading the documents from the store: {_fig(r_wall, r_cpu)} "
              f"(first run {f_wall / r_wall:.0f}x, CPU {f_cpu / r_cpu:.0f}x; --again {a_wall / r_wall:.0f}x; "
              f"target <= 2x); `annotator export --db` of them, start-up included: {_fig(e_wall, e_cpu)} (first run "
              f"{f_wall / e_wall:.0f}x, CPU {f_cpu / e_cpu:.0f}x)")


def main(argv: list[str]) -> int:
    model = "--no-model" not in argv
    n_docs = int(argv[argv.index("--docs") + 1]) if "--docs" in argv else 10_000
    if "--store" in argv:
        store_speed(n_docs)
        return 0
    if "--speed" not in argv:
        quality(model)
    if "--quality" not in argv:
        speed(n_docs)
        store_speed(n_docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
