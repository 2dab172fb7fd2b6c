"""What the annotate and review screens share: running a verb through the store with a truthful
save indicator, the attribute form, the speaker picker, and the help screen.

A store write never leaves the screen frozen: it runs on the store writer's thread
(:mod:`annotator.tui.store_writer`); the key waits for it a moment, which is all a write normally
takes, and only when the store is locked by another process does the write go on in the
background while the header says so. The screen says saved only once the commit has returned.

The keys an annotator presses most (tag, remove, undo) do not wait for the commit to show what
they did (:meth:`EditingScreen.write_drawn`): the action is planned on the screen's own copy of the
record, drawn and put on the terminal with the header saying "saving", and only then handed to
the writer and waited for. Once the commit returns the header says saved; a commit that fails takes
back what was drawn and says NOT SAVED.

Two keys in a row never overlap: a key's handler returns only once its commit has returned (or
after the short wait, with the drawing taken back), and Textual handles the next key only then.
So the second key plans on the record as the first left it: with the first drawn and committed,
or, if the first failed, without it. A write still waiting for the store after the short wait is
taken back, and every key that needs the store is refused (said so) until it is over; it is drawn
once it commits. Chaining optimistic writes (drawing the second before the first is committed)
would leave on screen an action planned on one that may never be saved.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, ClassVar, Final

from textual import events
from textual.reactive import Reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from annotator.errors import ActionRefused
from annotator.model.types import Attrs, Op, Span
from annotator.model.working import invert_all
from annotator.schema import Scheme
from annotator.store.base import Change
from annotator.text.sanitize import display_line
from annotator.tui.direct_paint import RowsUpdate, display, paint_overlay, paint_rows
from annotator.tui.page_ahead import PageAhead
from annotator.tui.store_writer import StoreWriter
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.attr_form import AttrForm
from annotator.tui.widgets.doc_header import DocHeader
from annotator.tui.widgets.key_footer import KeyFooter

# set_attrs(span_id, attrs) -> the Change; raises ActionRefused / AnnotatorError like every verb
SetAttrs = Callable[[str, Mapping[str, Any]], Change]
# what a write hands on once it is over: the Change (None: refused, failed or nothing to do)
Done = Callable[[Change | None], None]
OnError = Callable[[Exception], None]


class Pending:
    """The write goes on in the background (the store is locked); ``done`` is called when it ends."""


PENDING: Final = Pending()
WAITING_NOTE = "Still waiting for the store (another process is writing): that key did nothing; try it again."


class EditingScreen(Screen[None]):
    """A screen that edits one record through the store (subclasses repaint in ``after_change``)."""

    AUTO_FOCUS = "#article"
    # Textual's Screen repaints itself whole when its focus moves (a reactive with repaint): every
    # row of the terminal written again, ~22 KB, to move the focus between the article, the span
    # list and the attribute form. The widgets whose look follows the focus repaint themselves.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    # Whether writes run on the store writer's thread (the annotate screen). The review screen's
    # verbs read and write the store on the event loop, so its writes stay there too: a write in
    # the background would share the store's connection with them.
    WRITES_OFF_LOOP: ClassVar[bool] = False
    # Under 80 columns the side panel hides (``b`` shows it); from 120 it has its full width.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-medium"), (120, "-wide")]

    def __init__(self, scheme: Scheme) -> None:
        super().__init__()
        self.scheme = scheme
        self.writer = StoreWriter()
        self.pending: Future[Any] | None = None  # the write going on in the background, if any
        self.writes_waited = 0  # writes that had to wait for the store in the background (tests count them)
        self.attr_forms: dict[str, AttrForm] = {}  # label -> its attribute form (attr_form_widgets)
        self.attr_form: AttrForm | None = None  # the one open, if any
        # side panels' updates put off while a drawn action's first frame goes out (panel_update)
        self._panel_updates: dict[object, Callable[[], None]] | None = None
        self.page_ahead = PageAhead()  # the article's page frames, drawn before their keys

    @property
    def view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def header(self) -> DocHeader:
        return self.query_one("#header", DocHeader)

    @property
    def footer(self) -> KeyFooter:
        return self.query_one(KeyFooter)

    def after_change(self, change: Change) -> None:
        """Repaint what ``change`` did (it is committed already)."""

    def draw(self, ops: list[Op]) -> None:
        """Show ``ops`` (planned on the screen's own copy of the record, not committed yet):
        apply them to that copy and repaint what they change (screens that use write_drawn)."""
        raise NotImplementedError

    def refuses_writes(self) -> bool:
        """Whether the store is known to refuse writes (opened read-only): nothing is drawn first."""
        return False

    def take_back(self, ops: list[Op]) -> None:
        """Undo the drawing of ``ops`` (their commit failed or waits): the copy and the screen as before."""
        self.draw(invert_all(ops))

    def paint_now(self, *first: Widget | tuple[Widget, ...]) -> bool:
        """Put what the key changed in the widgets ``first`` on the terminal now, rather than once
        its handler has returned (False: left to Textual, as any other key). The other widgets
        that asked for a repaint are painted as always, by Textual, once the handler has returned.

        Textual paints a widget that asked for a repaint in two hops after the handler: the
        widget's idle pass posts an Update to the screen, the screen's update timer paints the
        dirty widgets. Here the widgets of ``first`` that only need a repaint (what a tag, a remove
        or an undo asks of the article and the header; what a cursor key asks of the article and
        its scrollbar) are painted at once: their changed rows written straight where nothing
        lies over them (direct_paint.paint_rows; all of them in one write at the end), else
        marked dirty and the screen's update (Screen._on_timer_update) run now. If one needs a
        new layout, styles or a scroll, all is left to Textual's own passes: nothing is painted
        early.

        Each argument is one update; a tuple's widgets are painted together. The compositor
        renders every widget under the box around all the dirty regions of an update: the header
        (top row) and an article row painted together would render the span list and the panel
        beside them for nothing, while the article and its scrollbar painted apart would each
        render the other. Written against Textual 8.2 (pinned in pyproject.toml);
        tests/tui/test_drawn_writes.py fails if these internals change so that the frame no
        longer comes before the commit."""
        if not self.is_current or self.app._batch_count or self._layout_required:
            return False  # a new layout (say, the side panel shown or hidden) comes first
        groups = [g if isinstance(g, tuple) else (g,) for g in first]
        widgets = [w for g in groups for w in g]
        if any(w._layout_required or w._scroll_required or w._refresh_styles_required for w in widgets):
            return False
        painted = False
        written: list[tuple[int, int, Strip]] = []  # rows written straight, in one write at the end
        for group in groups:
            if self.page_ahead.shown and isinstance(view := group[0], ArticleView) \
                    and set(group) <= {view, view.vertical_scrollbar} and self.page_ahead.take(view):
                painted = True  # the frame went out before the key was handled (page_ahead.py)
                continue
            asked = [w for w in group if w._repaint_required]
            if not asked:
                continue
            for widget in asked:
                widget._repaint_required = False  # what its idle pass would have cleared
            rows = paint_rows(self, tuple(asked), write=False)
            if rows is not None:
                written += rows  # nothing lay over them (direct_paint.py)
                painted = True
                continue
            for widget in asked:
                if widget.display and widget in self._compositor:
                    self._dirty_widgets.add(widget)
            if self._dirty_widgets:
                self._on_timer_update()
                painted = True
        if written:  # one write: each wakes Textual's output thread, ~0.4-1 ms of the key's on a slow machine
            display(self, RowsUpdate(written))
        return painted

    def _on_mount(self, event: events.Mount) -> None:
        """The width classes (-narrow, -medium, -wide) from the terminal's width, before the first
        layout: Textual sets them when the screen gets its Resize, which in a real terminal can
        come after the first frame. That frame then had the side panel at its full width on a
        terminal of 80-119 columns, and the article's rows wrapped narrower for a moment: a
        cursor key typed then (the article's rows show before the screen, tui/first_paint.py)
        moved on rows the screen no longer showed a moment later. The app's own size may not be
        the terminal's yet either (its first Resize may still be queued): the driver measures it,
        as it will for that Resize."""
        measure = getattr(self.app._driver, "_get_terminal_size", None)  # not yet the app's size
        width = measure()[0] if measure is not None else self.app.size.width
        classes = {name: False for _, name in self.HORIZONTAL_BREAKPOINTS}
        for name in self._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS):
            classes[name] = True
        self.update_classes(classes, animate=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The article given the focus (the document opened, the form closed): the frames of its
        page keys are drawn once the screen is idle (tui/page_ahead.py; after a key, app.py)."""
        if isinstance(event.widget, ArticleView):
            self.call_after_refresh(self.page_ahead.prepare, self, event.widget)

    def layout_now(self, root: Widget) -> None:
        """Lay out and paint now what ``root`` and its descendants changed (shown, hidden, given
        new content), rather than in Textual's passes after the handler: each widget's idle pass
        posts a Layout or an Update to the screen, and the screen's update timer (every 1/60 s)
        arranges and paints them, 5-10 ms after the key. Here the same flags are read and cleared
        as those passes would (Widget._check_refresh, Screen._on_layout and _on_update), and the
        screen's layout runs at once, its paint left to the next turn but for ``root``'s box,
        drawn at once (direct_paint.paint_overlay). Written against Textual 8.2 (pinned);
        tests/tui/test_terminal_bytes.py checks the form's box is the opening's first write, and
        tests/tui/test_direct_paint.py that it is what the compositor would draw."""
        if not self.is_current or self.app._batch_count:
            return
        for node in root.walk_children(with_self=True):
            if not isinstance(node, Widget):
                continue
            if node._refresh_styles_required:
                node._refresh_styles_required = False
                node.update_node_styles()
            if node._layout_required:
                node._layout_required = False
                for ancestor in node.ancestors:
                    if not isinstance(ancestor, Widget):
                        break
                    ancestor._clear_arrangement_cache()
                    ancestor._layout_updates += 1
                    if not ancestor.styles.auto_dimensions:
                        break
                self._layout_required = True
            if node._repaint_required:
                node._repaint_required = False
                if node.display and node in self._compositor:
                    self._dirty_widgets.add(node)
        if not self._layout_required:  # a repaint only (a key typed in the form): its box drawn
            if root in self._dirty_widgets and paint_overlay(self, root) is not None:
                root._exchange_repaint_regions()
                self._dirty_widgets.discard(root)
            if self._dirty_widgets:
                self._on_timer_update()
            return
        self.app._batch_count += 1  # Screen._refresh_layout then leaves its paint to the next turn...
        try:
            self._refresh_layout()
            self._layout_required = False
        finally:
            self.app._batch_count -= 1
        # ...after ``root``'s box, drawn from its own widgets (direct_paint.py) when it covers
        # what lies behind; the rest (the article's blurred cursor, the footer) follows
        paint_overlay(self, root)
        self._dirty_widgets.clear()

    def panel_update(self, update: Callable[[], None], key: str | None = None) -> None:
        """Run ``update`` of a side panel (the span list, the attributes) now or, while a drawn
        action puts its first frame out (:meth:`write_drawn`), as soon as that frame is out.
        Updates asked with the same ``key`` run once, in the place of the last one asked."""
        if self._panel_updates is None:
            update()
            return
        slot: object = object() if key is None else key
        self._panel_updates.pop(slot, None)
        self._panel_updates[slot] = update

    def record_changed(self) -> None:
        """The record changed under the screen (another window): read it again and say so."""

    @staticmethod
    @contextmanager
    def settled_heap() -> Iterator[None]:
        """Load a document, then freeze what is alive: the cyclic GC stops walking a long
        article's objects on every collection (pauses of tens of ms on a key press otherwise).
        The previous document's objects are unfrozen first, so they can still be freed."""
        gc.unfreeze()
        yield
        gc.collect(1)
        gc.freeze()

    def _failed(self, exc: Exception) -> None:
        self.header.mark_failed(str(exc) or type(exc).__name__)
        self.notify(display_line(f"not saved: {exc}"), severity="error", markup=False, timeout=10)

    def store_free(self) -> bool:
        """True when nothing waits for the store; else says so (what needs the store must wait)."""
        if self.pending is None:
            return True
        self.notify(WAITING_NOTE, severity="warning", timeout=4)
        return False

    # -- running a verb ---------------------------------------------------------------------------

    def write(self, verb: Callable[[], Change | None], done: Done | None = None, *, quiet: bool = False,
              on_error: OnError | None = None) -> Change | None | Pending:
        """Run a store verb; once the store has committed it the screen shows it, then ``done``
        gets the Change. A refused action is explained (``quiet``: not), a store that fails says
        NOT SAVED with the reason; ``on_error`` also gets either. Returns what ``done`` got, or
        PENDING while the write waits for the store in the background (``done`` comes later)."""
        if not self.store_free():
            return None
        if not self.WRITES_OFF_LOOP:
            future: Future[Any] = Future()
            try:
                future.set_result(verb())
            except Exception as exc:  # noqa: BLE001 - whatever the store raised is shown, never a traceback
                future.set_exception(exc)
            return self._finish(future, done, quiet, on_error)
        ticket = self.writer.submit(verb)
        if not self.writer.wait(ticket):
            return self._wait_in_background(ticket.future, done, quiet, on_error)
        return self._finish(ticket.future, done, quiet, on_error)

    def _finish(self, future: Future[Any], done: Done | None, quiet: bool,
                on_error: OnError | None) -> Change | None:
        from annotator.session import RecordChanged

        if self.pending is future:
            self.pending = None
            self.header.show(waiting=False)
        change: Change | None = None
        try:
            change = future.result()
        except RecordChanged as exc:
            self.record_changed()
            if on_error is not None:
                on_error(exc)
        except ActionRefused as exc:
            if not quiet:
                self.notify(display_line(str(exc)), severity="warning", markup=False)
            if on_error is not None:
                on_error(exc)
        except Exception as exc:  # noqa: BLE001 - a store that fails (read-only, busy, broken): NOT SAVED
            self._failed(exc)
            if on_error is not None:
                on_error(exc)
        else:
            if change is not None and change.ops:
                self.header.mark_saved()
                self.after_change(change)
        if done is not None:
            done(change)
        return change

    def write_drawn(self, ops: list[Op], verb: Callable[[], Change | None], *, drawn: Callable[[], None] | None = None,
                    done: Done | None = None, on_error: OnError | None = None) -> Change | None | Pending:
        """Draw an action at once, then commit it. ``ops``, planned on the screen's copy of the
        record, are drawn (then ``drawn`` runs) and the article and the header (saying "saving") are
        painted; then ``verb`` commits them on the writer's thread and is waited for as by
        :meth:`write`. Once it returns the header says saved and ``done`` gets the Change; if it
        failed or was refused, what was drawn is taken back first (NOT SAVED, and why). A write still
        waiting for the store's lock after a moment is taken back too, and drawn when its commit
        returns, as :meth:`write` draws it: nothing stays on screen that may not be saved."""
        if not self.store_free():
            return None
        if not self.WRITES_OFF_LOOP or self.refuses_writes():
            # committed in place (on the event loop) and drawn after, as any write; a store that
            # refuses writes would only have the drawing taken back: NOT SAVED without a flicker
            return self.write(verb, done, on_error=on_error)
        # what the eye is on (the article, and the header saying "saving") goes out at once; the
        # span list and the panel are updated once it has, and painted as soon as the key is over
        # (a cursor key's cost, not a panel's)
        self._panel_updates = {}
        try:
            self.draw(ops)
            if drawn is not None:
                drawn()
            self.header.show(saving=True)
            self.paint_now(self.view, self.header)
        finally:
            updates, self._panel_updates = self._panel_updates, None
        # then the commit: started earlier, it would share the interpreter with the drawing; while
        # this thread waits for it, Textual's output thread writes the frame out
        ticket = self.writer.submit(verb)
        committed = self.writer.wait(ticket)
        for update in updates.values():
            update()
        if committed:
            return self._finish_drawn(ticket.future, ops, done, on_error)
        self.take_back(ops)
        self.header.show(saving=False)
        return self._wait_in_background(ticket.future, done, False, on_error)

    def _finish_drawn(self, future: Future[Any], ops: list[Op], done: Done | None,
                      on_error: OnError | None) -> Change | None:
        ok = future.exception() is None
        change = future.result() if ok else None
        if not ok or change is None or change.ops != ops:
            # failed, refused (the record changed elsewhere: read again below) or, which planning on
            # the same record excludes, committed otherwise than drawn: the committed change is drawn
            self.take_back(ops)
            self.header.show(saving=False)
            return self._finish(future, done, False, on_error)
        self.header.mark_saved()
        if done is not None:
            done(change)
        return change

    def _wait_in_background(self, future: Future[Any], done: Done | None, quiet: bool,
                            on_error: OnError | None) -> Pending:
        self.pending = future
        self.writes_waited += 1
        self.header.show(waiting=True)
        future.add_done_callback(lambda f: self.call_later(self._finish, f, done, quiet, on_error))
        return PENDING

    def call_verb(self, verb: Callable[[], Change | None], *, quiet: bool = False) -> Change | None:
        """Run a verb and return its Change (None: refused, failed, or still waiting for the store)."""
        result = self.write(verb, quiet=quiet)
        return None if isinstance(result, Pending) else result

    # -- forms ------------------------------------------------------------------------------------

    def attr_form_widgets(self) -> Iterator[AttrForm]:
        """The attribute forms of the scheme's labels, hidden until opened, for the screen's
        compose: one widget each, so that no opening waits for one to be mounted (5-15 ms, and
        the whole screen painted again)."""
        for label in self.scheme.labels:
            form = self.attr_forms[label.name] = AttrForm(label.name, label.attrs)
            yield form

    def open_attr_form(self, span: Span, spans: dict[str, Span], set_attrs: SetAttrs) -> None:
        """Show the attribute form of ``span``'s label over the article (composed with the screen,
        shown again at each opening: see :mod:`annotator.tui.widgets.attr_form`)."""

        def save(attrs: Attrs) -> tuple[str | None, str] | None:
            if self.pending is not None:
                return None, WAITING_NOTE  # the form stays open
            errors: list[Exception] = []
            in_form = True

            def on_error(exc: Exception) -> None:
                if in_form:
                    errors.append(exc)  # shown in the form, which is still open
                elif isinstance(exc, ActionRefused):  # the store was waited for: the form is closed
                    self.notify(display_line(str(exc)), severity="warning", markup=False)

            self.write(lambda: set_attrs(span["id"], attrs), quiet=True, on_error=on_error)
            in_form = False
            if not errors:
                return None  # saved, or waiting for the store (the header says which): the form closes
            exc = errors[0]
            if isinstance(exc, ActionRefused):
                return exc.field, exc.message  # shown in place; nothing saved
            return None, f"not saved: {exc}"

        form = self.attr_forms[span["label"]]  # composed with the screen (attr_form_widgets)
        self.attr_form = form
        self.footer.hold(True)  # the form says its keys
        form.open(span, spans, save)
        self.layout_now(form)  # shown in this handler, not one or two passes later

    def on_attr_form_closed(self, message: Any) -> None:
        """The form was saved or cancelled: the keys are the screen's again, on the article."""
        if message.form is self.attr_form:
            self.attr_form = None
            if self.focused is None or message.form in self.focused.ancestors_with_self:
                self.view.focus()
            # once the focus is back (then the footer's keys are those it shows, not composed again)
            self.call_after_refresh(self.footer.hold, False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the attribute form is open, the screen's keys do nothing: the form has the keys."""
        return self.attr_form is None

    def open_speaker_picker(self, span: Span, spans: dict[str, Span], set_attrs: SetAttrs) -> None:
        refs = self.scheme.ref_attrs.get(span["label"])
        if not refs:
            self.notify(f"A {span['label']} has no speaker: focus a quote.", severity="warning")
            return
        from annotator.tui.screens.speaker_picker import SpeakerPicker

        name, targets = refs[0]

        def chosen(choice: str | None) -> None:
            if choice is not None:  # "" unsets the speaker
                attrs = {**spans[span["id"]]["attrs"], name: choice or None}
                self.write(lambda: set_attrs(span["id"], attrs))

        self.app.push_screen(SpeakerPicker(span, spans, targets), chosen)

    def action_help(self) -> None:
        from annotator.tui.app import AnnotatorApp
        from annotator.tui.screens.help import HelpScreen

        if isinstance(self.app, AnnotatorApp):
            self.app.push_screen(HelpScreen(self.app.registry))

    def action_toggle_panel(self) -> None:
        """Show or hide the side panel (hidden by default under 80 columns)."""
        side = self.query_one("#side")
        if self.has_class("-narrow"):
            side.toggle_class("-shown")
        else:
            side.toggle_class("-hidden")
