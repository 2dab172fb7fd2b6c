"""The label scheme: read from ``schemas/*.toml``, checked, and compiled into pydantic models."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.schema.scheme import Scheme
from annotator.schema.definition import ATTR_TYPES, AttrDef, LabelDef, SchemeDef, parse_scheme, read_scheme_file

__all__ = ["ATTR_TYPES", "AttrDef", "LabelDef", "Scheme", "SchemeDef", "default_scheme_path", "load_scheme", "parse_scheme"]

_REPO_SCHEMES = Path(__file__).resolve().parents[2] / "schemas"


def default_scheme_path() -> Path:
    """``$ANNOTATOR_SCHEMA``, else ``schemas/news.toml`` in the current folder, else the project's own."""
    env = os.environ.get("ANNOTATOR_SCHEMA")
    if env:
        return Path(env)
    local = Path("schemas") / "news.toml"
    if local.is_file():
        return local
    return _REPO_SCHEMES / "news.toml"


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Read, check and compile a scheme file (default: :func:`default_scheme_path`)."""
    return Scheme(read_scheme_file(path if path is not None else default_scheme_path()))
