"""Text hashing and the lone-surrogate check, with no pydantic import (used on start-up paths).
``hashlib`` (~5 ms to import) is imported on the first hash, not on the way to the TUI's first frame."""

from __future__ import annotations


def text_sha256(text: str) -> str:
    """The SHA-256 of the text's UTF-8 bytes, as 64 lower-case hex digits.

    ``surrogatepass`` keeps the function total; the models refuse lone surrogates before this runs.
    """
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def checked_sha256(text: str) -> str | int:
    """The text's SHA-256, or the offset of its first lone surrogate (one UTF-8 encoding for both)."""
    import hashlib

    try:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    except UnicodeEncodeError as exc:
        return exc.start


def has_lone_surrogate(text: str) -> int | None:
    """The code-point offset of the first lone surrogate in ``text``, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None
