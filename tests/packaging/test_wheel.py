"""The wheel, installed into a fresh virtualenv as a user installs it (not editable), works from an
empty folder: it finds its own scheme and sample, imports and exports.

To stay fast and offline the wheel is built without build isolation (setuptools comes with the test
extra) and installed with --no-deps; the fresh venv sees this environment's dependencies through a
.pth file. A .pth line only adds a folder to sys.path (the folders it adds are not scanned for .pth
files in turn), so the editable install of the checkout cannot come along: a test checks that
``annotator`` is imported from the fresh venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import orjson
import pytest

from tests.conftest import ROOT, SCHEME_PATH, SEEDS, make_record
from tests.packaging.test_dependencies import requirement_name

SEED = "000_3e94996991f7161a.txt"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    python: Path
    script: Path
    env: dict[str, str]


def _run(cmd: list[str | Path], *, check: bool = False, cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], check=check, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def _build_wheel(out: Path) -> Path:
    # build from a copy: setuptools writes build/ and *.egg-info beside the sources, and a stale
    # build/lib in the checkout would leak removed files into later wheels
    src = out / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "annotator", src / "annotator", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = out / "dist"
    proc = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                 "--wheel-dir", dist, src])
    wheels = sorted(dist.glob("annotator-*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        pytest.fail(f"could not build the wheel (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return wheels[0]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(base)
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        check=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "_test_dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    proc = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel])
    if proc.returncode != 0:
        pytest.fail(f"could not install the wheel (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "ANNOTATOR_DB", "ANNOTATOR_SCHEMA")}
    env["VIRTUAL_ENV"] = str(env_dir)
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed(wheel, env_dir, python, env_dir / "bin" / "annotator", env)


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def test_the_wheel_holds_the_data_and_declares_the_dependencies(installed: Installed):
    with zipfile.ZipFile(installed.wheel) as whl:
        names = set(whl.namelist())
        metadata = Parser().parsestr(whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
        assert whl.read("annotator/data/news.toml") == SCHEME_PATH.read_bytes()
        assert whl.read(f"annotator/data/seeds/{SEED}") == (SEEDS / SEED).read_bytes()
    assert "annotator/py.typed" in names
    tcss = {p.relative_to(ROOT).as_posix() for p in (ROOT / "annotator").rglob("*.tcss")}
    assert tcss and tcss <= names
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    required = {requirement_name(r) for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r}
    assert required == {requirement_name(r) for r in project["dependencies"]}
    assert {"textual", "rich", "pydantic", "orjson", "msgspec", "regex"} <= required


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed, empty: Path):
    proc = _run([installed.python, "-c", "import annotator, rich, textual; print(annotator.__file__)"],
                cwd=empty, env=installed.env)
    assert proc.returncode == 0, proc.stderr
    where = Path(proc.stdout.strip()).resolve()
    assert where.is_relative_to(installed.venv.resolve()), where
    assert not where.is_relative_to(ROOT)


def test_schema_from_an_empty_folder(installed: Installed, empty: Path):
    proc = _run([installed.script, "schema"], cwd=empty, env=installed.env)
    assert proc.returncode == 0, proc.stderr
    first, *rest = proc.stdout.splitlines()
    shown = Path(first.removeprefix("scheme news v1 (").removesuffix(")"))
    assert first.startswith("scheme news v1 (") and shown.is_relative_to(installed.venv)
    assert shown.read_bytes() == SCHEME_PATH.read_bytes()
    labels = [line.split()[1] for line in rest if line.startswith("  [")]
    assert labels == ["ACTOR", "DATE", "QUANTITY", "QUOTE"]
    assert list(empty.iterdir()) == []  # showing the scheme writes nothing


# `annotator` with no arguments, up to the TUI: the app is built on what was imported, not run
_OPEN_NO_ARGS = """
import json, sys
import annotator.tui.app as tui_app
from annotator.cli import main

def run_tui(store, scheme, annotator, doc_id=None, suggesting=None, before_run=None):
    app = tui_app.build_app(store, scheme, annotator, doc_id, suggesting)
    rec = store.load(app.first_screen.doc_id, annotator)
    print(json.dumps({"doc": app.first_screen.doc_id, "meta": rec.meta, "text": rec.text, "scheme": scheme.path}))
    return 0

