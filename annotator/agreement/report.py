"""All the agreement figures of a corpus, put together from the modules that compute one kind of
figure each, as a :class:`~annotator.agreement.figures.Figures` (see there for what each holds,
and for the JSON object it prints as).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from annotator.agreement import alpha, attributes, f1, kappa, matching, units
from annotator.agreement.corpus import Corpus
from annotator.agreement.figures import (
    AttributeFigures,
    DocFigures,
    Figures,
    OverallFigures,
    PairFigures,
    SingleAnnotatorDoc,
)
from annotator.forking import Forked
from annotator.schema import Scheme

# From this many characters compared, the token figures are computed by a forked child while
# this process computes the others (a fork costs a few milliseconds).
FORK_MIN_CHARS = 2_000_000


def _attr_figures(tallies: dict[str, attributes.AttrTally], keys: Sequence[str]) -> dict[str, AttributeFigures]:
    """Every attribute in scope (``keys``), compared or not."""
    empty = attributes.AttrTally()
    out = {}
    for k in keys:
        t = tallies.get(k, empty)
        out[k] = AttributeFigures(t.share, t.compared)
    return out


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


def agreement(corpus: Corpus, scheme: Scheme, *, fork: bool = False) -> Figures:
    """Every figure of ``corpus``. With ``fork`` (a command-line process, not one running threads
    such as the TUI), a big corpus's token figures are computed in a forked child meanwhile."""
    c = corpus
    labels = c.labels
    working = [a for a in range(len(c.annotators)) if c.present[a].any()]
    annotators = tuple(c.annotators[a] for a in working)
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
    per_doc = [DocFigures(c.doc_ids[d], tuple([c.annotators[a] for a in working if c.present[a, d]]), e, p, k)
               for d, e, p, k in zip(docs.tolist(), exact_f1, partial_f1, tokens.doc_kappa)]
    per_doc.sort(key=DocFigures.worst_first)

    pairs = []
    all_attrs: dict[str, attributes.AttrTally] = {}
    for (i, j), r, cohen in zip(combinations(range(len(working)), 2), results, tokens.cohen):
        for k, t in r.attrs.items():
            all_attrs.setdefault(k, attributes.AttrTally()).add(t)
        pairs.append(PairFigures(annotators[i], annotators[j], r.documents, r.counts.figures("exact", labels),
                                 r.counts.figures("partial", labels), cohen, _attr_figures(r.attrs, attr_keys)))
    pooled_exact, pooled_partial = f1.pooled([r.counts for r in results], labels)
    return Figures(
        annotators=annotators,
        documents=len(c.doc_ids),
        compared_documents=int(docs.size),
        labels=tuple(labels),
        pairs=tuple(pairs),
        overall=OverallFigures(pooled_exact, pooled_partial, _attr_figures(all_attrs, attr_keys)),
        fleiss_kappa=tokens.fleiss,
        fleiss_documents=tokens.fleiss_documents,
        krippendorff_alpha=k_alpha,
        only_one_annotator=tuple(SingleAnnotatorDoc(d, a) for d, a in c.single),
        left_out={ann: dict(counts) for ann, counts in c.left_out.items()},
        per_doc=tuple(per_doc),
    )
