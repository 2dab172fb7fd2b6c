"""French words the rule suggesters share: months, weekdays, function words, speech verbs, where
sentences end and whether a clause speaks of the future. Small closed lists, no labels."""

from __future__ import annotations

import re

from annotator.text.word_index import fold_case, trie

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "janv.": 1, "févr.": 2, "fév.": 2, "avr.": 4, "juil.": 7, "sept.": 9, "oct.": 10, "nov.": 11, "déc.": 12,
}
WEEKDAYS = {"lundi": 1, "mardi": 2, "mercredi": 3, "jeudi": 4, "vendredi": 5, "samedi": 6, "dimanche": 7}
#: Parts of the day and their TIMEX3 suffix.
PARTS_OF_DAY = {"matin": "TMO", "matinée": "TMO", "après-midi": "TAF", "soir": "TEV", "soirée": "TEV",
                "nuit": "TNI", "midi": "T12:00", "mi-journée": "TMI"}

#: Words that are not the noun a number counts (articles, prepositions, pronouns, conjunctions,
#: auxiliaries and a few frequent verbs and adverbs).
FUNCTION_WORDS = frozenset(["le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "à", "a",
    "en", "dans", "par", "pour", "sur", "sous", "avec", "sans", "chez", "vers", "contre", "entre", "et", "ou",
    "ni", "mais", "donc", "or", "car", "que", "qu", "qui", "quoi", "dont", "où", "ce", "cet", "cette", "ces",
    "se", "s", "son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre", "vos", "mon", "ma", "mes", "il",
    "elle", "ils", "elles", "on", "nous", "vous", "je", "tu", "y", "ne", "n", "pas", "plus", "moins", "très",
    "trop", "aussi", "est", "sont", "était", "étaient", "sera", "seront", "serait", "seraient", "été", "être",
    "ai", "as", "avons", "avez", "ont", "avait", "avaient", "aura", "auront", "aurait", "auraient", "eu",
    "avoir", "fait", "font", "faisait", "va", "vont", "allait", "peut", "peuvent", "pouvait", "doit",
    "doivent", "devait", "selon", "après", "avant", "depuis", "pendant", "durant", "jusqu", "jusque",
    "environ", "près", "fois", "soit", "contre", "alors", "comme", "si", "tout", "tous", "toute", "toutes",
    "chaque", "dès", "lors", "parmi", "autour", "hors", "via", "afin", "ainsi", "encore", "déjà", "puis"])

SPEECH_STEMS = (
    "déclar", "indiqu", "affirm", "assur", "estim", "annonc", "précis", "expliqu", "soulign", "ajout", "rappel",
    "confirm", "avert", "avertiss", "reconn", "répét", "martel", "insist", "prévien", "préven", "prévenu",
    "dément", "démenti", "admi", "admett", "considér", "promi", "promet", "réaffirm", "regrett", "déplor",
    "répond", "racont", "révél", "signal", "confi", "écri", "tweet", "twitt", "not", "jug", "dit", "dis",
    "lanc", "réagi", "réagiss", "félicit", "comment", "dénonc", "conclu", "poursui", "résum", "plaid", "lâch",
    "ironis", "tonn", "observ", "témoign", "concéd", "nuanc", "prévin", "mis en garde", "fait savoir",
    "fait valoir", "souten", "soutien", "argu", "accus", "demand", "appel", "exhort", "jur", "prédi",
    "reproch", "salu", "interrog", "s'interrog", "s'inquiét", "inquiét", "s'indign", "indign", "s'étonn",
    "étonn", "résum", "insist", "répliqu", "rétorqu", "objet", "objecté", "glissé", "gliss", "lanc",
)
# the stems as a trie: the longest stem that starts there is taken, as an alternation sorted longest
# first would, without trying a hundred alternatives at every word
_SPEECH = "(?:" + trie(SPEECH_STEMS) + ")"
#: A speech verb form (any ending): ``déclaré``, ``affirme``, ``estimant``, ``a-t-il souligné``.
SPEECH_VERB = re.compile(rf"\b{_SPEECH}[\w-]*", re.IGNORECASE)

#: Nouns of a function held by a person (what a description of a speaker starts with).
TITLES = ("premier", "première", "ministre", "président", "présidente", "secrétaire", "directeur", "directrice",
          "porte-parole", "chef", "cheffe", "général", "colonel", "commandant", "gouverneur", "maire", "procureur",
          "procureure", "ambassadeur", "ambassadrice", "émissaire", "sénateur", "sénatrice", "député", "députée",
          "roi", "reine", "prince", "pape", "diplomate", "représentant", "représentante", "responsable",
          "dirigeant", "dirigeante", "patron", "patronne", "avocat", "avocate", "juge", "envoyé", "envoyée")
