"""``annotator validate FILES...``: every problem as ``FILE:LINE: field: message``; exit 1 if any."""

from __future__ import annotations

import argparse
import sys

from annotator.cli.common import err, load_scheme_arg
from annotator.text.sanitize import display_line


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="native JSONL files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.errors import Problem
    from annotator.formats.jsonl import read_jsonl
    from annotator.formats.problems import ProblemLog

    scheme = load_scheme_arg(args)
    log = ProblemLog(limit=sys.maxsize)
    good = 0
    for name in args.files:
        try:
            f = open(name, "rb")
        except OSError as exc:
            log.add(Problem(name, None, None, f"cannot read: {exc.strerror or exc}"))
            continue
        with f:
            for _item in read_jsonl(f, name, scheme, "-", log):
                good += 1
    for p in log.kept:
        print(display_line(str(p)))
    err(f"{good} valid line(s), {log.total} problem(s)")
    return 1 if log else 0
