"""Edit the focused span's attributes: one typed field per attribute of its label.

Enter (in a text field) or ctrl+s saves through the store; a value the scheme refuses shows the
validation message under its field and nothing is saved. Escape cancels.
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
from annotator.text.sanitize import display_line

# save(attrs) -> None when saved, else (field, message) of the refusal
SaveFn = Callable[[dict[str, Any]], "tuple[str | None, str] | None"]


def parse_number(raw: str) -> Any:
    """``75`` -> 75, ``2,5`` or ``2.5`` -> 2.5, ``1 200`` -> 1200; anything else is returned as
    typed so that validation explains what is wrong."""
    s = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not s:
        return None
    try:
        return int(s)
    except ValueError:
        pass
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return raw


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
                yield Static("", classes="error", id=f"error-{a.name}")
            yield Static(Text("Enter or ctrl+s saves; Escape cancels."), classes="hint")
            yield Button("Save", id="save", variant="primary")

    def _field(self, a: AttrDef) -> Input | Select:
        value = self.span["attrs"].get(a.name)
        fid = f"field-{a.name}"
        if a.type == "choice":
            return Select([(c, c) for c in a.choices], value=value if value is not None else Select.NULL, id=fid,
                          prompt="(unset)")
        if a.type == "bool":
            return Select([("true", True), ("false", False)], value=Select.NULL if value is None else value, id=fid,
                          prompt="(unset)")
        if a.type == "ref":
            options = [(Text(display_line(f"{s['text'][:50]}  [{s['id']}]")), s["id"]) for s in
                       sorted(self.spans.values(), key=lambda s: s["start"]) if s["label"] in a.targets]
            return Select(options, value=value if value is not None else Select.NULL, id=fid, prompt="(unset)")
        placeholders = {"timex": "e.g. 2014-08, 2018-04-26, 2018-W17, PRESENT_REF", "number": "e.g. 75 or 2,5"}
        placeholder = placeholders.get(a.type, "")
        return Input(value="" if value is None else str(value), placeholder=placeholder, id=fid)

    def on_mount(self) -> None:
        if self.attr_defs:
            self.query_one(f"#field-{self.attr_defs[0].name}").focus()

    def collect(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for a in self.attr_defs:
            w = self.query_one(f"#field-{a.name}")
            if isinstance(w, Select):
                v = w.value
                out[a.name] = None if v is Select.NULL else v
            elif isinstance(w, Input):
                raw = w.value
                if a.type == "number":
                    out[a.name] = parse_number(raw)
                else:
                    out[a.name] = raw if raw.strip() else None
        return out

    def action_save(self) -> None:
        for a in self.attr_defs:
            self.query_one(f"#error-{a.name}", Static).update("")
        refusal = self.save_fn(self.collect())
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
