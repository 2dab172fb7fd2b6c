"""The annotate screen's suggestions: proposed spans drawn apart from the annotations, reviewed
with a few keys, never annotations until accepted.

When a document opens, its suggestions are read from the store, or computed and kept there
(:class:`annotator.suggest.kept.Suggesting`), by a Textual thread worker started once the
document is on screen: the first paint never waits for them. The command makes them in a child
process (:class:`annotator.suggest.process.SuggestingProcess`), the worker only waiting for its
answer, so that the keys never wait either: a spaCy pipeline loaded, or the suggesters run over a
long article, in this process would hold its interpreter for seconds. Given a
:class:`Suggesting` (or a way to make one), the worker makes them itself, on a connection of its
own (``Store.reopen``). What is pending follows the record's ops
(:class:`annotator.suggest.pending.Pending`), so the view redraws only the rows a change touches.

Keys (the registry, :mod:`annotator.tui.actions`): ``j`` / ``k`` focus the next / previous
suggestion, ``y`` accepts the focused one (a quote with its pending speaker) and focuses the span
it became, ``x`` rejects it (kept in the store: it never comes back for this document) and goes
on to the next, ``Y`` accepts every one left as ONE undoable action, ``o`` hides or shows them for
the rest of the session, ``=`` tags every other occurrence of the focused span's text like it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from annotator.model.types import Op, Span
from annotator.model.working import WorkingRecord
from annotator.store.base import Change, Store, SuggestionKey
from annotator.suggest.process import MakeSuggesting, ScreenSuggesting, SuggestingProcess
from annotator.text.sanitize import display_line
from annotator.tui.widgets.attr_panel import AttrPanel, ShownSuggestion
from annotator.tui.widgets.span_index import SpanIndex, ViewSpan

# The suggesters load their rules (and ``regex``) on import: not on the way to the first frame.
if TYPE_CHECKING:
    from annotator.schema import Scheme
    from annotator.suggest.base import Suggestion
    from annotator.suggest.kept import KeptSuggestions, Suggesting
    from annotator.suggest.pending import Pending
    from annotator.tui.screens.annotate import AnnotateScreen

__all__ = ["ScreenSuggestions", "SuggestionActions", "suggestion_id"]

KEYS_HINT = "y: accept  x: reject  j / k: next / previous  Y: all  o: hide"
OFF_FOR_SESSION = "No suggestions in this session (annotate --no-suggest)."


def suggestion_id(key: SuggestionKey) -> str:
    """A suggestion's id in the article view (never a span id: those have no colon)."""
    start, end, label = key
    return f"{start}:{end}:{label}"


def view_suggestion(s: Suggestion) -> ViewSpan:
    return ViewSpan(suggestion_id(s.key), s.start, s.end, s.label)


@dataclass(frozen=True, slots=True)
class Arrival:
    """What the worker hands the screen: the kept suggestions, which are pending for the record it
    read, their index for the view, and the screen's count of edits when it began."""

    kept: KeptSuggestions
    pending: Pending
    drawn: SpanIndex
    edits: int
    note: str | None  # what the suggesters left out, if anything


