"""Work in a forked child gives the answer the parent would, and falls back to the parent."""

from __future__ import annotations

import os

import pytest

from annotator.forking import Forked, can_fork


def whose(x: int) -> tuple[int, int]:
    return os.getpid(), x * 2


def fails(x: int) -> int:
    raise ValueError(f"bad {x}")


@pytest.mark.skipif(not can_fork(), reason="no fork on this machine")
def test_the_result_comes_from_a_child():
    job = Forked(whose, 21)
    assert job.in_child
    pid, value = job.result()
    assert value == 42 and pid != os.getpid()


def test_disabled_runs_here():
    job = Forked(whose, 1, enabled=False)
    assert not job.in_child and job.result() == (os.getpid(), 2)


def test_a_failing_child_is_computed_again_here():
    with pytest.raises(ValueError, match="bad 3"):
        Forked(fails, 3).result()


PARENT = os.getpid()


def dies_in_a_child(x: int) -> int:
    if os.getpid() != PARENT:
        os._exit(1)  # no answer, no exception: the pipe just closes
    return x + 1


@pytest.mark.skipif(not can_fork(), reason="no fork on this machine")
def test_a_child_that_dies_is_computed_again_here():
    job = Forked(dies_in_a_child, 1)
    assert job.in_child
    assert job.result() == 2


def test_in_two_halves_gives_every_result_in_order_and_merges_the_childs_extra(monkeypatch):
    """The second half done in a forked child comes back after the first, in order, with its tally."""
    from annotator import forking

    monkeypatch.setattr(forking, "FORK_MIN_BYTES", 0)  # split even a small input
    parent = os.getpid()
    seen: list[int] = []

    def batch(items):
        return [(x * x, os.getpid()) for x in items], len(items)

    out = list(forking.in_two_halves(list(range(10)), lambda x: 1, lambda x: (x * x, os.getpid()), batch,
                                     seen.append))
    assert [v for v, _ in out] == [x * x for x in range(10)]
    assert seen == [5]  # the child's half, merged once
    pids = {pid for _, pid in out[5:]}
    assert pids != {parent} if forking.can_fork() else pids == {parent}
    assert {pid for _, pid in out[:5]} == {parent}


def test_in_two_halves_does_not_fork_for_a_small_input():
    from annotator import forking

    merged: list[int] = []
    out = list(forking.in_two_halves([1, 2, 3], lambda x: 1, lambda x: x + 1, lambda xs: ([], 0), merged.append))
    assert out == [2, 3, 4] and merged == []
