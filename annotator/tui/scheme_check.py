"""What the terminal screens need of a scheme, checked before anything is drawn.

Reading a scheme (``annotator.schema``) checks what every command needs. The screens need more:
each label's colour must be one that both Rich (the span and candidate lists, the attribute
panel) and Textual (the article) can parse, or the first span drawn in it crashes the app; and
each label's hotkey must be free on the annotate and the review screens. Both are the TUI's own
knowledge -- its colour parsers, its action registry (``annotator.tui.actions``) -- so the check
lives here, above the core, and ``annotator schema`` (the command line, the floor above both)
runs it too: one list of keys, read where it is kept, and a core that never imports Textual.
"""

from __future__ import annotations

from annotator.errors import SchemeError
from annotator.schema import Scheme
from annotator.tui.actions import check_hotkeys

EXAMPLES = '(e.g. "#4e9a06", "green")'


def _hex(r: int, g: int, b: int) -> str:
    return f"#{r:02x}{g:02x}{b:02x}"


def color_problem(spec: str) -> str | None:
    """Why ``spec`` cannot be a label's colour on screen (None: it can). Both parsers must take
    it; when only one does, the message gives the same colour as ``#rrggbb``, which both take."""
    from rich.color import Color as RichColor
    from rich.color import ColorParseError as RichColorError
    from textual.color import Color as TextualColor
    from textual.color import ColorParseError as TextualColorError

    rich: RichColor | None
    textual: TextualColor | None
    try:
        rich = RichColor.parse(spec)
    except RichColorError:
        rich = None
    suggested = None
    try:
        textual = TextualColor.parse(spec)
    except TextualColorError as exc:
        textual = None
        suggested = exc.suggested_color
    if rich is not None and textual is not None:
        return None
    if rich is None and textual is None:
        hint = ""
        if suggested and color_problem(suggested) is None:
            hint = f"; did you mean {suggested!r}?"
        return f"{spec!r} is not a colour {EXAMPLES}{hint}"
    if textual is not None:  # a CSS name Rich does not know (crimson, orange)
        return (f"{spec!r} is a colour for the article but not for the side panel (Rich does not know it); "
                f"write it as {_hex(*textual.rgb)!r}")
    assert rich is not None  # a terminal colour name Textual does not know (grey50, bright_red)
    triplet = rich.get_truecolor()
    return (f"{spec!r} is a colour for the side panel but not for the article (Textual does not know it); "
            f"write it as {_hex(triplet.red, triplet.green, triplet.blue)!r}")


def check_scheme(scheme: Scheme) -> None:
    """Refuse, naming the file and the entry, a scheme the screens cannot show: a colour that is
    not one, or a hotkey that is already a key of the annotate or review screen."""
    for lab in scheme.labels:
        problem = color_problem(lab.color)
        if problem is not None:
            raise SchemeError(f"{scheme.path}: label {lab.name}: color {problem}")
    check_hotkeys(scheme)
