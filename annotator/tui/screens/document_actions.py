"""The annotate screen's document keys: next, previous and next to do, done, skip, the document
list, all documents or only one's assignments, and flags (a mixin of :class:`AnnotateScreen`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.store.base import Change

if TYPE_CHECKING:
    from textual.app import App

    from annotator.model.working import WorkingRecord
    from annotator.session import Session


class DocumentActions:
    """Moving between documents and marking them (a mixin of :class:`AnnotateScreen`)."""

    if TYPE_CHECKING:
        session: Session
        record: WorkingRecord
        doc_id: str
        app: App[Any]

        def notify(self, message: str, *, title: str = "", severity: Any = "information",
                   timeout: float | None = None, markup: bool = True) -> None: ...
        def open_document(self, doc_id: str) -> None: ...
        def store_free(self) -> bool: ...
        def _fresh(self) -> bool: ...
        def _run(self, verb: Any, *args: Any, done: Any = None, quiet: bool = False, on_error: Any = None,
                 **kwargs: Any) -> Any: ...

    def _go(self, doc_id: str | None, none_message: str) -> None:
        if doc_id is None:
            self.notify(none_message)
        else:
            self.open_document(doc_id)

    def action_next_document(self) -> None:
        if self.store_free():
            self._go(self.session.neighbour(self.doc_id, 1), "This is the last document.")

    def action_previous_document(self) -> None:
        if self.store_free():
            self._go(self.session.neighbour(self.doc_id, -1), "This is the first document.")

    def action_next_todo(self) -> None:
        if self.store_free():
            self._go(self.session.next_todo(self.doc_id), "No other document is still to do.")

    def action_mark_done(self) -> None:
        def done(change: Change | None) -> None:
            if change is not None or self.record.status == "done":
                self.action_next_todo()

        self._run(self.session.set_status, "done", quiet=True, done=done)

    def action_toggle_skip(self) -> None:
        """Mark the document skipped and go to the next to do; on a skipped one, take that back."""
        if self.record.status == "skipped":
            def unskipped(change: Change | None) -> None:
                if change is not None:
                    self.notify("No longer skipped: the document is in progress again.")

            self._run(self.session.set_status, "in_progress", done=unskipped)
            return

        def skipped(change: Change | None) -> None:
            if change is not None:
                self.notify("Skipped (S on it again takes that back).")
                self.action_next_todo()

        self._run(self.session.set_status, "skipped", done=skipped)

    def action_document_list(self) -> None:
        if not self.store_free():
            return
        from annotator.tui.screens.doc_list import DocListScreen

        def chosen(doc_id: str | None) -> None:
            if doc_id:
                self.open_document(doc_id)

        self.app.push_screen(DocListScreen(self.session.documents, self.doc_id), chosen)

    def action_toggle_all_documents(self) -> None:
        session = self.session
        if not session.has_assignments:
            self.notify("Nothing is assigned to you: every document is shown already.")
            return
        session.show_all = not session.show_all
        self.notify("All documents: ] [ } and the list (g) go through every one." if session.show_all
                    else "Your assigned documents only: ] [ } and the list (g) follow your assignments.")

    def action_flag(self) -> None:
        if not self._fresh():
            return
        from annotator.tui.screens.flags import FlagsScreen

        def saved(change: Change | None) -> None:
            if change is not None:
                self.notify("Flag saved.")

        def chosen(comment: str | None) -> None:
            if comment is not None:
                self._run(self.session.add_flag, comment, done=saved)

        def remove(flag_id: str, then: Any) -> None:
            self._run(self.session.remove_flag, flag_id, done=lambda change: then())

        self.app.push_screen(FlagsScreen(self.doc_id, lambda: list(self.record.flags), remove), chosen)
