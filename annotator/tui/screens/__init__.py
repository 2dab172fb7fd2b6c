"""Screens of the annotator TUI: annotate, document list, help and the small modal forms."""
