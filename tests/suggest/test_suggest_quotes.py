"""QUOTE rules and speaker attribution (with the document's ACTOR spans given, no model)."""

from __future__ import annotations

from annotator.suggest.base import DocumentInput, KnownSpan, SpanRef
from annotator.suggest.quotes import QuoteSuggester, find_quotes


def quotes(text: str) -> list[tuple[str, str]]:
    return [(text[q.start:q.end], q.mode) for q in find_quotes(text)]


def actors(text: str, *names: tuple[str, str]) -> tuple[KnownSpan, ...]:
    out = []
    for name, kind in names:
        i = text.index(name)
        out.append(KnownSpan(i, i + len(name), "ACTOR", {"kind": kind}, f"a{len(out)}"))
    return tuple(out)


def speakers(text: str, *names: tuple[str, str]) -> list[tuple[str, str | None]]:
    spans = actors(text, *names)
    out = []
    for s in QuoteSuggester().suggest(DocumentInput(text, {}, spans), list(spans)):
        ref = s.attrs.get("speaker")
        assert ref is None or isinstance(ref, SpanRef)
        out.append((text[s.start:s.end][:20].rstrip(), text[ref.start:ref.end] if ref else None))
    return out


def test_marks_of_every_kind_balanced_only():
    text = ("«\u00a0oui\u00a0», “deux mots”, \"trois mots\" et „vier Wörter“. Puis un guillemet seul\" "
            "et « un autre sans fin.\n\nNouveau paragraphe » ici.")
    assert quotes(text) == [("oui", "direct"), ("deux mots", "direct"), ("trois mots", "direct"),
                            ("vier Wörter", "direct")]


def test_the_seed_ends_with_an_unbalanced_mark():
    text = ("Le chef du Pentagone avait confié que des soldats ont été envoyés en Syrie en début avril pour soutenir "
            "les opérations dans le pays\".")
    assert quotes(text) == []


def test_a_quote_inside_a_quote_is_part_of_it_and_names_in_quotes_are_not_speech():
    text = "« Il m'a dit “non” hier », selon elle. L'opération « Barkhane » continue."
    assert quotes(text) == [("Il m'a dit “non” hier", "direct")]


def test_indirect_speech_after_a_speech_verb_and_que():
    text = ("Elle a indiqué que son client ne ferait pas appel. Il a reconnu que sa coalition avait obtenu « moins "
            "de sièges ». Il pense que oui.")
    assert quotes(text) == [("son client ne ferait pas appel", "indirect"), ("moins de sièges", "direct")]


def test_speaker_after_the_quote():
    text = ("\"Le quartier général a été désactivé\", a indiqué un communiqué du Commandement de la coalition. "
            "\"Les forces ne seront plus sur le terrain\", a également précisé la même source. \"La coalition "
            "reste engagée\", a précisé de son côté l'émissaire américain en Irak Brett Mc Gurk, dans un tweet.")
    got = speakers(text, ("Commandement de la coalition", "organization"), ("Irak", "state"), ("Brett Mc Gurk",
                                                                                               "person"))
    assert got == [("Le quartier général", "Commandement de la coalition"),
                   ("Les forces ne seront", "Commandement de la coalition"),
                   ("La coalition reste e", "Brett Mc Gurk")]


def test_speaker_in_an_apposition_and_from_a_pronoun():
    text = ("Le président Peter Mutharika a visité la région. « Les besoins sont immenses », a déclaré à la presse "
            "la directrice de l'OMS, Lola Castro. « Nous tiendrons », a-t-elle souligné. "
            "« Rien n'est réglé », a insisté le diplomate devant l'OMS.")
    got = speakers(text, ("Peter Mutharika", "person"), ("OMS", "organization"), ("Lola Castro", "person"))
    assert got == [("Les besoins sont imm", "Lola Castro"), ("Nous tiendrons", "Lola Castro"),
                   ("Rien n'est réglé", "Lola Castro")]


def test_speaker_before_the_quote():
    text = ("Pour la CGT, « des milliers de familles vont payer ». Le ministre, Bruno Le Maire, a rappelé que "
            "l'État serait « extrêmement vigilant ». Il a ajouté que « rien n'est décidé ». Les syndicats ont "
            "dénoncé un plan « brutal ».")
    got = speakers(text, ("CGT", "organization"), ("Bruno Le Maire", "person"), ("État", "state"))
    assert got == [("des milliers de fami", "CGT"), ("extrêmement vigilant", "Bruno Le Maire"),
                   ("rien n'est décidé", "Bruno Le Maire"), ("brutal", None)]


def test_an_actor_inside_a_quote_is_not_its_speaker():
    text = "« Daech est vaincu », a dit un témoin."
    assert speakers(text, ("Daech", "armed_group")) == [("Daech est vaincu", None)]
