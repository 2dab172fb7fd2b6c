"""Edit the focused span's attributes: one typed field per attribute of its label, in a panel
drawn over the article on the screen that opened it.

Enter (in any field, a list included) or ctrl+s saves through the store; a value the scheme refuses
shows the validation message under its field and nothing is saved. On a list field space or an
arrow opens the list (Enter then picks an entry). A number is read the French way (``29.307`` is
29307, ``2,5`` is 2.5) and shown as understood beside its field while it is typed. Escape cancels,
and so does moving the focus out of the panel (a click on the article).

It is a panel, not a screen: a label's form is composed once, on its first opening, then hidden and
shown again with the span's values, so opening it draws only its own region, in the key's own
handler (EditingScreen.layout_now), from its own widgets (direct_paint.paint_overlay). As a modal
screen it was composed on every opening and painted the whole terminal, the screen below blended
through its translucent background: 45-60 ms a press in a real terminal; 12-14 ms now, most of it
the screen's layout pass and the form's widgets rendered (benchmarks/bench_terminal.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from annotator.model.types import Span
from annotator.schema.definition import AttrDef
from annotator.text.numbers import NotANumber, parse_number
from annotator.text.sanitize import display_line

# save(attrs) -> None when saved, else (field, message) of the refusal
SaveFn = Callable[[dict[str, Any]], "tuple[str | None, str] | None"]

HINT = ("Enter or ctrl+s saves; tab goes to the next field; on a list, space or ↓ opens it and Enter picks; "
        "Escape (or a click outside) cancels.")
PLACEHOLDERS = {"timex": "e.g. 2014-08, 2018-04-26, 2018-W17, PRESENT_REF", "number": "e.g. 75, 29 307 or 2,5"}


# -- a number as typed ---------------------------------------------------------------------------


def parse_quantity(raw: str) -> int | float | None | NotANumber:
    """A number typed the French way (``29.307``, ``1 200`` with any of the spaces French uses,
    ``2,5``, ``1,5 million``, ``soixante``): its value; empty -> None (unset); anything else, or a
    count with no single value (``des dizaines``) -> why it is not a number."""
    if not raw.strip():
        return None
    number = parse_number(raw)
    if isinstance(number, NotANumber):
        return number
    if number.value is None:
        return NotANumber(f"{raw.strip()!r} has no single value: type the number (e.g. 30)")
    return number.value


def understood(value: object) -> Text:
    """What a number field holds, as it will be saved."""
    if isinstance(value, NotANumber):
        return Text("✗ " + display_line(value.reason))
    return Text("(unset)" if value is None else f"= {value}")


class FormSelect(Select[Any]):
    """A list field of the form: Enter saves the form (as the hint says), space or an arrow opens
    the list; in the open list Enter picks the entry."""

    BINDINGS: ClassVar = [
        Binding("enter", "save_form", "Save", show=False),
        Binding("down,space,up", "show_overlay", "Show menu", show=False),
    ]

    def action_save_form(self) -> None:
        form = next((a for a in self.ancestors if isinstance(a, AttrForm)), None)
        if form is not None:
            form.action_save()


class AttrForm(Widget):
    """One label's attribute fields over the article (see the module docstring): :meth:`open`
    shows it for a span, and it posts :class:`Closed` when it hides again."""

    # tab and shift+tab go round the fields (the screen's own tab, next span, is off meanwhile)
    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save"),
                          Binding("tab", "next_field(1)", "Next field", show=False),
                          Binding("shift+tab", "next_field(-1)", "Previous field", show=False)]
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
        padding: 0 1;
    }
    AttrForm > VerticalScroll { height: auto; max-height: 100%; }
    AttrForm .title { text-style: bold; color: $accent; height: 1; margin-bottom: 1; }
    AttrForm .hint { color: $text-muted; height: auto; }
    AttrForm .error { color: $error; height: auto; }
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
        self.span: Span | None = None
        self.save_fn: SaveFn | None = None
        self.is_open = False
        self.opened = 0  # times shown (tests count compositions against it)

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):
            yield Static("", classes="title", id="form-title")
            if not self.attr_defs:
                yield Static(Text("This label has no attributes."), classes="hint")
            for a in self.attr_defs:
                yield Static(Text(f"{a.name} ({a.type}{', required' if a.required else ''})"))
                yield self._field(a)
                if a.type == "number":
                    yield Static("", classes="hint", id=f"value-{a.name}")
                yield Static("", classes="error", id=f"error-{a.name}")
            yield Static(Text(HINT), classes="hint")
            yield Button("Save", id="save", variant="primary")

    @staticmethod
    def _field(a: AttrDef) -> Input | Select[Any]:
        fid = f"field-{a.name}"
        if a.type == "choice":
            return FormSelect([(c, c) for c in a.choices], id=fid, prompt="(unset)")
        if a.type == "bool":
            return FormSelect([("true", True), ("false", False)], id=fid, prompt="(unset)")
        if a.type == "ref":
            return FormSelect([], id=fid, prompt="(unset)")  # the document's spans: filled on each opening
        return Input(placeholder=PLACEHOLDERS.get(a.type, ""), id=fid)

    # -- opening and closing --------------------------------------------------------------------------

    def open(self, span: Span, spans: Mapping[str, Span], save: SaveFn) -> None:
        """Show the form for ``span`` (of this form's label), its fields holding its attributes."""
        self.span, self.save_fn = span, save
        self.query_one("#form-title", Static).update(
            Text(f"{span['label']} {span['id']}: " + display_line(span["text"][:100])))
        for a in self.attr_defs:
            value = span["attrs"].get(a.name)
            field = self.query_one(f"#field-{a.name}")
            if isinstance(field, Select):
                if a.type == "ref":
                    field.set_options([(Text(display_line(f"{s['text'][:50]}  [{s['id']}]")), s["id"]) for s in
                                       sorted(spans.values(), key=lambda s: s["start"]) if s["label"] in a.targets])
                field.value = Select.NULL if value is None else value
            elif isinstance(field, Input):
                field.value = "" if value is None else str(value)
                field.cursor_position = len(field.value)
            if a.type == "number":
                self.query_one(f"#value-{a.name}", Static).update(understood(value))
            self.query_one(f"#error-{a.name}", Static).update("")
        self.is_open = True
        self.opened += 1
        self._centre()
        self.visible = True
        first = self.query_one(f"#field-{self.attr_defs[0].name}" if self.attr_defs else "#save")
        self.screen.set_focus(first, scroll_visible=False)  # now, its focus style in the first frame

    def _centre(self) -> None:
        """Centred across the screen (an overlay is placed by its offset, not by its parent's align)."""
        width = self.screen.size.width
        own = min(110, width * 80 // 100)
        self.styles.offset = (max(0, (width - own) // 2), 2)

    def on_resize(self) -> None:
        self._centre()

    def close(self, saved: bool) -> None:
        if not self.is_open:
            return
        self.is_open = False
        self.visible = False
        self.post_message(self.Closed(self, saved))

    def action_next_field(self, step: int) -> None:
        """Focus the next (or, -1, the previous) field, round the form's fields and its button."""
        fields = [w for w in self.screen.focus_chain if self in w.ancestors]
        if not fields:
            return
        focused = self.screen.focused
        i = fields.index(focused) if focused in fields else -step
        fields[(i + step) % len(fields)].focus()

    def action_cancel(self) -> None:
        self.close(False)

    @on(events.DescendantBlur)
    def _focus_left(self) -> None:
        """Focus moved out of the form (a click elsewhere): cancelled, as Escape does."""
        self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        focused = self.screen.focused if self.is_open else None
        if self.is_open and (focused is None or self not in focused.ancestors):
            self.close(False)

    # -- typing and saving -------------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """Show a number as understood while it is typed."""
        name = (event.input.id or "").removeprefix("field-")
        if any(a.name == name and a.type == "number" for a in self.attr_defs):
            self.query_one(f"#value-{name}", Static).update(understood(parse_quantity(event.value)))

    def collect(self) -> dict[str, Any] | tuple[str, str]:
        """The attributes as typed, or (attribute, reason) for a number that cannot be read."""
        out: dict[str, Any] = {}
        for a in self.attr_defs:
            w = self.query_one(f"#field-{a.name}")
            if isinstance(w, Select):
                v = w.value
                out[a.name] = None if v is Select.NULL else v
            elif isinstance(w, Input):
                raw = w.value
                if a.type == "number":
                    number = parse_quantity(raw)
                    if isinstance(number, NotANumber):
                        return a.name, number.reason
                    out[a.name] = number
                else:
                    out[a.name] = raw if raw.strip() else None
        return out

    def action_save(self) -> None:
        if not self.is_open or self.save_fn is None:
            return
        for a in self.attr_defs:
            self.query_one(f"#error-{a.name}", Static).update("")
        attrs = self.collect()
        refusal = self.save_fn(attrs) if isinstance(attrs, dict) else (f"attrs.{attrs[0]}", attrs[1])
        if refusal is None:
            self.close(True)
            return
        field, message = refusal
        name = (field or "").removeprefix("attrs.").split(".")[0]
        if any(a.name == name for a in self.attr_defs):
            self.query_one(f"#error-{name}", Static).update(Text("✗ " + display_line(message)))
            self.query_one(f"#field-{name}").focus()
        else:
            self.notify(display_line(f"{field}: {message}" if field else message), severity="error", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()
