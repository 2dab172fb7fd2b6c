"""The article's first rows on the terminal before the screen is built (issue 15: launch).

Importing Textual and building the annotate screen take ~0.3 s of a launch on a slow machine,
before which the terminal shows nothing. Here, with no Textual import, the first rows of the
document are written where the screen will draw them: in the alternate screen, wrapped as the
article view wraps them (:mod:`annotator.tui.widgets.article_layout`), in the view's colours,
the cursor on the first character. The screen's first frame then draws the header, the side panel,
the footer and the spans' colours around them; the words do not move.

Meanwhile the terminal neither echoes keys nor turns ctrl+c into a signal: what is typed waits in
the terminal's queue and the screen reads it once it runs, in order. :meth:`EarlyPaint.hand_over`
hands the terminal's own settings to the screen's driver (tui/key_driver.py), which restores them
on exit in place of the quiet ones it finds; :meth:`EarlyPaint.undo` leaves the alternate screen
and restores them if the screen never starts (an error is then printed on the normal screen, as
before).

Where the layout differs from the screen's, the screen's first frame wins: every row it draws
replaces what is here. ``tests/tui/test_first_paint.py`` checks, at several terminal sizes, that
the rows written here are the article's rows of that first frame, character for character.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from annotator.text.sanitize import safe_display
from annotator.tui.widgets.article_layout import wrap

# The annotate screen's geometry (screens/annotate.tcss, widgets/doc_header.py, key_footer.py):
# one header row on top, one footer row at the bottom; the side panel 52 columns wide from 120
# columns on, 32 from 80, hidden below; the article's padding one column each side, its scrollbar one.
SIDE_WIDTHS = ((120, 52), (80, 32), (0, 0))
HEADER_ROWS, FOOTER_ROWS = 1, 1
PAD_LEFT, PAD_RIGHT, SCROLLBAR = 1, 1, 1
# The article's colours in Textual's default theme (textual-dark): $surface and $foreground.
SURFACE, FOREGROUND = (0x1E, 0x1E, 0x1E), (0xE0, 0xE0, 0xE0)
ENV_OFF = "ANNOTATOR_NO_FIRST_PAINT"  # set (to anything): no early rows


@dataclass(frozen=True)
class ArticleBox:
    """Where the article view's text goes on a terminal of a given size."""

    x: int
    y: int
    width: int  # cells of text a row (the wrap width)
    rows: int


def article_box(columns: int, lines: int) -> ArticleBox | None:
    """The article's text box on a ``columns`` x ``lines`` terminal (None: too small to bother)."""
    side = next(w for at_least, w in SIDE_WIDTHS if columns >= at_least)
    width = columns - side - PAD_LEFT - PAD_RIGHT - SCROLLBAR
    rows = lines - HEADER_ROWS - FOOTER_ROWS
    if width < 10 or rows < 3:
        return None
    return ArticleBox(PAD_LEFT, HEADER_ROWS, width, rows)


def first_rows(text: str, box: ArticleBox) -> list[str]:
    """The first ``box.rows`` rows of ``text`` as the article view draws them (a line end is a
    blank cell, nothing a terminal obeys). Only a prefix of a long text is wrapped: greedy
    wrapping decides a row from the text after its start alone, so the rows before the prefix's
    last are those of the whole text."""
    limit = max(4096, box.rows * box.width * 4)
    shown = safe_display(text[:limit])
    starts = wrap(shown, box.width)
    ends = [*starts[1:], len(shown)]
    count = len(starts) if len(text) <= limit else len(starts) - 2  # the last rows may end early
    return [shown[a:b].replace("\n", " ") for a, b in zip(starts[:count], ends[:count])][: box.rows]


def _sgr(rgb: tuple[int, int, int], ground: int) -> str:
    return f"\x1b[{ground};2;{rgb[0]};{rgb[1]};{rgb[2]}m"


def render(rows: list[str], box: ArticleBox, truecolor: bool) -> str:
    """What is written: the alternate screen, cleared in the article's background, the rows at
    their places, the cursor (reverse) on the first character, the terminal's cursor hidden."""
    colours = _sgr(FOREGROUND, 38) + _sgr(SURFACE, 48) if truecolor else ""
    out = ["\x1b[?1049h\x1b[?25l", colours, "\x1b[H\x1b[2J"]
    for i, row in enumerate(rows):
        out.append(f"\x1b[{box.y + i + 1};{box.x + 1}H")
        if i == 0 and row:
            out.append(f"\x1b[7m{row[0]}\x1b[27m{row[1:]}")
        else:
            out.append(row)
    out.append("\x1b[0m")
    return "".join(out)


_handed: list[Any] | None = None  # the terminal's own settings, handed to the driver that starts next


def take_handed_settings() -> list[Any] | None:
    """The terminal's own settings, once (the screen's driver restores them on exit): None when no
    early rows were drawn."""
    global _handed
    settings, _handed = _handed, None
    return settings


class EarlyPaint:
    """The rows written, and the terminal's settings to give back (see the module docstring)."""

    def __init__(self, stream: TextIO, fd: int, attrs: list[Any]) -> None:
        self._stream, self._fd, self._attrs = stream, fd, attrs
        self._open = True

    def hand_over(self) -> None:
        """Textual takes the terminal now: its driver sets its modes over these quiet ones (so a
        key typed in between is not echoed either) and restores the terminal's own on exit
        (tui/key_driver.py takes them with :func:`take_handed_settings`)."""
        global _handed
        if self._open:
            self._open = False
            _handed = self._attrs

    def undo(self) -> None:
        """Nothing will be drawn over the rows (the screen did not start, or its driver never took
        the terminal): the normal screen and the terminal's settings back. A no-op otherwise."""
        global _handed
        if self._open or _handed is self._attrs:
            self._open = False
            _handed = None
            self._stream.write("\x1b[0m\x1b[?25h\x1b[?1049l")
            self._stream.flush()
            import termios

            try:
                termios.tcsetattr(self._fd, termios.TCSANOW, self._attrs)
            except termios.error:
                pass


def paint_first_rows(text: str) -> EarlyPaint | None:
    """Write the first rows of ``text`` on the terminal, where Textual draws (stderr, keys read from
    stdin: both must be one), or None where that is not done: not a terminal, a dumb one, one too
    small, no termios (Windows), a Textual driver of another kind, or ``ANNOTATOR_NO_FIRST_PAINT`` set."""
    if os.environ.get(ENV_OFF) or os.environ.get("TEXTUAL_DRIVER") or os.environ.get("TERM", "dumb") == "dumb":
        return None  # TEXTUAL_DRIVER: the screen draws elsewhere (annotator web, a test harness)
    stream, keys = sys.__stderr__, sys.__stdin__
    if stream is None or keys is None or not stream.isatty() or not keys.isatty():
        return None
    try:
        import termios
    except ImportError:
        return None
    fd = keys.fileno()
    size = shutil.get_terminal_size((0, 0))  # as Textual's driver measures it (COLUMNS, LINES, else stdout)
    box = article_box(size.columns, size.lines)
    if box is None:
        return None
    try:
        attrs = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)  # lflag
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except termios.error:
        return None
    early = EarlyPaint(stream, fd, attrs)
    try:
        truecolor = os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit")
        stream.write(render(first_rows(text, box), box, truecolor))
        stream.flush()
    except BaseException:
        early.undo()
        raise
    return early
