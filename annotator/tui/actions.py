"""The one registry of TUI actions: it feeds the key bindings, the footer, the help screen and
the command palette, so a key shown anywhere is the key that works.

Each entry names a Textual action string, its default keys, a description and a group. The
article view's own movement keys live here too (scope ``view``); the scheme's hotkeys add one
``tag`` entry per label. A scheme hotkey that collides with a key here is refused at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from annotator.errors import SchemeError
from annotator.schema import Scheme


@dataclass(frozen=True, slots=True)
class ActionDef:
    action: str  # the Textual action string, e.g. "remove_span" or "tag('ACTOR')"
    keys: tuple[str, ...]
    description: str
    group: str
    scope: str = "screen"  # "screen" (the annotate or review screen), "view" (the article view) or "app"
    footer: bool = False
    palette: bool = True
    priority: bool = False
    short: str = ""  # the footer's label; the description when empty

    @property
    def key_text(self) -> str:
        return " / ".join(self.keys)


def _move(action: str, key: str, what: str) -> list[ActionDef]:
    return [
        ActionDef(action, (key,), f"Move {what}", "Move", scope="view", palette=False),
        ActionDef(f"{action}(True)", (f"shift+{key}" if not key.startswith("ctrl+") else f"ctrl+shift+{key[5:]}",),
                  f"Extend the selection {what}", "Select", scope="view", palette=False),
    ]


VIEW_ACTIONS: tuple[ActionDef, ...] = tuple(
    a
    for args in (
        ("cursor_left", "left", "left"),
        ("cursor_right", "right", "right"),
        ("cursor_up", "up", "up a wrapped row"),
        ("cursor_down", "down", "down a wrapped row"),
        ("cursor_row_start", "home", "to the row start"),
        ("cursor_row_end", "end", "to the row end"),
        ("cursor_page_up", "pageup", "up a page"),
        ("cursor_page_down", "pagedown", "down a page"),
        ("cursor_doc_start", "ctrl+home", "to the document start"),
        ("cursor_doc_end", "ctrl+end", "to the document end"),
        ("cursor_word_left", "ctrl+left", "a word left"),
        ("cursor_word_right", "ctrl+right", "a word right"),
    )
    for a in _move(*args)
)

SCREEN_ACTIONS: tuple[ActionDef, ...] = (
    ActionDef("find", ("slash",), "Find in the article", "Find", short="find"),
    ActionDef("find_next", ("n",), "Select the next match", "Find"),
    ActionDef("find_previous", ("N",), "Select the previous match", "Find"),
    ActionDef("toggle_snap", ("t",), "Toggle snapping of selection edges to words", "Tag"),
    ActionDef("next_span", ("tab",), "Focus the next span", "Spans", priority=True),
    ActionDef("previous_span", ("shift+tab",), "Focus the previous span", "Spans", priority=True),
    ActionDef("remove_span", ("delete", "backspace"), "Remove the focused span", "Spans", short="remove"),
    ActionDef("edit_attributes", ("enter",), "Edit the focused span's attributes", "Spans", footer=True,
              short="attributes"),
    ActionDef("pick_speaker", ("s",), "Choose the speaker of the focused quote", "Spans", short="speaker"),
    ActionDef("relabel", ("l",), "Change the focused span's label (its links and attributes kept)", "Spans",
              short="label"),
    ActionDef("move_edges", ("e",), "Move the focused span's edges (e, change the selection, e)", "Spans",
              short="edges"),
    ActionDef("cancel_move", ("escape",), "Give up moving a span's edges", "Spans", palette=False),
    ActionDef("tag_occurrences", ("equals_sign",), "Tag every other occurrence of the focused span's text alike",
              "Spans", short="tag all"),
    ActionDef("next_suggestion", ("j",), "Focus the next suggestion", "Suggestions", short="suggestion"),
    ActionDef("previous_suggestion", ("k",), "Focus the previous suggestion", "Suggestions"),
    ActionDef("accept_suggestion", ("y",), "Accept the focused suggestion (a quote with its speaker)", "Suggestions",
              short="accept"),
    ActionDef("reject_suggestion", ("x",), "Reject the focused suggestion (it never comes back here)",
              "Suggestions", short="reject"),
    ActionDef("accept_all_suggestions", ("Y",), "Accept every suggestion left (one undoable action)",
              "Suggestions", short="accept all"),
    ActionDef("toggle_suggestions", ("o",), "Hide or show the suggestions (for the rest of the session)",
              "Suggestions", short="suggestions"),
    ActionDef("undo", ("ctrl+z",), "Undo (says what it undid)", "History", footer=True, short="undo"),
    ActionDef("redo", ("ctrl+y",), "Redo", "History"),
    ActionDef("next_document", ("right_square_bracket",), "Next document", "Documents"),
    ActionDef("previous_document", ("left_square_bracket",), "Previous document", "Documents"),
    ActionDef("next_todo", ("right_curly_bracket",), "Next document still to do", "Documents"),
    ActionDef("mark_done", ("ctrl+d",), "Mark done and go to the next to do", "Documents", footer=True, short="done"),
    ActionDef("toggle_skip", ("S",), "Mark skipped, go to the next to do (again: not skipped)", "Documents",
              short="skip"),
    ActionDef("document_list", ("g",), "Document list", "Documents", footer=True, short="documents"),
    ActionDef("toggle_all_documents", ("A",), "Show all documents / only those assigned to you", "Documents"),
    ActionDef("flag", ("f",), "Flags: add a comment; see and remove the document's flags", "Documents",
              short="flags"),
    ActionDef("toggle_panel", ("b",), "Show or hide the side panel (hidden under 80 columns)", "App",
              short="panel"),
    ActionDef("app.command_palette", ("ctrl+p",), "Command palette", "App", palette=False),
)

# Bound on the app itself, with priority: they work on every screen, a modal one included. The
# screens bind them too (without priority), which puts them in the footer where the registry does.
APP_ACTIONS: tuple[ActionDef, ...] = (
    ActionDef("app.quit", ("ctrl+q",), "Quit (everything is saved already)", "App", scope="app", footer=True,
              priority=True, short="quit"),
)
# Help and quit come right after the label keys: the footer shows them even at 80 columns.
ESSENTIAL_ACTIONS: tuple[ActionDef, ...] = (
    ActionDef("help", ("question_mark",), "Help: every key", "App", footer=True, short="help"),
    *APP_ACTIONS,
)

# The review screen: its own keys, then the annotation keys that work the same way there.
REVIEW_ACTIONS: tuple[ActionDef, ...] = (
    ActionDef("next_disagreement", ("n",), "Focus the next disagreement still undecided", "Review", footer=True,
              short="next"),
    ActionDef("previous_disagreement", ("p",), "Focus the previous disagreement still undecided", "Review",
              short="previous"),
    ActionDef("accept", ("a",), "Accept the focused candidate into gold (a quote with its speaker)", "Review",
              footer=True, short="accept"),
    ActionDef("reject", ("r",), "Reject the focused candidate (out of gold, decided)", "Review", footer=True,
              short="reject"),
    ActionDef("pick_version", ("v",), "Pick one annotator's version of the disputed region (then its digit)",
              "Review", footer=True, short="version"),
    ActionDef("next_span", ("tab",), "Focus the next candidate", "Spans", priority=True),
    ActionDef("previous_span", ("shift+tab",), "Focus the previous candidate", "Spans", priority=True),
    ActionDef("remove_span", ("delete", "backspace"), "Remove the focused span from gold", "Spans"),
    ActionDef("edit_attributes", ("enter",), "Edit the attributes of the focused span in gold", "Spans"),
    ActionDef("pick_speaker", ("s",), "Choose the speaker of the focused quote in gold", "Spans"),
    ActionDef("undo", ("ctrl+z",), "Undo", "History", footer=True, short="undo"),
    ActionDef("redo", ("ctrl+y",), "Redo", "History"),
    ActionDef("next_document", ("right_square_bracket",), "Next document to review", "Documents"),
    ActionDef("previous_document", ("left_square_bracket",), "Previous document to review", "Documents"),
    ActionDef("mark_done", ("ctrl+d",), "Mark the document reviewed and go to the next one", "Documents",
              footer=True, short="reviewed"),
    ActionDef("toggle_panel", ("b",), "Show or hide the side panel (hidden under 80 columns)", "App",
              short="panel"),
    ActionDef("app.command_palette", ("ctrl+p",), "Command palette", "App", palette=False),
)

KEY_NAMES = {
    "slash": "/", "question_mark": "?", "right_square_bracket": "]", "left_square_bracket": "[",
    "right_curly_bracket": "}", "left_curly_bracket": "{", "equals_sign": "=",
}
# a scheme's hotkey as typed ("]", "?") -> the key name Textual binds
CHAR_KEYS = {v: k for k, v in KEY_NAMES.items()}


def key_display(key: str) -> str:
    return KEY_NAMES.get(key, key)


def footer_key(key: str) -> str:
    """A key as the footer shows it, short: ``ctrl+z`` as ``^z`` (Textual's own ``^p`` style)."""
    return "^" + key[5:] if key.startswith("ctrl+") and "+" not in key[5:] else key_display(key)


def tag_actions(scheme: Scheme) -> tuple[ActionDef, ...]:
    return tuple(
        ActionDef(f"tag('{lab.name}')", (CHAR_KEYS.get(lab.key, lab.key),), f"Tag the selection as {lab.name}", "Tag",
                  footer=True, short=lab.name)
        for lab in scheme.labels
    )


def all_actions(scheme: Scheme) -> tuple[ActionDef, ...]:
    return VIEW_ACTIONS + tag_actions(scheme) + ESSENTIAL_ACTIONS + SCREEN_ACTIONS


def review_actions(scheme: Scheme) -> tuple[ActionDef, ...]:
    return VIEW_ACTIONS + tag_actions(scheme) + ESSENTIAL_ACTIONS + REVIEW_ACTIONS


def _bound_key(key: str) -> str:
    """The key Textual binds for a scheme's hotkey as typed (``]`` -> ``right_square_bracket``)."""
    from textual.binding import Binding

    if key in CHAR_KEYS:
        return CHAR_KEYS[key]
    (bound,) = Binding.make_bindings([Binding(key, "x")])
    return bound.key


def _taken_keys() -> dict[str, str]:
    """Every key the screens already use -> what it does and where: the registry's keys on the
    annotate and review screens, and Textual's own (quit, focus, copy)."""
    from textual.app import App
    from textual.binding import Binding
    from textual.screen import Screen

    taken: dict[str, str] = {}
    for where, actions in (("review screen", ESSENTIAL_ACTIONS + REVIEW_ACTIONS),
                           ("annotate screen", VIEW_ACTIONS + ESSENTIAL_ACTIONS + SCREEN_ACTIONS)):
        for a in actions:
            for k in a.keys:
                taken[k] = f"\"{a.description}\" ({where})"
    for b in Binding.make_bindings([*App.BINDINGS, *Screen.BINDINGS]):
        taken.setdefault(b.key, f"\"{b.description or b.action.replace('_', ' ')}\" (Textual)")
    for k, what in (("escape", "Close"), ("enter", "Confirm")):  # in every dialog
        taken.setdefault(k, f"\"{what}\" (every dialog)")
    return taken


def check_hotkeys(scheme: Scheme) -> None:
    """Refuse a scheme whose hotkeys collide with the tool's own keys (annotate or review screen,
    or Textual's), or that are not one key."""
    taken = _taken_keys()
    for lab in scheme.labels:
        if "," in lab.key:
            raise SchemeError(f"{scheme.path}: label {lab.name}: hotkey {lab.key!r} is several keys; give one")
        key = _bound_key(lab.key)
        if key in taken:
            raise SchemeError(
                f"{scheme.path}: label {lab.name}: hotkey {lab.key!r} is already the key of "
                f"{taken[key]}; choose another key in the scheme"
            )


def bindings(actions: tuple[ActionDef, ...], scope: str) -> list[Binding]:
    """The Textual bindings of ``scope``; a screen also gets the app's, without priority (the
    app's own binding takes over the footer entry in place, so the registry's order holds)."""
    out = []
    for a in actions:
        if a.scope != scope and not (scope == "screen" and a.scope == "app"):
            continue
        for i, key in enumerate(a.keys):
            out.append(Binding(key, a.action, a.short or a.description, show=a.footer and i == 0,
                               priority=a.priority and a.scope == scope, key_display=footer_key(key),
                               tooltip=a.description))
    return out