class ScreenSuggestions:
    """The open document's suggestions on the annotate screen: computing them, showing them,
    following the record, and the focused one."""

    def __init__(self, screen: AnnotateScreen, suggesting: ScreenSuggesting | None) -> None:
        self.screen = screen
        self.enabled = suggesting is not None  # False: no suggestions in this session
        self.process = suggesting if isinstance(suggesting, SuggestingProcess) else None
        # made in the worker when it is only a way to make it
        self._make: MakeSuggesting | None = suggesting if callable(suggesting) else None
        self.suggesting: Suggesting | None = (
            None if callable(suggesting) or isinstance(suggesting, SuggestingProcess) else suggesting)
        self.on = self.enabled  # shown (``o`` toggles it for the rest of the session)
        self.kept: KeptSuggestions | None = None
        self.pending: Pending | None = None
        self.focused: SuggestionKey | None = None
        self.failed: str | None = None
        self.generation = 0  # one per document opened: a worker's late answer for another is dropped
        self.arrivals = 0  # documents whose suggestions arrived (tests wait for them)
        self.edits = 0  # changes of the record on screen (a worker's answer made before one is redone)
        self._store: Store | None = None  # the worker's own connection
        self._lock = threading.Lock()  # one worker at a time on that connection
        self._noted = False

    # -- computing ------------------------------------------------------------------------------

    def open(self, doc_id: str) -> None:
        """A document was opened (and is about to be painted): its suggestions come later."""
        self.generation += 1
        self.kept = self.pending = self.focused = self.failed = None
        self.screen.view.set_suggestions([])
        if self.enabled and self.on:
            self.screen.call_after_refresh(self._start, self.generation, doc_id)
        self._show_count()

    def _start(self, generation: int, doc_id: str) -> None:
        if generation != self.generation:
            return
        loop = asyncio.get_running_loop()
        self.screen.run_worker(partial(self._work, loop, generation, doc_id), name="suggestions",
                               group="suggestions", thread=True, exit_on_error=False)

    def _work(self, loop: asyncio.AbstractEventLoop, generation: int, doc_id: str) -> None:
        """In the worker's thread: read or compute the document's suggestions, work out which are
        pending for the record as stored (a 1 MB article's take tens of ms: not on the screen's
        loop), then hand them to the screen without waiting for it (quitting never waits on this
        thread for the screen)."""
        from annotator.suggest.pending import Pending

        result: Arrival | Exception
        edits = self.edits  # before the record is read: a change after it is seen on arrival
        with self._lock:
            if generation != self.generation:
                return  # another document opened meanwhile: nothing to do for this one
            try:
                if self.process is not None:  # the worker only waits for the child's answer
                    answer = self.process.for_document(self.screen.session.store, doc_id)
                    kept, spans, note = answer.kept, answer.spans, answer.note
                else:
                    if self.suggesting is None:
                        assert self._make is not None
                        self.suggesting = self._make()
                    if self._store is None:
                        self._store = self.screen.session.store.reopen()
                    kept = self.suggesting.for_document(self._store, doc_id)
                    spans = list(self._store.load(doc_id, self.screen.session.annotator).spans.values())
                    note = self.suggesting.note
                pending = Pending(kept.suggestions, kept.rejected, spans)
                drawn = SpanIndex(view_suggestion(s) for s in pending.pending())
                result = Arrival(kept, pending, drawn, edits, note)
            except Exception as exc:  # noqa: BLE001 - shown on the screen, never a traceback
                result = exc
        try:
            loop.call_soon_threadsafe(self.screen.call_later, self._arrived, generation, result)
        except RuntimeError:  # the app has ended
            pass

    def _arrived(self, generation: int, result: Arrival | Exception) -> None:
        if generation != self.generation:
            return
        screen = self.screen
        note = result.note if isinstance(result, Arrival) else None
        if note and not self._noted:
            self._noted = True
            screen.notify(display_line(note), markup=False, timeout=6)
        if isinstance(result, Exception):
            self.failed = str(result) or type(result).__name__
            screen.notify(display_line(f"No suggestions for this document: {self.failed}"), severity="warning",
                          markup=False, timeout=8)
            self._show_count()
            return
        self.kept = result.kept
        if result.edits == self.edits:
            self.pending, drawn = result.pending, result.drawn
        else:  # the record changed while they were made: worked out again for the record on screen
            from annotator.suggest.pending import Pending

            self.pending = Pending(result.kept.suggestions, result.kept.rejected, screen.record.spans.values())
            drawn = None
        self.arrivals += 1
        self._draw_all(drawn)

    def close(self) -> None:
        """The screen is going: end the child process, close the worker's connection (unless a
        worker still uses it)."""
        if self.process is not None:
            self.process.close()
        if self._store is not None and self._lock.acquire(blocking=False):
            try:
                self._store.close()
                self._store = None
            finally:
                self._lock.release()

    # -- showing --------------------------------------------------------------------------------

    def _draw_all(self, drawn: SpanIndex | None = None) -> None:
        view = self.screen.view
        if self.on and self.pending is not None:
            view.set_suggestions(drawn if drawn is not None else
                                 SpanIndex(view_suggestion(s) for s in self.pending.pending()))
            view.focused_suggestion = suggestion_id(self.focused) if self.focused else None
        else:
            view.set_suggestions([])
        self._show_count()

    def _show_count(self) -> None:
        if not self.enabled:
            text = ""
        elif not self.on:
            text = "◇ suggestions off (o)"
        elif self.failed is not None:
            text = "◇ no suggestions"
        elif self.pending is None:
            text = "◇ suggesting…"
        else:
            n = len(self.pending)
            text = f"◇ {n} suggested (j)" if n else "◇ none suggested"
        self.screen.header.show(suggested=text)

    def count(self) -> int:
        return len(self.pending) if self.pending is not None else 0

    def focused_suggestion(self) -> Suggestion | None:
        if self.focused is None or self.pending is None or not self.on:
            return None
        return self.pending.get(self.focused)

    def focus(self, s: Suggestion | None) -> None:
        """Focus ``s`` (None: no suggestion focused); a focused span loses its focus."""
        screen = self.screen
        self.focused = s.key if s is not None else None
        if s is not None and screen.focused_span_id is not None:
            screen.focus_span(None)
        screen.view.focused_suggestion = suggestion_id(s.key) if s is not None else None
        if s is not None:
            self.show_focused()
        else:
            screen._show_focused()

    def focus_by_id(self, view_id: str) -> None:
        """Focus the pending suggestion the article view knows by ``view_id`` (a ctrl+click on it)."""
        if self.pending is None or not self.on:
            return
        start, end, label = view_id.split(":", 2)
        s = self.pending.get((int(start), int(end), label))
        if s is not None:
            self.focus(s)

    def unfocus(self) -> None:
        """No suggestion focused (a span was)."""
        self.focused = None
        self.screen.view.focused_suggestion = None

    def show_focused(self) -> bool:
        """Show the focused suggestion in the side panel; False when none is focused."""
        s = self.focused_suggestion()
        if s is None:
            return False
        text = self.screen.record.text
        attrs = [(name, _attr_text(text, value)) for name, value in s.attrs.items()]
        shown = ShownSuggestion(s.label, s.source, s.start, s.end, text[s.start:s.end], attrs, KEYS_HINT)
        self.screen.span_list.mark(None)
        self.screen.query_one("#attrs", AttrPanel).show_suggestion(shown)
        return True

    # -- following the record -------------------------------------------------------------------

    def follow(self, ops: Sequence[Op], rec: WorkingRecord) -> None:
        """The record changed by ``ops`` (an action, its undo or redo): hide the suggestions it
        settled, show again those it unsettled, and let the gazetteer learn the actors added."""
        self.edits += 1
        suggesting = self.suggesting  # None until the worker has made it: then the store tells it all
        added = [op["span"] for op in ops if op["op"] == "add_span"]
        if added and self.process is not None:
            self.process.learn(rec.text, added)
        elif added and suggesting is not None:
            suggesting.gazetteer.learn(rec.text, added)
        if self.pending is None:
            return
        delta = self.pending.apply(ops)
        if not delta:
            return
        if self.on:
            view = self.screen.view
            for s in delta.hidden:
                view.remove_suggestion(suggestion_id(s.key))
            for s in delta.shown:
                view.add_suggestion(view_suggestion(s))
        if self.focused is not None and self.focused not in self.pending:
            self.focused = None
        self._show_count()

    def record_changed(self, rec: WorkingRecord) -> None:
        """The record was read again (changed in another window): what is pending is worked out anew."""
        self.edits += 1
        if self.kept is None or self.pending is None:
            return
        from annotator.suggest.pending import Pending

        self.pending = Pending(self.kept.suggestions, self.pending.rejected, rec.spans.values())
        if self.focused is not None and self.focused not in self.pending:
            self.focused = None
        self._draw_all()

    def rejected(self, key: SuggestionKey) -> Suggestion | None:
        """``key`` was rejected (and kept so in the store): hide it; the next pending one, if any."""
        if self.pending is None:
            return None
        self.pending.reject(key)
        self.screen.view.remove_suggestion(suggestion_id(key))
        if self.focused == key:
            self.focused = None
        self._show_count()
        return self.pending.step(key, 0, 1)

    def toggle(self) -> bool:
        """Hide or show the suggestions (computed now if they never were); True when shown."""
        self.on = not self.on
        if not self.on:
            self.focused = None
            self.screen.view.focused_suggestion = None
            self.screen._show_focused()
        elif self.pending is None and self.failed is None:
            self.generation += 1
            self._start(self.generation, self.screen.doc_id)
        self._draw_all()
        return self.on


