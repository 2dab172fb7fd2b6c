"""The one table of formats: ``import --format``, ``export --format`` and format guessing read it.

A row says everything about a format that is not its reading and writing: its options, where an
export goes by default, how a source is recognised. Adding a format is its module and one row.
Every format has the same two entry points in its module:

- ``read(path, scheme, options, log) -> Iterator[ImportItem]`` (valid items only; every problem
  goes to ``log``, so the import pipeline rolls the whole import back);
- ``write(records, dest, scheme, options) -> Report``: records stream from the store, as export
  record dicts (or as the store keeps them, unparsed, for a row with ``stored``); a lossy export
  raises LossyExport before anything is written unless ``options.allow_lossy``.

Format modules are imported only when used (spaCy and datasets are optional and slow to load);
this module stays light, since the command line reads it while building its parser.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.errors import UsageError
from annotator.model.types import RECORD_ONLY_KEYS

if TYPE_CHECKING:
    from annotator.errors import ProblemLog
    from annotator.formats.common import Options, Report
    from annotator.model.types import ImportItem
    from annotator.schema import Scheme

# The key under which other tools' files carry what they have no place for (formats.common).
ENVELOPE = "annotator_record"

# A first line's keys (and the object) -> why it is this format, or None.
Sniff = Callable[[set[str], dict[str, Any]], str | None]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    module: str
    summary: str
    default_out: str = ""  # where an export goes without --out
    can_read: bool = True
    can_write: bool = True
    folder: bool = False  # export writes a folder
    lossy: bool = False
    training: bool = False  # made to train a model on: one record per document unless told otherwise
    stored: bool = False  # the writer takes records as the store keeps them (JSON unparsed)
    import_options: frozenset[str] = frozenset()  # the format-specific options it reads
    export_options: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()  # a file with one of these suffixes is this format
    sniff: Sniff | None = None  # recognises a JSON file by its first line
    folder_marker: str | None = None  # a folder holding such a file is this format
    json_array: bool = False  # a file holding one JSON array is this format

    def read(self) -> Callable[..., Iterator[ImportItem]]:
        if not self.can_read:
            raise UsageError(f"the {self.name} format is export-only")
        return importlib.import_module(self.module).read

    def write(self) -> Callable[..., Report]:
        if not self.can_write:
            raise UsageError(f"the {self.name} format is import-only")
        return importlib.import_module(self.module).write


def _hf(keys: set[str], obj: dict[str, Any]) -> str | None:
    return "tokens and ner_tags (a Hugging Face export: not importable)" if {"tokens", "ner_tags"} <= keys else None


def _label_studio(keys: set[str], obj: dict[str, Any]) -> str | None:
    tasks = "data" in keys and keys & {"annotations", "predictions", "completions"}
    return "data and annotations/predictions" if tasks else None


def _doccano(keys: set[str], obj: dict[str, Any]) -> str | None:
    entities = obj.get("entities")
    if isinstance(entities, list) and all(isinstance(e, dict) and "start_offset" in e for e in entities):
        return "entities with start_offset"
    if isinstance(obj.get("label"), list) and ("text" in keys or "data" in keys):
        return "text and a label list"
    return None


def _prodigy(keys: set[str], obj: dict[str, Any]) -> str | None:
    if keys & {"_input_hash", "_task_hash", "answer"} or {"tokens", "spans"} <= keys:
        return "Prodigy keys (_input_hash, answer, tokens/spans)"
    if {"text", "spans"} <= keys and not keys & RECORD_ONLY_KEYS - {"spans"}:
        return "text and spans"
    if ENVELOPE in keys and not keys & RECORD_ONLY_KEYS:
        return f"an {ENVELOPE} key"
    return None


def _native(keys: set[str], obj: dict[str, Any]) -> str | None:
    if keys & RECORD_ONLY_KEYS or (keys <= {"id", "text", "meta", "text_sha256"} and "text" in keys):
        return "native record or document keys"
    return None


# In the order formats are tried when guessing from a first line.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("jsonl", "annotator.formats.jsonl",
           "native JSONL records (and .txt files, folders, JSONL of {id, text, meta} on import)",
           default_out="exports/annotations.jsonl", stored=True, suffixes=(".txt",), sniff=_native),
    Format("spacy", "annotator.formats.spacy_docbin",
           "spaCy DocBin: a folder of .spacy files (doc.ents, doc.spans['sc'], user_data); reads a file too",
           default_out="exports/spacy", folder=True, training=True, import_options=frozenset({"lang"}),
           export_options=frozenset({"lang", "align"}), suffixes=(".spacy",), folder_marker="*.spacy"),
    Format("prodigy", "annotator.formats.prodigy", "Prodigy JSONL tasks (ner/spans/rel.manual, review)",
           default_out="exports/annotations.prodigy.jsonl", sniff=_prodigy),
    Format("doccano", "annotator.formats.doccano", "doccano sequence-labelling JSONL (label, or entities/relations)",
           default_out="exports/annotations.doccano.jsonl", import_options=frozenset({"offsets"}),
           export_options=frozenset({"offsets"}), sniff=_doccano),
    Format("label-studio", "annotator.formats.labelstudio", "Label Studio JSON tasks (annotations or predictions)",
           default_out="exports/annotations.label-studio.json", import_options=frozenset({"offsets", "as_predictions"}),
           export_options=frozenset({"offsets", "as_predictions"}), sniff=_label_studio, json_array=True),
    Format("brat", "annotator.formats.brat", "brat standoff folder: .txt + .ann, annotation.conf",
           default_out="exports/brat", folder=True, import_options=frozenset({"offsets", "split_discontinuous"}),
           suffixes=(".ann",), folder_marker="*.ann"),
    Format("conll", "annotator.formats.conll", "CoNLL token-per-line, IOB1/IOB2/BILOU tags",
           default_out="exports/annotations.conll", lossy=True, training=True, import_options=frozenset({"tags"}),
           export_options=frozenset({"tags"}),
           suffixes=(".conll", ".conll03", ".iob", ".iob2", ".bio", ".bilou", ".bioes", ".ner")),
    Format("hf", "annotator.formats.hf", "Hugging Face token classification: JSONL + features.json",
           default_out="exports/hf", can_read=False, folder=True, lossy=True, training=True,
           export_options=frozenset({"tags"}),
           sniff=_hf),
)}
# Tried in this order on a first line: the most specific keys first, native last.
_SNIFF_ORDER = ("hf", "label-studio", "doccano", "prodigy", "jsonl")


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r} (one of {', '.join(FORMATS)})") from None


def formats_with_option(option: str, *, export: bool) -> list[str]:
    """The formats that read ``option`` (an argparse dest) on export or on import."""
    return [f.name for f in FORMATS.values() if option in (f.export_options if export else f.import_options)]


def _first_json_object(path: Path) -> tuple[Any, str]:
    """The first JSON value of a JSON/JSONL file (its first line, within the line limit; a
    byte-order mark skipped), and how it starts."""
    from annotator.files.lines import body_lines

    with path.open("rb") as f:
        head = f.read(1 << 16)
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
        if start == b"[":
            return None, "["
        f.seek(0)
        for _number, _offset, body in body_lines(f):
            if body is None:
                return None, "?"
            try:
                return orjson.loads(body), "{"
            except orjson.JSONDecodeError:
                return None, "?"
    return None, ""


TEXT_ARTICLE = "a text article"  # what a .txt source is read as (by the jsonl row's reader)


def guess_format(path: str | Path) -> tuple[str, str]:
    """``(format name, reason)`` for a source, from its kind, suffix and first line; UsageError if unsure."""
    p = Path(path)
    if p.is_dir():
        for f in FORMATS.values():
            if f.folder_marker and next(p.rglob(f.folder_marker), None) is not None:
                return f.name, f"a folder with {f.folder_marker.lstrip('*')} files"
        return "jsonl", "a folder of .txt and .jsonl files"
    if not p.is_file():
        raise UsageError(f"{p}: no such file or folder")
    suffix = p.suffix.lower()
    if suffix == ".txt":
        return "jsonl", TEXT_ARTICLE
    for f in FORMATS.values():
        if suffix in f.suffixes:
            return f.name, f"the {suffix} suffix"
    try:
        obj, start = _first_json_object(p)
    except OSError as exc:
        raise UsageError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if start == "[":
        array = next(f for f in FORMATS.values() if f.json_array)
        return array.name, f"a JSON array (of {array.summary})"
    if isinstance(obj, dict):
        keys = set(obj)
        for name in _SNIFF_ORDER:
            sniff = FORMATS[name].sniff
            reason = sniff(keys, obj) if sniff is not None else None
            if reason:
                return name, f"first line has {reason}"
    if suffix in (".jsonl", ".ndjson"):
        if start == "":
            return "jsonl", "an empty file"
        return "jsonl", "the .jsonl suffix, no other tool's keys on the first line"
    if isinstance(obj, dict):
        raise UsageError(f"{p}: cannot tell the format from the first line's keys ({', '.join(sorted(obj)[:12])}); "
                         f"name it with --format ({', '.join(FORMATS)})")
    raise UsageError(f"{p}: cannot tell the format (not JSON lines, no known suffix); name it with --format")


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """How one SOURCE will be read: its format, and why that one."""

    source: str
    format: str
    reason: str

    @property
    def what(self) -> str:
        """What the source is read as, in words: ``a text article``, ``native JSONL``, ``brat``..."""
        if self.reason == TEXT_ARTICLE:
            return TEXT_ARTICLE
        if self.format == "jsonl":
            return "text articles and native JSONL" if Path(self.source).is_dir() else "native JSONL"
        return self.format


def describe_plan(plan: Iterable[SourcePlan], shown: int = 3) -> list[str]:
    """One line per way of reading (``--format auto``'s notes): sources read the same way, for
    the same reason, are named together rather than once each."""
    groups: dict[tuple[str, str], list[str]] = {}
    for p in plan:
        why = "" if p.reason == TEXT_ARTICLE else f"{p.reason}; "
        groups.setdefault((p.what, why), []).append(p.source)
    out = []
    for (what, why), sources in groups.items():
        names = ", ".join(sources[:shown]) + (f" and {len(sources) - shown} more" if len(sources) > shown else "")
        each = "each " if len(sources) > 1 else ""
        out.append(f"{names}: reading {each}as {what} ({why}--format to choose)")
    return out


def resolve_sources(sources: Iterable[str], fmt: str) -> list[SourcePlan]:
    """How each source will be read; every guess is made before anything is read."""
    out = []
    for src in sources:
        if fmt == "auto":
            name, reason = guess_format(src)
        else:
            name, reason = get_format(fmt).name, "--format"
        if not get_format(name).can_read:
            raise UsageError(f"{src}: the {name} format is export-only ({reason})")
        out.append(SourcePlan(src, name, reason))
    return out


def read_sources(plan: Iterable[SourcePlan], scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    """The items of every source, each read by its format (see :func:`resolve_sources`)."""
    plan = list(plan)
    if options.label_map is not None and options.label_map.to_scheme and any(p.format == "jsonl" for p in plan):
        raise UsageError("--map applies to other tools' formats; native JSONL already uses the scheme's labels")
    for p in plan:
        yield from get_format(p.format).read()(p.source, scheme, options, log)
