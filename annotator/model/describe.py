"""What an action did, in a few words for the user ("tag ACTOR 'Daech'"): undo and redo say what they
undid or did again. Reads the ops of one action (as planned, not inverted); no Textual here."""

from __future__ import annotations

from collections.abc import Mapping

from annotator.model.types import Op, Span


def _quoted(text: str, limit: int = 40) -> str:
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def _span(span: Span) -> str:
    return f"{span['label']} {_quoted(span['text'])}"


def describe(ops: list[Op], spans: Mapping[str, Span]) -> str:
    """The action of ``ops`` in words; ``spans`` (the record's spans) names a span whose attributes
    changed. The status change that comes with a document's first edit is left unsaid."""
    main = [op for op in ops if op["op"] != "set_status"] or ops
    kinds = [op["op"] for op in main]
    adds = [op["span"] for op in main if op["op"] == "add_span"]
    removes = [op["span"] for op in main if op["op"] == "remove_span"]
    if len(adds) == 1 and len(removes) == 1 and adds[0]["id"] == removes[0]["id"]:
        old, new = removes[0], adds[0]
        if old["label"] != new["label"]:
            what = f"relabel {_quoted(new['text'])} {old['label']} → {new['label']}"
        else:
            what = f"move the edges of {new['label']} {_quoted(old['text'])} → {_quoted(new['text'])}"
        dropped = sorted(set(old["attrs"]) - set(new["attrs"]))
        return what + (f" (dropped: {', '.join(dropped)})" if dropped else "")
    if kinds == ["add_span"]:
        return f"tag {_span(adds[0])}"
    if removes and len(removes) == 1 and set(kinds) <= {"remove_span", "set_attrs"}:
        return f"remove {_span(removes[0])}"
    if adds and set(kinds) == {"add_span"}:
        return f"tag {len(adds)} spans"
    if kinds == ["set_attrs"] and main[0]["op"] == "set_attrs":
        op = main[0]
        span = spans.get(op["id"])
        values = ", ".join(f"{k}={v}" for k, v in op["attrs"].items()) or "none"
        return f"attributes of {_span(span) if span else op['id']} ({values})"
    if kinds == ["set_status"] and main[0]["op"] == "set_status":
        return f"mark {main[0]['status'].replace('_', ' ')}"
    if kinds == ["add_flag"] and main[0]["op"] == "add_flag":
        return f"flag {_quoted(main[0]['flag']['comment'])}"
    if kinds == ["remove_flag"] and main[0]["op"] == "remove_flag":
        return f"remove the flag {_quoted(main[0]['flag']['comment'])}"
    return f"{len(main)} changes"
