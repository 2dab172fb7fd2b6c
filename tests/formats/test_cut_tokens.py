"""Tokens cut at span edges (and at the white space a token may hold) for the token formats:
the same pieces as cutting token by token, the way the definition reads."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.common import cut_tokens
from annotator.text.words import token_spans


def by_definition(text: str, cuts: list[int], split_space: bool) -> list[tuple[int, int]]:
    edges = sorted(set(cuts))
    out = []
    for s, e in token_spans(text):
        bounds = [s, *(x for x in edges if s < x < e), e]
        for a, b in zip(bounds, bounds[1:]):
            if not split_space:
                out.append((a, b))
                continue
            i = a
            for m in re.finditer(r"\s+", text[a:b]):
                if a + m.start() > i:
                    out.append((i, a + m.start()))
                i = a + m.end()
            if i < b:
                out.append((i, b))
    return out


PIECES = ["1\u00a0200", "3\u202f000\u202f000", "2,5", "l’État", "jusqu'aujourd'hui", "Saint-Jean", " ", "\n",
          "« ", " »", "mai", "x", "é", "🙂", "\u00a0", "12", ".", "a\u0301"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.lists(st.integers(0, 60), max_size=8), st.booleans())
def test_cut_tokens_equal_the_definition(pieces, cuts, split_space):
    text = "".join(pieces)
    cuts = [c for c in cuts if c <= len(text)]
    assert cut_tokens(text, cuts, split_space=split_space) == by_definition(text, cuts, split_space)


def test_a_cut_and_a_space_in_one_token():
    text = "soit 1\u00a0200 hommes"
    # "1\u00a0200" is one token; cut at 8 (inside "200") and split at the NBSP
    assert cut_tokens(text, [8], split_space=True) == [(0, 4), (5, 6), (7, 8), (8, 10), (11, 17)]
    assert cut_tokens(text, [8]) == [(0, 4), (5, 8), (8, 10), (11, 17)]


def test_records_come_with_their_tokens_chunk_after_chunk(monkeypatch):
    from annotator.formats.common import with_tokens

    texts = ["D’après l’état-major, 1\u00a0200 soldats.", "", "a\u0301 🙂 x", "jusqu'aujourd'hui", "Le 12 mai."] * 2
    records = [{"id": str(i), "text": t} for i, t in enumerate(texts)]
    got = list(with_tokens(iter(records), chunk=3))
    assert [r["id"] for r, _ in got] == [r["id"] for r in records]
    assert [toks for _, toks in got] == [token_spans(t) for t in texts]
    assert list(with_tokens([])) == []
    import builtins

    real_import = builtins.__import__

    def no_numpy(name, *args, **kwargs):
        if name == "annotator.text.token_arrays":
            raise ImportError("no numpy here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_numpy)
    assert [toks for _, toks in with_tokens(records)] == [None] * len(records)
