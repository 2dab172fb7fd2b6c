"""Every third-party module the package imports is declared in pyproject.toml: in `dependencies`, or
in an optional extra other than `test` (the extras users install: spacy, hf, agree)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.conftest import ROOT

# Import names whose distribution is named otherwise, for modules not installed here (where
# importlib.metadata.packages_distributions() cannot say); extend it when such an import is added.
DISTRIBUTION_OF = {"yaml": "pyyaml", "sklearn": "scikit-learn", "PIL": "pillow", "dateutil": "python-dateutil",
                   "bs4": "beautifulsoup4"}
NOT_FOR_USERS = {"test"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return _normal(match.group(1))


def third_party_imports(package: Path) -> dict[str, list[str]]:
    """top-level module -> the files importing it, anywhere in the file (lazy imports too)."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top != "annotator" and top not in sys.stdlib_module_names:
                    found.setdefault(top, []).append(path.relative_to(package.parent).as_posix())
    return found


def declared(pyproject: Path) -> set[str]:
    """The normalised names of the distributions pyproject.toml declares for users."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    out = {requirement_name(r) for r in project["dependencies"]}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        if extra not in NOT_FOR_USERS:
            out.update(requirement_name(r) for r in requirements)
    return out


def undeclared(imports: dict[str, list[str]], have: set[str]) -> dict[str, str]:
    """module -> its first importer, for the modules no declared distribution provides."""
    installed = packages_distributions()
    missing = {}
    for module, files in imports.items():
        names = set(installed.get(module, ())) | {DISTRIBUTION_OF.get(module, module)}
        if not {_normal(n) for n in names} & have:
            missing[module] = files[0]
    return missing


def test_every_third_party_import_is_declared():
    imports = third_party_imports(ROOT / "annotator")
    assert {"textual", "pydantic", "orjson", "rich", "numpy"} <= imports.keys()  # the scan sees imports
    missing = undeclared(imports, declared(ROOT / "pyproject.toml"))
    assert not missing, f"imported but not declared in pyproject.toml (module: first importer): {missing}"


def test_an_undeclared_or_test_only_import_is_caught(tmp_path: Path):
    package = tmp_path / "annotator"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("import os\nfrom annotator import x\nfrom . import y\nimport orjson\n")
    (package / "sub" / "b.py").write_text("def f():\n    import yaml.loader\n    from hypothesis import given\n")
    imports = third_party_imports(package)
    assert imports == {"orjson": ["annotator/a.py"], "yaml": ["annotator/sub/b.py"],
                       "hypothesis": ["annotator/sub/b.py"]}
    # hypothesis is only in the test extra, which users do not install
    assert undeclared(imports, declared(ROOT / "pyproject.toml")) == {
        "yaml": "annotator/sub/b.py", "hypothesis": "annotator/sub/b.py"}
