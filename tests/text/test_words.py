"""Words, cursor moves, snapping and tokens on French text."""

import time

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from annotator.text import next_word_start, prev_word_start, snap, token_spans, word_at
from annotator.text.words import NO_SPLIT, WINDOW

PIECES = [
    "D'", "d’", "l'", "L’", "qu'", "jusqu’", "aujourd'hui", "prud'homme", "main-d'œuvre",
    "août", "Irak", "Élise", "e\u0301", "29.307", "1\u202f200", "3,5", "%", "€", " ", "  ",
    "\n", "\r\n", "\u00a0", "\u202f", ",", ".", "«", "»", "…", "—", "-", "'", "’", "(", ")",
    "👩\u200d👩\u200d👧", "🇫🇷", "x", "12",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=2), max_size=20).map("".join)
SAMPLE = "D'août 2014, jusqu’à l'Irak : 29.307 raids aujourd'hui."


def spans(text):
    return [text[s:e] for s, e in token_spans(text)]


def snapped(text, start=0, end=None):
    r = snap(text, start, len(text) if end is None else end)
    return None if r is None else text[r[0]:r[1]]


def test_tokens_of_french_sentence():
    assert spans(SAMPLE) == [
        "D'", "août", "2014", ",", "jusqu’", "à", "l'", "Irak", ":", "29.307", "raids",
        "aujourd'hui", ".",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("prud'homme", ["prud'homme"]),
        ("jusqu'aujourd'hui", ["jusqu'", "aujourd'hui"]),
        ("QU'IL", ["QU'", "IL"]),
        ("lorsqu’il", ["lorsqu’", "il"]),
        ("main-d'œuvre", ["main-d'œuvre"]),
        ("c'est-à-dire", ["c'", "est-à-dire"]),
        ("quelqu'un", ["quelqu'un"]),
        ("O'Brien", ["O'Brien"]),
        ("l' Irak", ["l", "'", "Irak"]),  # no elision without a following letter
        ("1\u202f200 € et 3,5 %", ["1\u202f200", "€", "et", "3,5", "%"]),
        ("2014.Le", ["2014", ".", "Le"]),
        ("«Bonjour»…", ["«", "Bonjour", "»", "…"]),
        ("👩\u200d👩\u200d👧🇫🇷", ["👩\u200d👩\u200d👧", "🇫🇷"]),
        ("cafe\u0301s", ["cafe\u0301s"]),
    ],
)
def test_token_examples(text, expected):
    assert spans(text) == expected


def test_no_split_words_are_single_tokens():
    for word in NO_SPLIT:
        assert spans(word) == [word]
        assert spans(word.replace("'", "’")) == [word.replace("'", "’")]


def test_word_at_examples():
    assert word_at("D'août", 3) == (2, 6)
    assert word_at("D'août", 2) == (2, 6)
    assert word_at("D'août", 6) == (2, 6)  # at the end: the word just before
    assert word_at("D'août", 0) == (0, 2)  # the elision is a word
    assert word_at("jusqu’à", 6) == (6, 7)
    assert word_at("l'Irak", 4) == (2, 6)
    assert word_at("29.307 raids", 3) == (0, 6)
    assert word_at("aujourd'hui", 7) == (0, 11)
    assert word_at("prud'homme", 5) == (0, 10)
    assert word_at("a, b", 1) == (0, 1)
    assert word_at("a, b", 2) is None
    assert word_at("« »", 1) is None
    assert word_at("", 0) is None
    with pytest.raises(ValueError):
        word_at("abc", 4)


def test_cursor_moves_stop_at_each_word_and_elision():
    stops, pos = [], 0
    while pos < len(SAMPLE):
        pos = next_word_start(SAMPLE, pos)
        stops.append(pos)
    starts = [s for s, _ in token_spans(SAMPLE) if SAMPLE[s].isalnum()]
    assert stops == starts[1:] + [len(SAMPLE)]
    back, pos = [], len(SAMPLE)
    while pos > 0:
        pos = prev_word_start(SAMPLE, pos)
        back.append(pos)
    assert back == starts[::-1]
    assert next_word_start(SAMPLE, 3) == 7  # from inside "août" to "2014"
    assert prev_word_start(SAMPLE, 3) == 2


