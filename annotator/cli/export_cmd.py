"""``annotator export [--format F]``"""

from __future__ import annotations

import argparse

from annotator.cli.common import add_annotator, annotator_name, err, load_scheme_arg, open_store_arg, progress
from annotator.cli.import_cmd import add_label_map, build_options, check_options, print_notes
from annotator.formats.registry import FORMATS, formats_with_option

LOSSES_SHOWN = 20


def name_list(value: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one annotator, e.g. reviewer,alice")
    return [annotator_name(name) for name in names]


def _for(option: str) -> str:
    return ", ".join(formats_with_option(option, export=True))


def configure(p: argparse.ArgumentParser) -> None:
    writable = [name for name, f in FORMATS.items() if f.can_write]
    p.add_argument("--format", default="jsonl", choices=writable, metavar="F",
                   help=f"output format: {', '.join(writable)} (default: jsonl, native)")
    add_annotator(p, "export only this annotator's records (default: everyone's)")
    training = ", ".join(name for name, f in FORMATS.items() if f.training)
    p.add_argument("--prefer", metavar="NAMES", type=name_list,
                   help="one record per document: the first of these annotators who has one, e.g. reviewer,alice "
                        "(documents none of them has are left out, and said)")
    p.add_argument("--all-annotators", action="store_true",
                   help=f"{training}: write every annotator's record of a document, side by side (by default these "
                        "training formats take the reviewed record, or the only one, and refuse to guess)")
    p.add_argument("--status", default="done", choices=["done", "all", "todo", "in_progress", "skipped"],
                   help="records with this status (default: done)")
    folders = ", ".join(name for name, f in FORMATS.items() if f.folder)
    p.add_argument("--out", metavar="PATH",
                   help=f"output file (- for standard output; a regular file is replaced atomically, a device, FIFO or "
                        f"pipe written to), or folder for {folders}; an existing folder for another format gets "
                        f"its annotations.<format> file (default: {FORMATS['jsonl'].default_out}, or "
                        "exports/annotations.<format>)")
    add_label_map(p)
    p.add_argument("--offsets", choices=["codepoint", "utf16", "grapheme"],
                   help=f"{_for('offsets')}: unit of the offsets written (default: the tool's own: utf16 for doccano, "
                        "codepoint for the others)")
    p.add_argument("--lang", help=f"{_for('lang')}: language of the blank tokenizer (default: fr)")
    p.add_argument("--align", choices=["strict", "contract", "expand"],
                   help=f"{_for('align')}: how a span whose edges are not token edges is put in the Doc "
                        "(default strict: left out)")
    p.add_argument("--tags", choices=["iob1", "iob2", "bilou"], help=f"{_for('tags')}: tag scheme (default: iob2)")
    p.add_argument("--allow-lossy", action="store_true",
                   help="write even when the format cannot hold everything (what is lost is still listed)")
    p.add_argument("--as-predictions", action="store_true",
                   help=f"{_for('as_predictions')}: write each annotator's spans as predictions (pre-annotations) "
                        "instead of annotations")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotator.errors import UsageError
    from annotator.exporting import Selection, export, export_query

    check_options(args, {args.format}, export=True)
    if args.format == "jsonl" and (args.map or args.map_file or args.allow_lossy):
        raise UsageError("--map, --map-file and --allow-lossy apply to other tools' formats, not native jsonl")
    scheme = load_scheme_arg(args)
    options = build_options(args, scheme, args.annotator or "annotator")
    status = None if args.status == "all" else args.status
    dest = args.out or FORMATS[args.format].default_out
    with open_store_arg(args, create=False) as store:
        total = store.count_records(export_query(args.annotator, status))
        with progress(f"exporting ({args.format})", total) as step:
            report = export(store, scheme, dest, args.format, options, annotator=args.annotator,
                            status=status, on_record=step,
                            selection=Selection(tuple(args.prefer or ()), args.all_annotators))
        where = "standard output" if report.dest == "-" else report.dest
        err(f"exported {report.records} record(s) to {where} ({args.format})")
        for note in report.notes:
            err(f"note: {note}")
        if report.lost:
            err(f"lost (--allow-lossy) in {report.lost} record(s):")
            for loss in report.losses[:LOSSES_SHOWN]:
                err(f"  {loss}")
            if report.lost > LOSSES_SHOWN:
                err(f"  ... and {report.lost - LOSSES_SHOWN} more record(s)")
        print_notes(options)
        if report.records == 0 and status == "done":
            others = store.count_records(export_query(args.annotator, None))
            if others:
                err(f"({others} record(s) are not done yet: --status all exports them)")
    return 0
