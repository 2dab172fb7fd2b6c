"""What loads when: the core never imports Textual; the TUI's start-up imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_the_core_imports_no_textual():
    loaded = _modules_after(
        "import annotator.model, annotator.model.record, annotator.schema, annotator.store, annotator.text,"
        " annotator.session, annotator.importing, annotator.exporting, annotator.validation,"
        " annotator.formats.registry, annotator.formats.jsonl, annotator.formats.brat, annotator.formats.prodigy,"
        " annotator.agreement.report, annotator.review.merge, annotator.review.session\n"
        "from annotator.schema import load_scheme\nload_scheme().compile()"
    )
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_starting_the_tui_imports_nothing_heavy():
    loaded = _modules_after(
        "import annotator.cli\nannotator.cli.build_parser()\n"
        "import annotator.cli.annotate, annotator.store, annotator.session, annotator.importing, annotator.tui.app\n"
        "from annotator.schema import load_scheme\nload_scheme()"
    )
    assert "textual" in loaded
    for heavy in ("pydantic", "spacy", "numpy", "datasets", "krippendorff", "textual_serve", "aiohttp", "jinja2"):
        assert heavy not in loaded, f"{heavy} is imported on the way to the first frame"