def test_cursor_moves_are_bounded():
    dots = "." * 1_000_000
    t = time.perf_counter()
    assert 5 < next_word_start(dots, 5) <= 5 + WINDOW
    assert 999_990 - WINDOW <= prev_word_start(dots, 999_990) < 999_990
    spaces = " " * 1_000_000 + "fin"
    assert next_word_start(spaces, 10) <= 10 + WINDOW
    giant = "a" * 1_000_000
    s, e = word_at(giant, 500_000)
    assert s < 500_000 < e and e - s <= 2 * WINDOW
    assert time.perf_counter() - t < 1


@pytest.mark.parametrize(
    "text, start, end, expected",
    [
        ("D'août 2014", 0, 11, "août 2014"),
        ("D'août 2014", 1, 8, "août 2014"),  # from the apostrophe, into 2014
        (" Élise Moreau, ", 0, 15, "Élise Moreau"),
        ("\u00a0Élise\u202fMoreau\u2009", 0, 14, "Élise\u202fMoreau"),
        ("« Bonjour »", 0, 11, "Bonjour"),
        ("« Bonjour »", 11, 0, "Bonjour"),  # reversed selection
        ("le président Macron", 5, 15, "président Macron"),  # expands both edges
        ("la ville de l'Irak", 0, 14, "la ville de"),  # trailing elision dropped
        ("(jusqu’à demain)", 0, 16, "à demain"),
        ("une hausse de 3,5 %.", 14, 20, "3,5 %"),
        ("pour 12 € !", 5, 11, "12 €"),
        ("aujourd'hui", 3, 9, "aujourd'hui"),
        ("main-d'œuvre", 7, 8, "main-d'œuvre"),
        ("l'Irak", 3, 3, "Irak"),  # empty selection inside a word: the word
    ],
)
def test_snap_examples(text, start, end, expected):
    r = snap(text, start, end)
    assert r is not None and text[r[0]:r[1]] == expected


@pytest.mark.parametrize(
    "text, start, end",
    [(" , ", 0, 3), ("« »", 0, 3), ("l'Irak", 0, 2), ("de l'Irak", 2, 5), ("…", 0, 1), ("  \n", 0, 3)],
)
def test_snap_to_nothing(text, start, end):
    assert snap(text, start, end) is None


def test_lone_letter_before_apostrophe_is_not_an_elision():
    assert snapped("l'") == "l"


def test_snap_empty_selection_between_words():
    assert snap("a b", 1, 1) is None


def test_snap_is_bounded_on_huge_selection():
    text = "x " + "mot, " * 200_000 + "fin"
    t = time.perf_counter()
    assert snap(text, 1, len(text)) == (2, len(text))
    assert time.perf_counter() - t < 1


WORD_CHAR = regex.compile(r"[\p{L}\p{M}\p{N}_\u200c\u200d]")
PUNCT = regex.compile(r"\p{P}")


def _is_space(ch):
    return regex.match(r"\s", ch) is not None


@given(texts)
def test_tokens_cover_all_non_space(text):
    toks = token_spans(text)
    covered = set()
    prev_end = 0
    for s, e in toks:
        assert prev_end <= s < e
        assert not _is_space(text[s]) and not _is_space(text[e - 1])
        covered.update(range(s, e))
        prev_end = e
    for i, ch in enumerate(text):
        if i not in covered:
            assert _is_space(ch)


@given(texts, st.data())
def test_word_at_returns_a_word_token_around_offset(text, data):
    offset = data.draw(st.integers(0, len(text)))
    toks = token_spans(text)
    r = word_at(text, offset)
    if r is not None:
        assert r in toks
        assert r[0] <= offset <= r[1]
        assert WORD_CHAR.match(text[r[0]])
        assert WORD_CHAR.match(text[r[1] - 1]) or text[r[1] - 1] in "'’"


