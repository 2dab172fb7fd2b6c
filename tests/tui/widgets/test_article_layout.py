"""Pure tests of the article view's wrapping and span index (no terminal)."""

from __future__ import annotations

import random
import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, split_graphemes

from annotator.tui.widgets import article_layout as al
from annotator.tui.widgets.article_layout import Layout, is_single_cell, wrap
from annotator.tui.widgets.span_index import SpanIndex, ViewSpan


# --------------------------------------------------------------------- helpers
def rows_of(text: str, starts: list[int]) -> list[str]:
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def words_of(s: str) -> list[str]:
    return [w for w in s.replace("\n", " ").split(" ") if w]


def cells(s: str) -> int:
    """Cells as the layout measures them: word by word, grapheme by grapheme."""
    return sum(split_graphemes(tok)[1] for tok in re.findall(r" +|[^ ]+", s))


def check_invariants(text: str, width: int, starts: list[int]) -> None:
    """The wrap rules of article_layout's docstring, checked row by row."""
    W = width - 1
    n = len(text)
    assert starts[0] == 0
    assert all(a < b for a, b in zip(starts, starts[1:])), "strictly increasing"
    assert starts[-1] <= n
    start_set = set(starts)
    # every newline ends a row
    for i, ch in enumerate(text):
        if ch == "\n":
            assert i + 1 in start_set
    for r, (a, b) in enumerate(zip(starts, starts[1:] + [n])):
        row = text[a:b]
        assert "\n" not in row[:-1], "a newline can only end a row"
        body = row[:-1] if row.endswith("\n") else row
        content = body.rstrip(" ")
        spans, _ = split_graphemes(content)
        # no word overflows the word budget (unless one grapheme is wider)
        if sum(1 for _a, _b, w in spans if w) > 1:
            assert cells(content) <= W, (r, row)
        # hanging spaces stop at the widget width
        assert cells(body) <= max(width, cells(content)), (r, row)
        if b < n and not row.endswith("\n"):
            nxt = text[b]
            prev = text[b - 1]
            if prev == " " and nxt != " ":
                # greedy: the next word did not fit on this row
                nb = b
                while nb < n and text[nb] not in " \n":
                    nb += 1
                assert cells(body) + cells(text[b:nb]) > W, (r, row, text[b:nb])
            elif prev != " " and nxt != " ":
                # a fold: only inside a word wider than the budget
                wa = b
                while wa > 0 and text[wa - 1] not in " \n":
                    wa -= 1
                wb = b
                while wb < n and text[wb] not in " \n":
                    wb += 1
                assert cells(text[wa:wb]) > W, (r, text[wa:wb])


def general_wrap(text: str, width: int) -> list[int]:
    """The slow path forced on every paragraph."""
    starts = [0]
    pos = 0
    while True:
        nl = text.find("\n", pos)
        pend = len(text) if nl == -1 else nl
        al._wrap_general(text, pos, pend, width - 1, width, starts)
        if nl == -1:
            break
        pos = nl + 1
        starts.append(pos)
    return starts


# ----------------------------------------------------------------- wrapping
def test_empty_and_short_texts():
    assert wrap("", 10) == [0]
    assert wrap("abc", 10) == [0]
    assert wrap("a\nb", 10) == [0, 2]
    assert wrap("a\n", 10) == [0, 2]  # a final newline opens an empty last row
    assert wrap("\n\n", 10) == [0, 1, 2]


def test_greedy_at_spaces_with_hanging_space():
    # width 10 -> words fit in 9 cells; the space after a word stays on its row
    text = "aaaa bbbb cccc dd"
    starts = wrap(text, 10)
    assert rows_of(text, starts) == ["aaaa bbbb ", "cccc dd"]
    check_invariants(text, 10, starts)


def test_long_word_is_folded():
    text = "x " + "a" * 25 + " y"
    starts = wrap(text, 10)
    rows = rows_of(text, starts)
    assert rows == ["x ", "a" * 9, "a" * 9, "a" * 7 + " y"]
    check_invariants(text, 10, starts)


