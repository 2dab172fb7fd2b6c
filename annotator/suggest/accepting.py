"""Suggestions accepted into a record: the plans that add them as spans with their attributes and
``source``, for :meth:`annotator.session.Session.edit` to run as ONE undoable action.

A speaker (a :class:`SpanRef`) becomes the id of the span with those offsets and label, looked
up when the plan runs: a speaker that is itself a pending suggestion is accepted in the same
action, before the quote (:func:`accept_plans` puts it first). A suggestion already a span is
left as it is (accepting a quote and then its speaker, or everything at once, adds nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotator.errors import ActionRefused
from annotator.model import actions
from annotator.model.actions import LabelRules, Plan
from annotator.model.types import Attrs, Op
from annotator.model.working import WorkingRecord
from annotator.store.base import SuggestionKey
from annotator.suggest.base import SpanRef, Suggestion

__all__ = ["LeftOut", "accept_plans"]


class LeftOut:
    """The suggestions a tolerant acceptance left out, and why (the scheme refused them)."""

    def __init__(self) -> None:
        self.items: list[tuple[Suggestion, str]] = []

    def __len__(self) -> int:
        return len(self.items)


def _resolved(rec: WorkingRecord, s: Suggestion) -> Attrs:
    """``s``'s attributes for ``rec``: a SpanRef as the id of that span (left unset when the
    record has no such span)."""
    attrs: Attrs = {}
    for name, value in s.attrs.items():
        if isinstance(value, SpanRef):
            target = rec.span_with_range(value.start, value.end, value.label)
            if target is not None:
                attrs[name] = target
        else:
            attrs[name] = value
    return attrs


def _plan(s: Suggestion, scheme: LabelRules, left_out: LeftOut | None) -> Plan:
    def plan(rec: WorkingRecord) -> list[Op]:
        if rec.span_with_range(s.start, s.end, s.label) is not None:
            return []
        try:
            return actions.plan_add_span(rec, scheme, s.start, s.end, s.label, _resolved(rec, s), source=s.source)
        except ActionRefused as exc:
            if left_out is None:
                raise
            left_out.items.append((s, str(exc)))
            return []

    return plan


def accept_plans(chosen: Sequence[Suggestion], scheme: LabelRules,
                 pending: Callable[[SuggestionKey], Suggestion | None] = lambda key: None,
                 left_out: LeftOut | None = None) -> list[Plan]:
    """The plans that accept ``chosen`` (one, or all the document's): each suggestion whose
    speaker is a pending suggestion (``pending`` finds it by key) comes after that speaker, which
    is accepted with it. With ``left_out``, a suggestion the scheme refuses is left out (and noted
    there) instead of refusing the whole action."""
    first: list[Suggestion] = []
    then: list[Suggestion] = []
    chosen_keys = {s.key for s in chosen}
    for s in chosen:
        refs = [v for v in s.attrs.values() if isinstance(v, SpanRef)]
        if not refs:
            first.append(s)
            continue
        for ref in refs:
            if ref.key not in chosen_keys:
                speaker = pending(ref.key)
                if speaker is not None:
                    first.append(speaker)
                    chosen_keys.add(speaker.key)
        then.append(s)
    return [_plan(s, scheme, left_out) for s in (*first, *then)]
