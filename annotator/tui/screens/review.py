"""The review screen: every annotator's candidates on the article, disagreements first, and the
keys that build the gold record (accept, reject, pick a version, add, fix attributes).

Every decision goes through :class:`annotator.review.session.ReviewSession` as one durable,
undoable action on the reviewer's record; the screen then reloads the document's state.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from annotator.errors import AnnotatorError
from annotator.model.types import Span
from annotator.review.links import lost_links
from annotator.review.merge import Candidate, Region
from annotator.review.session import ReviewSession, ReviewState
from annotator.review.settled import is_rejection
from annotator.schema import Scheme
from annotator.session import who_where
from annotator.store.base import Change
from annotator.text.sanitize import display_line
from annotator.tui.screens.annotate import range_to_tag
from annotator.tui.screens.editing import EditingScreen
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.doc_header import DocHeader
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets.row_list import RowList, row
from annotator.tui.widgets.span_index import ViewSpan

MARKERS = "①②③④⑤⑥⑦⑧⑨"


def _num(x: float | None) -> str:
    """A figure, or — where it is undefined (no span on either side, say)."""
    return "—" if x is None else f"{x:.2f}"


class Item:
    """A row of the candidate list: an annotator's candidate, or a span only the reviewer added."""

    __slots__ = ("candidate", "span", "view_id", "disputed")

    def __init__(self, view_id: str, candidate: Candidate | None = None, span: Span | None = None,
                 disputed: bool = False):
        assert (candidate is None) != (span is None), "a row is a candidate or a span, not both"
        self.view_id = view_id
        self.candidate = candidate
        self.span = span
        self.disputed = disputed

    @property
    def where(self) -> tuple[int, int, str]:
        """Start, end and label of the row's candidate or span."""
        if self.candidate is not None:
            return self.candidate.start, self.candidate.end, self.candidate.label
        assert self.span is not None
        return self.span["start"], self.span["end"], self.span["label"]

    def gold_id(self, st: ReviewState) -> str | None:
        """The id of the gold span the row stands for: the reviewer's own span, or the candidate
        once it is in gold (None: not in gold)."""
        if self.span is not None:
            return self.span["id"]
        assert self.candidate is not None
        return st.in_gold(self.candidate)

    @property
    def start(self) -> int:
        return self.where[0]

    @property
    def end(self) -> int:
        return self.where[1]

    @property
    def label(self) -> str:
        return self.where[2]


