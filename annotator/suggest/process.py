"""A screen's suggestions made in a child process, so that loading a spaCy pipeline (seconds) and
running the suggesters over a long article (4 s of CPU at 1 MB for the rules alone, 30 s with the
pipeline) never hold this process's interpreter: a thread would share its lock with the screen,
and every key pressed meanwhile would wait its turn (measured: 15-20 ms a cursor key, p95 up to
200 ms, for as long as the work lasts; a few ms once it is done).

The child is started on the first document (a fresh interpreter: it inherits nothing of the
screen's threads) and kept for the session, so the pipeline and the gazetteer are loaded once.
It opens its own connection to the store (:meth:`Store.reopener`), reads the document's kept
suggestions or computes and keeps them (:meth:`Suggesting.for_document`), and answers with them and
the record's spans as stored. The actors the session tags are sent along with the next request, for
the gazetteer. A child that dies is started again for the next document (the one it was working on
says why it has none); :meth:`SuggestingProcess.close` ends it at once, and it ends on its own when
this process does (its pipe closes). Nothing here imports the suggesters: the child does.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib.util import find_spec
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple, Union

from annotator.errors import AnnotatorError
from annotator.model.types import Span

if TYPE_CHECKING:
    from annotator.schema import Scheme
    from annotator.store.base import Store
    from annotator.suggest.kept import KeptSuggestions, Suggesting

__all__ = ["Answer", "LearnedSpan", "MakeSuggesting", "ScreenSuggesting", "SuggestingProcess", "make_suggesting",
           "screen_suggesting"]

# What a screen suggests with, or how to make it (in the worker or the child, on first need).
MakeSuggesting = Callable[[], "Suggesting"]


def screen_suggesting(scheme: Scheme, annotator: str, *, model: bool = True,
                      pattern_files: Sequence[str] = ()) -> MakeSuggesting:
    """How the annotate screen makes what it suggests with (nothing is imported nor loaded before
    it is called; it pickles, for the child): see :func:`make_suggesting`."""
    return partial(make_suggesting, scheme, annotator, model, tuple(pattern_files))


def make_suggesting(scheme: Scheme, annotator: str, model: bool = True,
                    pattern_files: Sequence[str] = ()) -> Suggesting:
    """The rules, the gazetteer of the actors in the store, ``pattern_files``, and the default
    French spaCy pipeline when it is installed (the ``nlp`` extra; else the rules run alone,
    silently; it loads on the first document)."""
    from annotator.suggest.kept import GazetteerCache, Suggesting
    from annotator.suggest.nlp import DEFAULT_MODEL
    from annotator.suggest.pipeline import SuggestOptions

    has_model = model and find_spec("spacy") is not None and find_spec(DEFAULT_MODEL) is not None
    options = SuggestOptions(model=DEFAULT_MODEL if has_model else None, pattern_files=tuple(pattern_files))
    return Suggesting(scheme, annotator, options, gazetteer=GazetteerCache(), model_optional=True)


# -- what crosses the pipe ---------------------------------------------------------------------------


class LearnedSpan(NamedTuple):
    """A span the session tagged, as the gazetteer learns it: its text, label and plain attributes."""

    text: str
    label: str
    attrs: dict[str, str | int | float | bool]


@dataclass(frozen=True, slots=True)
class _Request:
    doc_id: str
    learned: tuple[LearnedSpan, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """A document's suggestions, the record's spans as stored when they were read (what is
    pending is worked out against them), and what was left out of the suggesters, if anything."""

    kept: KeptSuggestions
    spans: list[Span]
    note: str | None


@dataclass(frozen=True, slots=True)
class _Failure:
    message: str


def learned_spans(text: str, spans: Iterable[Span]) -> list[LearnedSpan]:
    return [LearnedSpan(text[s["start"]:s["end"]], s["label"],
                        {k: v for k, v in s["attrs"].items() if isinstance(v, (str, int, float, bool))})
            for s in spans]


# -- the child -----------------------------------------------------------------------------------------

# The child is a fresh interpreter reading pickles on its standard input and writing them on its
# standard output (not ``multiprocessing``: its start reaches for the standard error stream, which
# a Textual app has replaced). Its own standard output is kept for its answers: anything a library
# prints goes to its standard error, which is discarded (it is the screen's terminal otherwise).
CHILD = "from annotator.suggest.process import serve_stdio; serve_stdio()"


def serve_stdio() -> None:
    """The child's entry point: the recipe, then requests, from standard input."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    if hasattr(os, "nice"):
        os.nice(10)  # background work: the screen (and the terminal drawing it) come first
    requests = sys.stdin.buffer
    try:
        make, reopen = pickle.load(requests)
    except EOFError:
        return
    serve(make, reopen, requests, answers)


