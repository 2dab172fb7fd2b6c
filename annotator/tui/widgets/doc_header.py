"""The header: document id, its place in the corpus, status, annotator, a save indicator
that only says "saved" once the store has committed the last action, and what the last undo or
redo did (said here rather than in a toast: a toast per press was mounted, stacked and laid out
again on every undo, and each frame drawn while one was shown cost more; issue 15)."""

from __future__ import annotations

from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from annotator.text.sanitize import display_line
from annotator.tui.widgets.render_guard import RenderGuard

STATUS_STYLE = {"todo": "bold", "in_progress": "bold yellow", "done": "bold green", "skipped": "bold magenta"}


class DocHeader(RenderGuard, Widget):
    """One row, drawn by :meth:`render_line` from :meth:`render_text` and kept until a field
    changes: a label repaints it twice (saving, then saved), and as a Static each repaint went
    through Textual's content pipeline (~0.5 ms of the key's first frame on a slow machine)."""

    DEFAULT_CSS = """
    DocHeader { dock: top; height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._row: tuple[int, Strip] | None = None  # (width, the row drawn at that width)
        self.doc_id = ""
        self.position = 0
        self.total = 0
        self.status = "todo"
        self.annotator = ""
        self.flags = 0
        self.saved: str | None = None  # time of the last durable commit
        self.error: str | None = None
        self.snap = True
        self._shown: tuple[object, ...] | None = None  # the fields of the row on screen
        self.waiting = False  # a write waits for the store (another process holds its lock)
        self.saving = False  # an action is drawn and its commit has not returned yet
        self.read_only = False  # the store refuses writes
        self.suggested = ""  # the pending suggestions, short ("◇ 5 suggested"); "" shows nothing
        self.note = ""  # what the last undo or redo did ("Undid: tag ACTOR 'Daech'"); cleared by the next save

    def show(self, **fields: object) -> None:
        for k, v in fields.items():
            setattr(self, k, v)
        shown = (self.doc_id, self.position, self.total, self.status, self.annotator, self.flags, self.snap,
                 self.error, self.saved, self.waiting, self.saving, self.read_only, self.suggested, self.note)
        if shown == self._shown:
            return  # the same row (a second action within the same second): nothing to repaint
        self._shown = shown
        self._row = None
        self.refresh()  # one fixed row: no layout pass

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0:
            return Strip.blank(width, self.rich_style)
        if self._row is None or self._row[0] != width:
            base = self.rich_style
            text = self.render_text()
            text.truncate(width, overflow="ellipsis")
            text.end = ""
            segments = [Segment(seg.text, base + seg.style if seg.style else base)
                        for seg in text.render(self.app.console)]
            blank = Style.from_color(bgcolor=base.bgcolor)  # as Textual pads a Static's row
            self._row = (width, Strip(segments).crop_extend(0, width, blank))
        return self._row[1]

    def notify_style_update(self) -> None:
        self._row = None  # its colours (a theme) changed
        super().notify_style_update()

    def mark_saved(self) -> None:
        """The last action is committed (what an earlier undo said no longer is the latest news)."""
        self.show(saved=datetime.now().strftime("%H:%M:%S"), error=None, saving=False, note="")

    def mark_failed(self, message: str) -> None:
        self.show(error=message, saving=False)

    def render_text(self) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(display_line(self.doc_id), "bold")
        t.append(f"  {self.position} / {self.total}  ")
        t.append(self.status.replace("_", " "), STATUS_STYLE.get(self.status, "bold"))
        t.append("  ✎ ")
        t.append(display_line(self.annotator))
        if self.flags:
            t.append(f"  ⚑ {self.flags}", "bold red")
        hints = Text()  # what the row can do without when a note needs the room
        hints.append("  snap " + ("on" if self.snap else "off"), "dim")
        if self.suggested:
            hints.append("  " + self.suggested, "italic")
        if not self.note:
            t.append_text(hints)
        if self.read_only:
            t.append("  read-only store", "bold black on yellow")
        if self.waiting:
            t.append("  … waiting for the store (not saved yet)", "bold black on yellow")
        elif self.saving:
            t.append("  … saving", "yellow")
        elif self.error:
            t.append("  ✗ NOT SAVED: " + display_line(self.error), "bold white on red")
        elif self.saved:
            t.append(f"  ✓ saved {self.saved}", "green")
        else:
            t.append("  ✓ all saved", "dim")
        if self.note:  # right after the save indicator, so that a long one is not cut by the hints
            t.append("  ↶ " + display_line(self.note), "bold")
            t.append_text(hints)
        return t
