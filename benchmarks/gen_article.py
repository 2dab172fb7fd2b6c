"""Deterministic French-like news articles with nested spans, for benchmarks.

    from benchmarks.gen_article import generate_article, one_megabyte, one_line
    text, spans = one_megabyte(seed=0)      # ~1 MB, paragraphs, 20,000 spans
    text, spans = one_line(seed=0)          # ~200 KB, no newline at all

Spans are ``ViewSpan(id, start, end, label)`` with labels ACTOR, DATE,
QUANTITY and QUOTE.  They nest as in real annotation: a QUANTITY or an ACTOR
inside a QUOTE, an ACTOR inside an ACTOR (``l'émissaire américain Brett
McGurk``), and three deep in places (a QUOTE holding an ACTOR holding an
ACTOR).  Same seed, same output.

Run as a script to print a summary: ``python -m benchmarks.gen_article``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.tui.widgets.span_index import ViewSpan  # noqa: E402 - pure, no Textual

__all__ = ["generate_article", "one_line", "one_megabyte"]

_FIRST = ["Brett", "Amina", "Jean-Yves", "Hélène", "François", "Nadia", "Ibrahim", "Léa",
          "Mohamed", "Chloé", "Haïder", "Ségolène", "Karim", "Agnès", "Olivier", "Zoé"]
_LAST = ["McGurk", "Al-Abadi", "Le Drian", "Dupont", "N'Diaye", "Benali", "Lefèvre",
         "Moreau", "Mattis", "Kouchner", "Bérégovoy", "Martínez", "Östlund", "O'Neill"]
_ROLES = ["l'émissaire américain en Irak", "le porte-parole de la coalition",
          "la ministre française des Armées", "le Premier ministre irakien",
          "le chef d'état-major", "l’ambassadeur de France à Bagdad",
          "la directrice de l'ONG", "le commandant des forces terrestres"]
_ORGS = ["la coalition internationale", "l'armée irakienne", "la Banque mondiale",
         "le Conseil de sécurité", "les forces kurdes", "le gouvernement irakien",
         "l'Organisation des Nations unies", "le Commandement central américain"]
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"]
_UNITS = ["membres", "soldats", "civils", "millions de dollars", "kilomètres", "%",
          "réfugiés", "véhicules blindés", "frappes aériennes", "milliards d’euros"]
_FILLER = ("les opérations de combat contre le groupe terroriste autoproclamé ont pris fin "
           "dans la capitale irakienne où la situation reste fragile selon plusieurs sources "
           "locales qui évoquent une évolution de la composition et des responsabilités de "
           "la mission chargée de la formation et du développement des capacités liées à la "
           "sécurité avant l'étape de l’après-guerre et d'une rémission à long terme").split()
_VERBS = ["a déclaré", "a indiqué", "a précisé", "a estimé", "a affirmé", "a rappelé"]


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str]] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def open(self) -> int:
        return self.pos

    def close(self, start: int, label: str) -> None:
        self.spans.append((start, self.pos, label))

    # -- pieces ---------------------------------------------------------------
    def name(self) -> None:
        s = self.open()
        self.add(f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}")
        self.close(s, "ACTOR")

    def actor(self) -> None:
        r = self.rng.random()
        if r < 0.45:
            self.name()
        elif r < 0.8:  # ACTOR inside ACTOR
            s = self.open()
            self.add(self.rng.choice(_ROLES) + " ")
            self.name()
            self.close(s, "ACTOR")
        else:
            s = self.open()
            self.add(self.rng.choice(_ORGS))
            self.close(s, "ACTOR")

    def date(self) -> None:
        rng = self.rng
        s = self.open()
        r = rng.random()
        year = rng.randint(1990, 2024)
        if r < 0.4:
            self.add(f"le {rng.randint(1, 28)} {rng.choice(_MONTHS)} {year}")
        elif r < 0.7:
            self.add(f"en {rng.choice(_MONTHS)} {year}")
        elif r < 0.85:
            self.add(f"D'{rng.choice(['août', 'avril', 'octobre'])} {year}")
        else:
            self.add(rng.choice(["lundi", "mardi soir", "hier", "la semaine dernière"]))
        self.close(s, "DATE")

    def quantity(self) -> None:
        rng = self.rng
        s = self.open()
        n = rng.choice([
            str(rng.randint(2, 99)),
            f"{rng.randint(1, 9)}\u202f{rng.randint(100, 999)}",
            f"{rng.randint(1, 99)},{rng.randint(1, 9)}",
        ])
        self.add(f"{n} {rng.choice(_UNITS)}")
        self.close(s, "QUANTITY")

    def filler(self, lo: int = 3, hi: int = 9) -> None:
        k = self.rng.randint(lo, hi)
        i = self.rng.randrange(len(_FILLER) - k)
        self.add(" ".join(_FILLER[i : i + k]))

    def quote(self) -> None:
        rng = self.rng
        s = self.open()
        self.add(rng.choice(["« ", "\u201c", '"']))
        self.filler(2, 6)
        self.add(" ")
        r = rng.random()
        if r < 0.4:
            self.quantity()
        elif r < 0.75:
            self.actor()  # may be an ACTOR in an ACTOR: three deep
        else:
            self.date()
        self.add(" ")
        self.filler(2, 6)
        self.add(rng.choice([" »", "\u201d", '"']))
        self.close(s, "QUOTE")

    def sentence(self) -> None:
        rng = self.rng
        t = rng.randrange(4)
        if t == 0:
            self.date()
            self.add(", ")
            self.actor()
            self.add(f" {rng.choice(_VERBS)} que ")
            self.quote()
            self.add(", avant d'ajouter que ")
            self.filler()
        elif t == 1:
            self.add("Selon ")
            self.actor()
            self.add(", ")
            self.filler(2, 5)
            self.add(" ")
            self.quantity()
            self.add(" ")
            self.date()
        elif t == 2:
            self.quote()
            self.add(f", {rng.choice(_VERBS)} ")
            self.actor()
            self.add(" ")
            self.date()
        else:
            self.actor()
            self.add(" compte ")
            self.quantity()
            self.add(" et ")
            self.filler(4, 10)
            self.add(", dont ")
            self.quantity()
        self.add(". ")


def generate_article(
    size: int = 1_000_000,
    n_spans: int = 20_000,
    *,
    seed: int = 0,
    newlines: bool = True,
) -> tuple[str, list[ViewSpan]]:
    """About ``size`` characters of paragraphs with exactly ``n_spans`` spans
    (fewer if the text is too short to hold them)."""
    rng = random.Random(seed)
    b = _Builder(rng)
    while b.pos < size:
        for _ in range(rng.randint(3, 7)):
            b.sentence()
        b.parts[-1] = b.parts[-1].rstrip(" ")
        b.pos -= 1
        b.add("\n\n" if newlines else " ")
    text = "".join(b.parts)
    assert len(text) == b.pos
    spans = b.spans
    if len(spans) > n_spans:
        keep = sorted(rng.sample(range(len(spans)), n_spans))
        spans = [spans[i] for i in keep]
    out = [ViewSpan(f"s{i:05d}", s, e, label) for i, (s, e, label) in enumerate(spans)]
    return text, out


def one_megabyte(seed: int = 0) -> tuple[str, list[ViewSpan]]:
    """~1 MB in paragraphs, 20,000 spans nested up to three deep."""
    return generate_article(1_000_000, 20_000, seed=seed)


def one_line(seed: int = 0) -> tuple[str, list[ViewSpan]]:
    """~200 KB with no newline at all, 4,000 spans."""
    return generate_article(200_000, 4_000, seed=seed, newlines=False)


def max_depth(spans: list[ViewSpan]) -> int:
    """Deepest nesting (for the summary and tests)."""
    events = sorted([(s.start, 1) for s in spans] + [(s.end, -1) for s in spans])
    depth = best = 0
    for _pos, d in events:
        depth += d
        best = max(best, depth)
    return best


if __name__ == "__main__":
    for name, (text, spans) in (("1 MB", one_megabyte()), ("200 KB one line", one_line())):
        labels: dict[str, int] = {}
        for s in spans:
            labels[s.label] = labels.get(s.label, 0) + 1
        print(f"{name}: {len(text):,} chars, {text.count(chr(10)):,} newlines, "
              f"{len(spans):,} spans {labels}, max depth {max_depth(spans)}")
        print("   ", text[:160].replace("\n", "⏎"))
