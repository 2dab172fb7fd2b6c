"""Turning another tool's annotations into validated native records, on import.

A :class:`ReadContext` is one source file being read (where problems and notes go, the label map,
duplicate ids); a :class:`RecordBuilder` collects one document's spans and relations in code
points, applies the ``annotator_record`` envelope, resolves relations into ``ref`` attributes and
validates the record with the scheme -- the same validation as native JSONL.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from annotator.errors import Problem, ProblemLog
from annotator.formats.common import ENVELOPE, Options, labels_for, short
from annotator.formats.jsonl import canonical_record
from annotator.model.document import Document, text_sha256
from annotator.model.patterns import NOT_IN_ANNOTATOR_RE, SPAN_ID_RE, annotator_name_problem, is_annotator_name
from annotator.model.problems import problems_from_validation
from annotator.model.types import ImportItem, NewDocument
from annotator.schema import Scheme


def _is_key(k: Any) -> bool:
    """A usable reference from another tool (region id, entity id, token index...)."""
    if isinstance(k, tuple):
        return all(_is_key(x) for x in k)
    return isinstance(k, (str, int, float)) and not isinstance(k, bool)


# -- building records on import --------------------------------------------------------------------


class ReadContext:
    """One source file being read: where problems and notes go, label mapping, duplicate ids."""

    def __init__(self, name: str, scheme: Scheme, options: Options, log: ProblemLog):
        self.name = name
        self.scheme = scheme
        self.options = options
        self.log = log
        self.labels = labels_for(scheme, options)
        self.labels.reset()
        self.seen: dict[tuple[str, str], int | None] = {}
        self.rel_names = {a for refs in scheme.ref_attrs.values() for a, _ in refs}
        self._said_names: set[tuple[str, str]] = set()

    def problem(self, line: int | None, field: str | None, message: str) -> None:
        self.log.add(Problem(self.name, line, field, message))

    def note(self, line: int | None, message: str) -> None:
        self.options.notes.add(Problem(self.name, line, None, message))

    def annotator(self, value: Any, line: int | None, field: str) -> str | None:
        """The annotator named by another tool's user field (``_annotator_id``, ``completed_by``,
        ``model_version``), or None when it names none. A name annotator cannot hold is read with
        ``_`` for each character it cannot hold, and said in a note; two different names that would
        become one are a problem, never merged."""
        name = user_field_name(value)
        if name is None or is_annotator_name(name):
            if name is not None:
                self._claim(name, name, line, field)
            return name
        derived = NOT_IN_ANNOTATOR_RE.sub("_", name)[:64]
        if self._claim(name, derived, line, field):
            self.note(line, f"{field}: {name!r} cannot be an annotator name ({annotator_name_problem(name)}): "
                            f"read as {derived!r}")
        return derived

    def _claim(self, original: str, name: str, line: int | None, field: str) -> bool:
        """Record that ``original`` is read as ``name``; False when it was already (nothing to say)."""
        seen = self.options.annotator_names
        other = seen.setdefault(name, original)
        if other != original:
            self.problem(line, field, f"{original!r} and {other!r} would both be read as annotator {name!r}; "
                                      "rename one of them in the file")
            return False
        if (original, name) in self._said_names:
            return False
        self._said_names.add((original, name))
        return True

    def relation_name(self, name: str, line: int | None) -> str | None:
        if name in self.rel_names and name not in self.labels.to_scheme:
            return name
        low = {n.lower(): n for n in self.rel_names}
        if name not in self.labels.to_scheme and name.lower() in low:
            return low[name.lower()]
        return self.labels.to_label(name, self.name, line)

    def finish(self) -> None:
        problem = self.labels.unmapped_problem(self.name)
        if problem is not None:
            self.log.add(problem)
        dropped = self.labels.dropped_note()
        if dropped:
            self.note(None, dropped)


def user_field_name(value: Any) -> str | None:
    """The name another tool's user field gives (an email, a user name, ``user-<id>``), unchecked;
    None when it gives none. :meth:`ReadContext.annotator` checks it."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"user-{value}"
    return value if isinstance(value, str) and value else None


