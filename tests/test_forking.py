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
