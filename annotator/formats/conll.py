"""CoNLL token-per-line files with IOB1, IOB2 or BILOU tags (``--tags``, default ``iob2``).

Written: for each record a ``-DOCSTART- -X- O O`` line (spaCy's ``spacy convert`` document
delimiter) and a blank line, then one ``TOKEN TAG`` line per token, a blank line after each
sentence. Tokens are the French-aware word tokenizer's, cut again at every span edge and at any
white space inside a token (``1\\u00a0200`` is two tokens: columns are split on white space).
Sentences end at a line break, or after ``. ! ? …`` followed by white space, never inside a span.

The format is LOSSY and the exporter says, per document, what it lost: overlapping or nested
spans (the one starting first, then the longest, is kept; each dropped span is named), white
space at span edges, attributes and links. Ids, text white space and offsets are not in the file
either (a property of the format, said once). A lossy export writes nothing without
``--allow-lossy``.

Import rebuilds each document's text as its tokens joined by one space, sentences by a line break
(as ``spacy convert`` does), one document per ``-DOCSTART-`` (each sentence is a document when
the file has none). The first column is the token, the last the tag; a tag sequence that breaks
the declared scheme is a problem at its line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import ProblemLog, UsageError
from annotator.files.atomic import atomic_output
from annotator.files.encoding import invalid_utf8
from annotator.formats.builder import ReadContext, RecordBuilder
from annotator.formats.common import (
    Options,
    Report,
    check_lossy,
    cut_tokens,
    labels_for,
    non_overlapping,
    plain_attrs,
    ref_links,
    span_desc,
    with_tokens,
)
from annotator.model.types import ImportItem, RecordDict
from annotator.schema import Scheme

TAG_SCHEMES = ("iob1", "iob2", "bilou")
DOCSTART = "-DOCSTART- -X- O O"
_SENTENCE_END = frozenset({".", "!", "?", "…", "?!", "!?"})
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")
_TAG = re.compile(r"^([BIELSU])-(.+)$")


def tag_names(labels: Iterable[str], tags: str) -> list[str]:
    prefixes = "BILU" if tags == "bilou" else "BI"
    return ["O"] + [f"{p}-{lab}" for lab in labels for p in prefixes]


def tagged_sentences(rec: RecordDict, scheme: Scheme, options: Options,
                     tokens: list[tuple[int, int]] | None = None,
                     ) -> tuple[list[tuple[list[str], list[str]]], list[str]]:
    """``[(tokens, tags), ...]`` sentences of one record, and what the tags could not hold
    (``tokens``: its text's word tokens, if already known; see ``common.with_tokens``)."""
    if options.tags not in TAG_SCHEMES:
        raise UsageError(f"--tags must be one of {', '.join(TAG_SCHEMES)}")
    labels = labels_for(scheme, options)
    text = rec["text"]
    kept, dropped = non_overlapping(rec["spans"])
    lost = [f"span {span_desc(s)} dropped: overlaps {span_desc(k)} (token tags cannot nest)" for s, k in dropped]
    toks = cut_tokens(text, [x for s in kept for x in (s["start"], s["end"])], split_space=True, tokens=tokens)
    starts = [a for a, _ in toks]
    tags = ["O"] * len(toks)
    inside = [False] * len(toks)  # token is inside a span but not its first token
    prev_label: str | None = None
    prev_end = -1
    for s in kept:
        i, j = bisect_left(starts, s["start"]), bisect_left(starts, s["end"])
        if i == j:
            lost.append(f"span {span_desc(s)} dropped: it holds no token")
            continue
        if (toks[i][0], toks[j - 1][1]) != (s["start"], s["end"]):
            lost.append(f"span {span_desc(s)} written without the white space at its edges")
        name = labels.external(s["label"])
        n = j - i
        adjacent = prev_end == i and prev_label == name
        for k in range(i, j):
            first, last = k == i, k == j - 1
            if options.tags == "bilou":
                p = "U" if n == 1 else "B" if first else "L" if last else "I"
            elif options.tags == "iob2":
                p = "B" if first else "I"
            else:
                p = "B" if first and adjacent else "I"
            tags[k] = f"{p}-{name}"
            inside[k] = not first
        prev_label, prev_end = name, j
    attrs: dict[str, int] = {}
    for s in rec["spans"]:
        for name in plain_attrs(s, scheme):
            attrs[name] = attrs.get(name, 0) + 1
    if attrs:
        lost.append("attributes not written: " + ", ".join(f"{k} x{v}" for k, v in sorted(attrs.items())))
    links: dict[str, int] = {}
    for attr, _h, _t in ref_links(rec, scheme):
        links[attr] = links.get(attr, 0) + 1
    if links:
        lost.append("links not written: " + ", ".join(f"{k} x{v}" for k, v in sorted(links.items())))
    sentences: list[tuple[list[str], list[str]]] = []
    cur_t: list[str] = []
    cur_g: list[str] = []
    line_break = _LINE_BREAK.search
    n = len(toks)
    for k, (a, b) in enumerate(toks):
        word = text[a:b]
        cur_t.append(word)
        cur_g.append(tags[k])
        if k + 1 < n and not inside[k + 1]:
            nxt = toks[k + 1][0]
            if line_break(text, b, nxt) or (word in _SENTENCE_END and nxt > b and text[b:nxt].isspace()):
                sentences.append((cur_t, cur_g))
                cur_t, cur_g = [], []
    if cur_t:
        sentences.append((cur_t, cur_g))
    return sentences, lost


def write(records: Iterable[RecordDict], dest: str, scheme: Scheme, options: Options) -> Report:
    report = Report("conll", dest, notes=["CoNLL keeps tokens and tags only: document ids, the text's white space, "
                                          "attributes and links are not in the file"])
    with atomic_output(dest) as out:
        for rec, tokens in with_tokens(records):
            sentences, lost = tagged_sentences(rec, scheme, options, tokens)
            chunks = [DOCSTART, "\n\n"]
            for tokens, tags in sentences:
                chunks.extend(f"{t} {g}\n" for t, g in zip(tokens, tags))
                chunks.append("\n")
            out.write("".join(chunks).encode("utf-8"))
            report.lose(rec, lost)
            report.records += 1
        check_lossy(report, options)
    return report


# -- import ----------------------------------------------------------------------------------------


def _file_has_docstart(path: str) -> bool:
    with open(path, "rb") as f:
        tail = b""
        while chunk := f.read(1 << 20):
            if b"-DOCSTART-" in tail + chunk:
                return True
            tail = chunk[-16:]
    return False


class _Doc:
    def __init__(self, line: int):
        self.line = line
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str, int]] = []
        self.open: tuple[int, str, int] | None = None  # (start, label, line) of the span being read
        self.last_end = 0
        self.sentences = 0
        self.bad = False

    def add_token(self, token: str) -> tuple[int, int]:
        if self.parts and self.parts[-1] != "\n":
            self.parts.append(" ")
            self.pos += 1
        start = self.pos
        self.parts.append(token)
        self.pos += len(token)
        return start, self.pos

    def close(self) -> None:
        if self.open is not None:
            start, label, line = self.open
            self.spans.append((start, self.last_end, label, line))
            self.open = None

    def end_sentence(self) -> None:
        self.close()
        if self.parts and self.parts[-1] != "\n":
            self.parts.append("\n")
            self.pos += 1
            self.sentences += 1


