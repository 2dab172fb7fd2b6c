"""Pausing Python's cyclic garbage collector around bulk work.

A bulk step (an import, reading a corpus for its figures) allocates many small containers that
form no cycles and live until the step is over: the cyclic collector would scan them again and
again for nothing. Reference counting still frees everything as usual while it is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block; with ``freeze``, what was built (and is still alive)
    is then moved out of the collector's scans for good (a corpus kept to the end of a command)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()