class RecordBuilder:
    """Collects one document's spans and relations in code points, then validates the record."""

    def __init__(self, ctx: ReadContext, line: int | None, doc_id: str, text: str, *, annotator: str | None = None,
                 status: str = "done", meta: dict[str, Any] | None = None, source: str = "manual"):
        self.ctx = ctx
        self.line = line
        self.doc_id = doc_id
        self.text = text
        self.annotator = annotator or ctx.options.annotator
        self.status = status
        self.meta = dict(meta or {})
        self.flags: list[Any] = []
        self.updated_at: str | None = None
        self.source = source
        self.spans: list[dict[str, Any]] = []
        self.keys: dict[Any, list[dict[str, Any]]] = {}
        self.relations: list[tuple[str | None, Any, Any, str]] = []
        self.failed = False
        self._next = 0
        self._ids: set[str] = set()

    def problem(self, field: str | None, message: str) -> None:
        self.failed = True
        self.ctx.problem(self.line, field, message)

    def _new_id(self, wanted: Any) -> str:
        if isinstance(wanted, (str, int)) and not isinstance(wanted, bool):
            w = str(wanted)
            if SPAN_ID_RE.match(w) and w not in self._ids:
                self._ids.add(w)
                return w
        while True:
            self._next += 1
            sid = f"s{self._next}"
            if sid not in self._ids:
                self._ids.add(sid)
                return sid

    def add_span(self, start: int, end: int, name: str, *, field: str, key: Any = None, span_id: Any = None,
                 attrs: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Add a span given in code points; the label goes through the map (None: dropped or unmapped)."""
        if key is not None and not _is_key(key):
            self.problem(field, f"the id {short(repr(key))} must be a string or a number")
            return None
        if not isinstance(name, str):
            self.problem(field, f"a label must be a string, not {type(name).__name__}")
            return None
        label = self.ctx.labels.to_label(name, self.ctx.name, self.line)
        if label is None:
            if name not in self.ctx.labels.to_scheme:
                self.failed = True  # unmapped: one problem listing them all comes at the end of the file
            return None
        n = len(self.text)
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            self.problem(field, "start and end must be integers")
            return None
        if not 0 <= start < end <= n:
            self.problem(field, f"offsets {start}:{end} are not a non-empty range of the text ({n} characters)")
            return None
        span = {"id": self._new_id(span_id), "start": start, "end": end, "label": label,
                "text": self.text[start:end], "attrs": dict(attrs or {}), "source": self.source}
        self.spans.append(span)
        if key is not None:
            self.keys.setdefault(key, []).append(span)
        return span

    def add_relation(self, name: str | None, a: Any, b: Any, field: str) -> None:
        """A link between the spans registered under keys ``a`` and ``b`` (either direction)."""
        if not (_is_key(a) and _is_key(b)):
            self.problem(field, f"a relation's ends must be ids (strings or numbers), not {short(repr(a))} and "
                                f"{short(repr(b))}")
            return
        if name is not None and not isinstance(name, str):
            self.problem(field, "a relation's name must be a string")
            return
        self.relations.append((name, a, b, field))

    def apply_envelope(self, env: Any, field: str = ENVELOPE) -> None:
        if not isinstance(env, dict):
            self.problem(field, "must be an object")
            return
        if isinstance(env.get("id"), str):
            self.doc_id = env["id"]
        if env.get("annotator") is not None and not self.ctx.options.as_predictions:
            problem = annotator_name_problem(env["annotator"]) if isinstance(env["annotator"], str) else (
                "an annotator name is a string")
            if problem is None:
                self.annotator = env["annotator"]
            else:
                self.problem(f"{field}.annotator", problem)
        if env.get("status") is not None:
            self.status = env["status"]
        if env.get("meta") is not None:
            self.meta = env["meta"] if isinstance(env["meta"], dict) else self.meta
        self.flags = env.get("flags") or []
        self.updated_at = env.get("updated_at")
        extras = env.get("spans") or []
        if not isinstance(extras, list):
            self.problem(f"{field}.spans", "must be a list")
            return
        by_key: dict[tuple, list[dict]] = {}
        for s in self.spans:
            by_key.setdefault((s["start"], s["end"], s["label"]), []).append(s)
        unmatched = 0
        matched: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for i, entry in enumerate(extras):
            if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], dict)
                    and _is_key((entry[0], entry[1], entry[2]))):
                self.problem(f"{field}.spans[{i}]", "expected [start, end, label, {extras}]")
                continue
            targets = by_key.get((entry[0], entry[1], entry[2]))
            if not targets:
                unmatched += 1
                continue
            matched.append((targets.pop(0), entry[3]))
        wanted = {str(e.get("id")) for _, e in matched}
        done = {id(s) for s, _ in matched}
        self._ids = set()
        for s in self.spans:
            if id(s) not in done and s["id"] not in wanted:
                self._ids.add(s["id"])
        for span, extra in matched:
            span["id"] = self._new_id(extra.get("id"))
            if isinstance(extra.get("attrs"), dict):
                span["attrs"].update(extra["attrs"])
            if "source" in extra:
                span["source"] = extra["source"]
            if "provenance" in extra:
                span["provenance"] = extra["provenance"]
        for s in self.spans:
            if id(s) not in done and s["id"] in wanted:
                s["id"] = self._new_id(None)
        if unmatched:
            self.ctx.note(self.line, f"{self.doc_id}: attributes of {unmatched} span(s) not kept: "
                                     "those spans were changed or removed in the other tool")

    def _resolve_relations(self) -> None:
        holders: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for label, refs in self.ctx.scheme.ref_attrs.items():
            for ref_name, targets in refs:
                holders.setdefault(ref_name, []).append((label, targets))
        for name, a, b, field in self.relations:
            attr = self.ctx.relation_name(name, self.line) if name else None
            if name and attr is None:
                if name not in self.ctx.labels.to_scheme:
                    self.failed = True  # tallied as unmapped, reported at the end of the file
                continue
            candidates = [attr] if attr else list(holders)
            found = None
            for cand in candidates:
                for h_label, targets in holders.get(cand, ()):
                    for x, y in ((a, b), (b, a)):
                        hs = [s for s in self.keys.get(x, ()) if s["label"] == h_label]
                        ts = [s for s in self.keys.get(y, ()) if s["label"] in targets]
                        if hs and ts:
                            found = (cand, hs, ts[0])
                            break
                    if found:
                        break
                if found:
                    break
            if found is None:
                what = f"relation {name!r}" if name else "relation"
                if a not in self.keys or b not in self.keys:
                    self.problem(field, f"{what} names a span that does not exist ({a!r} -> {b!r})")
                else:
                    self.problem(field, f"{what} does not link spans the scheme allows "
                                        f"({'/'.join(s['label'] for s in self.keys[a])} -> "
                                        f"{'/'.join(s['label'] for s in self.keys[b])})")
                continue
            cand, holders_, target = found
            for holder in holders_:  # a span split into fragments: every part keeps the link
                old = holder["attrs"].get(cand)
                if old is not None and old != target["id"]:
                    self.problem(field, f"{holder['label']} span {holder['start']}:{holder['end']} has two {cand!r} "
                                        "links; "
                                        "the scheme allows one")
                    continue
                holder["attrs"][cand] = target["id"]

    def build(self, *, with_record: bool = True) -> ImportItem | None:
        """Validate and return the ImportItem (document plus record), or None after adding problems."""
        ctx = self.ctx
        if with_record:
            self._resolve_relations()
        if self.failed:
            return None
        meta = dict(self.meta)
        where = f"{ctx.name}:{self.line}" if self.line else ctx.name
        if not with_record:
            try:
                doc = Document.model_validate({"id": self.doc_id, "text": self.text, "meta": self.meta})
            except ValidationError as exc:
                ctx.log.extend(problems_from_validation(exc, ctx.name, self.line))
                return None
            if self._seen(""):
                return None
            return ImportItem(NewDocument(doc.id, doc.text, doc.text_sha256, meta, where), None, self.line)
        sha = text_sha256(self.text)
        rec = {"id": self.doc_id, "text": self.text, "text_sha256": sha, "meta": self.meta,
               "annotator": self.annotator, "status": self.status, "schema": ctx.scheme.name,
               "schema_version": ctx.scheme.version, "spans": self.spans, "flags": self.flags,
               "updated_at": self.updated_at}
        try:
            ctx.scheme.validate_record(rec)
        except ValidationError as exc:
            ctx.log.extend(problems_from_validation(exc, ctx.name, self.line))
            return None
        canon = canonical_record(rec, self.annotator)
        if self._seen(canon["annotator"]):
            return None
        return ImportItem(NewDocument(self.doc_id, self.text, sha, meta, where), canon, self.line)

    def _seen(self, annotator: str) -> bool:
        key = (self.doc_id, annotator)
        if key in self.ctx.seen:
            first = self.ctx.seen[key]
            who = f" of annotator {annotator!r}" if annotator else ""
            self.ctx.problem(self.line, "id", f"document {self.doc_id!r}{who} is already in this file"
                             + (f" (line {first})" if first else ""))
            return True
        self.ctx.seen[key] = self.line
        return False
