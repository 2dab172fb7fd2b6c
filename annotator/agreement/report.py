"""All the agreement figures of a corpus in one JSON-able object, and the terminal tables.

The object (``annotator agree --json``)::

    {"annotators": [...], "documents": N, "compared_documents": M, "labels": [...],
     "partial_scheme": "...", "unit_labels": "...",
     "pairs": [{"a", "b", "documents",
                "exact": {"f1", "precision", "recall", "per_label": {LABEL: {"f1", "precision", "recall"}}},
                "partial": {...same shape...}, "cohen_kappa",
                "attributes": {"LABEL.attr": share}, "attributes_compared": {"LABEL.attr": pairs}}],
     "overall": {"exact": {"f1", "per_label": {LABEL: {"f1"}}}, "partial": {...}, "attributes": {...}},
     "fleiss_kappa", "fleiss_documents", "krippendorff_alpha",
     "only_one_annotator": [{"id", "annotator"}], "left_out": {annotator: {status: records}},
     "per_doc": [{"id", "annotators", "exact_f1", "partial_f1", "fleiss_kappa"}]}

``documents`` counts every document someone worked on; ``compared_documents`` those that two or
more annotators did, the only ones any figure uses. A pair's figures use the documents both did.
``overall`` pools the counts of every pair (a micro average over pairs), so its F1 weighs each
pair by its number of spans. ``per_doc`` lists the compared documents worst first (lowest exact
F1, then partial F1, then kappa); a document where nobody marked anything comes last. A figure
that is undefined is ``null`` (see each module for when).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement import alpha, attributes, f1, kappa, matching, units
from annotator.agreement.corpus import Corpus
from annotator.agreement.definitions import PARTIAL_SCHEME, UNIT_LABELS
from annotator.forking import Forked

# From this many characters compared, the token figures are computed by a forked child while
# this process computes the others (a fork costs a few milliseconds).
FORK_MIN_CHARS = 2_000_000


def _attr_figures(tallies: dict[str, attributes.AttrTally], keys: Sequence[str]) -> tuple[dict, dict]:
    empty = attributes.AttrTally()
    return ({k: tallies.get(k, empty).share for k in keys}, {k: tallies.get(k, empty).compared for k in keys})


def _worst_first(entry: dict[str, Any]) -> tuple:
    e, p, k = entry["exact_f1"], entry["partial_f1"], entry["fleiss_kappa"]
    return (e is None, 2.0 if e is None else e, 2.0 if p is None else p, 2.0 if k is None else k)


@dataclass(slots=True)
class PairResult:
    a: int
    b: int
    documents: int
    counts: f1.PairCounts
    attrs: dict[str, attributes.AttrTally]


def _compare_pair(c: Corpus, a: int, b: int, gstart: np.ndarray, gend: np.ndarray,
                  names: dict[str, tuple[str, ...]], per_doc: np.ndarray) -> PairResult:
    """Match annotator a's spans with b's on the documents both did; add each document's counts
    (A's spans, B's spans, exact, partial pairs) to ``per_doc``."""
    both = c.present[a] & c.present[b]
    sa = np.flatnonzero((c.span_ann == a) & both[c.span_doc])
    sb = np.flatnonzero((c.span_ann == b) & both[c.span_doc])
    code = c.span_code
    m = matching.match(gstart[sa], gend[sa], code[sa], gstart[sb], gend[sb], code[sb])
    exact, partial = sa[m.exact_a], sa[m.partial_a]
    counts = f1.PairCounts.count(len(c.labels) + 1, code[sa], code[sb], code[exact], code[partial])
    n = len(c.doc_ids)
    for k, spans in enumerate((sa, sb, exact, partial)):
        per_doc[k] += np.bincount(c.span_doc[spans], minlength=n)
    tallies = (attributes.tallies(code[exact], c.span_attr[exact], c.span_attr[sb[m.exact_b]], c.attr_values,
                                  c.labels, names) if names else {})
    return PairResult(a, b, int(both.sum()), counts, tallies)


@dataclass(slots=True)
class TokenFigures:
    cohen: list[float | None]  # per pair of annotators, in combinations() order
    fleiss: float | None
    fleiss_documents: int
    doc_kappa: list[float | None]  # per compared document


def _token_figures(lay: units.Layout) -> TokenFigures:
    """Every figure on per-token labels: Cohen's kappa per pair, Fleiss' kappa overall and per
    document."""
    tu = units.token_units(lay)
    n = len(lay.marks)
    cohen = [kappa.cohen_kappa(kappa.confusion(tu, i, j)) for i, j in combinations(range(n), 2)]
    fleiss, fleiss_docs = kappa.fleiss_all(tu) if n >= 2 else (None, 0)
    doc_kappa = kappa.fleiss_per_doc(tu, len(lay.docs)) if len(lay.docs) else []
    return TokenFigures(cohen, fleiss, fleiss_docs, doc_kappa)


def _doc_f1(a: np.ndarray, b: np.ndarray, matched: np.ndarray) -> list[float | None]:
    den = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 2 * matched / den
    return [float(x) if d else None for x, d in zip(f.tolist(), den.tolist())]


def agreement(corpus: Corpus, scheme: Any, *, fork: bool = False) -> dict[str, Any]:
    """Every figure of ``corpus`` (see the module docstring for the shape). With ``fork`` (a
    command-line process, not one running threads such as the TUI), a big corpus's token figures
    are computed in a forked child meanwhile."""
    c = corpus
    labels = c.labels
    working = [a for a in range(len(c.annotators)) if c.present[a].any()]
    annotators = [c.annotators[a] for a in working]
    docs = c.compared
    names = attributes.attr_names(scheme.labels, labels)
    attr_keys = attributes.keys(names)

    lay = units.layout(c, working, docs)
    # the token figures are computed by a forked child meanwhile, on a big corpus
    token_side = Forked(_token_figures, lay, enabled=fork and int(lay.char_base[-1]) >= FORK_MIN_CHARS)

    # spans in corpus-wide offsets: those of different documents never overlap
    char_base = np.zeros(len(c.doc_ids) + 1, dtype=np.int64)
    np.cumsum(c.doc_len, out=char_base[1:])
    gstart = c.span_start + char_base[c.span_doc]
    gend = c.span_end + char_base[c.span_doc]
    per_doc_counts = np.zeros((4, len(c.doc_ids)), dtype=np.int64)
    results = [_compare_pair(c, a, b, gstart, gend, names, per_doc_counts)
               for a, b in combinations(working, 2)]
    char_units = units.char_units(lay)
    k_alpha = alpha.krippendorff_alpha(char_units.value_counts(), char_units.weight) if docs.size else None
    del char_units
    tokens = token_side.result()

    exact_f1 = _doc_f1(per_doc_counts[0][docs], per_doc_counts[1][docs], per_doc_counts[2][docs])
    partial_f1 = _doc_f1(per_doc_counts[0][docs], per_doc_counts[1][docs], per_doc_counts[3][docs])
    per_doc = [{"id": c.doc_ids[d], "annotators": [c.annotators[a] for a in working if c.present[a, d]],
                "exact_f1": e, "partial_f1": p, "fleiss_kappa": k}
               for d, e, p, k in zip(docs.tolist(), exact_f1, partial_f1, tokens.doc_kappa)]
    per_doc.sort(key=_worst_first)

    pairs_out = []
    all_attrs: dict[str, attributes.AttrTally] = {}
    for (i, j), r, cohen in zip(combinations(range(len(working)), 2), results, tokens.cohen):
        for k, t in r.attrs.items():
            all_attrs.setdefault(k, attributes.AttrTally()).add(t)
        shares, compared = _attr_figures(r.attrs, attr_keys)
        pairs_out.append({
            "a": annotators[i], "b": annotators[j], "documents": r.documents,
            "exact": r.counts.figures("exact", labels), "partial": r.counts.figures("partial", labels),
            "cohen_kappa": cohen, "attributes": shares, "attributes_compared": compared,
        })
    shares, compared = _attr_figures(all_attrs, attr_keys)
    return {
        "annotators": annotators,
        "documents": len(c.doc_ids),
        "compared_documents": int(docs.size),
        "labels": list(labels),
        "partial_scheme": PARTIAL_SCHEME,
        "unit_labels": UNIT_LABELS,
        "pairs": pairs_out,
        "overall": {**f1.pooled([r.counts for r in results], labels), "attributes": shares,
                    "attributes_compared": compared},
        "fleiss_kappa": tokens.fleiss,
        "fleiss_documents": tokens.fleiss_documents,
        "krippendorff_alpha": k_alpha,
        "only_one_annotator": [{"id": d, "annotator": a} for d, a in c.single],
        "left_out": c.left_out,
        "per_doc": per_doc,
    }


# -- terminal tables ----------------------------------------------------------------------------

def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def render(fig: dict[str, Any], console: Any, *, by_doc: bool = False, limit: int | None = None) -> None:
    """Print the figures as Rich tables (``by_doc``: the per-document table too, worst first)."""
    from rich.table import Table
    from rich.text import Text

    from annotator.text.sanitize import display_line

    def t(s: str) -> Text:
        return Text(display_line(s))

    anns = fig["annotators"]
    console.print(t(f"{len(anns)} annotator(s): {', '.join(anns) or '—'}; {fig['documents']} document(s), "
                    f"{fig['compared_documents']} done by two or more"))
    for ann, counts in fig["left_out"].items():
        what = ", ".join(f"{n} {st}" for st, n in sorted(counts.items()))
        console.print(t(f"left out of {ann}: {what} record(s) (only in_progress and done records count)"))
    if fig["only_one_annotator"]:
        ids = [d["id"] for d in fig["only_one_annotator"]]
        more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
        console.print(t(f"{len(ids)} document(s) done by one annotator only, left out: {', '.join(ids[:5])}{more}"))
    if len(anns) < 2 or not fig["pairs"]:
        console.print("nothing to compare: agreement needs two annotators on the same documents")
        return

    pairs = fig["pairs"]
    table = Table(title="span agreement per pair (A is the reference: P = matched / B's spans, "
                        "R = matched / A's)")
    for col in ("A", "B", "docs", "exact F1", "P", "R", "partial F1", "P", "R", "Cohen κ"):
        table.add_column(col, justify="left" if col in ("A", "B") else "right")
    for p in pairs:
        e, pa = p["exact"], p["partial"]
        table.add_row(t(p["a"]), t(p["b"]), str(p["documents"]), _num(e["f1"]), _num(e["precision"]), _num(e["recall"]),
                      _num(pa["f1"]), _num(pa["precision"]), _num(pa["recall"]), _num(p["cohen_kappa"]))
    console.print(table)

    table = Table(title="F1 per label, exact / partial")
    table.add_column("label")
    for p in pairs:
        table.add_column(t(f"{p['a']} · {p['b']}"), justify="right")
    table.add_column("all pairs", justify="right")
    for lab in fig["labels"]:
        cells = [f"{_num(p['exact']['per_label'][lab]['f1'])} / {_num(p['partial']['per_label'][lab]['f1'])}"
                 for p in pairs]
        o = fig["overall"]
        cells.append(f"{_num(o['exact']['per_label'][lab]['f1'])} / {_num(o['partial']['per_label'][lab]['f1'])}")
        table.add_row(t(lab), *cells)
    o = fig["overall"]
    table.add_row("all labels", *(f"{_num(p['exact']['f1'])} / {_num(p['partial']['f1'])}" for p in pairs),
                  f"{_num(o['exact']['f1'])} / {_num(o['partial']['f1'])}", style="bold")
    console.print(table)

    keys = list(o["attributes"])
    if keys:
        table = Table(title="attributes equal on exactly matched spans (share, pairs compared)")
        table.add_column("attribute")
        for p in pairs:
            table.add_column(t(f"{p['a']} · {p['b']}"), justify="right")
        table.add_column("all pairs", justify="right")
        for k in keys:
            cells = [f"{_num(p['attributes'][k])} ({p['attributes_compared'][k]})" for p in pairs]
            cells.append(f"{_num(o['attributes'][k])} ({o['attributes_compared'][k]})")
            table.add_row(t(k), *cells)
        console.print(table)

    console.print(t(f"Fleiss' κ (tokens, the {fig['fleiss_documents']} document(s) every annotator did): "
                    f"{_num(fig['fleiss_kappa'])}"))
    console.print(t(f"Krippendorff's α, nominal (characters of the documents done by two or more): "
                    f"{_num(fig['krippendorff_alpha'])}"))
    console.print(t(f"partial match: {fig['partial_scheme']}; nested spans: {fig['unit_labels']}"), style="dim")

    if by_doc:
        _per_doc_table(fig["per_doc"] if limit is None else fig["per_doc"][:limit], console)


def _per_doc_table(rows: list[dict[str, Any]], console: Any) -> None:
    """One line per document, worst first, in plain aligned columns: a rich Table of 10,000 rows
    takes seconds to lay out, these lines a few milliseconds."""
    from rich.text import Text

    from annotator.text.sanitize import display_line

    ids = [_clip(display_line(d["id"]), 40) for d in rows]
    anns = [_clip(display_line(", ".join(d["annotators"])), 40) for d in rows]
    w_id = max([len("document"), *map(len, ids)])
    w_ann = max([len("annotators"), *map(len, anns)])
    head = f"{'document':<{w_id}}  {'annotators':<{w_ann}}  {'exact F1':>8}  {'partial F1':>10}  {'κ':>6}"
    lines = ["per document, worst first (F1 pooled over the pairs; κ: Fleiss over its annotators)", head,
             "─" * len(head)]
    lines += [f"{i:<{w_id}}  {a:<{w_ann}}  {_num(d['exact_f1']):>8}  {_num(d['partial_f1']):>10}  "
              f"{_num(d['fleiss_kappa']):>6}" for i, a, d in zip(ids, anns, rows)]
    console.print(Text("\n".join(lines)), soft_wrap=True)


def _clip(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"
