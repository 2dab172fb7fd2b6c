"""The one table of formats that ``import --format`` and ``export --format`` read, format guessing,
and the two paths every format goes through:

- import: ``read(path, scheme, options, log) -> Iterator[Item]`` (valid items only; every problem
  goes to ``log``, so :func:`annotator.importing.import_items` rolls the whole import back);
- export: ``write(records, dest, scheme, options) -> Report`` (records are native record dicts
  streamed from the store; a lossy export raises LossyExport before anything is written unless
  ``options.allow_lossy``).

Format modules are imported only when used (spaCy and datasets are optional and slow to load).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.errors import UsageError

if TYPE_CHECKING:  # the CLI reads FORMATS while building its parser: keep this module light
    from annotator.formats.common import Options, Report
    from annotator.formats.jsonl import Item
    from annotator.formats.problems import ProblemLog
    from annotator.schema import Scheme

ENVELOPE = "annotator_record"
RECORD_KEYS = frozenset({"spans", "text_sha256", "annotator", "status", "schema", "schema_version", "flags"})


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    module: str
    summary: str
    can_read: bool = True
    can_write: bool = True
    folder: bool = False  # export writes a folder
    lossy: bool = False
    reader: str = "read"
    writer: str = "write"

    def read(self) -> Callable[..., Iterator[Item]]:
        if not self.can_read:
            raise UsageError(f"the {self.name} format is export-only")
        return getattr(importlib.import_module(self.module), self.reader)

    def write(self) -> Callable[..., Report]:
        if not self.can_write:
            raise UsageError(f"the {self.name} format is import-only")
        return getattr(importlib.import_module(self.module), self.writer)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("jsonl", __name__, "native JSONL records (and .txt files, folders, JSONL of {id, text, meta} on import)",
           reader="native_read", writer="native_write"),
    Format("spacy", "annotator.formats.spacy_docbin", ".spacy DocBin: doc.ents, doc.spans['sc'], user_data"),
    Format("prodigy", "annotator.formats.prodigy", "Prodigy JSONL tasks (ner/spans/rel.manual, review)"),
    Format("doccano", "annotator.formats.doccano", "doccano sequence-labelling JSONL (label, or entities/relations)"),
    Format("label-studio", "annotator.formats.labelstudio", "Label Studio JSON tasks (annotations or predictions)"),
    Format("brat", "annotator.formats.brat", "brat standoff folder: .txt + .ann, annotation.conf", folder=True),
    Format("conll", "annotator.formats.conll", "CoNLL token-per-line, IOB1/IOB2/BILOU tags", lossy=True),
    Format("hf", "annotator.formats.hf", "Hugging Face token classification: JSONL + features.json",
           can_read=False, folder=True, lossy=True),
)}

_CONLL_SUFFIXES = {".conll", ".conll03", ".iob", ".iob2", ".bio", ".bilou", ".bioes", ".ner"}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r} (one of {', '.join(FORMATS)})") from None


def _first_json_object(path: Path) -> tuple[Any, str]:
    """The first JSON value of a JSON/JSONL file (at most its first 16 MiB line), and how it starts."""
    with path.open("rb") as f:
        head = f.read(1 << 16)
        start = head.lstrip()[:1]
        if start == b"[":
            return None, "["
        f.seek(0)
        for raw in f:
            if raw.strip():
                try:
                    return orjson.loads(raw), "{"
                except orjson.JSONDecodeError:
                    return None, "?"
    return None, ""


def guess_format(path: str | Path) -> tuple[str, str]:
    """``(format name, reason)`` for a source, from its kind, suffix and first line; UsageError if unsure."""
    p = Path(path)
    if p.is_dir():
        if next(p.rglob("*.ann"), None) is not None:
            return "brat", "a folder with .ann files"
        return "jsonl", "a folder without .ann files (its .txt and .jsonl files)"
    if not p.is_file():
        raise UsageError(f"{p}: no such file or folder")
    suffix = p.suffix.lower()
    if suffix == ".spacy":
        return "spacy", "the .spacy suffix"
    if suffix in _CONLL_SUFFIXES:
        return "conll", f"the {suffix} suffix"
    if suffix == ".txt":
        return "jsonl", "a .txt file (one document)"
    if suffix == ".ann":
        return "brat", "a .ann file"
    try:
        obj, start = _first_json_object(p)
    except OSError as exc:
        raise UsageError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if start == "[":
        return "label-studio", "a JSON array (of Label Studio tasks)"
    found = _guess_from_keys(set(obj), obj) if isinstance(obj, dict) else None
    if found:
        return found[0], f"first line has {found[1]}"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl", "the .jsonl suffix (no other tool's keys on the first line)"
    if isinstance(obj, dict):
        raise UsageError(f"{p}: cannot tell the format from the first line's keys ({', '.join(sorted(obj)[:12])}); "
                         f"name it with --format ({', '.join(FORMATS)})")
    raise UsageError(f"{p}: cannot tell the format (not JSON lines, no known suffix); name it with --format")


def _guess_from_keys(keys: set[str], obj: dict[str, Any]) -> tuple[str, str] | None:
    if "tokens" in keys and "ner_tags" in keys:
        return "hf", "tokens and ner_tags (a Hugging Face export: not importable)"
    if "data" in keys and keys & {"annotations", "predictions", "completions"}:
        return "label-studio", "data and annotations/predictions"
    if "entities" in keys and isinstance(obj["entities"], list) and all(
            isinstance(e, dict) and "start_offset" in e for e in obj["entities"]):
        return "doccano", "entities with start_offset"
    if "label" in keys and isinstance(obj["label"], list) and ("text" in keys or "data" in keys):
        return "doccano", "text and a label list"
    if keys & {"_input_hash", "_task_hash", "answer"} or ("tokens" in keys and "spans" in keys):
        return "prodigy", "Prodigy keys (_input_hash, answer, tokens/spans)"
    if "text" in keys and "spans" in keys and not keys & RECORD_KEYS - {"spans"}:
        return "prodigy", "text and spans"
    if keys & RECORD_KEYS or (keys <= {"id", "text", "meta", "text_sha256"} and "text" in keys):
        return "jsonl", "native record or document keys"
    if ENVELOPE in keys:
        return "prodigy", f"an {ENVELOPE} key"
    return None


def resolve_sources(sources: Iterable[str], fmt: str) -> list[tuple[str, str, str]]:
    """``(source, format, reason)`` for each source; every guess is made before anything is read."""
    out = []
    for src in sources:
        if fmt == "auto":
            name, reason = guess_format(src)
        else:
            name, reason = get_format(fmt).name, "--format"
        f = get_format(name)
        if not f.can_read:
            raise UsageError(f"{src}: the {name} format is export-only ({reason})")
        out.append((src, name, reason))
    return out


def read_sources(plan: list[tuple[str, str, str]], scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[Item]:
    """Items of every source, each read by its format."""
    native = [src for src, name, _ in plan if name == "jsonl"]
    if native and options.label_map is not None and options.label_map.to_scheme:
        raise UsageError("--map applies to other tools' formats; native JSONL already uses the scheme's labels")
    for src, name, _ in plan:
        yield from get_format(name).read()(src, scheme, options, log)


def export_records(store: Any, scheme: Scheme, fmt: str, dest: str, options: Options, *, annotator: str | None = None,
                   status: str | None = "done", on_record: Callable[[], None] | None = None) -> Report:
    """Stream the store's records through a format writer into ``dest``."""
    from annotator.formats.common import Report
    from annotator.formats.atomic import write_jsonl

    f = get_format(fmt)
    writer = f.write()
    lines = store.iter_export(annotator=annotator, status=status, scheme_name=scheme.name, scheme_version=scheme.version)
    if f.name == "jsonl":
        return Report("jsonl", dest, write_jsonl(lines, dest, on_line=on_record))

    def records() -> Iterator[dict[str, Any]]:
        for line in lines:
            if on_record is not None:
                on_record()
            yield orjson.loads(line)

    return writer(records(), dest, scheme, options)


# -- native JSONL, through the same table ---------------------------------------------------------------


def native_read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[Item]:
    from annotator.importing import expand_sources
    from annotator.importing import read_sources as read_native

    files = expand_sources([path], log)
    yield from read_native(files, scheme, options.annotator, log)


def native_write(records: Iterable[dict[str, Any]], dest: str, scheme: Scheme, options: Options) -> Report:
    from annotator.formats.common import Report
    from annotator.formats.atomic import write_jsonl

    n = write_jsonl((orjson.dumps(r) for r in records), dest)
    return Report("jsonl", dest, n)
