"""Who said a quote, among the document's ACTOR candidates, from the words around it.

After the quote (``« ... », a déclaré X``): the attribution verb, then its subject -- a person
named in the noun phrase after the verb (``a précisé de son côté l'émissaire américain en Irak
Brett Mc Gurk``), or in the apposition after it (``a réagi son avocate, Me Claire Dufour,``),
else the actor heading that phrase, else the actor a statement comes from (``a indiqué un
communiqué du Commandement de la coalition``). A pronoun (``a-t-il souligné``) or a description
(``a insisté le diplomate portugais``) points back to the last person named; ``la même source``
to the previous speaker.

Before the quote: ``selon X,`` / ``pour X,``; else the subject of the sentence's first verb (``Le
ministre, Bruno Le Maire, a rappelé que ... « ... »``); else the nearest person before it in the
sentence (``Paul Hudson, qui vise une croissance « à un chiffre »``); a sentence opened by a
pronoun (``Il a ajouté que « ... »``) points back to the last person named.

Actors inside a quote are never its speaker (nor anyone's, for a pronoun).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from annotator.suggest.base import Candidate
from annotator.suggest.french import SPEECH_VERB, TITLE
from annotator.text.word_index import trie

__all__ = ["Quote", "Speakers"]


@dataclass(frozen=True, slots=True)
class Quote:
    start: int
    end: int
    open_at: int  # where the quotation begins (the opening mark, or the clause of indirect speech)
    close_at: int  # where it ends (after the closing mark)
    mode: str


_W = r"[\w'’\-]+"
_PRONOUN = r"(?:il|elle|ils|elles)"
_AFTER = re.compile(
    rf"[\s\u00a0]*,[\s\u00a0]*(?:"
    rf"(?P<aux>a|ont|avait|avaient|aurait|auraient|aura|s['’]est|se sont|s['’]était)(?P<inv>-t-{_PRONOUN}|-{_PRONOUN})?"
    rf"|(?P<pres>{_W})(?P<inv2>-t-{_PRONOUN}|-{_PRONOUN})?)(?![\w'’-])",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(rf"[\s\u00a0]+({_W})")
_SEGMENT_END = re.compile(
    r",|;|:|\.(?!\w)|\(|\b(?:lors|devant|pendant|durant|au cours|en marge|qui|où|alors|tout en|avant|après|mais|"
    r"dans|sur|depuis|via|à l'issue|à la sortie|en réponse|selon|car|et a|et avait)\b",
    re.IGNORECASE,
)
_COMPLEMENT_BEFORE = re.compile(r"(?:\b(?:de|du|des|à|au|aux|en|dans|sur|devant|avec|contre|pour|par|chez|entre)"
                                r"|\bd['’]|\()[\s\u00a0]*(?:la[\s\u00a0]+|le[\s\u00a0]+|les[\s\u00a0]+|l['’])?$",
                                re.IGNORECASE)
_TITLE_SUBJECT = re.compile(r"[\s\u00a0«“\"]*(?:le|la|l['’]|son|sa|leur|ce|cette|cet)[\s\u00a0]*", re.IGNORECASE)
_STATEMENT_NOUNS = re.compile(r"^[\s\u00a0]*(?:un|une|le|la|l['’]|les|des|dans[\s\u00a0]+un)?[\s\u00a0]*"
                              r"(?:communiqué|déclaration|texte|note|rapport|lettre|message|tweet|statement|"
                              r"porte-parole|compte|site|bilan)\b", re.IGNORECASE)
_SAME_SOURCE = re.compile(r"\bmême[\s\u00a0]+source\b", re.IGNORECASE)
_DESCRIPTION = re.compile(r"^[\s\u00a0]*(?:\w+[\s\u00a0]+){0,2}?(?:le|la|l['’]|les|son|sa|ses|leur|cet|cette|ce)"
                          r"[\s\u00a0]*[a-zà-ÿ]", re.IGNORECASE)
_LEADING_PRONOUN = re.compile(rf"[\s\u00a0«“\"]*{_PRONOUN}\b", re.IGNORECASE)  # used with match(text, pos)
_INTRO = re.compile(r"\b(?:selon|pour|d['’]après|aux yeux d[eu']?|du côté d[eu'])[\s\u00a0]+(?:la|le|les|l['’])?"
                    r"[\s\u00a0]*$", re.IGNORECASE)
_FIRST_VERB = re.compile(r"\b(?:" + trie(["a", "ont", "avait", "avaient", "aurait", "auraient", "est", "sont", "était",
                                             "étaient", "s'est", "s’est", "se sont", "va", "vont", "sera", "seront"])
                         + r")\b", re.IGNORECASE)
_APPOSITION_END = re.compile(r",|;|\.(?!\w)|\(")
_COMMA_ONLY = re.compile(r"[\s\u00a0]*,[\s\u00a0]*")
_APPOSITION_TITLES = 5  # words allowed before the name in an apposition (Me, Dr, le colonel...)


def _is_person(c: Candidate) -> bool:
    return c.attrs.get("kind") == "person"


class Speakers:
    """Speaker attribution over one document: its ACTOR candidates outside quotes, indexed once."""

    def __init__(self, text: str, actors: Sequence[Candidate], quotes: Sequence[tuple[int, int]],
                 bounds: Sequence[int]):
        """``actors`` in text order; ``quotes``: every quote of the document, sorted (actors inside
        one are not speakers); ``bounds``: sentence starts."""
        self.text = text
        self.bounds = bounds
        starts = [q[0] for q in quotes]

        def inside_a_quote(c: Candidate) -> bool:
            k = bisect.bisect_right(starts, c.start) - 1
            return k >= 0 and quotes[k][0] <= c.start and c.end <= quotes[k][1]

        self.actors = sorted((c for c in actors if not inside_a_quote(c)), key=lambda c: (c.start, -c.end))
        self.starts = [c.start for c in self.actors]
        self.people = sorted((c for c in self.actors if _is_person(c)), key=lambda c: (c.end, c.start))
        self.people_ends = [c.end for c in self.people]

    def between(self, lo: int, hi: int) -> list[Candidate]:
        """Actors starting in [lo, hi)."""
        return self.actors[bisect.bisect_left(self.starts, lo):bisect.bisect_left(self.starts, hi)]

    def speaker_of(self, quote: Quote, previous: Candidate | None,
                   sentence_previous: Candidate | None = None) -> Candidate | None:
        """The ACTOR candidate who said ``quote``, or None when the text does not name one.

        ``previous``: the speaker of the quote before; ``sentence_previous``: the speaker of a quote
        before it in the same sentence (``« ... », a-t-il souligné, notant que « ... »``), taken when
        nothing else names one."""

        def last_person_before(offset: int) -> Candidate | None:
            k = bisect.bisect_right(self.people_ends, offset)
            return self.people[k - 1] if k else previous

        k = bisect.bisect_right(self.bounds, quote.open_at) - 1
        sentence_start = self.bounds[k] if k >= 0 else 0
        if quote.mode == "direct":
            attributed, found = _after(self, quote, previous, last_person_before)
            if attributed:
                return found
        return _before(self, quote, sentence_start, last_person_before, sentence_previous)


def _after(ctx: Speakers, quote: Quote, previous: Candidate | None,
           last_person_before: Callable[[int], Candidate | None]) -> tuple[bool, Candidate | None]:
    """Whether an attribution follows the quote, and the speaker it names."""
    text = ctx.text
    close = quote.close_at
    m = _AFTER.match(text, close, min(len(text), close + 300))
    if m is None:
        return False, None
    back = last_person_before
    if m.group("aux"):  # "a précisé", "a également précisé", "a-t-il souligné", "s'est félicité"
        pos, verb_end = m.end(), None
        for _ in range(4):
            w = _NEXT_WORD.match(text, pos)
            if w is None:
                break
            pos = w.end()
            if SPEECH_VERB.fullmatch(w.group(1)):
                verb_end = pos
                break
        if verb_end is None:
            return False, None
    elif not SPEECH_VERB.fullmatch(m.group("pres")):
        return False, None
    else:
        verb_end = m.end()
    if m.group("inv") or m.group("inv2"):
        return True, back(quote.open_at)
    np_start = verb_end
    limit = min(len(text), np_start + 250)
    seg_end = limit
    for e in _SEGMENT_END.finditer(text, np_start, limit):
        if e.start() > np_start + 1:
            seg_end = e.start()
            break
    segment = ctx.between(np_start, seg_end)
    people = [c for c in segment if _is_person(c)]
    if people:
        return True, people[0]
    if text[seg_end:seg_end + 1] == ",":  # an apposition: ", Me Claire Dufour,"
        app_end = min(len(text), seg_end + 120)
        stop = _APPOSITION_END.search(text, seg_end + 1, app_end)
        app_end = stop.start() if stop else app_end
        appos = [c for c in ctx.between(seg_end + 1, app_end)
                 if len(text[seg_end + 1:c.start].split()) <= _APPOSITION_TITLES]
        if appos:
            return True, next((c for c in appos if _is_person(c)), appos[0])
    phrase = text[np_start:seg_end]
    heads = [c for c in segment if not _COMPLEMENT_BEFORE.search(text, max(0, c.start - 12), c.start)]
    if heads:
        return True, heads[0]
    if _STATEMENT_NOUNS.match(phrase) and segment:
        return True, segment[0]
    if _SAME_SOURCE.search(phrase):
        return True, previous
    if _DESCRIPTION.match(phrase) or not phrase.strip():
        return True, back(quote.open_at)
    return True, segment[0] if segment else None


def _before(ctx: Speakers, quote: Quote, sentence_start: int, last_person_before: Callable[[int], Candidate | None],
            sentence_previous: Candidate | None) -> Candidate | None:
    text = ctx.text
    back = last_person_before
    open_at = quote.open_at
    before = [c for c in ctx.between(sentence_start, open_at) if c.end <= open_at]
    # "selon X, « ... »", "pour la CGT, « ... »"
    for c in reversed(before):
        if _INTRO.search(text, max(sentence_start, c.start - 30), c.start) and \
                _COMMA_ONLY.fullmatch(text, c.end, open_at):
            return c
    verbs = [v for v in (_FIRST_VERB.search(text, sentence_start, open_at), SPEECH_VERB.search(text, sentence_start,
                                                                                              open_at)) if v]
    if verbs:
        verb = min(verbs, key=lambda v: v.start())
        subject = [c for c in before if c.end <= verb.start()
                   and not _COMPLEMENT_BEFORE.search(text, max(0, c.start - 12), c.start)]
        if subject:
            return subject[-1]
    people = [c for c in before if _is_person(c)]
    if people:
        return people[-1]
    if _LEADING_PRONOUN.match(text, sentence_start):
        return back(sentence_start)
    title = _TITLE_SUBJECT.match(text, sentence_start)
    if title and TITLE.match(text, title.end()):  # "Le chef du Pentagone avait confié que « ... »"
        return back(sentence_start)
    return sentence_previous
