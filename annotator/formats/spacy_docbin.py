"""spaCy ``.spacy`` files (DocBin), for training with ``spacy train``.

spaCy is an optional extra (``pip install 'annotator[spacy]'``), imported only here, inside
functions. Texts are tokenized by a blank pipeline, French by default (``--lang`` changes it); no
model is downloaded.

An export is a folder of DocBin files, ``annotations-00000.spacy``, ``annotations-00001.spacy``...,
each of at most CHUNK_DOCS documents or about CHUNK_CHARS characters of text: a DocBin is held in
memory whole (and spaCy reads each file whole), so one file per chunk keeps memory flat in corpus
size on both sides. ``spacy train`` takes the folder as it is (``--paths.train exports/spacy``:
its corpus reader reads every ``.spacy`` file of a folder, in name order); so does ``annotator
import``. Import also reads a single ``.spacy`` file.

Layout of each ``Doc`` written (``DocBin(store_user_data=True)``):

- ``doc.text`` is the document text, exactly (spaCy rebuilds it from tokens and ``whitespace_``);
- ``doc.spans["sc"]``: every span that aligns with tokens (overlaps allowed), in record order;
- ``doc.ents``: the largest set of those spans that do not overlap (``spacy.util.filter_spans``:
  longest first); the others stay in ``doc.spans["sc"]``;
- ``doc.user_data["annotator_record"]``: what spaCy has no place for::

      {"v": 1, "id": doc id, "annotator", "status", "meta", "flags", "updated_at",
       "spans": [[start, end, label, {"id", "attrs", "source", "provenance"}], ...],  # every span, code points
       "sc": [index in doc.spans["sc"] or null, ...],   # parallel to "spans"; null: not in the Doc
       "links": [["speaker", i, j], ...]}               # QUOTE spans[i] -> ACTOR spans[j]

A span is put into the Doc with ``doc.char_span(start, end, alignment_mode=--align)``: ``strict``
(default) leaves out a span whose edges are not token edges; ``contract``/``expand`` move its
edges to token edges. Both are losses for a spaCy user and are reported per document (the export
needs ``--allow-lossy``); our own import still restores such spans from ``user_data``.

Import reads ``doc.spans["sc"]`` and ``doc.ents`` (the same span in both counts once), restores ids,
attributes and links from ``user_data`` when present, and names documents ``<file stem>-<n>``
when it has no id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.errors import ProblemLog, UsageError
from annotator.files.staged import staged_folder
from annotator.formats.builder import ReadContext, RecordBuilder
from annotator.formats.common import (
    ENVELOPE,
    Options,
    Report,
    check_lossy,
    envelope,
    labels_for,
    ref_links,
    span_desc,
)
from annotator.model.types import ImportItem, RecordDict
from annotator.schema import Scheme

ALIGN_MODES = ("strict", "contract", "expand")


def _spacy() -> Any:
    try:
        import spacy
        from spacy.tokens import DocBin  # noqa: F401  (fail early if spaCy is broken)
    except ImportError:
        raise UsageError("the spacy format needs spaCy: pip install 'annotator[spacy]'") from None
    return spacy


@lru_cache(maxsize=4)
def blank(lang: str) -> Any:
    spacy = _spacy()
    try:
        return spacy.blank(lang)
    except (ImportError, KeyError, ValueError, OSError) as exc:
        raise UsageError(f"--lang {lang!r}: spaCy has no such language ({exc.__class__.__name__})") from None


def to_doc(nlp: Any, rec: RecordDict, scheme: Scheme, options: Options) -> tuple[Any, list[str]]:
    """The spaCy Doc of one record, and what a spaCy user would not find in it."""
    from spacy.util import filter_spans

    labels = labels_for(scheme, options)
    mode = options.align
    doc = nlp.make_doc(rec["text"])
    sc: list[Any] = []
    where: list[int | None] = []  # each span's place in sc, None when it is not in the Doc
    lost: list[str] = []
    for s in rec["spans"]:
        span = doc.char_span(s["start"], s["end"], label=labels.external(s["label"]), alignment_mode=mode)
        if span is None or len(span) == 0:
            lost.append(f"span {span_desc(s)} left out of the Doc: its edges are not token edges "
                        f"(alignment_mode={mode}; --align expand or contract moves them)")
            where.append(None)
            continue
        if (span.start_char, span.end_char) != (s["start"], s["end"]):
            lost.append(f"span {span_desc(s)} written as {span.start_char}:{span.end_char} (alignment_mode={mode})")
        where.append(len(sc))
        sc.append(span)
    doc.spans["sc"] = sc
    doc.ents = filter_spans(sc)
    env = envelope(rec, scheme)
    env["sc"] = where
    index = {s["id"]: i for i, s in enumerate(rec["spans"])}
    env["links"] = [[attr, index[h["id"]], index[t["id"]]] for attr, h, t in ref_links(rec, scheme)]
    doc.user_data[ENVELOPE] = env
    return doc, lost


CHUNK_DOCS = 1_000
CHUNK_CHARS = 4_000_000
CHUNK_NAME = "annotations-{:05d}.spacy"
_CHUNK_RE = re.compile(r"annotations-\d{5,}\.spacy")


@contextmanager
def _msgpack_encoders_looked_up_once() -> Iterator[None]:
    """While it runs, srsly's msgpack Packer finds its encoders without searching the installed
    packages' entry points again: ``DocBin.add`` packs each Doc's user data and span groups with
    a new Packer, and each one scans every distribution's metadata and the whole catalogue
    registry (about a third of an export's CPU time). The encoders cannot change meanwhile:
    nothing registers one during an export. The registry is left as it was afterwards."""
    try:
        from srsly.msgpack import msgpack_encoders
    except ImportError:  # another srsly layout: nothing to spare
        yield
        return
    encoders = msgpack_encoders.get_all()
    msgpack_encoders.get_all = lambda: encoders
    try:
        yield
    finally:
        del msgpack_encoders.get_all  # the class's method again


def earlier_export(folder: Path, present: set[str]) -> set[str] | None:
    """A spaCy export made before exports left a manifest: only its chunk files."""
    return present if present and all(_CHUNK_RE.fullmatch(name) for name in present) else None


def write(records: Iterable[RecordDict], dest: str, scheme: Scheme, options: Options) -> Report:
    """Write the Docs in chunks (one DocBin file each) into the folder ``dest``, staged: the
    files appear there only once the whole export succeeded, and an earlier export there is
    replaced whole (its chunks that this one did not write again would be read by ``spacy
    train``); a folder holding anything else is refused (see ``files.staged``)."""
    _spacy()
    from spacy.tokens import DocBin

    if options.align not in ALIGN_MODES:
        raise UsageError(f"--align must be one of {', '.join(ALIGN_MODES)}")
    nlp = blank(options.lang)
    report = Report("spacy", dest)
    written: list[str] = []
    with staged_folder(dest, "spacy", recognise=earlier_export) as stage, _msgpack_encoders_looked_up_once():

        def flush(db: Any) -> None:
            name = CHUNK_NAME.format(len(written))
            (stage / name).write_bytes(db.to_bytes())
            written.append(name)

        db = DocBin(store_user_data=True)
        chars = 0
        for rec in records:
            doc, lost = to_doc(nlp, rec, scheme, options)
            db.add(doc)
            report.lose(rec, lost)
            report.records += 1
            chars += len(rec["text"])
            if len(db) >= CHUNK_DOCS or chars >= CHUNK_CHARS:
                flush(db)
                db = DocBin(store_user_data=True)
                chars = 0
        if len(db) or not written:
            flush(db)  # an empty export is one empty file: spacy train reads 0 documents, not nothing
        check_lossy(report, options)
    folder = Path(dest)
    others = [f.name for f in sorted(folder.rglob("*.spacy")) if f.parent != folder or f.name not in written]
    if others:
        report.notes.append(f"{dest} also holds {', '.join(others[:5])}{' ...' if len(others) > 5 else ''}, "
                            "which spacy train reads too")
    report.notes.append(f"{len(written)} file(s) of at most {CHUNK_DOCS} documents in {dest}; "
                        f"spacy train reads the folder: --paths.train {dest}")
    return report


# -- import ----------------------------------------------------------------------------------------


def _lists(obj: Any) -> Any:
    """msgpack gives tuples back where JSON gave lists."""
    if isinstance(obj, (list, tuple)):
        return [_lists(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _lists(v) for k, v in obj.items()}
    return obj


def _read_doc(ctx: ReadContext, doc: Any, number: int) -> ImportItem | None:
    env = doc.user_data.get(ENVELOPE) if doc.user_data else None
    env = _lists(env) if isinstance(env, dict) else None
    doc_id = env["id"] if env and isinstance(env.get("id"), str) else f"{Path(ctx.name).stem}-{number}"
    b = RecordBuilder(ctx, number, doc_id, doc.text)
    field = f"docs[{number - 1}]"
    seen = set()
    sc = list(doc.spans["sc"]) if "sc" in doc.spans else []
    for kind, spans in (("spans['sc']", sc), ("ents", list(doc.ents))):
        for i, span in enumerate(spans):
            key = (span.start_char, span.end_char, span.label_)
            if key in seen:
                continue
            seen.add(key)
            b.add_span(span.start_char, span.end_char, span.label_, field=f"{field}.{kind}[{i}]", key=key)
    others = [k for k in doc.spans if k != "sc"]
    if others:
        ctx.note(number, f"{doc_id}: span group(s) {', '.join(others)} not imported (only 'sc' and ents)")
    if env is not None:
        _apply(b, env, sc, field)
    return b.build(with_record=bool(seen) or env is not None)


def _apply(b: RecordBuilder, env: dict[str, Any], sc: list[Any], field: str) -> None:
    """Point the envelope's span entries at the spans as they are in the Doc, restore spans left
    out of it, then apply ids, attributes and links."""
    spans: list[Any] = env["spans"] if isinstance(env.get("spans"), list) else []
    where: list[Any] = env["sc"] if isinstance(env.get("sc"), list) else [None] * len(spans)
    keys: list[Any] = []
    entries = []
    for i, entry in enumerate(spans):
        if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], dict)):
            b.problem(f"{field}.user_data.spans[{i}]", "expected [start, end, label, {extras}]")
            return
        j = where[i] if i < len(where) else None
        if isinstance(j, int) and 0 <= j < len(sc):
            s = sc[j]
            label = b.ctx.labels.to_scheme.get(s.label_, s.label_)
            key: tuple[Any, ...] = (s.start_char, s.end_char, s.label_)
            entries.append([s.start_char, s.end_char, label, entry[3]])
        else:
            key = ("restored", i)
            b.add_span(entry[0], entry[1], entry[2], field=f"{field}.user_data.spans[{i}]", key=key)
            entries.append(entry)
        keys.append(key)
    for link in env.get("links") or []:
        ends_ok = isinstance(link, list) and len(link) == 3 and all(isinstance(x, int) and 0 <= x < len(keys)
                                                                  for x in link[1:])
        if ends_ok:
            b.add_relation(link[0], keys[link[1]], keys[link[2]], f"{field}.user_data.links")
        else:
            b.problem(f"{field}.user_data.links", "expected [name, holder index, target index]")
    b.apply_envelope({**env, "spans": entries}, f"{field}.user_data")


def spacy_files(path: str | Path) -> list[Path]:
    """The DocBin files of ``path``: itself, or the ``.spacy`` files of a folder in name order
    (hidden ones skipped), as spaCy's corpus reader takes them."""
    p = Path(path)
    if not p.is_dir():
        return [p]
    return sorted(f for f in p.rglob("*.spacy")
                  if not any(part.startswith(".") for part in f.relative_to(p).parts) and f.is_file())


def read_docs(path: str | Path, vocab: Any) -> Iterator[Any]:
    """Every Doc of a ``.spacy`` file or folder, one file in memory at a time."""
    from spacy.tokens import DocBin

    for f in spacy_files(path):
        yield from DocBin(store_user_data=True).from_disk(f).get_docs(vocab)


def read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    _spacy()
    from spacy.tokens import DocBin

    files = spacy_files(path)
    ctx = ReadContext(path, scheme, options, log)
    if not files:
        ctx.problem(None, None, "no .spacy file in this folder")
        return
    nlp = blank(options.lang)
    for f in files:
        ctx.name = str(f)  # problems name the file; one context: ids and labels are checked across files
        try:
            docs = list(DocBin(store_user_data=True).from_disk(f).get_docs(nlp.vocab))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            ctx.problem(None, None, f"not a spaCy DocBin file: {exc}")
            continue
        except Exception as exc:  # msgpack/zlib errors have no common base
            ctx.problem(None, None, f"not a spaCy DocBin file: {exc.__class__.__name__}: {exc}")
            continue
        for number, doc in enumerate(docs, 1):
            item = _read_doc(ctx, doc, number)
            if item is not None:
                yield item
    ctx.name = path
    ctx.finish()
