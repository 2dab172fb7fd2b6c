"""Every other occurrence of a span's text tagged like it (the annotate screen's ``=``): one
action, planned with the rules of add.

An occurrence is the span's exact text (case included) found on word edges: ``Irak`` is not
found inside ``Irakiens``; an edge of the text that is not a letter or digit (``« … »``) needs no
word edge there. Occurrences already tagged with the span's label (same start and end) are left
as they are; the others get the label and the span's attributes (a quote's speaker too), source
``manual``.
"""

from __future__ import annotations

from annotator.errors import ActionRefused
from annotator.model import actions
from annotator.model.actions import LabelRules
from annotator.model.types import Op
from annotator.model.working import WorkingRecord

__all__ = ["occurrences", "plan_tag_occurrences"]


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text`` on word edges, in order, without overlaps."""
    out: list[tuple[int, int]] = []
    if not needle:
        return out
    n = len(needle)
    word_start, word_end = _word(needle[0]), _word(needle[-1])
    at = text.find(needle)
    while at >= 0:
        end = at + n
        if ((not word_start or at == 0 or not _word(text[at - 1]))
                and (not word_end or end == len(text) or not _word(text[end]))):
            out.append((at, end))
            at = text.find(needle, end)
        else:
            at = text.find(needle, at + 1)
    return out


def plan_tag_occurrences(rec: WorkingRecord, scheme: LabelRules, span_id: str) -> list[Op]:
    """Tag every other occurrence of span ``span_id``'s text with its label and attributes."""
    span = rec.spans.get(span_id)
    if span is None:
        raise ActionRefused(f"no span {span_id!r}", "id")
    label, attrs = span["label"], span["attrs"]

    def tag(start: int, end: int) -> actions.Plan:
        return lambda r: actions.plan_add_span(r, scheme, start, end, label, attrs)

    plans = [tag(start, end) for start, end in occurrences(rec.text, span["text"])
             if rec.span_with_range(start, end, label) is None]
    return actions.sequence(rec, plans) if plans else []