def test_cjk_counts_two_cells():
    text = "日本語のテキスト 日本語のテキスト"
    starts = wrap(text, 12)
    rows = rows_of(text, starts)
    for row in rows:
        assert cell_len(row.rstrip(" ")) <= 11
    assert "".join(rows) == text
    # 8 CJK chars = 16 cells: folded at 5 chars (10 cells) per row
    assert rows[0] == "日本語のテ"
    check_invariants(text, 12, starts)


def test_emoji_and_combining_are_not_split():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one ZWJ cluster
    text = ("e\u0301" * 3 + " " + family + " ") * 20
    for width in (4, 5, 7, 13, 40):
        starts = wrap(text, width)
        check_invariants(text, width, starts)
        bounds = set()
        for a, _b, _w in split_graphemes(text)[0]:
            bounds.add(a)
        for s in starts:
            assert s in bounds or s == len(text), "a row never starts inside a cluster"


def test_no_newline_article():
    rng = random.Random(7)
    words = ["la", "coalition", "d’opérations", "«", "accomplie", "»", "2014", "Irak"]
    text = " ".join(rng.choice(words) for _ in range(40_000))  # ~200 KB, no newline
    assert "\n" not in text
    starts = wrap(text, 80)
    assert len(starts) > 1000
    check_invariants(text[: starts[200]], 80, starts[:200])
    assert starts == general_wrap(text, 80)


def test_single_cell_fast_path_matches_general_path():
    rng = random.Random(3)
    pieces = ["a", "bb", " ", "  ", "ccccccccccccc", "\n", "é’", "«»"]
    for width in (2, 3, 4, 7, 10, 33):
        for _ in range(200):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
            assert wrap(text, width) == general_wrap(text, width), (text, width)


def test_is_single_cell():
    assert is_single_cell("Les forces de la coalition d’opérations « ok » — …")
    assert not is_single_cell("日本")
    assert not is_single_cell("e\u0301")
    assert not is_single_cell("\U0001f600")


_ALPHABET = st.sampled_from(
    list("abcdefé’ ")
    + ["  ", "\n", "日", "本", "\U0001f600", "e\u0301", "\u200d", "\ufe0f", "x" * 15]
)
_TEXTS = st.lists(_ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, width=st.integers(min_value=2, max_value=30))
def test_wrap_invariants_property(text, width):
    starts = wrap(text, width)
    check_invariants(text, width, starts)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, width=st.integers(min_value=2, max_value=30))
def test_offset_row_round_trip_property(text, width):
    lay = Layout(text, width)
    n = len(text)
    cluster_width = {a: w for a, _b, w in split_graphemes(text)[0]}
    for offset in range(n + 1):
        row = lay.row_of(offset)
        a, b = lay.row_span(row)
        assert a <= offset and (offset < b or (offset == n and row == lay.row_count - 1))
        col = lay.column_of(offset)
        if cluster_width.get(offset, 0) > 0 or offset == n:
            back = lay.offset_at(row, col)
            # only zero-width clusters may share a column with the next one
            assert back == offset or split_graphemes(text[back:offset])[1] == 0, (offset, back)


def test_layout_row_end_and_offsets():
    text = "abc def ghi\nxy"
    lay = Layout(text, 6)  # words fit in 5 cells
    assert rows_of(text, lay.row_starts) == ["abc ", "def ", "ghi\n", "xy"]
    assert lay.row_end_offset(0) == 3  # the hanging space
    assert lay.row_end_offset(2) == 11  # the newline
    assert lay.row_end_offset(3) == len(text)
    assert lay.offset_at(1, 99) == 7
    assert lay.offset_at(3, 1) == 13
    assert lay.column_of(13) == 1
    assert lay.row_of(len(text)) == 3
    assert lay.row_of(-5) == 0


