"""Plain-Python text utilities: display sanitising, French-aware words, offsets.

Knows nothing of labels or of the UI.  All offsets are Python code points into
the exact (never normalised) text, end exclusive.
"""

from importlib import import_module
from typing import Any

# Each name is imported from its module on first use: importing one module of this package (the
# CLI needs only ``sanitize``) does not load the others (``words`` compiles its patterns).
_HOME = {
    **dict.fromkeys(("UNITS", "OffsetError", "OffsetMap", "bytes_to_cp", "cp_to_bytes", "cp_to_grapheme",
                     "cp_to_utf16", "grapheme_boundaries", "grapheme_to_cp", "utf16_to_cp"), "offsets"),
    **dict.fromkeys(("DISPLAY_TABLE", "LINE_TABLE", "display_line", "display_text"), "sanitize"),
    **dict.fromkeys(("ELISIONS", "NO_SPLIT", "next_word_start", "prev_word_start", "snap", "token_spans",
                     "word_at"), "words"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'annotator.text' has no attribute {name!r}")
    return getattr(import_module(f"annotator.text.{home}"), name)


__all__ = sorted(_HOME)