def _tag(ctx: ReadContext, doc: _Doc, tag: str, span: tuple[int, int], line: int) -> None:
    errors = ctx.log.total
    _tag_inner(ctx, doc, tag, span, line)
    if ctx.log.total > errors:
        doc.bad = True


def _tag_inner(ctx: ReadContext, doc: _Doc, tag: str, span: tuple[int, int], line: int) -> None:
    tags = ctx.options.tags
    if tag == "O":
        doc.close()
        return
    m = _TAG.match(tag)
    if m is None:
        ctx.problem(line, "tag", f"{tag!r} is not O or PREFIX-LABEL")
        return
    p, label = m.group(1), m.group(2)
    p = {"E": "L", "S": "U"}.get(p, p)
    cont = doc.open is not None and doc.open[1] == label
    if tags == "bilou":
        if p in "BU":
            if doc.open is not None:
                ctx.problem(line, "tag", f"{tag} while {doc.open[1]} is still open (BILOU ends it with L-)")
            doc.close()
            doc.open = (span[0], label, line)
            if p == "U":
                doc.last_end = span[1]
                doc.close()
        else:  # I or L
            if not cont:
                ctx.problem(line, "tag", f"{tag} without a B-{label} before it (BILOU)")
                doc.close()
                return
            if p == "L":
                doc.last_end = span[1]
                doc.close()
    elif p not in "BI":
        ctx.problem(line, "tag", f"{tag}: {p}- is not an {tags.upper()} tag (--tags bilou reads BILOU/BIOES)")
        return
    elif p == "B" or (p == "I" and not cont and tags == "iob1"):
        doc.close()
        doc.open = (span[0], label, line)
    elif not cont:
        ctx.problem(line, "tag", f"{tag} without a B-{label} before it (IOB2; --tags iob1 reads CoNLL-2003's IOB1)")
        doc.close()
        return
    doc.last_end = span[1]


def _finish(ctx: ReadContext, doc: _Doc, number: int) -> ImportItem | None:
    doc.end_sentence()
    text = "".join(doc.parts).rstrip("\n")
    if not text or doc.bad:
        return None
    b = RecordBuilder(ctx, doc.line, f"{Path(ctx.name).stem}-{number}", text)
    for start, end, label, line in doc.spans:
        b.line = line
        b.add_span(start, end, label, field="tag")
    b.line = doc.line
    return b.build()


def read(path: str, scheme: Scheme, options: Options, log: ProblemLog) -> Iterator[ImportItem]:
    if options.tags not in TAG_SCHEMES:
        raise UsageError(f"--tags must be one of {', '.join(TAG_SCHEMES)}")
    ctx = ReadContext(path, scheme, options, log)
    try:
        per_sentence = not _file_has_docstart(path)
        f = open(path, "rb")
    except OSError as exc:
        ctx.problem(None, None, f"cannot read: {exc.strerror or exc}")
        return
    if per_sentence:
        ctx.note(None, "no -DOCSTART- line: each sentence is imported as a document")
    number = 0
    doc: _Doc | None = None
    with f:
        for n, raw in enumerate(f, 1):
            if n == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark may open the file
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                ctx.problem(n, None, invalid_utf8(ctx.name, exc.start, " of the line"))
                continue
            cols = line.split()
            if not cols or cols[0] == "-DOCSTART-":
                if doc is not None and (cols or per_sentence):
                    number += 1
                    item = _finish(ctx, doc, number)
                    if item is not None:
                        yield item
                    doc = None
                elif doc is not None:
                    doc.end_sentence()
                continue
            if doc is None:
                doc = _Doc(n)
            if len(cols) < 2:
                ctx.problem(n, None, "expected TOKEN ... TAG (at least two columns)")
                doc.bad = True
                continue
            _tag(ctx, doc, cols[-1], doc.add_token(cols[0]), n)
    if doc is not None:
        number += 1
        item = _finish(ctx, doc, number)
        if item is not None:
            yield item
    ctx.finish()