def test_offset_at_wide_chars():
    lay = Layout("日本語", 20)
    assert lay.offset_at(0, 0) == 0
    assert lay.offset_at(0, 1) == 0  # second cell of 日
    assert lay.offset_at(0, 2) == 1
    assert lay.offset_at(0, 5) == 2
    assert lay.offset_at(0, 6) == 3
    assert lay.column_of(2) == 4


def test_wrap_one_megabyte_is_linear():
    # Not timed: just runs on ~1 MB to prove it does not blow up.
    text = ("Les forces de la coalition ne seront plus sur le terrain. " * 18_000)[:1_000_000]
    starts = wrap(text, 120)
    assert len(starts) > 8000


def test_layout_module_does_not_import_textual():
    import subprocess

    code = (
        "import sys\n"
        "import annotator.tui.widgets.article_layout, annotator.tui.widgets.span_index\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "assert not bad, bad\n"
    )
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


# --------------------------------------------------------------- span index
def brute(spans: list[ViewSpan], lo: int, hi: int) -> set[str]:
    if hi <= lo:
        hi = lo + 1
    return {
        s.id
        for s in spans
        if s.start < hi and (s.end > lo or (s.start == s.end and s.start >= lo))
    }


def test_span_index_basic():
    idx = SpanIndex(block=8)
    a = ViewSpan("a", 0, 20, "QUOTE")
    b = ViewSpan("b", 5, 10, "QUANTITY")
    c = ViewSpan("c", 30, 31, "DATE")
    for s in (a, b, c):
        idx.add(s)
    assert len(idx) == 3 and "b" in idx
    assert [s.id for s in idx.overlapping(0, 40)] == ["a", "b", "c"]
    assert [s.id for s in idx.overlapping(10, 30)] == ["a"]
    assert [s.id for s in idx.at(7)] == ["a", "b"]  # outermost first
    assert idx.innermost_at(7).id == "b"
    assert idx.innermost_at(25) is None
    # replace by id
    old = idx.add(ViewSpan("b", 12, 14, "ACTOR"))
    assert old == b
    assert [s.id for s in idx.at(7)] == ["a"]
    assert idx.remove("zzz") is None
    for sid in ("a", "b", "c"):
        idx.remove(sid)
    assert len(idx) == 0 and not idx._blocks


def test_span_index_block_cost():
    idx = SpanIndex(block=512)
    idx.add(ViewSpan("long", 100, 5000, "QUOTE"))
    assert len(idx._blocks) == 5000 // 512 + 1
    idx.add(ViewSpan("short", 1023, 1025, "DATE"))
    assert sum("short" in bucket for bucket in idx._blocks.values()) == 2


_SPANS = st.lists(
    st.tuples(st.integers(0, 300), st.integers(0, 60), st.sampled_from(["A", "B", "C"])),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    raw=_SPANS,
    queries=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 80)), max_size=10),
    drop=st.sets(st.integers(0, 39)),
)
def test_span_index_matches_brute_force(raw, queries, drop):
    spans = [ViewSpan(f"s{i}", s, s + ln, lab) for i, (s, ln, lab) in enumerate(raw)]
    idx = SpanIndex(spans, block=16)
    for i in drop:
        if i < len(spans):
            idx.remove(f"s{i}")
    alive = [s for i, s in enumerate(spans) if i not in drop]
    for lo, ln in queries:
        got = {s.id for s in idx.overlapping(lo, lo + ln)}
        assert got == brute(alive, lo, lo + ln)


def test_single_cell_table_read_by_ranges_is_rich_char_by_char():
    # start-up reads Rich's width table by intervals; asking Rich about every code point of the
    # pattern's range must give the same set (this fails if Rich's table changes shape)
    assert al._single_cell_ranges() == al._single_cell_ranges_by_char()
    assert al._NOT_SINGLE.pattern == al._build_single_cell_pattern(al._single_cell_ranges_by_char()).pattern
