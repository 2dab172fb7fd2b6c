"""Plain-Python text utilities: display sanitising, French-aware words, offsets.

Knows nothing of labels or of the UI.  All offsets are Python code points into
the exact (never normalised) text, end exclusive.
"""

from annotator.text.offsets import (
    UNITS,
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
from annotator.text.sanitize import DISPLAY_TABLE, LINE_TABLE, display_line, display_text
from annotator.text.words import (
    ELISIONS,
    NO_SPLIT,
    next_word_start,
    prev_word_start,
    snap,
    token_spans,
    word_at,
)

__all__ = [
    "DISPLAY_TABLE",
    "ELISIONS",
    "LINE_TABLE",
    "NO_SPLIT",
    "UNITS",
    "OffsetError",
    "OffsetMap",
    "bytes_to_cp",
    "cp_to_bytes",
    "cp_to_grapheme",
    "cp_to_utf16",
    "display_line",
    "display_text",
    "grapheme_boundaries",
    "grapheme_to_cp",
    "next_word_start",
    "prev_word_start",
    "snap",
    "token_spans",
    "utf16_to_cp",
    "word_at",
]
