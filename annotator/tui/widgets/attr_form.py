"""Edit the focused span's attributes: one typed field per attribute of its label, in a panel
drawn over the article on the screen that opened it.

Enter (in any field, a list included) or ctrl+s saves through the store; a value the scheme refuses
shows the validation message under its field and nothing is saved. Tab and ↑ ↓ go from field to
field. On a list field ← and → change the value, space or a letter opens the list (↑ ↓ move in it,
a letter jumps, Enter picks, Escape closes it). A number is read the French way (``29.307`` is
29307, ``2,5`` is 2.5) and shown as understood under its field while it is typed. Escape cancels,
and so does moving the focus out of the form (a click on the article); the terminal losing the
focus (another window) does not.

It is one widget drawn through the Line API from its fields' state (form_fields.py; its rows:
form_rows.py), not a tree of Input and Select widgets: opening it is one widget to place and ~15
rows to draw, in the key's own handler (EditingScreen.layout_now, direct_paint.paint_overlay), and
a key typed in it redraws its box the same way. Composed of a dozen widgets, its opening cost a
layout pass over all of them (their heights measured by wrapping their text) and a render of each:
8-9 ms in the handler, 16 / 23 ms (median / p95) to the terminal; ~9 / 12 ms now
(benchmarks/bench_terminal.py). The screen composes one form per label of its scheme, hidden;
each opening shows it with the span's values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from annotator.model.types import Span
from annotator.schema.definition import AttrDef
from annotator.text.numbers import NotANumber
from annotator.text.sanitize import display_line
from annotator.tui.widgets.form_fields import FormField, ListField, TextField, make_field, parse_quantity
from annotator.tui.widgets.form_rows import LIST_ROWS, FormRows, Row, draw_form

__all__ = ["AttrForm", "NotANumber", "SaveFn", "parse_quantity"]

# save(attrs) -> None when saved, else (field, message) of the refusal
SaveFn = Callable[[dict[str, Any]], "tuple[str | None, str] | None"]

# editing keys of a text field -> TextField.edit's command
TEXT_KEYS = {"left": "left", "right": "right", "home": "home", "end": "end", "ctrl+a": "home", "ctrl+e": "end",
             "ctrl+left": "word_left", "ctrl+right": "word_right", "backspace": "backspace", "delete": "delete",
             "ctrl+w": "delete_word_left", "ctrl+backspace": "delete_word_left", "ctrl+u": "delete_to_start",
             "ctrl+k": "delete_to_end"}


def _span_entries(spans: Mapping[str, Span], targets: tuple[str, ...]) -> tuple[
        Callable[[], list[tuple[str, str]]], Callable[[str], str]]:
    """A ref field's entries, the spans it may point to in the text's order (listed when needed),
    and how one is shown."""

    def shown(span_id: str) -> str:
        span = spans.get(span_id)
        return span_id if span is None else f"{span['text'][:50]}  [{span_id}]"

    def entries() -> list[tuple[str, str]]:
        ordered = sorted((s for s in spans.values() if s["label"] in targets), key=lambda s: s["start"])
        return [(shown(s["id"]), s["id"]) for s in ordered]

    return entries, shown


def _box_width(screen_width: int) -> int:
    """The form's width on a screen this wide, as its CSS sets it (``width: 80%; max-width: 110``)."""
    return min(110, screen_width * 80 // 100)


class AttrForm(Widget, can_focus=True):
    """One label's attribute fields over the article (see the module docstring): :meth:`open`
    shows it for a span, and it posts :class:`Closed` when it hides again."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "attr-form--title", "attr-form--name", "attr-form--muted", "attr-form--error", "attr-form--field",
        "attr-form--field-focused", "attr-form--cursor", "attr-form--placeholder", "attr-form--entry",
        "attr-form--entry-highlighted", "attr-form--button", "attr-form--button-focused"}
    # Over the screen, off its layout, two rows below the header, centred across (:meth:`_centre`),
    # as wide as the article is readable. Hidden by its visibility, not its display: a widget that
    # leaves or joins the screen's arrangement moves every sibling's place in the drawing order,
    # and Textual then repaints the whole screen. Opaque: a translucent form would have the
    # article below rendered again and blended through it.
    DEFAULT_CSS = """
    AttrForm {
        overlay: screen;
        position: absolute;
        offset: 0 2;
        width: 80%;
        max-width: 110;
        height: auto;
        max-height: 80%;
        visibility: hidden;
        border: thick $primary;
        background: $surface;
        color: $foreground;
        padding: 0 1;
    }
    AttrForm > .attr-form--title { color: $accent; text-style: bold; }
    AttrForm > .attr-form--name { text-style: bold; }
    AttrForm > .attr-form--muted { color: $text-muted; }
    AttrForm > .attr-form--error { color: $text-error; }
    AttrForm > .attr-form--field { background: $panel; }
    AttrForm > .attr-form--field-focused { background: $primary-muted; }
    AttrForm > .attr-form--cursor { background: $input-cursor-background; color: $input-cursor-foreground; }
    AttrForm > .attr-form--placeholder { color: $text-disabled; }
    AttrForm > .attr-form--entry { background: $panel; }
    AttrForm > .attr-form--entry-highlighted {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    AttrForm > .attr-form--button { background: $primary; color: $text; }
    AttrForm > .attr-form--button-focused { background: $primary; color: $text; text-style: bold reverse; }
    """

    class Closed(Message):
        """The form was saved (``saved``) or cancelled, and is hidden."""

        def __init__(self, form: AttrForm, saved: bool) -> None:
            super().__init__()
            self.form = form
            self.saved = saved

    def __init__(self, label: str, attrs: tuple[AttrDef, ...], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.label = label
        self.attr_defs = attrs
        self.fields: list[FormField] = [make_field(a) for a in attrs]
        self.focus_index = 0  # a field, or len(fields): the Save button
        self.title = ""
        self.span: Span | None = None
        self.save_fn: SaveFn | None = None
        self.is_open = False
        self.can_focus = False  # only while shown
        self.opened = 0  # times shown
        self.rows_rendered = 0  # rows drawn for the terminal (tests count them)
        self._drawn: FormRows | None = None  # its rows at the width they were drawn for
        self._styles: dict[str, Style] = {}  # part_style's

    # -- what is asked of it ----------------------------------------------------------------------------

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.attr.name == name)

    @property
    def focused_field(self) -> FormField | None:
        """The field with the keys (None: the Save button has them)."""
        return self.fields[self.focus_index] if self.focus_index < len(self.fields) else None

    def text(self) -> str:
        """The form's rows as plain text (what it shows; tests read it)."""
        return "\n".join(strip.text.rstrip() for strip in self._layout(self._content_width()).lines)

    # -- opening and closing --------------------------------------------------------------------------

    def open(self, span: Span, spans: Mapping[str, Span], save: SaveFn) -> None:
        """Show the form for ``span`` (of this form's label), its fields holding its attributes."""
        self.span, self.save_fn = span, save
        self.title = f"{span['label']} {span['id']}: " + display_line(span["text"][:100])
        for f in self.fields:
            if isinstance(f, ListField) and f.attr.type == "ref":
                f.set_source(*_span_entries(spans, f.attr.targets))
            f.load(span["attrs"].get(f.attr.name))
        self.focus_index = 0
        self.is_open = True
        self.opened += 1
        self.can_focus = True
        self._changed(layout=True, now=False)  # (the screen lays it out once it is shown)
        self._centre()
        self.visible = True
        self.screen.set_focus(self, scroll_visible=False)  # now: its focus in the first frame

    def _centre(self) -> None:
        """Centred across the screen (an overlay is placed by its offset, not by its parent's align)."""
        width = self.screen.size.width
        self.styles.offset = (max(0, (width - _box_width(width)) // 2), 2)

    def on_resize(self) -> None:
        self._centre()

    def close(self, saved: bool) -> None:
        if not self.is_open:
            return
        self.is_open = False
        self.can_focus = False
        self.visible = False
        self.post_message(self.Closed(self, saved))

    def _on_focus(self, event: events.Focus) -> None:
        """It is drawn with the keys from its first frame (open is focused): Textual's own handler
        (not run) would draw the whole form again, a frame later, through the article under it."""
        event.prevent_default()
        self.has_focus = True
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def on_blur(self) -> None:
        """Focus moved out of the form (a click elsewhere): cancelled, as Escape does. Not when the
        terminal lost the focus (another window, another tmux pane): Textual then takes the focus
        from every widget, and gives it back to the form when the terminal has it again."""
        self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        if self.is_open and self.app.app_focus and self.screen.focused is not self:
            self.close(False)

    # -- keys ---------------------------------------------------------------------------------------------

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character.isprintable()

    async def _on_key(self, event: events.Key) -> None:
        if not self.is_open:
            return
        if self._key(event.key, event.character if event.is_printable else None):
            event.stop()
            event.prevent_default()

    def _key(self, key: str, character: str | None) -> bool:
        """Do what ``key`` does in the form: whether it was the form's."""
        f = self.focused_field
        opened = f if isinstance(f, ListField) and f.is_open else None
        if key == "escape":
            if opened is not None:
                opened.close()
                self._changed(layout=True)
            else:
                self.close(False)
        elif key == "ctrl+s":
            self.action_save()
        elif key in ("tab", "shift+tab"):
            self.action_next_field(1 if key == "tab" else -1)
        elif key == "enter":
            if opened is not None:
                opened.pick()
                self._changed(layout=True)
            else:
                self.action_save()
        elif isinstance(f, ListField):
            return self._list_key(f, key, character)
        elif isinstance(f, TextField):
            return self._text_key(f, key, character)
        elif key in ("down", "up"):  # on the button
            self.action_next_field(1 if key == "down" else -1)
        elif key == "space":
            self.action_save()
        else:
            return False
        return True

    def _list_key(self, f: ListField, key: str, character: str | None) -> bool:
        if f.is_open:
            steps = {"down": 1, "up": -1, "pagedown": LIST_ROWS, "pageup": -LIST_ROWS,
                     "home": -len(f.options), "end": len(f.options)}
            if key in steps:
                f.move(steps[key])
            elif character is not None and character != " ":
                f.jump(character)
            else:
                return key == "space"
            self._changed()
            return True
        if key == "space":
            f.open()
            self._changed(layout=True)
        elif key in ("left", "right"):
            f.move(1 if key == "right" else -1)
            self._changed()
        elif key in ("backspace", "delete"):
            f.unset()
            self._changed()
        elif key in ("down", "up"):
            self.action_next_field(1 if key == "down" else -1)
        elif character is not None:
            f.open()
            f.jump(character)
            self._changed(layout=True)
        else:
            return False
        return True

    def _text_key(self, f: TextField, key: str, character: str | None) -> bool:
        if key in TEXT_KEYS:
            if f.edit(TEXT_KEYS[key]):
                self._changed()
        elif character is not None:
            f.insert(character)
            self._changed()
        elif key in ("down", "up"):
            self.action_next_field(1 if key == "down" else -1)
        else:
            return False
        return True

    def on_paste(self, event: events.Paste) -> None:
        f = self.focused_field
        if self.is_open and isinstance(f, TextField):
            event.stop()
            f.insert(event.text)
            self._changed()

    def action_next_field(self, step: int) -> None:
        """Focus the next (or, -1, the previous) field, round the form's fields and its button."""
        f = self.focused_field
        layout = isinstance(f, ListField) and f.is_open
        if isinstance(f, ListField):
            f.close()
        self.focus_index = (self.focus_index + step) % (len(self.fields) + 1)
        self._changed(layout=layout)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if not self.is_open or offset is None:
            return
        event.stop()
        y = self._first_row() + offset.y
        rows = self._layout(self.size.width).rows
        row = rows[y] if 0 <= y < len(rows) else Row()
        if row.save:
            self.focus_index = len(self.fields)
            self.action_save()
            return
        if row.field is None:
            return
        f = self.fields[row.field]
        layout = False
        for other in self.fields:  # another field's list closes
            if other is not f and isinstance(other, ListField) and other.is_open:
                other.close()
                layout = True
        self.focus_index = row.field
        if isinstance(f, ListField) and row.part in ("input", "entry"):
            if row.entry is not None:
                f.highlight = row.entry
                f.pick()
            elif f.is_open:
                f.close()
            else:
                f.open()
            layout = True
        elif isinstance(f, TextField) and row.part == "input" and len(f.text) < self.size.width - 2:
            f.cursor = min(len(f.text), max(0, offset.x - 1))  # where it was clicked (the line unscrolled)
        self._changed(layout=layout)

    # -- saving ---------------------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any] | tuple[str, str]:
        """The attributes as typed, or (attribute, reason) for a number that cannot be read."""
        out: dict[str, Any] = {}
        for f in self.fields:
            value = f.value()
            if isinstance(value, NotANumber):
                return f.attr.name, value.reason
            out[f.attr.name] = value
        return out

    def action_save(self) -> None:
        if not self.is_open or self.save_fn is None:
            return
        for f in self.fields:
            f.error = ""
        attrs = self.collect()
        refusal = self.save_fn(attrs) if isinstance(attrs, dict) else (f"attrs.{attrs[0]}", attrs[1])
        if refusal is None:
            self.close(True)
            return
        where, message = refusal
        name = (where or "").removeprefix("attrs.").split(".")[0]
        for i, f in enumerate(self.fields):
            if f.attr.name == name:
                f.error = "✗ " + display_line(message)
                self.focus_index = i
                break
        else:
            self.notify(display_line(f"{where}: {message}" if where else message), severity="error", markup=False)
        self._changed()

    # -- drawing ----------------------------------------------------------------------------------------------

    def _changed(self, layout: bool = False, now: bool = True) -> None:
        """The fields changed: draw again (``layout``: the rows' count may have changed too), at
        once where the screen can (EditingScreen.layout_now: its box drawn from its own rows, not
        by the compositor through the article under it), else in Textual's next passes."""
        self._drawn = None
        self.refresh(layout=layout)
        layout_now = getattr(self.screen, "layout_now", None) if now and self.is_open else None
        if layout_now is not None:
            layout_now(self)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self._styles.clear()
        self._changed()

    def part_style(self, name: str) -> Style:
        """The rich style of a part of the form (``title``, ``field``...: its component class;
        "": the form's own) over the form's own; kept until the theme changes (each costs a walk
        of the form's ancestors: computed at every opening, they were a third of drawing it)."""
        style = self._styles.get(name)
        if style is None:
            own = self._styles.get("") or self._styles.setdefault("", self.rich_style)
            style = own if not name else own + self.get_component_rich_style(f"attr-form--{name}")
            self._styles[name] = style
        return style

    def _content_width(self) -> int:
        width = self.size.width
        if width <= 0:  # not placed yet: as wide as it will be
            width = _box_width(self.screen.size.width) - 4  # its border and padding
        return max(10, width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout(width).lines)

    def render_line(self, y: int) -> Strip:
        self.rows_rendered += 1
        lines = self._layout(self.size.width).lines
        y += self._first_row()
        return lines[y] if y < len(lines) else Strip.blank(self.size.width, self.part_style(""))

    def _first_row(self) -> int:
        """The row drawn at the top: 0, unless the form is taller than its box (a small terminal,
        a long list open), then the focused row (the list's highlighted entry) is kept mid-box."""
        drawn = self._layout(self.size.width)
        height, count = self.size.height, len(drawn.lines)
        if count <= height:
            return 0
        return max(0, min(drawn.focus_row - height // 2, count - height))

    def _layout(self, width: int) -> FormRows:
        width = max(1, width)
        if self._drawn is None or self._drawn.width != width:
            self._drawn = draw_form(self.title, self.fields, self.focus_index if self.is_open else None,
                                    self.part_style, width)
        return self._drawn
