"""The annotate screen: the article, its spans, the focused span's attributes, and every action.

Data flows one way: a key becomes a Session verb; the store commits it durably; the screen
repaints the rows its ops touched, and says saved only once the commit has returned. Widgets hold
no state the store lacks, so after a restart the screen is the same. Writes run on the store
writer's thread (see ``editing.py``); tag, remove, undo and redo are planned on the screen's own
copy of the record and drawn before they commit (``EditingScreen.write_drawn``); a record changed
by another window is read again before any action on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from annotator.errors import ActionRefused
from annotator.model import actions
from annotator.model.describe import describe
from annotator.model.types import Op, Span
from annotator.model.working import WorkingRecord, invert_all
from annotator.schema import Scheme
from annotator.session import Session
from annotator.store.base import Change
from annotator.text.sanitize import display_line
from annotator.tui.colors import label_colors
from annotator.tui.screens.document_actions import DocumentActions
from annotator.tui.screens.editing import EditingScreen, Pending
from annotator.tui.screens.suggestions import ScreenSuggestions, SuggestionActions
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.attr_panel import AttrPanel
from annotator.tui.widgets.doc_header import DocHeader
from annotator.tui.widgets.find_bar import FindBar, find_all, next_match
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets.span_index import ViewSpan
from annotator.tui.widgets.span_list import SpanList

if TYPE_CHECKING:
    from annotator.suggest.process import ScreenSuggesting


def view_span(span: Span) -> ViewSpan:
    return ViewSpan(span["id"], span["start"], span["end"], span["label"])


def range_to_tag(view: ArticleView, snap_on: bool) -> tuple[int, int] | str:
    """The range a label key tags: the selection (else the word under the cursor), snapped to
    words when snapping is on; or why there is nothing to tag."""
    from annotator.text.words import snap, word_at  # loads regex: not before the first frame

    text = view.text
    sel = view.selection or word_at(text, view.cursor)
    if sel is None:
        return "Nothing to tag: select some text first (shift+arrows or drag)."
    if snap_on:
        snapped = snap(text, *sel)
        if snapped is None:
            return "The selection holds no word (snapping is on: t turns it off)."
        return snapped
    return sel


class AnnotateScreen(SuggestionActions, DocumentActions, EditingScreen):
    """Built by :func:`annotator.tui.app.build_app`, which sets BINDINGS from the action registry."""

    CSS_PATH = Path(__file__).with_name("annotate.tcss")
    WRITES_OFF_LOOP = True

    def __init__(self, session: Session, scheme: Scheme, doc_id: str,
                 suggesting: ScreenSuggesting | None = None) -> None:
        super().__init__(scheme)
        self.session = session
        self.doc_id = doc_id
        self._record: WorkingRecord | None = None
        self.focused_span_id: str | None = None
        self.moving: str | None = None  # the span whose edges the selection is about to become
        self.snap_on = True
        self.matches: list[tuple[int, int]] = []
        self.total = session.document_count()
        self.reloads = 0  # times the record was read again because it changed elsewhere (tests count them)
        session.on_locked = self.writer.locked  # an edit holding the store's lock is waited for in place
        self.suggestions = ScreenSuggestions(self, suggesting)  # None: no suggestions this session

    # -- layout and documents ---------------------------------------------------------------------

    @property
    def record(self) -> WorkingRecord:
        """The open document's record, as the screen shows it: the screen's own copy, which the
        store writer's thread never touches (there is one from the first mount on)."""
        assert self._record is not None, "no document is open"
        return self._record

    @record.setter
    def record(self, rec: WorkingRecord) -> None:
        self._record = rec

    def compose(self) -> ComposeResult:
        colors = label_colors(self.scheme)
        yield DocHeader(id="header")
        with Horizontal(id="main"):
            yield ArticleView(label_colors=colors, id="article")
            with Vertical(id="side"):
                yield Static("Spans", classes="panel-title", markup=False)
                yield SpanList(colors, id="spans")
                yield AttrPanel(self.scheme, id="attrs")
        yield FindBar(id="find")
        yield KeyFooter()
        yield from self.attr_form_widgets()

    @property
    def span_list(self) -> SpanList:
        return self.query_one("#spans", SpanList)

    def on_mount(self) -> None:
        self.open_document(self.doc_id)
        # compile the scheme's pydantic models and load the word rules once the first frame is on
        # screen, so that the first tag does not wait for them and start-up does not either
        self.call_after_refresh(self.run_worker, self._warm_up, thread=True, exit_on_error=False)

    def _warm_up(self) -> None:
        import annotator.text.words  # noqa: F401

        self.scheme.compile()

    def open_document(self, doc_id: str) -> None:
        if not self.store_free():
            return
        try:
            with self.settled_heap():
                self._open_document(doc_id)
        except Exception as exc:  # noqa: BLE001 - a store that cannot be read: say so, stay where we are
            if self._record is None:
                raise  # nothing to show at all: the app ends with the error
            self.notify(display_line(f"cannot open {doc_id}: {exc}"), severity="error", markup=False, timeout=10)
            self.doc_id = self.record.doc_id

    def _open_document(self, doc_id: str) -> None:
        self.doc_id = doc_id
        rec = self.session.record(doc_id).copy()
        self.record = rec
        self.focused_span_id = None
        self.matches = []
        self.view.load(rec.text, [view_span(s) for s in rec.spans.values()])
        self.view.snap = self.snap_on
        self.span_list.set_spans(rec.spans.values())
        self.moving = None
        self.header.show(doc_id=doc_id, position=self.session.position(doc_id), total=self.total,
                         status=rec.status, annotator=self.session.label, flags=len(rec.flags), snap=self.snap_on,
                         read_only=self.session.store.read_only, note="")
        self._show_focused()
        self.view.focus()
        self.suggestions.open(doc_id)

    def record_changed(self) -> None:
        """Read the record again (another window changed it): spans, list and header, with the
        cursor, the selection and the scroll kept; the focused span stays if it still exists."""
        rec = self.session.record(self.doc_id).copy()
        self.record = rec
        self.reloads += 1
        self.suggestions.record_changed(rec)
        self.view.set_spans([view_span(s) for s in rec.spans.values()])
        self.span_list.set_spans(rec.spans.values())
        if self.focused_span_id not in rec.spans:
            self.focus_span(None)
        self.header.show(status=rec.status, flags=len(rec.flags))
        self._show_focused()
        self.notify(f"This document was changed in another window: it is shown as it is now ({len(rec.spans)} "
                    "spans). That key did nothing; press it again if it still applies.", severity="warning",
                    timeout=8)

    def _fresh(self) -> bool:
        """Before acting on what the screen shows: True when the record is as shown (else it is
        read again, and the action does not go on)."""
        if not self.store_free():
            return False
        if self.session.changed(self.doc_id):
            self.record_changed()
            return False
        return True

    # -- running actions through the store --------------------------------------------------------

    def _run(self, verb: Any, *args: Any, done: Any = None, quiet: bool = False, on_error: Any = None,
             **kwargs: Any) -> Change | None | Pending:
        """Run a Session verb on this document (see :meth:`EditingScreen.write`)."""
        doc_id = self.doc_id
        return self.write(lambda: verb(doc_id, *args, **kwargs), done, quiet=quiet, on_error=on_error)

    def after_change(self, change: Change) -> None:
        self.draw(change.ops)

    def draw(self, ops: list[Op]) -> None:
        self.record.apply(ops)
        self._show_ops(ops)

    def refuses_writes(self) -> bool:
        return self.session.store.read_only

    def take_back(self, ops: list[Op]) -> None:
        undo = invert_all(ops)
        self.record.apply(undo)
        self.record = self.record.copy()  # its next span id counted again, as the store will
        self._show_ops(undo)

    def _plan(self, *steps: actions.Plan) -> list[Op] | None:
        """The ops of one action planned on the screen's record (None: refused, and said why)."""
        try:
            return self.session.plan(self.record, steps)
        except ActionRefused as exc:
            self.notify(display_line(str(exc)), severity="warning", markup=False)
            return None

    def _commit(self, ops: list[Op]) -> Any:
        doc_id = self.doc_id
        return lambda: self.session.commit(doc_id, ops)

    def _show_ops(self, ops: list[Op]) -> None:
        """Repaint what the ops (applied to the screen's record) changed: only those rows and panel entries."""
        rec = self.record
        focused = self.focused_span_id
        for op in ops:
            if op["op"] == "add_span":
                span = op["span"]
                self.view.add_span(view_span(span))
                self.panel_update(partial(self.span_list.upsert, span))
            elif op["op"] == "remove_span":
                sid = op["span"]["id"]
                self.view.remove_span(sid)
                self.panel_update(partial(self.span_list.remove_span, sid))
                if self.focused_span_id == sid:
                    self.focused_span_id = None
            elif op["op"] == "set_attrs" and op["id"] in rec.spans:
                self.panel_update(partial(self.span_list.upsert, rec.spans[op["id"]]))
        self.suggestions.follow(ops, rec)
        self.header.show(status=rec.status, flags=len(rec.flags))
        if focused is not None and self.focused_span_id is None and focused in rec.spans:
            self.focus_span(focused)  # removed and added again under its id (a label or edges changed)
        else:
            self._show_focused()

    def focus_span(self, span_id: str | None) -> None:
        self.focused_span_id = span_id
        self.view.focused_span = span_id
        if span_id is not None:
            self.suggestions.unfocus()
        self._show_focused()

    def _show_focused(self) -> None:
        if self.focused_span_id is not None and self.focused_span_id not in self.record.spans:
            self.focused_span_id = None
        self.panel_update(self._show_focused_in_panels, key="focused")

    def _show_focused_in_panels(self) -> None:
        rec = self.record
        span = rec.spans.get(self.focused_span_id) if self.focused_span_id else None
        self.span_list.mark(self.focused_span_id)
        self.query_one("#attrs", AttrPanel).show_span(span, rec.spans)
        self.suggestions.show_focused()

    # -- tagging and spans ------------------------------------------------------------------------

    def action_tag(self, label: str) -> None:
        view = self.view
        target = range_to_tag(view, self.snap_on)
        if isinstance(target, str):
            self.notify(target, severity="warning")
            return
        if not self.store_free():
            return
        start, end = target
        ops = self._plan(lambda r: actions.plan_add_span(r, self.scheme, start, end, label))
        if ops is None:
            return
        span_id = next(op["span"]["id"] for op in ops if op["op"] == "add_span")
        selection = view.selection

        def shown() -> None:
            if view.selection == selection:
                view.clear_selection()
            self.focus_span(span_id)

        def done(change: Change | None) -> None:
            if change is None:  # not saved (taken back): the selection is given back to try again
                if selection is not None and view.selection is None:
                    view.select(*selection)
            elif self.focused_span_id != span_id and span_id in self.record.spans:
                shown()  # drawn late: the commit had to wait for the store

        self.write_drawn(ops, self._commit(ops), drawn=shown, done=done)

    def action_toggle_snap(self) -> None:
        self.snap_on = not self.snap_on
        self.view.snap = self.snap_on
        self.header.show(snap=self.snap_on)
        self.notify(f"Snapping to word boundaries {'on' if self.snap_on else 'off'}.")

    def _step_span(self, direction: int) -> None:
        lst = self.span_list
        if lst.count == 0:
            self.notify("No span in this document yet.")
            return
        if self.focused_span_id is not None and (i := lst.index_of(self.focused_span_id)) is not None:
            index = (i + direction) % lst.count
        else:
            index = lst.first_at_or_after(self.view.cursor)
            index = index % lst.count if direction > 0 else (index - 1) % lst.count
        self.focus_span(lst.id_at(index))

    def action_next_span(self) -> None:
        self._step_span(1)

    def action_previous_span(self) -> None:
        self._step_span(-1)

    def _need_focus(self) -> Span | None:
        span = self.record.spans.get(self.focused_span_id) if self.focused_span_id else None
        if span is None:
            self.notify("Focus a span first: tab / shift+tab, or choose one in the list.", severity="warning")
        return span

    def action_remove_span(self) -> None:
        span = self._need_focus()
        if span is None or not self.store_free():
            return
        span_id = span["id"]
        ops = self._plan(lambda r: actions.plan_remove_span(r, self.scheme, span_id))
        if ops is not None:
            self.write_drawn(ops, self._commit(ops))

    def action_relabel(self) -> None:
        span = self._need_focus()
        if span is None or not self._fresh():
            return
        from annotator.tui.screens.label_picker import LabelPicker

        def chosen(label: str | None) -> None:
            if label is not None and label != span["label"]:
                self._run(self.session.change_span, span["id"], label=label, done=self._refocus(span["id"]))

        self.app.push_screen(LabelPicker(span, self.scheme), chosen)

    def action_move_edges(self) -> None:
        """First ``e``: the focused span's text becomes the selection, to change with the selection
        keys; ``e`` again moves the span's edges to the selection (snapped to words when snapping is
        on), as one action. Escape gives up."""
        span = self._need_focus()
        if span is None:
            return
        view = self.view
        if self.moving != span["id"] or view.selection is None:
            self.moving = span["id"]
            view.select(span["start"], span["end"])
            self.notify(display_line(f"Moving the edges of {span['label']} {span['text'][:40]!r}: change the "
                                     "selection (shift+arrows, ctrl+shift+arrows, drag), then e; escape gives up."),
                        markup=False, timeout=8)
            return
        target = range_to_tag(view, self.snap_on)
        if isinstance(target, str):
            self.notify(target, severity="warning")
            return
        if target == (span["start"], span["end"]):
            self.notify("The edges are where they were: change the selection first (escape gives up).")
            return

        def done(change: Change | None) -> None:
            if change is not None:
                self.moving = None
                view.clear_selection()
                self.focus_span(span["id"])

        self._run(self.session.change_span, span["id"], start=target[0], end=target[1], done=done)

    def action_cancel_move(self) -> None:
        if self.moving is not None:
            self.moving = None
            self.view.clear_selection()
            self.notify("The span's edges are unchanged.")

    def _refocus(self, span_id: str) -> Any:
        def done(change: Change | None) -> None:
            if change is not None:
                self.focus_span(span_id)

        return done

    def _set_attrs(self, span_id: str, attrs: Mapping[str, Any]) -> Change:
        return self.session.set_attrs(self.doc_id, span_id, attrs)

    def action_edit_attributes(self) -> None:
        span = self._need_focus()
        if span is not None and self._fresh():
            self.open_attr_form(span, self.record.spans, self._set_attrs)

    def action_pick_speaker(self) -> None:
        span = self._need_focus()
        if span is not None and self._fresh():
            self.open_speaker_picker(span, self.record.spans, self._set_attrs)

    @on(SpanList.Chosen, "#spans")
    def _span_chosen(self, event: SpanList.Chosen) -> None:
        self.focus_span(self.span_list.id_at(event.index))
        self.view.focus()

    @on(ArticleView.SpanClicked)
    def _span_clicked(self, event: ArticleView.SpanClicked) -> None:
        if isinstance(event, ArticleView.SuggestionClicked):
            self.suggestions.focus_by_id(event.span_id)
        else:
            self.focus_span(event.span_id)

    # -- history ----------------------------------------------------------------------------------

    def _step(self, verb: Any, word: str) -> None:
        """Undo or redo, and say what was undone or done again. What it will do is read from the
        store's log first and drawn before the step commits; with nothing to undo, or a log that
        cannot be read, the step runs as any write does (and says why it did nothing)."""
        errors: list[Exception] = []

        def done(change: Change | None) -> None:
            if errors:
                return  # not saved, or changed in another window (read again): said so already
            # said in the header, which the step repaints anyway (a toast per press cost more than the step)
            if change is None or change.kind == "none":
                self.header.show(note=f"Nothing to {word}.")
                return
            action = invert_all(change.ops) if change.kind == "undo" else change.ops
            self.header.show(note=f"{'Undid' if change.kind == 'undo' else 'Redid'}: "
                                  f"{describe(action, self.record.spans)}")

        if not self._fresh():
            return
        try:
            ops = self.session.next_step(self.doc_id, "undo" if word == "undo" else "redo")
        except Exception:  # noqa: BLE001 - the step itself, run below, says what is wrong with the store
            ops = None
        if ops:
            doc_id = self.doc_id
            self.write_drawn(ops, lambda: verb(doc_id), done=done, on_error=errors.append)
        else:
            self._run(verb, done=done, on_error=errors.append)

    def action_undo(self) -> None:
        self._step(self.session.undo, "undo")

    def action_redo(self) -> None:
        self._step(self.session.redo, "redo")

    # -- find -------------------------------------------------------------------------------------

    def action_find(self) -> None:
        bar = self.query_one("#find", FindBar)
        bar.add_class("-visible")
        bar.focus()

    @on(FindBar.Submitted, "#find")
    def _find_submitted(self, event: FindBar.Submitted) -> None:
        self.matches = find_all(self.view.text, event.value)
        self.view.highlights = self.matches
        bar = self.query_one("#find", FindBar)
        bar.remove_class("-visible")
        self.view.focus()
        if not self.matches:
            self.notify(display_line(f"Not found: {event.value}"), severity="warning", markup=False)
            return
        self._select_match(next_match(self.matches, self.view.cursor, 1))

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.view.focus()

    def _select_match(self, match: tuple[int, int] | None) -> None:
        if match is not None:
            self.view.select(*match)
            i = self.matches.index(match) + 1
            self.notify(f"match {i} of {len(self.matches)}", timeout=1.5)

    def action_find_next(self) -> None:
        if not self.matches:
            self.action_find()
            return
        sel = self.view.selection
        self._select_match(next_match(self.matches, (sel[0] + 1) if sel else self.view.cursor, 1))

    def action_find_previous(self) -> None:
        if not self.matches:
            self.action_find()
            return
        sel = self.view.selection
        self._select_match(next_match(self.matches, sel[0] if sel else self.view.cursor, -1))
