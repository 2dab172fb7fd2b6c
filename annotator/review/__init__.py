"""Reviewing several annotators' work into one gold record. ``merge`` is the pure logic (no Textual)."""
