"""The label scheme: read from ``schemas/*.toml``, checked, and compiled into pydantic models."""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from annotator.schema.definition import ATTR_TYPES, AttrDef, LabelDef, SchemeDef, parse_scheme, read_scheme_file
from annotator.schema.scheme import Scheme

__all__ = ["ATTR_TYPES", "AttrDef", "LabelDef", "Scheme", "SchemeDef", "default_scheme_path", "load_scheme",
           "packaged_scheme", "parse_scheme"]


def packaged_scheme() -> Traversable:
    """The default scheme shipped inside the package: a byte-identical copy of the project's
    ``schemas/news.toml`` (a test keeps them equal). In an installed package it is a real file."""
    return files("annotator") / "data" / "news.toml"


def default_scheme_path() -> Path | Traversable:
    """``$ANNOTATOR_SCHEMA``, else ``schemas/news.toml`` in the current folder, else the packaged one."""
    env = os.environ.get("ANNOTATOR_SCHEMA")
    if env:
        return Path(env)
    local = Path("schemas") / "news.toml"
    if local.is_file():
        return local
    return packaged_scheme()


def load_scheme(path: str | Path | Traversable | None = None) -> Scheme:
    """Read, check and compile a scheme file (default: :func:`default_scheme_path`)."""
    return Scheme(read_scheme_file(path if path is not None else default_scheme_path()))
