"""``annotator agree``'s tables: the agreement figures printed on a Rich console.

Every name and id that came from the records (annotators, labels, documents) is shown through
:func:`~annotator.text.sanitize.display_line`, as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotator.agreement.figures import DocFigures, F1Figures, Figures, PooledF1
from annotator.text.sanitize import display_line

SHOWN_SINGLE_DOCS = 5  # ids of documents done by one annotator only listed before "and N more"
ID_WIDTH = 40  # longest document id or annotators list in the per-document table


def number(x: float | None) -> str:
    """A figure to three decimals, or — where it is undefined."""
    return "—" if x is None else f"{x:.3f}"


def _text(s: str) -> Text:
    return Text(display_line(s))


def render(fig: Figures, console: Console, *, by_doc: bool = False, limit: int | None = None) -> None:
    """Print the figures as Rich tables (``by_doc``: the per-document table too, worst first,
    its first ``limit`` rows)."""
    anns = fig.annotators
    console.print(_text(f"{len(anns)} annotator(s): {', '.join(anns) or '—'}; {fig.documents} document(s), "
                        f"{fig.compared_documents} done by two or more"))
    for ann, counts in fig.left_out.items():
        what = ", ".join(f"{n} {st}" for st, n in sorted(counts.items()))
        console.print(_text(f"left out of {ann}: {what} record(s) (only in_progress and done records count)"))
    if fig.only_one_annotator:
        ids = [d.id for d in fig.only_one_annotator]
        more = f" and {len(ids) - SHOWN_SINGLE_DOCS} more" if len(ids) > SHOWN_SINGLE_DOCS else ""
        console.print(_text(f"{len(ids)} document(s) done by one annotator only, left out: "
                            f"{', '.join(ids[:SHOWN_SINGLE_DOCS])}{more}"))
    if len(anns) < 2 or not fig.pairs:
        console.print("nothing to compare: agreement needs two annotators on the same documents")
        return
    console.print(_pairs_table(fig))
    console.print(_labels_table(fig))
    if fig.overall.attributes:
        console.print(_attributes_table(fig))
    console.print(_text(f"Fleiss' κ (tokens, the {fig.fleiss_documents} document(s) every annotator did): "
                        f"{number(fig.fleiss_kappa)}"))
    console.print(_text(f"Krippendorff's α, nominal (characters of the documents done by two or more): "
                        f"{number(fig.krippendorff_alpha)}"))
    console.print(_text(f"partial match: {fig.partial_scheme}; nested spans: {fig.unit_labels}"), style="dim")
    if by_doc:
        console.print(per_doc_lines(fig.per_doc if limit is None else fig.per_doc[:limit]), soft_wrap=True)


def _pairs_table(fig: Figures) -> Table:
    table = Table(title="span agreement per pair (A is the reference: P = matched / B's spans, "
                        "R = matched / A's)")
    for col in ("A", "B", "docs", "exact F1", "P", "R", "partial F1", "P", "R", "Cohen κ"):
        table.add_column(col, justify="left" if col in ("A", "B") else "right")
    for p in fig.pairs:
        e, pa = p.exact, p.partial
        table.add_row(_text(p.a), _text(p.b), str(p.documents), number(e.f1), number(e.precision),
                      number(e.recall), number(pa.f1), number(pa.precision), number(pa.recall),
                      number(p.cohen_kappa))
    return table


def _pair_columns(table: Table, fig: Figures) -> None:
    """A column per pair of annotators, then one for all pairs."""
    for p in fig.pairs:
        table.add_column(_text(f"{p.a} · {p.b}"), justify="right")
    table.add_column("all pairs", justify="right")


def _exact_partial(exact: F1Figures | PooledF1, partial: F1Figures | PooledF1, label: str | None = None) -> str:
    """"exact / partial" F1, of one label or (None) of every label."""
    if label is None:
        return f"{number(exact.f1)} / {number(partial.f1)}"
    return f"{number(exact.label_f1(label))} / {number(partial.label_f1(label))}"


def _labels_table(fig: Figures) -> Table:
    table = Table(title="F1 per label, exact / partial")
    table.add_column("label")
    _pair_columns(table, fig)
    o = fig.overall
    for lab in fig.labels:
        cells = [_exact_partial(p.exact, p.partial, lab) for p in fig.pairs]
        table.add_row(_text(lab), *cells, _exact_partial(o.exact, o.partial, lab))
    table.add_row("all labels", *(_exact_partial(p.exact, p.partial) for p in fig.pairs),
                  _exact_partial(o.exact, o.partial), style="bold")
    return table


def _attributes_table(fig: Figures) -> Table:
    table = Table(title="attributes equal on exactly matched spans (share, pairs compared)")
    table.add_column("attribute")
    _pair_columns(table, fig)
    for k, overall in fig.overall.attributes.items():
        cells = [f"{number(a.share)} ({a.compared})" for a in (p.attributes[k] for p in fig.pairs)]
        table.add_row(_text(k), *cells, f"{number(overall.share)} ({overall.compared})")
    return table


def per_doc_lines(rows: Sequence[DocFigures]) -> Text:
    """One line per document, worst first, in plain aligned columns: a rich Table of 10,000 rows
    takes seconds to lay out, these lines a few milliseconds."""
    ids = [_clip(display_line(d.id), ID_WIDTH) for d in rows]
    anns = [_clip(display_line(", ".join(d.annotators)), ID_WIDTH) for d in rows]
    w_id = max([len("document"), *map(len, ids)])
    w_ann = max([len("annotators"), *map(len, anns)])
    head = f"{'document':<{w_id}}  {'annotators':<{w_ann}}  {'exact F1':>8}  {'partial F1':>10}  {'κ':>6}"
    lines = ["per document, worst first (F1 pooled over the pairs; κ: Fleiss over its annotators)", head,
             "─" * len(head)]
    lines += [f"{i:<{w_id}}  {a:<{w_ann}}  {number(d.exact_f1):>8}  {number(d.partial_f1):>10}  "
              f"{number(d.fleiss_kappa):>6}" for i, a, d in zip(ids, anns, rows)]
    return Text("\n".join(lines))


def _clip(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"
