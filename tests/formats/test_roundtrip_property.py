"""Property: export then import is the identity for every lossless format, on generated French news
text full of offset traps (astral emoji and ZWJ sequences, flags, combining marks, NBSP/NNBSP,
CRLF and other line breaks, elisions, « » “ ” ’), with overlapping spans, attributes and links."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.text.offsets import OffsetMap
from tests.formats.fmt_helpers import record, same_records, write_read

PIECES = [
    "Le ", "ministre ", "a dit", " ", "  ", "\u00a0", "\u202f", "\t", "\r\n", "\n", "\r", "\u2028", "\x85",
    "D'", "août ", "l’", "État", "jusqu'", "aujourd'hui", "« ", " »", "«\u00a0", "\u00a0»", "“", "”", "’", "'",
    "👨🏻\u200d🚒", "🇫🇷", "😀", "𝔘", "e\u0301", "Ame\u0301lie", "Élise", "1\u00a0200", "2,5", "%", ".", ",", "!", "?",
    "…", "-", "Saint-Jean", "\ufeff", "x",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(min_size=1, max_size=3), min_size=1, max_size=25).map("".join)


@st.composite
def records(draw, *, grapheme_aligned: bool = False):
    text = draw(texts)
    n = len(text)
    if grapheme_aligned:
        om = OffsetMap(text, "grapheme")
        cuts = sorted({om.to_cp(g) for g in range(om.length + 1)})
    else:
        cuts = list(range(n + 1))
    spans, seen, actors = [], set(), []
    for i in range(draw(st.integers(0, 6))):
        if len(cuts) < 2:
            break
        a, b = sorted(draw(st.lists(st.sampled_from(cuts), min_size=2, max_size=2, unique=True)))
        label = draw(st.sampled_from(["ACTOR", "DATE", "QUANTITY", "QUOTE"]))
        if (a, b, label) in seen:
            continue
        seen.add((a, b, label))
        attrs = {}
        if label == "ACTOR" and draw(st.booleans()):
            attrs["kind"] = draw(st.sampled_from(["person", "state", "armed_group"]))
        elif label == "DATE" and draw(st.booleans()):
            attrs["value"] = draw(st.sampled_from(["2014-08", "2018-04-26", "PRESENT_REF"]))
        elif label == "QUANTITY":
            if draw(st.booleans()):
                attrs["value"] = draw(st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False))
            if draw(st.booleans()):
                attrs["unit"] = draw(st.sampled_from(["EUR", "agents de l’État", "t\u2028x", "a\tb\nc", "«\u00a0€\u00a0»"]))
            if draw(st.booleans()):
                attrs["approximate"] = draw(st.booleans())
        elif label == "QUOTE" and draw(st.booleans()):
            attrs["mode"] = draw(st.sampled_from(["direct", "indirect"]))
        sid = f"s{i}"
        spans.append({"id": sid, "start": a, "end": b, "label": label, "text": text[a:b], "attrs": attrs,
                      "source": draw(st.sampled_from(["manual", "manual", "suggest"]))})
        if label == "ACTOR":
            actors.append(sid)
    for s in spans:
        if s["label"] == "QUOTE" and actors and draw(st.booleans()):
            s["attrs"]["speaker"] = draw(st.sampled_from(actors))
    meta = draw(st.sampled_from([{}, {"date": "2018-04-26", "title": "« Titre »\r\n"}]))
    name = draw(st.sampled_from(["doc-1", "a/b c", "É.txt"]))
    doc_id = f"{name}-{len(text)}-{sum(map(ord, text)) % 9973}"  # one text per id, as in a store
    return record(doc_id, text, spans, meta=meta,
                  annotator=draw(st.sampled_from(["alice", "bob.k"])), status=draw(st.sampled_from(["done", "skipped"])))


CASES = [
    ("doccano", {}),  # UTF-16 offsets by default
    ("doccano", {"offsets": "codepoint"}),
    ("label-studio", {}),
    ("label-studio", {"offsets": "utf16"}),
    ("label-studio", {"as_predictions": True}),
    ("prodigy", {}),
    ("brat", {"allow_lossy": True}),  # only loss: a span made of line breaks only (checked below)
    ("spacy", {"allow_lossy": True}),  # misaligned spans leave the Doc (reported) but come back from user_data
]


@pytest.mark.parametrize(("fmt", "kw"), CASES, ids=[f"{f}-{'-'.join(map(str, k.values())) or 'default'}" for f, k in CASES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(recs=st.lists(records(), min_size=1, max_size=3, unique_by=lambda r: (r["id"], r["annotator"])))
def test_export_then_import_is_identity(fmt, kw, recs):
    recs.sort(key=lambda r: r["id"])  # the store streams records of one document together
    with tempfile.TemporaryDirectory() as tmp:
        report, items, log, _ = write_read(fmt, recs, Path(tmp) / "out", **kw)
        assert not log, log.lines()
        if fmt == "brat":  # the only loss brat can have: a span made of line breaks only
            assert all("only line breaks" in i or "an end was not written" in i for l in report.losses for i in l.items)
            lost = {l.doc_id for l in report.losses}
            recs = [r for r in recs if r["id"] not in lost]
            items = [it for it in items if it.document.id not in lost]
        elif fmt != "spacy":
            assert not report.lossy, report.losses
        if kw.get("as_predictions"):
            for it in items:
                for s in it.record["spans"]:
                    s["source"] = s["source"] if s["source"] != "prediction" else "manual"
        same_records(recs, items)


@settings(max_examples=60, deadline=None)
@given(recs=st.lists(records(grapheme_aligned=True), min_size=1, max_size=2, unique_by=lambda r: (r["id"], r["annotator"])))
def test_doccano_grapheme_mode_is_identity_on_grapheme_boundaries(recs):
    with tempfile.TemporaryDirectory() as tmp:
        report, items, log, _ = write_read("doccano", recs, Path(tmp) / "g.jsonl", offsets="grapheme")
        assert not log, log.lines()
        assert not report.lossy
        same_records(recs, items)
