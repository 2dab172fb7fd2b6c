"""File formats: native JSONL (``jsonl``), plain text, and other tools' formats, one module each."""
