"""The label scheme as plain data, read from a TOML file and checked entry by entry.

A scheme file (``schemas/news.toml``) holds ``name``, ``version`` and an array of ``[[label]]`` tables,
each with ``name``, ``key`` (the TUI hotkey), ``color`` and ``[[label.attr]]`` tables of typed
attributes. Everything wrong is refused with a :class:`SchemeError` naming the file and the entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path

from annotator.errors import SchemeError

ATTR_TYPES = ("choice", "text", "number", "bool", "timex", "ref")
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{6}|[a-z_]+[0-9]*)$")


@dataclass(frozen=True, slots=True)
class AttrDef:
    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class LabelDef:
    name: str
    key: str
    color: str
    description: str = ""
    attrs: tuple[AttrDef, ...] = ()

    def attr(self, name: str) -> AttrDef | None:
        for a in self.attrs:
            if a.name == name:
                return a
        return None


@dataclass(frozen=True, slots=True)
class SchemeDef:
    name: str
    version: int
    labels: tuple[LabelDef, ...]
    path: str = "<memory>"
    by_name: dict[str, LabelDef] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({lab.name: lab for lab in self.labels})


def ref_attrs_of(definition: SchemeDef) -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """label -> ((ref attribute, allowed target labels), ...), for the labels that have refs."""
    return {
        lab.name: tuple((a.name, frozenset(a.targets)) for a in lab.attrs if a.type == "ref")
        for lab in definition.labels
        if any(a.type == "ref" for a in lab.attrs)
    }


def _fail(path: str, entry: str, message: str) -> SchemeError:
    return SchemeError(f"{path}: {entry}: {message}")


def _str(path: str, entry: str, table: dict, key: str, *, required: bool = True, default: str = "") -> str:
    value = table.get(key, None)
    if value is None:
        if required:
            raise _fail(path, entry, f"missing `{key}`")
        return default
    if not isinstance(value, str):
        raise _fail(path, entry, f"`{key}` must be a string, not {type(value).__name__}")
    return value


def _attr(path: str, label: str, i: int, raw: object, label_names: set[str]) -> AttrDef:
    entry = f"label {label}, attr #{i + 1}"
    if not isinstance(raw, dict):
        raise _fail(path, entry, "must be a table")
    name = _str(path, entry, raw, "name")
    entry = f"label {label}, attr {name!r}"
    if not _NAME_RE.match(name):
        raise _fail(path, entry, "an attribute name is a letter then letters, digits or _")
    unknown = set(raw) - {"name", "type", "required", "choices", "targets", "description"}
    if unknown:
        raise _fail(path, entry, f"unknown key(s): {', '.join(sorted(unknown))}")
    kind = _str(path, entry, raw, "type")
    if kind not in ATTR_TYPES:
        raise _fail(path, entry, f"unknown type {kind!r} (one of {', '.join(ATTR_TYPES)})")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise _fail(path, entry, "`required` must be true or false")
    choices: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    if kind == "choice":
        raw_choices = raw.get("choices")
        if not (isinstance(raw_choices, list) and raw_choices
                and all(isinstance(c, str) and c for c in raw_choices)):
            raise _fail(path, entry, "a choice attribute needs `choices`, a non-empty list of strings")
        if len(set(raw_choices)) != len(raw_choices):
            raise _fail(path, entry, "duplicate value in `choices`")
        choices = tuple(raw_choices)
    elif "choices" in raw:
        raise _fail(path, entry, "`choices` only applies to type choice")
    if kind == "ref":
        raw_targets = raw.get("targets")
        if not isinstance(raw_targets, list) or not raw_targets or not all(isinstance(t, str) for t in raw_targets):
            raise _fail(path, entry, "a ref attribute needs `targets`, a non-empty list of label names")
        missing = [t for t in raw_targets if t not in label_names]
        if missing:
            raise _fail(path, entry, f"`targets` names label(s) that do not exist: {', '.join(missing)}")
        targets = tuple(raw_targets)
    elif "targets" in raw:
        raise _fail(path, entry, "`targets` only applies to type ref")
    return AttrDef(name, kind, required, choices, targets, _str(path, entry, raw, "description", required=False))


def parse_scheme(data: dict, path: str = "<memory>") -> SchemeDef:
    """Check a parsed TOML document and build the scheme; raise SchemeError on the first fault."""
    unknown = set(data) - {"name", "version", "label", "description"}
    if unknown:
        raise _fail(path, "top level", f"unknown key(s): {', '.join(sorted(unknown))}")
    name = _str(path, "top level", data, "name")
    if not _NAME_RE.match(name):
        raise _fail(path, "top level", "`name` is a letter then letters, digits or _")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, "top level", "`version` must be a positive integer")
    raw_labels = data.get("label")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise _fail(path, "top level", "declare at least one [[label]]")
    names: list[str] = []
    for i, raw in enumerate(raw_labels):
        if not isinstance(raw, dict):
            raise _fail(path, f"label #{i + 1}", "must be a table")
        names.append(_str(path, f"label #{i + 1}", raw, "name"))
    label_names = set(names)
    labels: list[LabelDef] = []
    seen_names: set[str] = set()
    seen_keys: dict[str, str] = {}
    for raw, lname in zip(raw_labels, names):
        entry = f"label {lname}"
        if not _NAME_RE.match(lname):
            raise _fail(path, entry, "a label name is a letter then letters, digits or _")
        if lname in seen_names:
            raise _fail(path, entry, "duplicate label")
        seen_names.add(lname)
        unknown = set(raw) - {"name", "key", "color", "description", "attr"}
        if unknown:
            raise _fail(path, entry, f"unknown key(s): {', '.join(sorted(unknown))}")
        key = _str(path, entry, raw, "key")
        if not key or any(c.isspace() for c in key):
            raise _fail(path, entry, "`key` must be a key name such as \"1\" or \"a\"")
        if key in seen_keys:
            raise _fail(path, entry, f"duplicate hotkey {key!r} (also label {seen_keys[key]})")
        seen_keys[key] = lname
        color = _str(path, entry, raw, "color")
        if not _COLOR_RE.match(color):
            raise _fail(path, entry, f"`color` {color!r} is not #rrggbb or a colour name")
        raw_attrs = raw.get("attr", [])
        if not isinstance(raw_attrs, list):
            raise _fail(path, entry, "`attr` must be an array of tables ([[label.attr]])")
        attrs = [_attr(path, lname, j, a, label_names) for j, a in enumerate(raw_attrs)]
        dup = {a.name for a in attrs if sum(b.name == a.name for b in attrs) > 1}
        if dup:
            raise _fail(path, entry, f"duplicate attribute {sorted(dup)[0]!r}")
        labels.append(LabelDef(lname, key, color, _str(path, entry, raw, "description", required=False), tuple(attrs)))
    return SchemeDef(name=name, version=version, labels=tuple(labels), path=path)


def read_scheme_file(path: str | Path | Traversable) -> SchemeDef:
    """Read and check a scheme TOML file (a path, or a resource of the package)."""
    p = Path(path) if isinstance(path, str) else path
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SchemeError(f"{p}: cannot read the scheme: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemeError(f"{p}: not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{p}: not valid TOML: {exc}") from None
    return parse_scheme(data, str(p))
