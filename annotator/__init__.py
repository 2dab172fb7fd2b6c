"""annotator: annotate news articles from the terminal and export training-ready JSONL.

The core (``model``, ``schema``, ``store``, ``text``, ``formats``, ``agreement``) has no Textual
import and can be used as a library; ``tui`` and ``cli`` are thin faces over it.
"""

__version__ = "0.1.0"
