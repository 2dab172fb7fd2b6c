"""``annotator validate FILES...``: every problem as ``FILE:LINE: field: message``; exit 1 if any."""

from __future__ import annotations

import argparse

from annotator.cli.common import err, load_scheme_arg
from annotator.text.sanitize import display_line


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="native JSONL files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.validation import validate_file

    scheme = load_scheme_arg(args)
    good = total = 0
    for name in args.files:
        verdict = validate_file(name, scheme)
        for p in verdict.problems:
            print(display_line(str(p)))
        good += verdict.good_lines
        total += verdict.total
    err(f"{good} valid line(s), {total} problem(s)")
    return 1 if total else 0
