"""The focused span, shown with one line per attribute of its label (set or not)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from annotator.model.types import Span
from annotator.schema import Scheme
from annotator.text.sanitize import display_line
from annotator.tui.colors import label_colors
from annotator.tui.widgets.render_guard import RenderGuard


@dataclass(frozen=True, slots=True)
class ShownSuggestion:
    """A suggestion as the panel shows it: attribute values already as text."""

    label: str
    source: str
    start: int
    end: int
    text: str
    attrs: Sequence[tuple[str, str]]
    keys: str  # the keys that decide on it, as a hint line


class AttrPanel(RenderGuard, Static):
    DEFAULT_CSS = """
    AttrPanel { height: 12; border-top: solid $primary; padding: 0 1; }
    """

    def __init__(self, scheme: Scheme, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.scheme = scheme
        self.label_colors = label_colors(scheme)  # readable colours only (never a style that fails to parse)

    def show_span(self, span: Span | None, spans: Mapping[str, Span]) -> None:
        t = Text()
        if span is None:
            t.append("No span focused.\n", "dim")
            t.append("Select text and press a label key; tab focuses a span.", "dim")
            self.update(t, layout=False)
            return
        label = self.scheme.by_name.get(span["label"])
        t.append(f"{span['label']} ", f"bold {self.label_colors.get(span['label'], '')}")
        t.append(f"{span['id']}  {span['start']}–{span['end']}\n", "dim")
        text = span["text"] if len(span["text"]) <= 200 else span["text"][:199] + "…"
        t.append(display_line(text) + "\n")
        for attr in label.attrs if label else ():
            value = span["attrs"].get(attr.name)
            t.append(f"{attr.name} ", "bold")
            t.append(f"({attr.type}) ", "dim")
            if value is None:
                t.append("—\n", "dim")
            elif attr.type == "ref" and isinstance(value, str) and value in spans:
                t.append(display_line(f"{spans[value]['text']} [{value}]") + "\n")
            else:
                t.append(display_line(str(value)) + "\n")
        has_ref = any(a.type == "ref" for a in (label.attrs if label else ()))
        t.append("enter: edit" + ("  s: speaker" if has_ref else "") + "  l: label  e: edges", "dim")
        self.update(t, layout=False)  # fixed height: no layout pass

    def show_suggestion(self, shown: ShownSuggestion) -> None:
        """A focused suggestion: its label, who proposed it, its text and attributes (a speaker
        as the text it names), and the keys that decide on it. All of it is untrusted text."""
        t = Text()
        t.append(f"{shown.label} ", f"bold {self.label_colors.get(shown.label, '')}")
        t.append(display_line(f"suggested by {shown.source}  {shown.start}–{shown.end}") + "\n", "dim italic")
        text = shown.text if len(shown.text) <= 200 else shown.text[:199] + "…"
        t.append(display_line(text) + "\n")
        for name, value in shown.attrs:
            t.append(f"{display_line(name)} ", "bold")
            t.append(display_line(value) + "\n")
        t.append(shown.keys, "dim")
        self.update(t, layout=False)
