"""The annotator App, built by a factory from a store, a scheme and an annotator name."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from annotator.schema import Scheme
from annotator.session import Session
from annotator.store.base import Store
from annotator.tui.actions import ActionDef, all_actions, bindings, check_hotkeys
from annotator.tui.screens.annotate import AnnotateScreen


class ActionCommands(Provider):
    """Every action of the registry in the command palette (ctrl+p)."""

    def _actions(self) -> list[ActionDef]:
        return [a for a in self.app.registry if a.palette]  # type: ignore[attr-defined]

    def _run(self, action: str) -> None:
        target = self.screen
        if action.startswith("app."):
            self.app.call_later(self.app.run_action, action[4:])
        else:
            self.app.call_later(target.run_action, action)

    async def discover(self) -> Hits:
        for a in self._actions():
            yield DiscoveryHit(a.description, partial(self._run, a.action), help=f"key: {a.key_text}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for a in self._actions():
            score = matcher.match(a.description)
            if score > 0:
                yield Hit(score, matcher.highlight(a.description), partial(self._run, a.action), help=f"key: {a.key_text}")


class AnnotatorApp(App[None]):
    TITLE = "annotator"
    CSS_PATH = Path(__file__).parent / "screens" / "modals.tcss"
    COMMANDS = App.COMMANDS | {ActionCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, session: Any, doc_id: str, registry: tuple[ActionDef, ...], screen_cls: type):
        super().__init__()
        self.session = session  # a Session (annotate) or a ReviewSession (review)
        self.first_doc = doc_id
        self.registry = registry
        self.screen_cls = screen_cls

    def on_mount(self) -> None:
        self.push_screen(self.screen_cls(self.session, self.first_doc))


def build_app(store: Store, scheme: Scheme, annotator: str, doc_id: str | None = None) -> AnnotatorApp:
    """The app on ``doc_id`` (default: the first document still to do, else the first)."""
    check_hotkeys(scheme)
    registry = all_actions(scheme)
    screen_cls: Any = type("AnnotateScreen", (AnnotateScreen,), {"BINDINGS": bindings(registry, "screen"), "__module__": AnnotateScreen.__module__})
    if doc_id is None:
        doc_id = store.neighbour(None, annotator, 1, todo_only=True) or store.neighbour(None, annotator, 1)
    else:
        store.position(doc_id)  # raises a clear StoreError for an unknown id
    if doc_id is None:
        from annotator.errors import AnnotatorError

        raise AnnotatorError("the store holds no document")
    return AnnotatorApp(Session(store, scheme, annotator), doc_id, registry, screen_cls)


def build_review_app(store: Store, scheme: Scheme, reviewer: str, doc_id: str | None = None,
                     min_agree: int | None = None) -> AnnotatorApp:
    """The review app on ``doc_id`` (default: the first document not yet reviewed)."""
    from annotator.errors import AnnotatorError
    from annotator.review.session import ReviewSession
    from annotator.tui.actions import review_actions
    from annotator.tui.screens.review import ReviewScreen

    check_hotkeys(scheme)
    registry = review_actions(scheme)
    screen_cls: Any = type("ReviewScreen", (ReviewScreen,), {"BINDINGS": bindings(registry, "screen"),
                                                             "__module__": ReviewScreen.__module__})
    session = ReviewSession(store, scheme, reviewer, min_agree)
    docs = session.documents()
    if not docs:
        raise AnnotatorError("nothing to review: no document has another annotator's record")
    if doc_id is None:
        status = {d.id: d.status for d in store.documents(reviewer)}
        doc_id = next((d for d in docs if status.get(d) != "done"), docs[0])
    elif doc_id not in docs:
        raise AnnotatorError(f"document {doc_id!r} has no record of anyone but {reviewer!r}")
    return AnnotatorApp(session, doc_id, registry, screen_cls)


def run_tui(store: Store, scheme: Scheme, annotator: str, doc_id: str | None = None) -> int:
    build_app(store, scheme, annotator, doc_id).run()
    return 0
