"""``annotator agree``'s tables (annotator.cli.agree_tables) on figures computed from small corpora:
what they show, and that names from the records reach the terminal as text only."""

from __future__ import annotations

import io
import subprocess
import sys

from rich.console import Console

from annotator.agreement.corpus import from_documents
from annotator.agreement.report import agreement
from annotator.cli.agree_tables import number, per_doc_lines, render

TEXT = "Le président Macron a déclaré que la France enverra 300 soldats au Mali en 2019 ."
MACRON = (13, 19)
FRANCE = (37, 43)
DATE = (76, 80)  # "2019"


def sp(rng: tuple[int, int], label: str) -> dict:
    return {"id": f"{label}-{rng[0]}", "start": rng[0], "end": rng[1], "label": label, "text": TEXT[rng[0]:rng[1]],
            "attrs": {}}


def printed(fig, **options) -> str:
    out = io.StringIO()
    render(fig, Console(file=out, width=100, force_terminal=True), **options)
    return out.getvalue()


def test_undefined_figures_show_as_a_dash():
    assert (number(None), number(0.5), number(2 / 3)) == ("—", "0.500", "0.667")


def test_the_per_document_table_lists_every_document_worst_first_and_shows_ids_safely(scheme):
    hostile = "[bold]x[/bold]\u202e"  # markup and a bidi override (ids refuse control characters)
    fig = agreement(from_documents([
        (hostile, TEXT, {"a": [sp(MACRON, "ACTOR")], "b": [sp(FRANCE, "ACTOR")]}),
        ("good", TEXT, {"a": [sp(MACRON, "ACTOR"), sp(DATE, "DATE")], "b": [sp(MACRON, "ACTOR"), sp(DATE, "DATE")]}),
    ], scheme), scheme)
    text = printed(fig, by_doc=True)
    assert "\u202e" not in text  # the bidi override never reaches the terminal
    lines = [ln for ln in text.splitlines() if "[bold]x[/bold]" in ln or ln.startswith("good")]
    assert len(lines) == 2 and "[bold]x[/bold]" in lines[0]  # the markup shown as text, the worst first
    assert lines[0].split()[-3:-1] == ["0.000", "0.000"]  # exact and partial F1: no span in common
    assert lines[1].split()[-3:] == ["1.000", "1.000", "1.000"]
    assert "per document" not in printed(fig)
    assert "good" not in printed(fig, by_doc=True, limit=1)  # the worst one only


def test_long_ids_are_clipped_in_the_per_document_table(scheme):
    long_id = "d" * 60
    fig = agreement(from_documents([(long_id, TEXT, {"a": [sp(MACRON, "ACTOR")], "b": [sp(MACRON, "ACTOR")]})],
                                   scheme), scheme)
    (row,) = per_doc_lines(fig.per_doc).plain.splitlines()[3:]
    assert row.startswith("d" * 39 + "…  a, b")


def test_one_annotator_only_has_nothing_to_compare(scheme):
    docs = [(f"d{i}", TEXT, {"a": [sp(MACRON, "ACTOR")]}) for i in range(7)]
    text = printed(agreement(from_documents(docs, scheme), scheme), by_doc=True)
    assert "1 annotator(s): a; 7 document(s), 0 done by two or more" in text
    assert "7 document(s) done by one annotator only, left out: d0, d1, d2, d3, d4 and 2 more" in text
    assert "nothing to compare" in text and "Cohen" not in text and "per document" not in text


def test_the_figures_and_their_json_load_no_rich():
    """Printing tables is the command line's job: annotator.agreement computes and serializes the
    figures without Rich (nor Textual)."""
    code = ("import sys\n"
            "from annotator.schema import load_scheme\n"
            "from annotator.agreement.corpus import from_records\n"
            "from annotator.agreement.report import agreement\n"
            "s = load_scheme()\n"
            "spans = [{'id': 'x', 'start': 3, 'end': 12, 'label': 'ACTOR', 'attrs': {}}]\n"
            "agreement(from_records('Le président Macron', {'a': spans, 'b': []}, s), s).to_json()\n"
            "print(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert "annotator.agreement.figures" in loaded and "numpy" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("rich", "textual")}