TITLE = re.compile(r"(?:" + "|".join(TITLES) + r")\b", re.IGNORECASE)

# A sentence ends at . ! ? … (not after a lone capital or a title abbreviation, not between digits)
# or at a paragraph break.
# (written to start with a character class, which the regular expression engine looks for alone:
# [.!?…]+["»”’)]*(?=\s|$) or \n\s*\n)
_SENT_END = re.compile(r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[\"»”’)]*(?=\s|$)|(?<=\n)\s*\n)")
_NOT_AN_END = re.compile(r"(?:\b[A-Z]|\bM|\bMe|\bDr|\bMM|\bMgr|\bSt|\bPr)$")


def sentence_bounds(text: str) -> list[int]:
    """Start offsets of the sentences of ``text`` (the first is 0), sorted. A full stop after a
    lone capital or a title (``M.``, ``Dr.``) ends none."""
    out = [0]
    for m in _SENT_END.finditer(text):
        if text[m.start()] == "." and m.end() - m.start() == 1 and _NOT_AN_END.search(text, max(0, m.start() - 4),
                                                                                        m.start()):
            continue
        out.append(m.end())
    return out


# A word in the future or conditional: a verb ending (two letters at least before it, the whole
# word taken at once and its end looked at), an auxiliary, or a word that announces.
_FUTURE = re.compile(
    r"\b(?:\w++(?:(?<=\w\w(?:era|ira|dra|rra))|(?<=\w\w(?:eront|erait|iront|irait|dront|drait|rront|rrait))"
    r"|(?<=\w\w(?:eraient|iraient|draient|rraient)))"
    r"|(?:sera|seront|serait|seraient|aura|auront|fera|feront|ira|iront|va|vont|doit|doivent|"
    r"prévue?s?|programmée?s?|prochaine?s?|attendue?s?|à venir|d'ici)\b)"
)
_PAST = re.compile(
    r"\b(?:a|ont|avait|avaient|aurait|auraient|eu|fut|furent|était|étaient|dernière?s?|passée?s?|"
    r"\w{3,}(?:ait|aient)|(?:est|sont|s'est|se\s+sont)\s+\w+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|its))\b"
)
_PAST_BEFORE = re.compile(r"\b(?:depuis|dès|durant|pendant)(?:\s+(?:le|la|l'|les))?\s*$")
_FUTURE_BEFORE = re.compile(r"\b(?:d'ici|jusqu'à|jusqu'au|à partir du|à partir de)(?:\s+(?:le|la|l'|les))?\s*$")
# (the four tense patterns are matched against fold_case(text), which costs less than re.IGNORECASE)


def _tense_in(clause: str, pivot: int) -> int:
    """The tense of ``clause`` (case folded, see fold_case), the span at ``pivot``."""
    future = list(_FUTURE.finditer(clause))
    taken = {m.start() for m in future}
    past = [m for m in _PAST.finditer(clause) if m.start() not in taken]  # "pourrait" is not an imperfect
    if future and not past:
        return 1
    if past and not future:
        return -1
    if future and past:  # the verb nearest the span decides
        nearest_future = min(abs(m.start() - pivot) for m in future)
        nearest_past = min(abs(m.start() - pivot) for m in past)
        return 1 if nearest_future < nearest_past else -1
    return 0


# Where the part of the sentence around a span begins (after the last stop before it) and ends (at
# the next stop): first with commas as stops, then without.
_STOPS = [(re.compile(rf"(?s:.*)[{stops}]"), re.compile(f"[{stops}]")) for stops in (r".;!?\n,", r".;!?\n")]


def clause_tense(text: str, start: int, end: int) -> int:
    """+1 when the clause around ``text[start:end]`` speaks of the future, -1 of the past, 0 when
    it cannot tell: ``depuis`` or ``d'ici`` before the span, else the verbs of the part of the
    sentence between commas around it, else of the whole sentence (at most 120 characters each side;
    the nearest verb decides when both tenses are there)."""
    before = fold_case(text[max(0, start - 20):start])
    if _PAST_BEFORE.search(before):
        return -1
    if _FUTURE_BEFORE.search(before):
        return 1
    left = max(0, start - 120)
    right = min(len(text), end + 120)
    for last_stop, next_stop in _STOPS:
        m = last_stop.match(text, left, start)
        seg_start = m.end() if m else left
        m = next_stop.search(text, end, right)
        seg_end = m.start() if m else right
        tense = _tense_in(fold_case(text[seg_start:start] + " " + text[end:seg_end]), start - seg_start)
        if tense:
            return tense
    return 0
