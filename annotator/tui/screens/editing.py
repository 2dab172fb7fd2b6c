"""What the annotate and review screens share: running a verb through the store with a truthful
save indicator, the attribute form, the speaker picker, and the help screen."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from textual.screen import Screen

from annotator.errors import ActionRefused, AnnotatorError
from annotator.model.types import Attrs, Span
from annotator.schema import Scheme
from annotator.store.base import Change
from annotator.text.sanitize import display_line
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.doc_header import DocHeader

# set_attrs(span_id, attrs) -> the Change; raises ActionRefused / AnnotatorError like every verb
SetAttrs = Callable[[str, Mapping[str, Any]], Change]


class EditingScreen(Screen[None]):
    """A screen that edits one record through the store (subclasses repaint in ``after_change``)."""

    AUTO_FOCUS = "#article"

    def __init__(self, scheme: Scheme) -> None:
        super().__init__()
        self.scheme = scheme

    @property
    def view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def header(self) -> DocHeader:
        return self.query_one("#header", DocHeader)

    def after_change(self, change: Change) -> None:
        """Repaint what ``change`` did (it is committed already)."""

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

    def _failed(self, exc: AnnotatorError) -> None:
        self.header.mark_failed(str(exc))
        self.notify(display_line(f"not saved: {exc}"), severity="error", markup=False, timeout=10)

    def call_verb(self, verb: Callable[[], Change | None], *, quiet: bool = False) -> Change | None:
        """Run a verb; when it returns, the store has committed it durably, and only then does
        the screen show it. A refused action is explained; a store failure says NOT SAVED."""
        try:
            change = verb()
        except ActionRefused as exc:
            if not quiet:
                self.notify(display_line(str(exc)), severity="warning", markup=False)
            return None
        except AnnotatorError as exc:
            self._failed(exc)
            return None
        if change is not None and change.ops:
            self.header.mark_saved()
            self.after_change(change)
        return change

    def open_attr_form(self, span: Span, spans: dict[str, Span], set_attrs: SetAttrs) -> None:
        from annotator.tui.screens.attr_form import AttrForm

        def save(attrs: Attrs) -> tuple[str | None, str] | None:
            try:
                change = set_attrs(span["id"], attrs)
            except ActionRefused as exc:
                return exc.field, exc.message  # shown in place; nothing saved
            except AnnotatorError as exc:
                self._failed(exc)
                return None, f"not saved: {exc}"
            if change.ops:
                self.header.mark_saved()
                self.after_change(change)
            return None

        self.app.push_screen(AttrForm(span, self.scheme.by_name[span["label"]].attrs, spans, save))

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
                self.call_verb(lambda: set_attrs(span["id"], attrs))

        self.app.push_screen(SpeakerPicker(span, spans, targets), chosen)

    def action_help(self) -> None:
        from annotator.tui.app import AnnotatorApp
        from annotator.tui.screens.help import HelpScreen

        if isinstance(self.app, AnnotatorApp):
            self.app.push_screen(HelpScreen(self.app.registry))