class ReviewScreen(EditingScreen):
    """Built by :func:`annotator.tui.app.build_review_app`, which sets BINDINGS from the registry."""

    CSS_PATH = Path(__file__).with_name("review.tcss")

    def __init__(self, session: ReviewSession, scheme: Scheme, doc_id: str) -> None:
        super().__init__(scheme)
        self.review = session
        self.doc_id = doc_id
        self._state: ReviewState | None = None
        self.items: list[Item] = []
        self.disputed_rows: list[int] = []
        self._added_ids: list[str] = []  # the rows of spans only the reviewer has
        self.focus_index: int | None = None
        self.snap_on = True

    @property
    def state(self) -> ReviewState:
        """The open document's review (there is one from the first mount on)."""
        assert self._state is not None, "no document is open"
        return self._state

    @state.setter
    def state(self, st: ReviewState) -> None:
        self._state = st

    def compose(self) -> ComposeResult:
        colors = {lab.name: lab.color for lab in self.scheme.labels}
        yield DocHeader(id="header")
        with Horizontal(id="main"):
            yield ArticleView(label_colors=colors, id="article")
            with Vertical(id="side"):
                yield Static("", id="legend", markup=False)
                yield RowList(self._row, 0, id="candidates")
                yield Static("", id="figures", markup=False)
        yield KeyFooter()
        yield from self.attr_form_widgets()

    def on_mount(self) -> None:
        self.open_document(self.doc_id)

    # -- loading a document -----------------------------------------------------------------------

    def open_document(self, doc_id: str) -> None:
        self.doc_id = doc_id
        with self.settled_heap():
            try:
                st = self.review.open(doc_id)
            except AnnotatorError as exc:
                self.notify(display_line(f"not saved: {exc}"), severity="error", markup=False)
                st = self.review.state(doc_id)
            self.focus_index = None
            self._show(st, first=True)
        self.compute_figures(st)

    def _show(self, st: ReviewState, *, first: bool = False) -> None:
        """Rebuild the candidate list and the view from a fresh state (cursor kept)."""
        self.state = st
        disputed = set(st.plan.disputed)
        self.items = [Item(f"c{i}", candidate=c, disputed=c in disputed) for i, c in enumerate(st.plan.candidates)]
        added = st.added()
        self._added_ids = [s["id"] for s in added]
        self.items += [Item(f"g{s['id']}", span=s) for s in added]
        self.disputed_rows = [i for i, it in enumerate(self.items) if it.disputed]
        cursor = self.view.cursor
        self.view.load(st.text, [ViewSpan(it.view_id, it.start, it.end, it.label) for it in self.items])
        self.view.highlights = self._highlights(st)
        if not first:
            self.view.move_cursor(cursor)
        self._show_legend(st)
        self.query_one("#candidates", RowList).reset(len(self.items))
        self._show_header(st)
        if self.focus_index is not None and self.focus_index < len(self.items):
            self._focus(self.focus_index)

    def _show_legend(self, st: ReviewState) -> None:
        """Whose votes count, what was accepted automatically, what is left to decide."""
        legend = Text("annotators: ")
        for i, ann in enumerate(st.annotators):
            legend.append(f"{MARKERS[i] if i < len(MARKERS) else i + 1} {display_line(ann)}  ", "bold")
        if not st.annotators:
            legend.append("none with a done record", "italic")
        if st.unfinished:
            legend.append(f"\nnot counted (not done): {display_line(', '.join(st.unfinished))}")
        if len(st.annotators) == 1 and not st.plan.auto:
            legend.append(f"\none annotator: nothing is accepted automatically; a accepts, "
                          f"v 1 takes {display_line(st.annotators[0])}'s version")
        total, left = len(st.plan.regions), len(st.open_regions)
        legend.append(f"\n{len(st.plan.auto)} auto-accepted, {left} of {total} disputed region(s) left; "
                      "✓ in gold, ✗ rejected")
        if st.waiting:
            legend.append(f"\n{len(st.waiting)} link(s) wait for the span they name (accept one of its versions)",
                          "yellow")
        self.query_one("#legend", Static).update(legend)

    def _row(self, i: int) -> Text:
        it = self.items[i]
        st = self.state
        in_gold = it.gold_id(st) is not None
        color = self.scheme.by_name[it.label].color if it.label in self.scheme.by_name else "white"
        marks = ""
        if it.candidate:
            marks = "".join((MARKERS[k] if k < len(MARKERS) else "+") if a in it.candidate.annotators else "·"
                            for k, a in enumerate(st.annotators))
        else:
            marks = "reviewer"
        text = st.text[it.start:it.end]
        out = it.candidate is not None and not in_gold and self._decided(i)  # rejected or replaced
        mark = "✓ " if in_gold else ("✗ " if out else ("≠ " if it.disputed else "  "))
        return row((mark, Style(bold=True, color="green" if in_gold else ("red" if out else "yellow"))),
                   (f"{it.label:<9}", Style(color=color, bold=True)),
                   (f"{marks:<{max(3, len(st.annotators))}} ", Style(dim=not it.candidate)),
                   (display_line(text[:40] + ("…" if len(text) > 40 else "")), None))

    @work(thread=True, exclusive=True, group="figures")
    def compute_figures(self, st: ReviewState) -> None:
        """This document's agreement figures, off the event loop (numpy and friends load here)."""
        from annotator.agreement import missing_packages

        missing = missing_packages()
        if len(st.annotators) < 2:
            text = Text("one annotator only: no agreement figures", style="dim")
        elif missing:
            text = Text(f"agreement figures need {' and '.join(missing)}: pip install 'annotator[agree]'",
                        style="dim")
        else:
            from annotator.agreement.corpus import from_records
            from annotator.agreement.report import agreement
            from annotator.gc_pause import gc_paused

            # no cyclic GC meanwhile: on a long article its passes over what this builds would
            # hold the interpreter for tens of ms while the reviewer presses keys
            with gc_paused(freeze=True):
                fig = agreement(from_records(st.text, st.records, self.scheme, doc_id=st.doc_id), self.scheme)
            text = Text("agreement on this document\n", style="bold")
            for p in fig.pairs:
                text.append(display_line(f"{p.a}–{p.b}: F1 exact {_num(p.exact.f1)}  partial "
                                         f"{_num(p.partial.f1)}  κ {_num(p.cohen_kappa)}") + "\n")
            if fig.fleiss_kappa is not None and len(st.annotators) > 2:
                text.append(f"Fleiss κ {_num(fig.fleiss_kappa)}  ")
            if fig.krippendorff_alpha is not None:
                text.append(f"Krippendorff α {_num(fig.krippendorff_alpha)}")
        self.app.call_from_thread(self.query_one("#figures", Static).update, text)

    # -- focus ----------------------------------------------------------------------------------

    def _focus(self, index: int | None) -> None:
        self.focus_index = index
        rows = self.query_one("#candidates", RowList)
        if index is None:
            self.view.focused_span = None
            rows.set_marked(None)
            return
        self.view.focused_span = self.items[index].view_id
        rows.set_marked(index)
        rows.set_cursor(index, post=False)

    def _decided(self, row: int) -> bool:
        """The disputed candidate of ``row`` is decided (disputed rows come first, in the order
        of the plan's disputed candidates, which ReviewState.decided follows)."""
        decided = self.state.decided
        return row < len(decided) and decided[row]

    def _open_rows(self) -> list[int]:
        """The rows of disputed candidates not decided yet."""
        return [i for i in self.disputed_rows if not self._decided(i)]

    def _next_open(self, direction: int) -> int | None:
        """The next (previous) undecided disputed row from the focus, wrapping around: a walk
        from the focus that stops at the first one (not a list of them all at each key)."""
        rows = self.disputed_rows
        n = len(rows)
        if self.focus_index is None:
            start = 0 if direction > 0 else n - 1
        elif direction > 0:
            start = bisect_right(rows, self.focus_index)
        else:
            start = bisect_left(rows, self.focus_index) - 1
        for k in range(n):
            row = rows[(start + direction * k) % n]
            if not self._decided(row):
                return row
        return None

    def _step(self, direction: int, disputed_only: bool) -> None:
        """Focus the next (previous) row, or undecided disputed row, wrapping around."""
        if disputed_only:
            row = self._next_open(direction) if self.disputed_rows else None
            if row is None:
                self.notify("Every disputed region is settled: ctrl+d marks the document reviewed."
                            if self.disputed_rows else "No disagreement in this document.")
            else:
                self._focus(row)
            return
        order = range(len(self.items))
        if not order:
            self.notify("No candidate.")
            return
        if self.focus_index is None:
            self._focus(order[0] if direction > 0 else order[-1])
            return
        if direction > 0:
            i = bisect_right(order, self.focus_index)
            self._focus(order[i % len(order)])
        else:
            i = bisect_left(order, self.focus_index) - 1
            self._focus(order[i % len(order)])

    def action_next_disagreement(self) -> None:
        self._step(1, True)

    def action_previous_disagreement(self) -> None:
        self._step(-1, True)

    def action_next_span(self) -> None:
        self._step(1, False)

    def action_previous_span(self) -> None:
        self._step(-1, False)

    def _highlights(self, st: ReviewState) -> list[tuple[int, int]]:
        """The disputed candidates not decided yet."""
        items, decided = self.items, st.decided
        return [(items[i].start, items[i].end) for i in self.disputed_rows if not (i < len(decided) and decided[i])]

    def _show_header(self, st: ReviewState) -> None:
        self.header.show(doc_id=self.doc_id, position=self.review.position(self.doc_id),
                         total=len(self.review.documents()), status=st.gold.status,
                         annotator=f"review: {who_where(self.review.store, self.review.reviewer)}",
                         flags=sum(not is_rejection(f) for f in st.gold.flags))  # rejections are in the list

    @on(RowList.Chosen, "#candidates")
    def _chosen(self, event: RowList.Chosen) -> None:
        self._focus(event.index)
        self.view.focus()

    @on(ArticleView.SpanClicked)
    def _clicked(self, event: ArticleView.SpanClicked) -> None:
        for i, it in enumerate(self.items):
            if it.view_id == event.span_id:
                self._focus(i)

    def _focused(self) -> Item | None:
        if self.focus_index is None or self.focus_index >= len(self.items):
            self.notify("Focus a candidate first: n / p for disagreements, tab for any.", severity="warning")
            return None
        return self.items[self.focus_index]

    # -- decisions --------------------------------------------------------------------------------

    def _run(self, verb: Any, *args: Any) -> Change | None:
        return self.call_verb(lambda: verb(*args))

    def after_change(self, change: Change) -> None:
        """Only the gold record changed: the plan and the candidate rows stay; what shows whether
        a candidate is in gold (the ✓ column, the highlights, the header) is brought up to date.
        Spans the reviewer added or removed of their own change the rows: those are rebuilt."""
        before = self.state
        st = self.review.refresh(before, change)
        self._say_links(before, st, change)
        if [s["id"] for s in st.added()] != self._added_ids:
            self._show(st)
            return
        self.state = st
        self.view.highlights = self._highlights(st)
        self.query_one("#candidates", RowList).refresh()
        self._show_legend(st)
        self._show_header(st)

    def _say_links(self, before: ReviewState, st: ReviewState, change: Change) -> None:
        """A link the action cleared, or that now waits for its target, is said: never dropped unsaid."""
        text = st.text

        def quoted(start: int, end: int) -> str:
            return display_line(repr(text[start:end] if end - start <= 30 else text[start:start + 29] + "…"))

        for lost in lost_links(change.ops, change.record, self.scheme.ref_attrs):
            h, t = lost.holder, lost.target
            self.notify(f"The {lost.attr} of {h['label']} {quoted(h['start'], h['end'])} was cleared: "
                        f"{t['label']} {quoted(t['start'], t['end'])} left gold.", severity="warning", markup=False)
        old = {(w.holder, w.attr) for w in before.waiting}
        for w in st.waiting:
            if (w.holder, w.attr) in old or w.holder not in st.gold.spans:
                continue
            h = st.gold.spans[w.holder]
            choose = (f"it has {w.versions} versions: accept one" if w.versions > 1
                      else "accept it (or add it)")
            self.notify(f"The {w.attr} of {h['label']} {quoted(h['start'], h['end'])} waits for "
                        f"{w.target.label} {quoted(w.target.start, w.target.end)}: {choose}, and the link follows.",
                        severity="warning", markup=False)

    def action_accept(self) -> None:
        it = self._focused()
        if it is not None and it.candidate is not None:
            self._run(self.review.accept, self.state, it.candidate)

    def action_reject(self) -> None:
        it = self._focused()
        if it is None:
            return
        if it.span is not None:
            self._run(self.review.remove, self.state, it.span["id"])
            return
        c = it.candidate
        assert c is not None
        if it.gold_id(self.state) is None and self.state.rejection(c):
            self.notify("Already rejected: r keeps a candidate out of gold; a accepts it.", markup=False)
            return
        was_in_gold = it.gold_id(self.state) is not None
        if self._run(self.review.reject, self.state, c) is not None and not was_in_gold:
            self.notify(f"Rejected: this {c.label} stays out of gold (a accepts it).", markup=False)

    action_remove_span = action_reject

    def _region_for_pick(self) -> Region | None:
        """The region ``v`` picks in: the focused candidate's, else the one under the cursor,
        else the next one still open (focused, so the reviewer sees which)."""
        plan = self.state.plan
        if not plan.regions:
            self.notify("No disputed region in this document: nothing to pick.")
            return None
        focused = self.focus_index
        it = self.items[focused] if focused is not None and focused < len(self.items) else None
        region = plan.region_of(it.candidate) if it is not None and it.candidate is not None else None
        if region is None:
            cursor = self.view.cursor
            region = next((r for r in plan.regions if r.start <= cursor < r.end), None)
        if region is None:
            open_rows = self._open_rows()
            row = next((i for i in open_rows if self.items[i].start >= self.view.cursor), None)
            row = row if row is not None else (open_rows[0] if open_rows else self.disputed_rows[0])
            candidate = self.items[row].candidate
            assert candidate is not None
            region = plan.region_of(candidate)
        if region is not None:
            first = region.candidates[0]
            self._focus(next(i for i, it in enumerate(self.items) if it.candidate == first))
        return region

    def action_pick_version(self) -> None:
        region = self._region_for_pick()
        if region is None:
            return
        from annotator.tui.screens.version_picker import VersionPicker

        text = self.state.text
        versions = {a: [f"{c.label} {text[c.start:c.end][:30]}" for c in region.version(a)]
                    for a in self.state.annotators}
        where = text[region.start:region.end]
        where = where if len(where) <= 50 else where[:49] + "…"

        def chosen(annotator: str | None) -> None:
            if annotator:
                self._run(self.review.pick, self.state, region, annotator)

        self.app.push_screen(VersionPicker(self.state.annotators, versions, where), chosen)

    def action_tag(self, label: str) -> None:
        target = range_to_tag(self.view, self.snap_on)
        if isinstance(target, str):
            self.notify(target, severity="warning")
            return
        if self._run(self.review.add, self.state, target[0], target[1], label) is not None:
            self.view.clear_selection()

    def _gold_span(self) -> Span | None:
        it = self._focused()
        if it is None:
            return None
        sid = it.gold_id(self.state)
        if sid is None:
            self.notify("Accept the candidate first: attributes are edited on gold spans.", severity="warning")
            return None
        return self.state.gold.spans[sid]

    def _set_attrs(self, span_id: str, attrs: Mapping[str, Any]) -> Change:
        return self.review.set_attrs(self.state, span_id, attrs)

    def action_edit_attributes(self) -> None:
        span = self._gold_span()
        if span is not None:
            self.open_attr_form(span, self.state.gold.spans, self._set_attrs)

    def action_pick_speaker(self) -> None:
        span = self._gold_span()
        if span is not None:
            self.open_speaker_picker(span, self.state.gold.spans, self._set_attrs)

    def action_undo(self) -> None:
        if self._run(self.review.undo, self.doc_id) is None:
            self.notify("Nothing to undo.")

    def action_redo(self) -> None:
        if self._run(self.review.redo, self.doc_id) is None:
            self.notify("Nothing to redo.")

    # -- documents --------------------------------------------------------------------------------

    def action_next_document(self) -> None:
        nxt = self.review.neighbour(self.doc_id, 1)
        self.open_document(nxt) if nxt else self.notify("This is the last document to review.")

    def action_previous_document(self) -> None:
        prev = self.review.neighbour(self.doc_id, -1)
        self.open_document(prev) if prev else self.notify("This is the first document to review.")

    def action_mark_done(self) -> None:
        if self._run(self.review.set_status, self.doc_id, "done") is None and self.state.gold.status != "done":
            return
        target = self.review.next_unreviewed(self.doc_id)
        if target is None:
            self.notify("Every document is reviewed.")
        else:
            self.open_document(target)
