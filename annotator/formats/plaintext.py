"""Plain-text articles: one ``.txt`` file (UTF-8) is one document, whose id is the file's path in
the folder given without ``.txt`` (``2014/juin``), or its stem when the file is named alone.

The text is kept exactly as read (bytes decoded, no newline translation, no normalisation), except:
- a UTF-8 byte-order mark is removed and recorded as ``meta.bom = true``;
- a leading ``date YYYY-MM`` or ``date YYYY-MM-DD`` header (white space around it allowed) becomes
  ``meta.date`` and is removed, so the article starts at its first word.
``meta.source`` records the file it came from.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.errors import Problem
from annotator.files.encoding import invalid_utf8
from annotator.files.lines import MAX_TEXT_BYTES, text_too_long
from annotator.model.hashing import has_lone_surrogate, text_sha256
from annotator.model.types import NewDocument

_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)(?:\s+|\Z)")
_BOM = "\ufeff"
_HEADROOM = 64  # bytes a BOM and a date header may add to the text's limit


def parse_text(raw: bytes, source: str, doc_id: str | None = None) -> NewDocument | Problem:
    """Build the document of one text file's bytes (its id: ``doc_id``, else the file's stem), or
    say why not."""
    stem = Path(source).stem if doc_id is None else doc_id
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(source, None, None, invalid_utf8(source, exc.start))
    meta: dict[str, object] = {"source": source}
    if text.startswith(_BOM):
        text = text[1:]
        meta["bom"] = True
    m = _DATE_HEADER.match(text)
    if m:
        meta["date"] = m.group(1)
        text = text[m.end():]
    big = text_too_long(text)
    if big is not None:
        return Problem(source, None, "text", big)
    if not stem or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in stem):
        return Problem(source, None, "id", "the file name cannot be a document id (it holds control characters)")
    if len(stem) > 256:
        return Problem(source, None, "id", f"the file's path in its folder is {len(stem)} characters: a document id "
                                           "has at most 256 (name a sub-folder to import it from there)")
    bad = has_lone_surrogate(text)
    if bad is not None:  # pragma: no cover - strict UTF-8 decoding cannot produce one
        return Problem(source, None, "text", f"lone surrogate at offset {bad}")
    return NewDocument(stem, text, text_sha256(text), meta, source)


def read_text_file(path: Path, doc_id: str | None = None) -> NewDocument | Problem:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_TEXT_BYTES + _HEADROOM + 1)  # a huge file is refused unread
    except OSError as exc:
        return Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")
    if len(raw) > MAX_TEXT_BYTES + _HEADROOM:
        size = path.stat().st_size / (1 << 20)
        return Problem(str(path), None, "text", f"the article is {size:.1f} MiB of text; annotator takes articles up "
                                                f"to {MAX_TEXT_BYTES >> 20} MiB (split it into several documents)")
    return parse_text(raw, str(path), doc_id)
