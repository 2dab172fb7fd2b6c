"""Label mapping between another tool's label names and the scheme's (``--map SRC=LABEL``, ``--map-file``).

At import a name found in the file becomes a scheme label: a mapped name becomes its target, a
name that already is a scheme label (or a relation name such as ``speaker``) stays itself, and
``SRC=`` (empty target) drops that name on purpose (counted, and said). Any other name is
*unmapped*: the import fails with one problem that lists every unmapped name with its count and
where it was first seen -- never a silent drop.

At export a scheme label is written under the first SRC that maps to it (``--map PER=ACTOR
--map ORG=ACTOR`` exports ACTOR as PER), else under its own name.

A map file holds one ``SRC=LABEL`` per line (``#`` starts a comment; blank lines are ignored), or
is a JSON object ``{"SRC": "LABEL"}`` when its name ends in ``.json``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import orjson

from annotator.errors import Problem, UsageError
from annotator.files.encoding import invalid_utf8


class LabelMap:
    """Both directions of a label mapping, plus the tally of unmapped and dropped names."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = (), *, known: Iterable[str] = ()):
        self.to_scheme: dict[str, str] = {}
        self.to_external: dict[str, str] = {}
        self.known = frozenset(known)
        for src, dst in pairs:
            if src in self.to_scheme and self.to_scheme[src] != dst:
                raise UsageError(f"--map: {src!r} is mapped twice ({self.to_scheme[src] or '(dropped)'} and "
                                 f"{dst or '(dropped)'})")
            self.to_scheme[src] = dst
            if dst:
                self.to_external.setdefault(dst, src)
        bad = sorted({d for d in self.to_scheme.values() if d and d not in self.known})
        if bad and self.known:
            raise UsageError(f"--map: target(s) not in the scheme: {', '.join(bad)} (the scheme has "
                             f"{', '.join(sorted(self.known))})")
        self.unmapped: dict[str, list] = {}  # name -> [count, first Problem-like location]
        self.dropped: dict[str, int] = {}

    # -- import ------------------------------------------------------------------------------------

    def to_label(self, name: str, file: str | None = None, line: int | None = None) -> str | None:
        """The scheme label for ``name``, or None (dropped on purpose, or unmapped and tallied)."""
        if name in self.to_scheme:
            dst = self.to_scheme[name]
            if not dst:
                self.dropped[name] = self.dropped.get(name, 0) + 1
                return None
            return dst
        if name in self.known:
            return name
        entry = self.unmapped.get(name)
        if entry is None:
            self.unmapped[name] = [1, file, line]
        else:
            entry[0] += 1
        return None

    def unmapped_problem(self, file: str | None) -> Problem | None:
        """One problem listing every unmapped name with its count, or None when all were mapped."""
        if not self.unmapped:
            return None
        parts = []
        ordered = sorted(self.unmapped.items(), key=lambda kv: (-kv[1][0], kv[0]))
        for name, (count, f, line) in ordered:
            where = f" (first at {f}:{line})" if f and line else ""
            parts.append(f"{name!r} x{count}{where}")
        example = ordered[0][0]
        target = sorted(self.known)[0] if self.known else "LABEL"
        return Problem(file, None, "label",
                       f"{len(self.unmapped)} label(s) not in the scheme and not mapped: {', '.join(parts)}; "
                       f"map them (--map {example}={target}, or {example}= to drop it) or use a --map-file")

    def dropped_note(self) -> str | None:
        if not self.dropped:
            return None
        return "dropped on purpose (--map SRC=): " + ", ".join(f"{k!r} x{v}" for k, v in sorted(self.dropped.items()))

    def reset(self) -> None:
        self.unmapped.clear()
        self.dropped.clear()

    # -- export ------------------------------------------------------------------------------------

    def external(self, label: str) -> str:
        """The name a scheme label is written under."""
        return self.to_external.get(label, label)


def parse_pair(text: str, where: str = "--map") -> tuple[str, str]:
    if "=" not in text:
        raise UsageError(f"{where}: expected SRC=LABEL, got {text!r}")
    src, dst = (part.strip() for part in text.split("=", 1))
    if not src:
        raise UsageError(f"{where}: the source label before '=' is empty in {text!r}")
    return src, dst


def read_map_file(path: str) -> list[tuple[str, str, str]]:
    """Pairs of a map file (text lines ``SRC=LABEL`` or a JSON object), each with where it was
    read (``FILE:LINE``, or ``FILE`` for JSON); UsageError names FILE:LINE."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the map file: {exc.strerror or exc}") from None
    if p.suffix.lower() == ".json":
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise UsageError(f"{path}: not valid JSON: {exc}") from None
        if not isinstance(obj, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in obj.items()):
            raise UsageError(f"{path}: expected a JSON object of label names {{\"SRC\": \"LABEL\"}}")
        return [(src, dst, f"{path}: {src!r}") for src, dst in obj.items()]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: {invalid_utf8(str(path), exc.start)}") from None
    pairs = []
    for number, line in enumerate(text.split("\n"), 1):
        body = line.split("#", 1)[0].strip()
        if body:
            where = f"{path}:{number}"
            pairs.append((*parse_pair(body, where), where))
    return pairs


def build_label_map(maps: Iterable[str] = (), map_file: str | None = None, *, known: Iterable[str] = ()) -> LabelMap:
    """The map of ``--map`` pairs and a ``--map-file``'s; a file's target the scheme lacks is
    refused with the file and line that name it."""
    known = frozenset(known)
    pairs: list[tuple[str, str]] = []
    for src, dst, where in read_map_file(map_file) if map_file else []:
        if dst and known and dst not in known:
            raise UsageError(f"{where}: {dst!r} is not a label of the scheme (it has {', '.join(sorted(known))})")
        pairs.append((src, dst))
    pairs += [parse_pair(m) for m in maps]
    return LabelMap(pairs, known=known)
