"""Shared helpers for the format tests: records, hand-written tricky texts, a write-then-read
round trip, and a comparison that ignores only what a format legitimately renames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.formats import registry
from annotator.formats.common import Options
from annotator.errors import ProblemLog
from annotator.model.document import text_sha256
from annotator.schema import load_scheme

SCHEME = load_scheme()

# Hand-written fixtures: every pitfall of the formats doc in a few French news sentences.
TRICKY = {
    "emoji": "👨🏻\u200d🚒 Le pompier 🇫🇷 a dit : « On tient ! » 😀",
    "nfd": "Ame\u0301lie Mauresmo, D'août 2014 à mars 2018, l’État a versé 1\u00a0200 €.",
    "crlf": "Premier paragraphe.\r\nSecond : « Nous resterons », a déclaré Élise Moreau.\r\n",
    "quotes": "« Nous ne céderons pas », a affirmé le ministre ; “c’est clair”, ajoute-t-il.",
    "nnbsp": "Il y avait 1\u202f200 manifestants\u00a0; le 26 avril 2018.",
}


def span(sid: str, text: str, needle: str, label: str, attrs: dict[str, Any] | None = None, *, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"id": sid, "start": start, "end": start + len(needle), "label": label, "text": needle,
            "attrs": attrs or {}, "source": "manual"}


def record(doc_id: str, text: str, spans: list[dict], *, annotator: str = "alice", status: str = "done",
           meta: dict | None = None, flags: list | None = None) -> dict[str, Any]:
    rec = {"id": doc_id, "text": text, "text_sha256": text_sha256(text), "meta": meta or {}, "annotator": annotator,
           "status": status, "schema": SCHEME.name, "schema_version": SCHEME.version, "spans": spans,
           "flags": flags or [], "updated_at": "2024-05-01T10:00:00Z"}
    SCHEME.validate_record(rec)
    return rec


def sample_records() -> list[dict[str, Any]]:
    """A few records over TRICKY, with overlaps, links and every attribute type."""
    t = TRICKY["crlf"]
    r1 = record("crlf", t, [
        span("a1", t, "Élise Moreau", "ACTOR", {"kind": "person"}),
        span("q1", t, "« Nous resterons »", "QUOTE", {"speaker": "a1", "mode": "direct"}),
    ], meta={"date": "2018-04-26", "source": "AFP"})
    t = TRICKY["nfd"]
    r2 = record("nfd/1", t, [
        span("a1", t, "Ame\u0301lie Mauresmo", "ACTOR", {"kind": "person"}),
        span("d1", t, "août 2014", "DATE", {"value": "2014-08"}),
        span("d2", t, "mars 2018", "DATE", {"value": "2018-03"}),
        span("a2", t, "l’État", "ACTOR", {"kind": "state"}),
        span("n1", t, "1\u00a0200 €", "QUANTITY", {"value": 1200, "unit": "EUR", "approximate": False}),
    ], annotator="bob")
    t = TRICKY["emoji"]
    r3 = record("emoji", t, [
        span("a1", t, "Le pompier 🇫🇷", "ACTOR"),
        span("q1", t, "« On tient ! »", "QUOTE", {"speaker": "a1"}),
        span("a2", t, "pompier", "ACTOR", {"kind": "other"}),  # nested in a1
    ])
    t = TRICKY["quotes"]
    r4 = record("quotes", t, [
        span("q1", t, "« Nous ne céderons pas »", "QUOTE", {"speaker": "a1", "mode": "direct"}),
        span("a1", t, "le ministre", "ACTOR", {"kind": "person"}),
        span("q2", t, "“c’est clair”", "QUOTE", {"speaker": "a1"}),
    ], status="done", flags=[{"id": "f1", "comment": "ambigu"}])
    return [r1, r2, r3, r4]


def options(**kw: Any) -> Options:
    return Options(annotator="importer", **kw)


def write_read(fmt: str, records: list[dict], dest: Path, **kw: Any):
    """Export ``records`` with ``fmt`` to ``dest``, read them back: (report, items, log, options)."""
    opts = options(**kw)
    f = registry.get_format(fmt)
    report = f.write()(iter(records), str(dest), SCHEME, opts)
    log = ProblemLog()
    read_opts = options(**kw)
    items = list(f.read()(str(dest), SCHEME, read_opts, log)) if f.can_read else []
    return report, items, log, read_opts


def normal(rec: dict[str, Any]) -> tuple:
    """A record with span ids replaced by positions, links by their target's position."""
    by_id = {s["id"]: s for s in rec["spans"]}
    spans = []
    for s in rec["spans"]:
        attrs = {}
        for k, v in s["attrs"].items():
            if k == "speaker":
                t = by_id[v]
                v = ("->", t["start"], t["end"], t["label"])
            attrs[k] = v
        spans.append((s["start"], s["end"], s["label"], s["text"], tuple(sorted(attrs.items()))))
    return tuple(sorted(spans))


def same_records(originals: list[dict], items: list, *, ids: bool = True) -> None:
    """Every original comes back: same id, text, annotator, status, meta, flags, spans (and span ids)."""
    assert len(items) == len(originals), (len(items), len(originals))
    got = {(it.document.id, it.record["annotator"]): it for it in items}
    for rec in originals:
        it = got[(rec["id"], rec["annotator"])]
        assert it.document.text == rec["text"]
        assert it.document.meta == rec["meta"]
        assert it.record["status"] == rec["status"]
        assert it.record["flags"] == rec["flags"]
        assert normal(it.record) == normal(rec)
        if ids:
            assert sorted(s["id"] for s in it.record["spans"]) == sorted(s["id"] for s in rec["spans"])