def _attr_text(text: str, value: object) -> str:
    from annotator.suggest.base import SpanRef

    if isinstance(value, SpanRef):
        return f"→ {text[value.start:value.end][:60]} ({value.label}, suggested)"
    return str(value)


class SuggestionActions:
    """The annotate screen's suggestion keys (a mixin of :class:`AnnotateScreen`)."""

    if TYPE_CHECKING:
        suggestions: ScreenSuggestions
        record: WorkingRecord
        focused_span_id: str | None
        doc_id: str
        scheme: Scheme
        session: Any
        view: Any

        def notify(self, message: str, *, title: str = "", severity: Any = "information",
                   timeout: float | None = None, markup: bool = True) -> None: ...
        def focus_span(self, span_id: str | None) -> None: ...
        def _run(self, verb: Any, *args: Any, done: Any = None, quiet: bool = False, on_error: Any = None,
                 **kwargs: Any) -> Any: ...
        def _need_focus(self) -> Span | None: ...
        def write(self, verb: Any, done: Any = None, *, quiet: bool = False, on_error: Any = None) -> Any: ...

    def on_unmount(self) -> None:
        self.suggestions.close()

    def _ready(self) -> Pending | None:
        """The document's pending suggestions, or None after saying why there are none to act on."""
        sugg = self.suggestions
        if not sugg.enabled:
            self.notify(OFF_FOR_SESSION)
        elif not sugg.on:
            self.notify("Suggestions are hidden: o shows them.")
        elif sugg.failed is not None:
            self.notify(display_line(f"No suggestions for this document: {sugg.failed}"), markup=False)
        elif sugg.pending is None:
            self.notify("Suggestions are still being made for this document: a moment.")
        elif not sugg.pending:
            self.notify("No suggestion left in this document.")
        else:
            return sugg.pending
        return None

    def _focused_suggestion(self) -> Suggestion | None:
        if self._ready() is None:
            return None
        s = self.suggestions.focused_suggestion()
        if s is None:
            self.notify("Focus a suggestion first: j / k.", severity="warning")
        return s

    def _step_suggestion(self, direction: int) -> None:
        pending = self._ready()
        if pending is None:
            return
        sugg = self.suggestions
        span = self.record.spans.get(self.focused_span_id) if self.focused_span_id else None
        offset = span["start"] if span is not None else self.view.cursor
        key = sugg.focused if sugg.focused in pending else None
        sugg.focus(pending.step(key, offset + (1 if span is not None and direction > 0 else 0), direction))

    def action_next_suggestion(self) -> None:
        self._step_suggestion(1)

    def action_previous_suggestion(self) -> None:
        self._step_suggestion(-1)

    def action_accept_suggestion(self) -> None:
        s = self._focused_suggestion()
        pending = self.suggestions.pending
        if s is None or pending is None:
            return
        from annotator.suggest.accepting import accept_plans

        def done(change: Change | None) -> None:
            if change is None:
                return
            added = next((op["span"]["id"] for op in change.ops if op["op"] == "add_span"
                          and (op["span"]["start"], op["span"]["end"], op["span"]["label"]) == s.key), None)
            if added is not None:
                self.focus_span(added)

        self._run(self.session.edit, accept_plans([s], self.scheme, pending.get), done=done)

    def action_reject_suggestion(self) -> None:
        s = self._focused_suggestion()
        if s is None:
            return
        store, doc_id, annotator = self.session.store, self.doc_id, self.session.annotator
        errors: list[Exception] = []

        def reject() -> None:
            store.reject_suggestion(doc_id, annotator, s.key)

        def done(change: Change | None) -> None:
            if errors or self.doc_id != doc_id:
                return
            self.suggestions.focus(self.suggestions.rejected(s.key))

        self.write(reject, done, on_error=errors.append)

    def action_accept_all_suggestions(self) -> None:
        pending = self._ready()
        if pending is None:
            return
        from annotator.suggest.accepting import LeftOut, accept_plans

        left_out = LeftOut()
        plans = accept_plans(pending.pending(), self.scheme, pending.get, left_out)

        def done(change: Change | None) -> None:
            if change is None:
                return
            n = sum(1 for op in change.ops if op["op"] == "add_span")
            message = f"Accepted {n} suggestion{'s' if n != 1 else ''} as one action (ctrl+z takes them all back)."
            if left_out.items:
                s, why = left_out.items[0]
                message += display_line(f" Left out {len(left_out)}, e.g. {s.label} "
                                        f"{self.record.text[s.start:s.end][:30]!r}: {why}")
            self.notify(message, markup=False, timeout=6)

        self._run(self.session.edit, plans, done=done)

    def action_toggle_suggestions(self) -> None:
        if not self.suggestions.enabled:
            self.notify(OFF_FOR_SESSION)
            return
        on = self.suggestions.toggle()
        self.notify("Suggestions shown (o hides them)." if on
                    else "Suggestions hidden for this session (o shows them).")

    def action_tag_occurrences(self) -> None:
        if self.focused_span_id is None and self.suggestions.focused_suggestion() is not None:
            self.notify("Accept the suggestion first (y); then = tags its other occurrences.", severity="warning")
            return
        span = self._need_focus()
        if span is None:
            return
        from annotator.model.occurrences import plan_tag_occurrences

        scheme, sid = self.scheme, span["id"]

        def done(change: Change | None) -> None:
            if change is None:
                return
            n = sum(1 for op in change.ops if op["op"] == "add_span")
            what = display_line(f"{span['label']} {span['text'][:40]!r}")
            self.notify(f"Tagged {n} other occurrence{'s' if n != 1 else ''} of {what} (one action)." if n
                        else f"No other occurrence of {what} left to tag.", markup=False)

        self._run(self.session.edit, [lambda r: plan_tag_occurrences(r, scheme, sid)], done=done)
