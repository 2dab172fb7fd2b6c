"""Edit the focused span's attributes: one typed field per attribute of its label.

Enter (in any field, a list included) or ctrl+s saves through the store; a value the scheme refuses
shows the validation message under its field and nothing is saved. On a list field space or an
arrow opens the list (Enter then picks an entry). A number is read the French way (``29.307`` is
29307, ``2,5`` is 2.5) and shown as understood beside its field while it is typed. Escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from annotator.model.types import Span
from annotator.schema.definition import AttrDef
from annotator.text.numbers import NotANumber, parse_number
from annotator.text.sanitize import display_line

# save(attrs) -> None when saved, else (field, message) of the refusal
SaveFn = Callable[[dict[str, Any]], "tuple[str | None, str] | None"]


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


class FormSelect(Select[Any]):
    """A list field of the form: Enter saves the form (as the hint says), space or an arrow opens
    the list; in the open list Enter picks the entry."""

    BINDINGS: ClassVar = [
        Binding("enter", "screen.save", "Save", show=False),
        Binding("down,space,up", "show_overlay", "Show menu", show=False),
    ]


class AttrForm(ModalScreen[bool]):
    BINDINGS: ClassVar = [Binding("escape", "dismiss(False)", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, span: Span, attrs: tuple[AttrDef, ...], spans: Mapping[str, Span],
                 save: SaveFn) -> None:
        super().__init__()
        self.span = span
        self.attr_defs = attrs
        self.spans = spans
        self.save_fn = save

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -small"):
            yield Static(Text(f"{self.span['label']} {self.span['id']}: " + display_line(self.span["text"][:100])),
                         classes="title")
            if not self.attr_defs:
                yield Static(Text("This label has no attributes."), classes="hint")
            for a in self.attr_defs:
                yield Static(Text(f"{a.name} ({a.type}{', required' if a.required else ''})"))
                yield self._field(a)
                if a.type == "number":
                    yield Static(self._understood(self.span["attrs"].get(a.name)), classes="hint",
                                 id=f"value-{a.name}")
                yield Static("", classes="error", id=f"error-{a.name}")
            yield Static(Text("Enter or ctrl+s saves; tab goes to the next field; on a list, space or ↓ opens it "
                              "and Enter picks; Escape cancels."), classes="hint")
            yield Button("Save", id="save", variant="primary")

    @staticmethod
    def _understood(value: object) -> Text:
        """What a number field holds, as it will be saved."""
        if isinstance(value, NotANumber):
            return Text("✗ " + display_line(value.reason))
        return Text("(unset)" if value is None else f"= {value}")

    def _field(self, a: AttrDef) -> Input | Select[Any]:
        value = self.span["attrs"].get(a.name)
        fid = f"field-{a.name}"
        if a.type == "choice":
            return FormSelect([(c, c) for c in a.choices], value=value if value is not None else Select.NULL, id=fid,
                              prompt="(unset)")
        if a.type == "bool":
            return FormSelect([("true", True), ("false", False)], value=Select.NULL if value is None else value,
                              id=fid, prompt="(unset)")
        if a.type == "ref":
            options = [(Text(display_line(f"{s['text'][:50]}  [{s['id']}]")), s["id"]) for s in
                       sorted(self.spans.values(), key=lambda s: s["start"]) if s["label"] in a.targets]
            return FormSelect(options, value=value if value is not None else Select.NULL, id=fid, prompt="(unset)")
        placeholders = {"timex": "e.g. 2014-08, 2018-04-26, 2018-W17, PRESENT_REF", "number": "e.g. 75, 29 307 or 2,5"}
        placeholder = placeholders.get(a.type, "")
        return Input(value="" if value is None else str(value), placeholder=placeholder, id=fid)

    def on_mount(self) -> None:
        if self.attr_defs:
            self.query_one(f"#field-{self.attr_defs[0].name}").focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """Show a number as understood while it is typed."""
        name = (event.input.id or "").removeprefix("field-")
        if any(a.name == name and a.type == "number" for a in self.attr_defs):
            self.query_one(f"#value-{name}", Static).update(self._understood(parse_quantity(event.value)))

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
        for a in self.attr_defs:
            self.query_one(f"#error-{a.name}", Static).update("")
        attrs = self.collect()
        refusal = self.save_fn(attrs) if isinstance(attrs, dict) else (f"attrs.{attrs[0]}", attrs[1])
        if refusal is None:
            self.dismiss(True)
            return
        field, message = refusal
        name = (field or "").removeprefix("attrs.").split(".")[0]
        target = f"#error-{name}" if any(a.name == name for a in self.attr_defs) else None
        if target:
            self.query_one(target, Static).update(Text("✗ " + display_line(message)))
            self.query_one(f"#field-{name}").focus()
        else:
            self.notify(display_line(f"{field}: {message}" if field else message), severity="error", markup=False)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _pressed(self) -> None:
        self.action_save()
