"""Tokenizing in a worker while reading gives the same tokens as tokenizing here, and falls back."""

from __future__ import annotations

import numpy as np

from annotator.agreement.tokens import TokenPrefetch
from annotator.agreement.units import token_bounds

TEXTS = [f"D’après l’état-major, {n} soldats sont partis le {n % 28 + 1} mai." for n in range(23)]


def same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_worker_tokens_equal_local_tokens():
    with TokenPrefetch(batch=5, enabled=True) as tokens:
        for t in TEXTS:
            tokens.submit(t)
        assert all(same(tokens(t), token_bounds(t)) for t in TEXTS)
        assert same(tokens("pas envoyé"), token_bounds("pas envoyé"))  # never submitted


def test_small_corpora_start_no_process():
    with TokenPrefetch(batch=100, enabled=True) as tokens:
        for t in TEXTS:
            tokens.submit(t)
        assert all(same(tokens(t), token_bounds(t)) for t in TEXTS)
        assert tokens._process is None


def test_no_worker_means_local_tokens():
    with TokenPrefetch(batch=2, enabled=False) as tokens:
        for t in TEXTS[:4]:
            tokens.submit(t)
        assert tokens._process is None and same(tokens(TEXTS[0]), token_bounds(TEXTS[0]))


def test_a_dead_worker_falls_back_to_local_tokens():
    with TokenPrefetch(batch=5, enabled=True) as tokens:
        for t in TEXTS[:10]:
            tokens.submit(t)
        tokens._process.kill()
        tokens._process.join()
        assert all(same(tokens(t), token_bounds(t)) for t in TEXTS[:10])
