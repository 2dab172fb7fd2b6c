"""display_text / display_line: 1:1, visible, one cell, no line breaks."""

import time
import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from annotator.text import DISPLAY_TABLE, LINE_TABLE, display_line, display_text

C0 = [chr(c) for c in range(0x20) if c != 0x0A]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI = list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
SEPARATORS = ["\u2028", "\u2029"]
UNSAFE = set(C0 + C1 + BIDI + SEPARATORS + ["\x7f"])

nasty = st.sampled_from(C0 + C1 + BIDI + SEPARATORS + ["\x7f", "\n", "\r\n", "\ud800", "\udfff"])
texts = st.lists(nasty | st.text(max_size=5), max_size=30).map("".join)


def test_documented_glyphs():
    assert display_text("\x1b[31m") == "␛[31m"
    assert display_text("a\tb") == "a→b"
    assert display_text("a\r\nb") == "a \nb"  # a CRLF is a line end: its CR is drawn blank
    assert display_text("a\rb\r\r\n") == "a␍b␍ \n"  # a lone CR keeps its glyph
    assert display_text("\x00\x7f") == "␀␡"
    assert display_text("\x85\x9b") == "\ufffd\ufffd"
    assert display_text("\u2028\u2029") == "␤⁋"
    assert display_text("\u202e\u2066\u200f") == "⇚⇨⇠"
    assert display_line("un\ndeux") == "un⏎deux"
    assert display_line("un\r\ndeux") == "un ⏎deux"


def test_newline_kept_in_text_mapped_in_line():
    assert "\n" not in DISPLAY_TABLE
    assert display_text("a\nb") == "a\nb"
    assert LINE_TABLE[0x0A] == "⏎"


def test_bidi_glyphs_are_distinct_and_visible():
    glyphs = [DISPLAY_TABLE[ord(c)] for c in BIDI]
    assert len(set(glyphs)) == len(BIDI)
    for g in glyphs:
        assert unicodedata.category(g)[0] not in "CZM"


def test_every_glyph_is_one_visible_cell():
    assert len(LINE_TABLE) == 31 + 32 + 2048 + 12 + 2 + 2  # C0, C1, Cs, bidi, seps, DEL+LF
    for code, glyph in LINE_TABLE.items():
        assert len(glyph) == 1, hex(code)
        assert cell_len(glyph) == 1, hex(code)
        assert unicodedata.category(glyph)[0] not in "CZM", hex(code)
        assert glyph not in UNSAFE, hex(code)


def test_controls_take_one_cell_each():
    s = "".join(C0 + C1 + BIDI + SEPARATORS) + "\x7f"
    assert cell_len(display_line(s)) == len(s)


def test_clean_text_is_returned_unchanged():
    s = "Le président « Élise » a dit 👩‍👩‍👧 à l’Élysée.\n"
    assert display_text(s) is s
    assert display_line("abc") == "abc"


def test_lone_surrogates_are_replaced_and_encodable():
    out = display_text("a\ud800b")
    assert out == "a\ufffdb"
    out.encode("utf-8")


@given(texts)
def test_display_text_is_one_to_one(s):
    out = display_text(s)
    assert len(out) == len(s)
    for a, b in zip(s, out):
        if a not in UNSAFE and not 0xD800 <= ord(a) < 0xE000:
            assert a == b
    assert not UNSAFE & set(out)
    assert not any(0xD800 <= ord(c) < 0xE000 for c in out)
    # the only line break left is "\n": splitlines agrees with split("\n")
    if out:
        assert out.splitlines() == out.removesuffix("\n").split("\n")


@given(texts)
def test_display_line_has_no_line_break(s):
    out = display_line(s)
    assert len(out) == len(s)
    assert "\n" not in out
    assert len(out.splitlines()) <= 1
    assert not UNSAFE & set(out)


def test_speed_one_megabyte():
    s = ("Le président a dit\t« bonjour » à l’Élysée — 29 307 raids.\r\n" * 17000) + "\x1b"
    t = time.perf_counter()
    out = display_text(s)
    elapsed = time.perf_counter() - t
    assert len(out) == len(s)
    assert elapsed < 0.5  # ~25 ms/MB measured; generous bound for slow CI
