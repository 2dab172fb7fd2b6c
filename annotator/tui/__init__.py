"""Terminal user interface (Textual)."""
