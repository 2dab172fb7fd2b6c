"""The ``annotator`` command: parses arguments and hands each command to its module.

Exit codes: 0 success, 1 invalid data (or a store that cannot be used), 2 usage error.
Nothing heavy is imported before a command needs it, so ``annotator --help`` starts fast.
"""

from __future__ import annotations

import argparse
import sys

from annotator.cli.common import add_common, run_command

COMMANDS = {
    "annotate": ("annotator.cli.annotate", "import SOURCES (default: the sample article) and annotate in the terminal"),
    "review": ("annotator.cli.review_cmd", "adjudicate several annotators' records into a gold record"),
    "import": ("annotator.cli.import_cmd", "import documents and records into the store"),
    "export": ("annotator.cli.export_cmd", "export records from the store"),
    "validate": ("annotator.cli.validate_cmd", "check native JSONL files against the scheme"),
    "list": ("annotator.cli.list_cmd", "documents with their status per annotator"),
    "stats": ("annotator.cli.stats_cmd", "documents by status and spans by label and annotator"),
    "schema": ("annotator.cli.schema_cmd", "show the label scheme or the JSON Schema of an export record"),
    "agree": ("annotator.cli.agree_cmd", "agreement between annotators: span F1, kappa, alpha, attributes"),
    "web": ("annotator.cli.web_cmd", "serve the annotate and review screens to browsers, one private link per person"),
    "suggest": ("annotator.cli.suggest_cmd", "proposed spans, kept in the store or written as records (--out)"),
    "assign": ("annotator.cli.assign_cmd", "hand each document to K annotators, balanced by text length"),
    "progress": ("annotator.cli.progress_cmd", "per annotator: assigned, in progress, done; what is ready for review"),
    "db": ("annotator.cli.db_cmd", "prepare a store: annotator db init URL"),
    "team": ("annotator.cli.team_cmd", "a PostgreSQL store's people and roles: team add NAME --role R, team list"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only``, the options of that command alone are configured
    (the others are listed with their help line), so its siblings' modules are not imported."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles from the terminal (ACTOR, DATE, QUANTITY, QUOTE) and export JSONL "
        "datasets. With no command: `annotator annotate` (on the sample article when the store is empty).",
    )
    from annotator import __version__

    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            add_common(p)
            importlib.import_module(module).configure(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["annotate", *argv]
    args = build_parser(argv[0] if argv[0] in COMMANDS else None).parse_args(argv)
    if args.command is None:
        args = build_parser("annotate").parse_args(["annotate"])
    return run_command(args)