tui_app.run_tui = run_tui
sys.exit(main([]))
"""


def test_annotator_with_no_arguments_opens_the_packaged_sample(installed: Installed, empty: Path):
    # the fake run_tui stands for a harness running the app: no terminal is needed
    harness = {**installed.env, "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}
    proc = _run([installed.python, "-c", _OPEN_NO_ARGS], cwd=empty, env=harness)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "imported 1 new document(s), 0 already in the store\n"
    opened = orjson.loads(proc.stdout)
    assert opened["doc"] == SEED.removesuffix(".txt")
    source = Path(opened["meta"]["source"])
    assert source.is_relative_to(installed.venv) and source.parts[-4:] == ("annotator", "data", "seeds", SEED)
    assert source.read_bytes() == (SEEDS / SEED).read_bytes()
    assert opened["meta"]["date"] == "2018-05"
    assert opened["text"].startswith("La coalition internationale")
    assert Path(opened["scheme"]).is_relative_to(installed.venv)
    assert [p.name for p in empty.iterdir()] == ["annotator.db"]


def test_import_and_export_from_an_empty_folder(installed: Installed, empty: Path, tmp_path: Path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    sahel = "Le 8 août 2014, l'armée française a déployé 3\u202f000 soldats au Sahel.\r\n"
    (inputs / "sahel.txt").write_bytes(("\ufeffdate 2014-08\n" + sahel).encode("utf-8"))
    macron = "Emmanuel Macron a déclaré : « Nous resterons »."
    macron_record = make_record(macron, [
        {"start": 0, "end": 15, "label": "ACTOR", "attrs": {"kind": "person"}},
        {"start": 28, "end": 47, "label": "QUOTE", "attrs": {"speaker": "s1", "mode": "direct"}}],
        id="macron", annotator="alice")
    # a record of the .txt's document: it imports only if its text and hash are the stored ones
    sahel_record = make_record(sahel, [{"start": 44, "end": 49, "label": "QUANTITY",
                                        "attrs": {"value": 3000, "unit": "soldats", "approximate": False}}],
                               id="sahel", annotator="bob", status="in_progress")
    other = {"id": "other", "text": "Une phrase sans annotation.", "meta": {"date": "2020-01"}}
    (inputs / "small.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in (macron_record, other)))
    (inputs / "sahel.jsonl").write_bytes(orjson.dumps(sahel_record) + b"\n")

    def annotator(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return _run([installed.script, *args], cwd=empty, env=installed.env)

    txt = annotator("import", inputs / "sahel.txt")
    assert (txt.returncode, txt.stdout) == (0, ""), txt.stderr
    assert "imported into annotator.db: 1 new document(s)" in txt.stderr
    jsonl = annotator("import", inputs / "small.jsonl", inputs / "sahel.jsonl")
    assert jsonl.returncode == 0, jsonl.stderr
    assert "2 new document(s), 1 already in the store, 2 record(s) added" in jsonl.stderr
    again = annotator("import", inputs / "sahel.txt", inputs / "small.jsonl")
    assert again.returncode == 0, again.stderr
    assert "0 new document(s), 3 already in the store, 0 record(s) added, 1 unchanged" in again.stderr
    bad = annotator("import", inputs / "missing.txt")
    assert bad.returncode == 2 and "missing.txt: no such file or folder" in bad.stderr
    assert "Traceback" not in bad.stderr

    export = annotator("export", "--status", "all", "--out", "-")
    assert export.returncode == 0, export.stderr
    exported = [orjson.loads(line) for line in export.stdout.splitlines()]
    # every document of every annotator: those not opened yet as records still to do, with no span
    assert sorted((r["id"], r["annotator"], r["status"]) for r in exported) == [
        ("macron", "alice", "done"), ("macron", "bob", "todo"), ("other", "alice", "todo"), ("other", "bob", "todo"),
        ("sahel", "alice", "todo"), ("sahel", "bob", "in_progress")]
    by_id = {r["id"]: r for r in exported if r["status"] != "todo"}
    assert {k: by_id["macron"][k] for k in ("text", "annotator", "status", "spans")} == {
        "text": macron, "annotator": "alice", "status": "done", "spans": macron_record["spans"]}
    got = by_id["sahel"]
    assert (got["text"], got["annotator"], got["status"]) == (sahel, "bob", "in_progress")
    assert got["spans"] == sahel_record["spans"]
    assert got["text"][44:49] == got["spans"][0]["text"] == "3\u202f000"
    assert got["meta"] == {"source": str(inputs / "sahel.txt"), "bom": True, "date": "2014-08"}

    done = annotator("export")  # the default: the done records, into exports/annotations.jsonl
    assert done.returncode == 0, done.stderr
    assert "exported 1 record(s) to exports/annotations.jsonl" in done.stderr
    written = (empty / "exports" / "annotations.jsonl").read_bytes().splitlines()
    assert [orjson.loads(line) for line in written] == [by_id["macron"]]
    assert sorted(p.name for p in empty.iterdir()) == ["annotator.db", "exports"]