@given(texts, st.data())
def test_cursor_moves_land_on_word_starts(text, data):
    offset = data.draw(st.integers(0, len(text)))
    word_starts = {s for s, e in token_spans(text) if word_at(text, s) == (s, e)}
    nxt = next_word_start(text, offset)
    assert nxt == len(text) or nxt in word_starts
    assert nxt > offset or offset == len(text)
    assert not any(offset < s < nxt for s in word_starts)
    prv = prev_word_start(text, offset)
    assert prv == 0 or prv in word_starts
    assert prv < offset or offset == 0
    assert not any(prv < s < offset for s in word_starts)


@given(texts, st.data())
def test_snap_lands_on_token_edges_and_is_idempotent(text, data):
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(text)))
    r = snap(text, a, b)
    if r is None:
        return
    s, e = r
    toks = token_spans(text)
    assert s in {t[0] for t in toks} and e in {t[1] for t in toks}
    assert min(a, b) >= s or any(t[0] == s for t in toks)
    assert not _is_space(text[s]) and not _is_space(text[e - 1])
    for ch in (text[s], text[e - 1]):
        assert not PUNCT.match(ch) or ch in "%‰‱#@_"
    assert snap(text, s, e) == r


def test_snap_never_splits_a_cluster_or_trims_word_characters():
    assert snapped("«\u0301mot") == "mot"  # quote + mark: one cluster, dropped whole
    assert snapped("\u200dabc") == "\u200dabc"
    assert snapped("snake_case_") == "snake_case_"
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert snapped(" " + flag + " ") == flag  # tag characters are format chars
    assert snapped("\u200e\u202bmot\u202c\ufeff") == "mot"  # bidi controls, BOM


@given(st.lists(st.sampled_from(["d'", "l’", "qu'", "jusqu'", "aujourd'hui", "'", "’", "ʼ", "a", "é", "e\u0301", " ",
                                 "\u00a0", "1", ".", "-", "👍🏽", "\n", "Irak", "O'Brien", "''"]), max_size=30).map("".join))
def test_token_spans_fast_path_matches_the_reference_tokenizer(text):
    from annotator.text.words import _tokenize

    assert token_spans(text) == [(s, e) for s, e, _ in _tokenize(text)]


@given(st.lists(st.sampled_from(["D'", "août", "1\u00a0200", "29.307", "2,5", "peut-être", "l’", "«", "»", "“", " ",
                                 "\n", "\t", "_", "ß", "Ωμέγα", "中文", "١٢٣", "—", "…", "½", "x²", "©", "\u00a0",
                                 "\u202f", "\u2009", "\x1c", "\x0b", "\x0c", "e\u0301", "\u200d", "ʼ", "👍🏽"]),
                max_size=40).map("".join))
def test_token_spans_plain_and_full_rules_agree(text):
    """The ``re`` fast path gives exactly the tokens of the full rules on any text it accepts."""
    from annotator.text.words import _NEEDS_FULL_RULES, _TOKEN, _TOKEN_PLAIN

    if not _NEEDS_FULL_RULES.search(text):
        assert [m.span() for m in _TOKEN_PLAIN.finditer(text)] == [m.span() for m in _TOKEN.finditer(text)]


@given(st.lists(st.sampled_from(["D'", "août", "1\u00a0200", "29.307", "2,5", "peut-être", "l’", "«", "»", " ",
                                 "\n", "\t", "_", "ß", "Ωμέγα", "中文", "١٢٣", "—", "…", "½", "x²", "©", "\u00a0",
                                 "\u202f", "\u2009", "\x0b", "\x0c", "'", "-", ".", ","]), max_size=40).map("".join))
def test_token_spans_fast_path_on_plain_text(text):
    from annotator.text.words import _NEEDS_FULL_RULES, _tokenize

    assert not _NEEDS_FULL_RULES.search(text)
    assert token_spans(text) == [(s, e) for s, e, _ in _tokenize(text)]
