"""Offset conversions: exact round trips, errors inside units, fast paths."""

import time

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from annotator.text import (
    OffsetError,
    OffsetMap,
    bytes_to_cp,
    cp_to_bytes,
    cp_to_grapheme,
    cp_to_utf16,
    grapheme_boundaries,
    grapheme_to_cp,
    utf16_to_cp,
)

PIECES = [
    "a", "é", "e\u0301", "x\u0308\u0301", "\r\n", "\r", "\n", "\u00a0", "\u202f", " ",
    "👩\u200d👩\u200d👧", "👍🏽", "🇫🇷", "🇫", "❤\ufe0f", "1\ufe0f\u20e3", "😀",
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    "\u0600", "\u0915\u094d\u0937", "\u0915", "\u094d", "\u0903",  # prepend, Indic
    "\u1100\u1161\u11a8", "\u1100", "\uac00", "\u11a8", "\u200d", "\u0301", "𝔘", "中",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=25).map("".join)


def reference_boundaries(text):
    out = [0]
    for m in regex.finditer(r"\X", text):
        out.append(m.end())
    return out


def test_french_and_emoji_examples():
    t = "Élise 👩‍👩‍👧 à l’Élysée"
    assert cp_to_utf16(t, 6) == 6
    assert cp_to_utf16(t, 7) == 8  # after the first 👩 (astral: 2 units)
    assert cp_to_utf16(t, len(t)) == len(t.encode("utf-16-le")) // 2
    assert utf16_to_cp(t, 8) == 7
    assert cp_to_bytes(t, 1) == 2  # É is two bytes
    assert bytes_to_cp(t, 2) == 1
    assert cp_to_grapheme(t, 11) == 7  # the family is one cluster of 5 cps
    assert grapheme_to_cp(t, 7) == 11


def test_inside_surrogate_pair_raises_naming_offset():
    t = "a😀b"
    with pytest.raises(OffsetError, match=r"utf16 offset 2 falls inside a surrogate pair"):
        utf16_to_cp(t, 2)
    assert utf16_to_cp(t, 3) == 2
    with pytest.raises(OffsetError) as info:
        utf16_to_cp(t, 2)
    assert info.value.offset == 2 and info.value.unit == "utf16"
    assert isinstance(info.value, ValueError)


def test_inside_utf8_sequence_raises():
    with pytest.raises(OffsetError, match=r"utf8 offset 2 falls inside"):
        bytes_to_cp("aé", 2)
    for b in (2, 3, 4):
        with pytest.raises(OffsetError):
            bytes_to_cp("a😀", b)
    assert bytes_to_cp("a😀", 5) == 2


def test_inside_grapheme_raises():
    t = "e\u0301t\u00e9"  # decomposed é, then t, precomposed é
    assert cp_to_grapheme(t, 2) == 1
    with pytest.raises(OffsetError, match=r"code point offset 1 falls inside a grapheme"):
        cp_to_grapheme(t, 1)
    with pytest.raises(OffsetError):
        cp_to_grapheme("a\r\nb", 2)  # CRLF is one cluster
    assert grapheme_to_cp("a\r\nb", 2) == 3


def test_out_of_range_raises():
    for fn in (cp_to_utf16, utf16_to_cp, cp_to_bytes, bytes_to_cp, cp_to_grapheme, grapheme_to_cp):
        with pytest.raises(OffsetError, match="out of range"):
            fn("abc", 4)
        with pytest.raises(OffsetError, match="-1"):
            fn("abc", -1)
    with pytest.raises(TypeError):
        cp_to_utf16("abc", 1.0)


def test_unknown_unit():
    with pytest.raises(ValueError, match="unknown offset unit"):
        OffsetMap("abc", "words")


def test_ascii_is_identity():
    m = OffsetMap("plain ascii\r\n", "utf8")
    assert m.length == 13 and m.to_cp(5) == 5 and m.from_cp(13) == 13
    g = OffsetMap("a\r\nb", "grapheme")
    assert g.length == 3 and g.to_cp(2) == 3


def test_lone_surrogate_counts_like_surrogatepass():
    t = "a\ud800b"
    assert OffsetMap(t, "utf16").length == 3
    assert OffsetMap(t, "utf8").length == len(t.encode("utf-8", "surrogatepass"))


@given(texts)
def test_utf16_round_trip_matches_encoder(text):
    m = OffsetMap(text, "utf16")
    assert m.length == len(text.encode("utf-16-le", "surrogatepass")) // 2
    valid = set()
    for cp in range(len(text) + 1):
        u = m.from_cp(cp)
        assert u == cp_to_utf16(text, cp)
        assert m.to_cp(u) == cp
        valid.add(u)
    for u in range(m.length + 1):
        if u not in valid:
            with pytest.raises(OffsetError):
                m.to_cp(u)


@given(texts)
def test_utf8_round_trip_matches_encoder(text):
    m = OffsetMap(text, "bytes")
    data = text.encode("utf-8", "surrogatepass")
    assert m.length == len(data)
    valid = {m.from_cp(cp) for cp in range(len(text) + 1)}
    for cp in range(len(text) + 1):
        assert m.from_cp(cp) == cp_to_bytes(text, cp)
        assert m.to_cp(m.from_cp(cp)) == cp
    for b in range(len(data) + 1):
        if b in valid:
            assert data[:b].decode("utf-8", "surrogatepass") == text[: m.to_cp(b)]
        else:
            with pytest.raises(OffsetError):
                m.to_cp(b)


@given(texts)
def test_grapheme_boundaries_match_regex_X(text):
    bounds = reference_boundaries(text)
    assert grapheme_boundaries(text) == bounds
    m = OffsetMap(text, "grapheme")
    assert m.length == len(bounds) - 1
    for g, cp in enumerate(bounds):
        assert m.to_cp(g) == cp
        assert m.from_cp(cp) == g
    inside = set(range(len(text) + 1)) - set(bounds)
    for cp in inside:
        with pytest.raises(OffsetError):
            m.from_cp(cp)


@given(st.text())
def test_grapheme_boundaries_any_unicode(text):
    assert grapheme_boundaries(text) == reference_boundaries(text)


def test_batch_map_is_fast_on_a_megabyte():
    text = "Le président 👩‍👩‍👧 e\u0301 à l’Élysée\r\n" * 25000
    t = time.perf_counter()
    maps = [OffsetMap(text, u) for u in ("utf16", "utf8", "grapheme")]
    for m in maps:
        for cp in range(0, len(text), 997):
            try:
                m.to_cp(m.from_cp(cp))
            except OffsetError:
                pass
    assert time.perf_counter() - t < 5  # ~0.6 s measured
