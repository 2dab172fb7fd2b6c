"""The package's floors, checked from its imports: nothing imports upward.

    floor 0  errors, forking, files, text          what knows nothing of labels or records
    floor 1  model < schema, model < store           the core
    floor 2  formats, agreement, review, suggest,    capabilities over the core, and the
             importing, exporting, validation,       pipelines that use them
             session, stats, assigning
    floor 3  cli, tui, web, __main__                 the faces

Every import counts, type-only ones included: a name a module needs is knowledge it depends on.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "annotator"

FLOORS = {
    "errors": 0, "forking": 0, "files": 0, "text": 0, "gc_pause": 0,
    "model": 1, "schema": 1, "store": 1,
    "formats": 2, "agreement": 2, "review": 2, "suggest": 2, "importing": 2, "exporting": 2, "validation": 2,
    "session": 2, "stats": 2, "assigning": 2,
    "cli": 3, "tui": 3, "web": 3, "__main__": 3,
}
# Within a floor: (importer, imported) pairs that would point the wrong way.
FORBIDDEN = {
    ("model", "schema"), ("model", "store"), ("store", "schema"),
    *(("formats", p) for p in ("importing", "exporting", "validation", "session", "stats", "review", "suggest",
                               "assigning")),
    *(("agreement", p) for p in ("importing", "exporting", "validation", "session", "stats", "review", "suggest",
                                 "assigning")),
    ("tui", "cli"), ("tui", "web"),
}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(package: Path = PACKAGE) -> list[tuple[str, str, int]]:
    """(importing module, imported module, line) for every import of the package by itself."""
    out = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        home = ".".join(parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against this module's package
                    base = home.split(".")[: len(home.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.startswith("annotator"):
                    out.append((module, target, node.lineno))
            elif isinstance(node, ast.Import):
                out.extend((module, a.name, node.lineno) for a in node.names if a.name.startswith("annotator"))
    return out


def test_every_room_has_a_floor():
    rooms = {_room(m) for m, _t, _n in imports()} | {_room(t) for _m, t, _n in imports()}
    assert rooms - {""} <= set(FLOORS), f"rooms without a floor: {sorted(rooms - {''} - set(FLOORS))}"


def test_nothing_imports_upward():
    wrong = []
    for module, target, line in imports():
        src, dst = _room(module), _room(target)
        if not src or not dst or src == dst:
            continue
        if FLOORS[dst] > FLOORS[src] or (src, dst) in FORBIDDEN:
            wrong.append(f"{module}:{line} imports {target} (floor {FLOORS[src]} -> {FLOORS[dst]})")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_every_kind_of_import(tmp_path):
    """The reader of imports itself: absolute, relative and type-only imports are all seen."""
    fake = tmp_path / "annotator"
    (fake / "store").mkdir(parents=True)
    (fake / "store" / "x.py").write_text(
        "from typing import TYPE_CHECKING\nfrom annotator.tui.app import build_app\nfrom ..cli import main\n"
        "if TYPE_CHECKING:\n    import annotator.web.server\n", encoding="utf-8")
    found = [(m, t) for m, t, _ in imports(fake)]
    assert found == [("annotator.store.x", "annotator.tui.app"), ("annotator.store.x", "annotator.cli"),
                     ("annotator.store.x", "annotator.web.server")]
