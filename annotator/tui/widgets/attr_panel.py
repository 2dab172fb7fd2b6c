"""The focused span, shown with one line per attribute of its label (set or not)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Static

from annotator.model.types import Span
from annotator.schema import Scheme
from annotator.text.sanitize import display_line
from annotator.tui.colors import label_colors
from annotator.tui.widgets.render_guard import RenderGuard


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
