"""``annotator import SOURCES... [--format F]``"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli.common import add_annotator, default_annotator, err, load_scheme_arg, open_store_arg, progress
from annotator.formats.registry import FORMATS, formats_with_option

if TYPE_CHECKING:
    from annotator.formats.common import Options
    from annotator.schema import Scheme

# the format-specific options (each format's row says which it reads; given elsewhere: a usage error)
FORMAT_OPTIONS = ("offsets", "lang", "align", "tags", "as_predictions", "split_discontinuous")


def _for(option: str) -> str:
    return ", ".join(formats_with_option(option, export=False))


def add_label_map(p: argparse.ArgumentParser) -> None:
    p.add_argument("--map", action="append", default=[], metavar="SRC=LABEL",
                   help="another tool's label SRC is the scheme's LABEL (repeatable; SRC= drops SRC on import; "
                        "at export a LABEL is written as the first SRC mapped to it)")
    p.add_argument("--map-file", metavar="FILE", help="SRC=LABEL lines (# comments), or a JSON object {SRC: LABEL}")


def configure(p: argparse.ArgumentParser) -> None:
    readable = [name for name, f in FORMATS.items() if f.can_read]
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help=".txt files, folders of them (recursively), .jsonl of documents {id, text, meta} or of native "
                        "records; with --format, other tools' files (brat: a folder)")
    p.add_argument("--format", default="auto", choices=["auto", *readable], metavar="F",
                   help=f"format of the sources: auto (guessed per source, and said), {', '.join(readable)} (default: "
                        "auto)")
    add_annotator(p, "annotator of records that name none (default: your login name)")
    p.add_argument("--skip-invalid", action="store_true", help="import the good lines of a file that has bad ones "
                                                               "(still listed)")
    p.add_argument("--replace", action="store_true",
                   help="let a record replace different work of the same annotator on the same document (undoable)")
    add_label_map(p)
    p.add_argument("--offsets", choices=["codepoint", "utf16", "grapheme"],
                   help=f"{_for('offsets')}: unit of the file's offsets (default: the tool's own: utf16 for doccano, "
                        "codepoint for the others)")
    p.add_argument("--lang", help=f"{_for('lang')}: language of the blank tokenizer (default: fr)")
    p.add_argument("--tags", choices=["iob1", "iob2", "bilou"],
                   help=f"{_for('tags')}: tag scheme of the file (default: iob2; CoNLL-2003's original files are iob1)")
    p.add_argument("--as-predictions", action="store_true",
                   help=f"{_for('as_predictions')}: import the tasks' predictions (as spans with source 'prediction') "
                        "instead of annotations")
    p.add_argument("--split-discontinuous", action="store_true",
                   help=f"{_for('split_discontinuous')}: import a discontinuous span as one span per fragment "
                        "instead of refusing it")
    p.set_defaults(func=run)


def check_options(args: argparse.Namespace, formats: set[str], *, export: bool = False) -> None:
    """A format-specific option given for formats that do not read it is a usage error."""
    from annotator.errors import UsageError

    for opt in FORMAT_OPTIONS:
        value = getattr(args, opt, None)
        allowed = formats_with_option(opt, export=export)
        if value not in (None, False) and not formats & set(allowed):
            flag = "--" + opt.replace("_", "-")
            raise UsageError(f"{flag} applies to {', '.join(allowed)} only (here: {', '.join(sorted(formats))})")


def build_options(args: argparse.Namespace, scheme: Scheme, annotator: str) -> Options:
    from annotator.formats.common import Options, known_names
    from annotator.formats.labelmap import build_label_map

    return Options(
        annotator=annotator,
        skip_invalid=getattr(args, "skip_invalid", False),
        offsets=getattr(args, "offsets", None),
        lang=getattr(args, "lang", None) or "fr",
        tags=getattr(args, "tags", None) or "iob2",
        align=getattr(args, "align", None) or "strict",
        allow_lossy=getattr(args, "allow_lossy", False),
        as_predictions=getattr(args, "as_predictions", False),
        split_discontinuous=getattr(args, "split_discontinuous", False),
        label_map=build_label_map(args.map, args.map_file, known=known_names(scheme)),
    )


def print_notes(options: Options) -> None:
    for line in options.notes.lines():
        err(f"note: {line}")


def run(args: argparse.Namespace) -> int:
    from annotator.errors import InvalidData, ProblemLog
    from annotator.formats.registry import describe_plan, read_sources, resolve_sources
    from annotator.importing import import_items

    scheme = load_scheme_arg(args)
    plan = resolve_sources(args.sources, args.format)
    check_options(args, {p.format for p in plan})
    if args.format == "auto":
        for line in describe_plan(plan):
            err(line)
    log = ProblemLog()
    options = None
    try:
        with open_store_arg(args) as store, progress("importing") as step:
            # records that name no annotator: --annotator's, else the database user's (PostgreSQL), else yours
            options = build_options(args, scheme, args.annotator or store.user or default_annotator())
            result = import_items(store, read_sources(plan, scheme, options, log), log,
                                  skip_invalid=args.skip_invalid, replace=args.replace, on_item=step)
    except InvalidData:
        if options is not None:
            print_notes(options)
        raise
    print_notes(options)
    for line in result.problems.lines():
        err(line)
    if result.items == 0 and not result.problems:
        err("note: the sources hold no document (nothing to import)")
    err(f"imported into {store.location}: {result.summary}")
    if result.problems:
        err(f"skipped {result.problems.total} invalid item(s) (--skip-invalid)")
        return 1
    return 0
