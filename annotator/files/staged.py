"""Writing a folder of output (brat, hf) without destroying anything that was not ours.

Every file is written in a staging folder inside the target and moved into place only once the
whole export succeeded. The target must be new, empty, or an earlier export of ours: a manifest
(``.annotator-export.json``) lists the files an export wrote, so the next export into the same
folder replaces that export whole -- the files it no longer writes are removed, no stale file
stays -- while a file someone else put there is never touched (and an export that would have to
overwrite one is refused before anything moves). A non-empty folder without a manifest is
refused, unless the writer recognises it as an export it made before manifests existed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from annotator.errors import OutputError, UsageError
from annotator.files.atomic import fsync_folder, output_error

MANIFEST = ".annotator-export.json"
STAGE_PREFIX = ".annotator-export-"

# Given a non-empty folder with no manifest and the names in it: the files of an earlier export
# of this writer there, or None when the folder is not one.
Recognise = Callable[[Path, "set[str]"], "set[str] | None"]


def read_manifest(folder: Path) -> set[str] | None:
    """The files the export in ``folder`` wrote, or None when it has no (readable) manifest."""
    try:
        data = orjson.loads((folder / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) and _plain_name(f) for f in files):
        return None
    return set(files)


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..", MANIFEST) and "/" not in name and "\0" not in name


def _write_manifest(folder: Path, fmt: str, files: set[str]) -> None:
    body = orjson.dumps({"annotator_export": 1, "format": fmt, "files": sorted(files)},
                        option=orjson.OPT_INDENT_2) + b"\n"
    fd, tmp = tempfile.mkstemp(prefix=f"{STAGE_PREFIX}manifest-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, folder / MANIFEST)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_folder(folder)


def _earlier_export(target: Path, recognise: Recognise | None) -> set[str]:
    """The files of the earlier export in ``target`` ({} for an empty folder); UsageError when
    the folder holds anything else."""
    names = {p.name for p in target.iterdir() if not p.name.startswith(STAGE_PREFIX)}
    if not names:
        return set()
    earlier = read_manifest(target)
    if earlier is None and recognise is not None:
        earlier = recognise(target, names)
    if earlier is None:
        shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
        raise UsageError(f"{target}: this folder is not empty ({shown}) and is not an earlier annotator export: "
                         "give --out a new or empty folder (nothing was written)")
    return earlier


@contextmanager
def staged_folder(dest: str | os.PathLike[str], fmt: str, *, recognise: Recognise | None = None) -> Iterator[Path]:
    """A staging folder inside ``dest``: what is written there replaces the earlier export in
    ``dest`` only on success (see the module's docstring); ``fmt`` is recorded in the manifest."""
    if str(dest) == "-":
        raise UsageError("this format writes a folder: give --out FOLDER")
    target = Path(dest)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: this format writes a folder, and this is a file")
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
        earlier = _earlier_export(target, recognise)
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=target))
    except OSError as exc:
        raise output_error(dest, exc) from None
    ok = False
    try:
        try:
            yield stage
        except OSError as exc:
            if exc.filename is None or str(exc.filename).startswith(str(stage)):
                raise output_error(dest, exc) from None
            raise
        try:
            _move_in(stage, target, fmt, earlier)
        except OSError as exc:
            raise output_error(dest, exc) from None
        ok = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if created and not ok:
            try:
                target.rmdir()  # only when empty: a refused export leaves nothing behind
            except OSError:
                pass


def _move_in(stage: Path, target: Path, fmt: str, earlier: set[str]) -> None:
    files = sorted(stage.iterdir())
    names = {f.name for f in files}
    foreign = sorted(n for n in names - earlier if os.path.lexists(target / n))
    if foreign:
        raise OutputError(f"{target}: the export would overwrite {', '.join(foreign[:3])}, which an earlier export "
                          "did not write: nothing was written")
    if len(files) > 16:
        os.sync()  # one flush for thousands of files (an fsync each costs more than writing them)
    else:
        for f in files:
            fd = os.open(f, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    # First the manifest covers both exports, so that a crash while files move leaves none that
    # the next export would take for someone else's; then the new files; then the stale ones go.
    _write_manifest(target, fmt, earlier | names)
    for f in files:
        os.replace(f, target / f.name)
    for stale in sorted(earlier - names):
        path = target / stale
        if path.is_file() or path.is_symlink():
            path.unlink()
    _write_manifest(target, fmt, names)
