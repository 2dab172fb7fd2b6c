"""The annotator App, built by a factory from a store, a scheme and an annotator name."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from annotator.schema import Scheme
from annotator.session import Session
from annotator.store.base import Store
from annotator.tui.actions import APP_ACTIONS, ActionDef, all_actions, bindings
from annotator.tui.scheme_check import check_scheme
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.editing import EditingScreen
from annotator.tui.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.driver import Driver

    from annotator.suggest.process import ScreenSuggesting


class ActionCommands(Provider):
    """Every action of the registry in the command palette (ctrl+p)."""

    def _actions(self) -> list[ActionDef]:
        app = self.app
        return [a for a in app.registry if a.palette] if isinstance(app, AnnotatorApp) else []

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
                yield Hit(score, matcher.highlight(a.description), partial(self._run, a.action),
                          help=f"key: {a.key_text}")


class AnnotatorApp(App[None]):
    TITLE = "annotator"
    CSS_PATH = Path(__file__).parent / "screens" / "modals.tcss"
    COMMANDS = App.COMMANDS | {ActionCommands}
    ENABLE_COMMAND_PALETTE = True
    # quit from the registry (shown in the footer); ctrl+c keeps Textual's meaning (copy in a field,
    # else a note that ctrl+q quits)
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(APP_ACTIONS, "app"),
                                             Binding("ctrl+c", "help_quit", show=False, system=True)]

    def __init__(self, first_screen: Screen[None], registry: tuple[ActionDef, ...]):
        super().__init__()
        self.first_screen = first_screen
        self.registry = registry
        self._early_keys: list[events.Key] | None = None  # typed before the article was laid out
        self._launched = False  # the article was laid out once: no key waits again

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS the one that hands keys over in
        one hop (tui/key_driver.py). A driver named in TEXTUAL_DRIVER (annotator web) is kept."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from annotator.tui.key_driver import KeysAtOnceDriver

            return KeysAtOnceDriver
        return driver

    def _launching(self) -> bool:
        """Whether the first screen is not laid out yet: its article has no rows to move on. The
        article's first rows show before the app starts (tui/first_paint.py), so keys come early."""
        if self._launched:
            return False
        if not self._dom_ready:
            return True
        view = self.first_screen.query(ArticleView).first() if self.first_screen.is_mounted else None
        self._launched = not (view is not None and not view.laid_out and view.scrollable_content_region.width > 0)
        return not self._launched

    def _hold_early_key(self, event: events.Event) -> bool:
        """Keep a key typed during launch (True), to run with the others in order once the article
        is laid out: a cursor key run before then moved nothing and was lost."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            return False
        if self._early_keys is None:
            if not self._launching():
                return False
            self._early_keys = []
            self.set_timer(0.005, self._run_early_keys)
        self._early_keys.append(event)
        return True

    async def _run_early_keys(self) -> None:
        if self._launching():
            self.set_timer(0.005, self._run_early_keys)
            return
        keys, self._early_keys = self._early_keys or [], None
        for key in keys:  # keys typed after them are queued behind this callback
            await self.on_event(key)

    async def on_event(self, event: events.Event) -> None:
        """A key pressed while the article has the focus runs its binding here, as it arrives.

        Textual sends a key to the focused widget first and looks its binding up once the key has
        bubbled back up to the app (the article, its container, the screen, the app: a hop through
        the event loop each, ~1 ms a key in all). The article handles no key of its own but by its
        bindings, so the lookup Textual would make at the end (the same bindings, in the same
        order: the article's, then the screen's, then the app's) is made at once. Every bound key
        takes this one path, so quick keys still run in the order they were typed; a key nothing
        binds goes on as before. Keys typed before the article is laid out wait for it."""
        if self._hold_early_key(event):
            return
        if (isinstance(event, events.Key) and not event.is_forwarded and self._screen_stack
                and isinstance(view := self.focused, ArticleView) and self.screen.maximized is None):
            self.app_focus = True
            screen = self.screen
            screen._clear_tooltip()
            ahead = screen.page_ahead if isinstance(screen, EditingScreen) else None
            if ahead is not None:
                ahead.show(screen, view, event.key)  # a page key's frame, drawn before it (page_ahead.py)
            if await self._check_bindings(event.key, priority=True) or await self._check_bindings(event.key):
                if isinstance(screen, EditingScreen) and self.focused is view:
                    # what the key changed in the article (its rows, its scrollbar) goes out now,
                    # not after the hops of Textual's own repaint (the rest follows as always);
                    # a key that moved the focus away (the attribute form) has painted its frame
                    screen.paint_now((view, view.vertical_scrollbar))
                if ahead is not None:
                    ahead.settle(view)
                    ahead.after_key(screen, view, event.key)  # the next page keys' frames, once idle
                return
            if ahead is not None:
                ahead.settle(view)
        await super().on_event(event)

    def get_default_screen(self) -> Screen[None]:
        """The first screen is the app's own (the bottom of its stack), not pushed over Textual's
        blank default one: that one was composed, laid out and painted before it (issue 15: launch).
        Its CSS is loaded as push_screen loads a pushed screen's (Textual 8.2 leaves that to it)."""
        self._load_screen_css(self.first_screen)
        return self.first_screen

    def _handle_exception(self, error: Exception) -> None:
        """An error nothing handled ends the app, always. Textual's crash report prints the locals of
        the traceback, and one that cannot be printed (a half-built object, as a Style whose colour
        failed to parse) made the report itself raise: the app then sat on a blank screen ignoring
        ctrl+q and ctrl+c. Then the plain traceback is shown instead, and the app ends."""
        try:
            super()._handle_exception(error)
        except Exception:  # noqa: BLE001 - the report failed: end with a plain one
            import traceback

            from rich.text import Text

            report = "".join(traceback.format_exception(error))
            self.panic(Text(report + "annotator: the screen failed (the traceback above); everything the "
                            "screen showed as saved is in the store.\n"))


def build_app(store: Store, scheme: Scheme, annotator: str, doc_id: str | None = None,
              suggesting: ScreenSuggesting | None = None) -> AnnotatorApp:
    """The app on ``doc_id`` (default: the first document still to do, else the first); with
    ``suggesting``, each document's suggestions are shown once a worker has them."""
    check_scheme(scheme)  # colours and hotkeys: refused before anything is drawn
    registry = all_actions(scheme)
    screen_cls = type("AnnotateScreen", (AnnotateScreen,), {"BINDINGS": bindings(registry, "screen"),
                                                            "__module__": AnnotateScreen.__module__})
    session = Session(store, scheme, annotator)
    if doc_id is None:
        doc_id = session.first_document()
    else:
        session.position(doc_id)  # raises a clear StoreError for an unknown id
    if doc_id is None:
        from annotator.errors import AnnotatorError

        raise AnnotatorError("the store holds no document")
    return AnnotatorApp(screen_cls(session, scheme, doc_id, suggesting), registry)


def build_review_app(store: Store, scheme: Scheme, reviewer: str, doc_id: str | None = None,
                     min_agree: int | None = None, ready_only: bool = False) -> AnnotatorApp:
    """The review app on ``doc_id`` (default: the first document not yet reviewed)."""
    from annotator.errors import AnnotatorError
    from annotator.review.session import ReviewSession
    from annotator.tui.actions import review_actions
    from annotator.tui.screens.review import ReviewScreen

    check_scheme(scheme)  # colours and hotkeys: refused before anything is drawn
    registry = review_actions(scheme)
    screen_cls = type("ReviewScreen", (ReviewScreen,), {"BINDINGS": bindings(registry, "screen"),
                                                        "__module__": ReviewScreen.__module__})
    session = ReviewSession(store, scheme, reviewer, min_agree, ready_only)
    if doc_id is None:
        doc_id = session.first_document()
        if doc_id is None and ready_only:
            raise AnnotatorError("nothing ready for review: no assigned document is done by all its annotators "
                                 "(annotator progress)")
        if doc_id is None:
            raise AnnotatorError("nothing to review: no document has a done record of another annotator "
                                 "(a record still in progress is not reviewed)")
    elif not session.position(doc_id):
        raise AnnotatorError(f"document {doc_id!r} has no done record of anyone but {reviewer!r}")
    return AnnotatorApp(screen_cls(session, scheme, doc_id), registry)


def run_tui(store: Store, scheme: Scheme, annotator: str, doc_id: str | None = None,
            suggesting: ScreenSuggesting | None = None, before_run: Callable[[], None] | None = None) -> int:
    """Run the annotate screen until it is quit; ``before_run`` is called once the app is built,
    just before it takes the terminal (the early rows hand it over: tui/first_paint.py)."""
    app = build_app(store, scheme, annotator, doc_id, suggesting)
    if before_run is not None:
        before_run()
    app.run()
    if unsaved_on_exit(app):
        import sys

        print("annotator: you quit while the last action was still waiting for the store (another process was "
              "writing); it may not have been saved: open the document to check", file=sys.stderr)
    return 0 if app.return_code in (0, None) else app.return_code


def unsaved_on_exit(app: AnnotatorApp) -> bool:
    """Whether the app ended while a write still waited for the store (never shown as saved)."""
    screen = app.first_screen
    return isinstance(screen, EditingScreen) and screen.pending is not None
