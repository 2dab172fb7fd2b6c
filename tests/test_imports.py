"""What loads when: the core never imports Textual; the TUI's start-up imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module


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


def test_opening_the_annotate_command_on_a_store_defers_what_the_first_frame_does_not_need(tmp_path):
    """The command's own path to the TUI, up to the app being built (the annotator name checked,
    the store opened, the scheme read): no hashlib (first needed by an import), no compiled
    annotator-name pattern (an ASCII name is checked without it; compiling it took ~10 ms)."""
    from tests.tui.helpers import make_store

    make_store(tmp_path / "s.db").close()  # the sample article, imported here (hashing it needs hashlib)
    loaded = _modules_after(
        "import annotator.cli, annotator.cli.annotate\n"
        "from annotator.cli import build_parser\nfrom annotator.cli.common import load_scheme_arg, open_store_arg,"
        " working_as\n"
        f"args = build_parser('annotate').parse_args(['annotate', '--db', {str(tmp_path / 's.db')!r},"
        " '--annotator', 'alice'])\n"
        "scheme = load_scheme_arg(args)\nstore = open_store_arg(args)\n"
        "assert working_as(args.annotator, store) == 'alice'\n"
        "import annotator.tui.app, annotator.model.patterns as p\n"
        "assert annotator.tui.app.build_app(store, scheme, 'alice').first_screen.doc_id\n"
        "assert p._compiled.cache_info().currsize == 0, p._compiled.cache_info()"
    )
    for deferred in ("hashlib", "pydantic", "regex", "annotator.schema.compiled", "annotator.suggest.engine",
                     "annotator.suggest.kept", "annotator.suggest.pipeline", "annotator.suggest.base"):
        assert deferred not in loaded, f"{deferred} is imported on the way to the first frame"


def test_the_suggest_package_gives_its_names_on_first_use():
    loaded = _modules_after("import annotator.suggest")
    assert "annotator.suggest.engine" not in loaded and "regex" not in loaded
    import annotator.suggest as suggest
    from annotator.suggest.engine import run_suggesters

    assert suggest.run_suggesters is run_suggesters
    for name in suggest.__all__:
        assert getattr(suggest, name) is getattr(import_module(suggest._HOME[name]), name)