def serve(make: MakeSuggesting, reopen: Callable[[], Store], requests: IO[bytes], answers: IO[bytes]) -> None:
    """The child's loop: a request in, an answer out, until its input ends or says stop (None)."""
    from annotator.suggest.gazetteer import GazetteerEntry

    store: Store | None = None
    suggesting: Suggesting | None = None
    try:
        while True:
            try:
                request = pickle.load(requests)
            except (EOFError, OSError):
                return  # the screen's process has ended
            if request is None:
                return
            answer: Answer | _Failure
            try:
                if suggesting is None:
                    suggesting = make()
                if store is None:
                    store = reopen()
                suggesting.gazetteer.learn_entries(GazetteerEntry(*s) for s in request.learned)
                kept = suggesting.for_document(store, request.doc_id)
                spans = list(store.load(request.doc_id, suggesting.annotator).spans.values())
                answer = Answer(kept, spans, suggesting.note)
            except Exception as exc:  # noqa: BLE001 - said on the screen, never a traceback
                answer = _Failure(str(exc) or type(exc).__name__)
            try:
                pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
                answers.flush()
            except OSError:
                return
    finally:
        if store is not None:
            store.close()


# -- the screen's side -----------------------------------------------------------------------------


class SuggestingProcess:
    """Suggestions for one session's documents, made in a child process (see the module
    docstring). :meth:`for_document` blocks (call it from a worker thread); the rest does not."""

    def __init__(self, make: MakeSuggesting) -> None:
        self.make = make
        self.note: str | None = None
        self.starts = 0  # children started (tests count them)
        self._learned: list[LearnedSpan] = []
        self._proc: subprocess.Popen[bytes] | None = None
        self._closed = False
        self._asking = threading.Lock()  # one request at a time
        self._state = threading.Lock()  # starting and ending the child

    def learn(self, text: str, spans: Iterable[Span]) -> None:
        """Spans the session added to a document whose text is ``text``: sent with the next request."""
        self._learned.extend(learned_spans(text, spans))

    def for_document(self, store: Store, doc_id: str) -> Answer:
        """The document's suggestions (read as kept, or computed and kept by the child); ``store``
        is the screen's, reopened there. Raises AnnotatorError saying why there are none."""
        with self._asking:
            proc = self._child(store)
            assert proc.stdin is not None and proc.stdout is not None
            learned, self._learned = self._learned, []
            try:
                pickle.dump(_Request(doc_id, tuple(learned)), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.flush()
                answer = pickle.load(proc.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                self._end()
                raise AnnotatorError("the process making suggestions ended before it answered") from None
        if isinstance(answer, _Failure):
            raise AnnotatorError(answer.message)
        self.note = answer.note
        return answer

    def _child(self, store: Store) -> subprocess.Popen[bytes]:
        with self._state:
            if self._closed:
                raise AnnotatorError("suggestions were closed")
            if self._proc is None or self._proc.poll() is not None:
                self._end_locked()
                env = dict(os.environ)
                # the package this process runs, wherever it was found (an installation, a checkout)
                env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                     *filter(None, [env.get("PYTHONPATH")])])
                proc = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env)
                assert proc.stdin is not None
                try:
                    pickle.dump((self.make, store.reopener()), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                    proc.stdin.flush()
                except OSError:
                    pass  # it has ended already: the request finds out
                self._proc = proc
                self.starts += 1
            return self._proc

    def _end(self) -> None:
        with self._state:
            self._end_locked()

    def _end_locked(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()  # a store write it was making is rolled back by the store
            proc.wait(1.0)
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass

    def close(self) -> None:
        """End the child now, whatever it is doing (a request waiting for it fails, and closes
        the pipes once it has seen the child end)."""
        with self._state:
            self._closed = True
            if self._asking.acquire(blocking=False):
                try:
                    self._end_locked()
                finally:
                    self._asking.release()
            elif self._proc is not None and self._proc.poll() is None:
                self._proc.kill()

    @property
    def pid(self) -> int | None:
        """The child's process id (None: not started, or ended)."""
        proc = self._proc
        return proc.pid if proc is not None else None


# How a screen is given its suggestions: made in a child process (the command), or in its worker
# thread (a Suggesting, or a way to make one there on first need: tests and benchmarks).
ScreenSuggesting = Union["Suggesting", MakeSuggesting, SuggestingProcess]  # noqa: UP007 - "Suggesting" is a name only
