"""DATE rules and their TIMEX3 values, relative to the article's date."""

from __future__ import annotations

import pytest

from annotator.suggest.base import ArticleDate
from annotator.suggest.dates import find_dates, normalise_date
from annotator.suggest.french import clause_tense


def dates(text: str, article: str | None) -> list[tuple[str, str | None]]:
    return [(text[f.start:f.end], f.value) for f in find_dates(text, ArticleDate.parse(article))]


SEED = ("Les opérations de la coalition internationale sous commandement américain ont commencé en juin 2014 en "
        "Irak et en septembre de la même année en Syrie.\n\nD'août 2014 à mars 2018, la coalition a réalisé "
        "29.307 raids aériens. Des soldats ont été envoyés en renfort en début avril.")


def test_the_seed_sentences():
    assert dates(SEED, "2018-05") == [
        ("juin 2014", "2014-06"), ("septembre de la même année", "2014-09"), ("août 2014", "2014-08"),
        ("mars 2018", "2018-03"), ("début avril", "2018-04"),
    ]


@pytest.mark.parametrize("text,article,expected", [
    ("Il est arrivé mardi.", "1999-05-20", [("mardi", "1999-05-18")]),  # Thursday: the last Tuesday
    ("Il a parlé jeudi.", "1999-05-20", [("jeudi", "1999-05-20")]),  # the same day: today
    ("Il parlera mardi prochain.", "1999-05-20", [("mardi prochain", "1999-05-25")]),
    ("Il votera mardi.", "1999-05-20", [("mardi", "1999-05-25")]),  # the future tense: the next one
    ("C'était jeudi dernier.", "1999-05-20", [("jeudi dernier", "1999-05-13")]),
    ("Il a parlé hier matin.", "1999-05-20", [("hier matin", "1999-05-19TMO")]),
    ("Ils ont voté dimanche soir.", "1999-05-20", [("dimanche soir", "1999-05-16TEV")]),
    ("L'attaque a eu lieu mardi vers 21 h 45.", "1999-05-20", [("mardi vers 21 h 45", "1999-05-18T21:45")]),
    ("dans la nuit de mardi à mercredi", "1999-05-20", [("nuit de mardi à mercredi", "1999-05-18TNI")]),
    ("aujourd'hui", "1999-05-20", [("aujourd'hui", "1999-05-20")]),
    ("aujourd'hui", "1999-05", [("aujourd'hui", "PRESENT_REF")]),
    ("Le 3 avril 2018, puis le 03/04/2018.", None, [("3 avril 2018", "2018-04-03"), ("03/04/2018", "2018-04-03")]),
    ("le 1er mai 2016", None, [("1er mai 2016", "2016-05-01")]),
    ("Fin 2017, mi-mars et en 2014.", "2018-05-14", [("Fin 2017", "2017"), ("mi-mars", "2018-03"), ("2014", "2014")]),
    ("Elle est arrivée le 2 mars.", "2019-03-07", [("2 mars", "2019-03-02")]),
    ("Elle est arrivée le 12 décembre.", "2019-03-07", [("12 décembre", "2018-12-12")]),
    ("Une réunion pourrait se tenir le 8 juin, a indiqué une source.", "2022-06-02", [("8 juin", "2022-06-08")]),
    ("depuis le 1er janvier", "2016-09-30", [("1er janvier", "2016-01-01")]),
    ("la semaine dernière, l'an dernier, cette année", "2023-02-16",
     [("semaine dernière", "2023-W06"), ("an dernier", "2022"), ("cette année", "2023")]),
    ("le mois dernier", "2018-01", [("mois dernier", "2017-12")]),
    ("avant la fin du mois, au début de l'année", "2019-03-07",
     [("fin du mois", "2019-03"), ("début de l'année", "2019")]),
    ("Le bénéfice de 2022 est en hausse par rapport à l'année précédente.", "2023-02-16",
     [("2022", "2022"), ("année précédente", "2021")]),
    ("Il y a deux ans, dans les années 1990 et l'été 2014.", "2020-10-12",
     [("Il y a deux ans", "2018"), ("années 1990", "199"), ("été 2014", "2014-SU")]),
    ("en août dernier", "2016-09-30", [("août dernier", "2016-08")]),
])
def test_values(text, article, expected):
    assert dates(text, article) == expected


def test_without_an_article_date_nothing_is_guessed():
    assert dates("Il a parlé mardi et hier, le 12 juin, en mars, aujourd'hui, le mois dernier.", None) == [
        ("mardi", "XXXX-WXX-2"), ("hier", None), ("12 juin", "XXXX-06-12"), ("mars", "XXXX-03"),
        ("aujourd'hui", "PRESENT_REF"), ("mois dernier", None),
    ]
    # an article dated to the month: days relative to today have no value, months and years do
    assert dates("hier, mardi, le mois dernier", "2018-05") == [("hier", None), ("mardi", "XXXX-WXX-2"),
                                                                ("mois dernier", "2018-04")]


@pytest.mark.parametrize("text", [
    "pendant deux ans", "depuis trois mois", "en 30,4 secondes", "2000 soldats", "les 2014 participants",
    "la résolution du 31/02/2018", "le F-16 de 2014A", "Mars est visible; la mission vers Mars.",
    "une semaine", "un an",
])
def test_not_dates(text):
    found = dates(text, "2018-05-14")
    assert found == [] or (text.startswith("Mars") and found == [("Mars", "2018-03")]), found


def test_offsets_are_code_points_into_the_exact_text():
    text = "🙂 Le\u00a03\u00a0avril\u00a02018 — D’août 2014 à mars 2018"
    got = dates(text, None)
    assert got == [("3\u00a0avril\u00a02018", "2018-04-03"), ("août 2014", "2014-08"), ("mars 2018", "2018-03")]


def test_normalise_date_reads_one_whole_date():
    assert normalise_date("juin 2014") == "2014-06"
    assert normalise_date(" 3 avril 2018 ") == "2018-04-03"
    assert normalise_date("mardi", ArticleDate(1999, 5, 20)) == "1999-05-18"
    assert normalise_date("juin 2014 et mars") is None
    assert normalise_date("le chat") is None


def test_tense():
    text = "Il viendra mardi. Il est venu mardi. Mardi."
    assert clause_tense(text, text.index("mardi"), text.index("mardi") + 5) == 1
    i = text.index("mardi", 20)
    assert clause_tense(text, i, i + 5) == -1
    assert clause_tense(text, len(text) - 6, len(text) - 1) == 0


def test_a_megabyte_is_read_in_one_pass_of_the_pattern():
    # no timing here (shared machine): the work is linear, checked by counting matches on a repeated text
    unit = "Le 3 avril 2018, mardi soir, fin 2017 et 2000 soldats. "
    assert len(find_dates(unit * 2000, ArticleDate(2018, 5, 14))) == 4 * 2000


def test_the_pattern_is_tried_only_where_a_date_can_start(monkeypatch):
    import annotator.suggest.dates as dates_module

    tried: list[int] = []
    real = dates_module._DATES

    class Counting:
        def match(self, text, pos):
            tried.append(pos)
            return real.match(text, pos)

    monkeypatch.setattr(dates_module, "_DATES", Counting())
    filler = "Les soldats de la coalition ont avancé vers la ville où les habitants attendaient. " * 50
    text = filler + "Le 3 avril 2018, mardi soir." + filler
    assert dates(text, "2018-05-14") == [("3 avril 2018", "2018-04-03"), ("mardi soir", "2018-05-08TEV")]
    # "Le" is no start; "3" and "mardi" are, and "avril 2018" is inside the first date: two tries
    assert [text[p:p + 5] for p in tried] == ["3 avr", "mardi"]


@pytest.mark.parametrize("text,article,expected", [
    # letters the pattern reads as others (re.IGNORECASE: ſ is s, ı is i): the tables read them so too
    ("le 3 ſeptembre 2018", None, [("3 ſeptembre 2018", "2018-09-03")]),
    ("dans la nuit de mardı à mercredi", "1999-05-20", [("nuit de mardı à mercredi", "1999-05-18TNI")]),
    ("avant-hıer", "1999-05-20", [("avant-hıer", "1999-05-18")]),
    ("LE 3 AVRIL 2018, MARDI SOIR", "2018-05-14", [("3 AVRIL 2018", "2018-04-03"), ("MARDI SOIR", "2018-05-08TEV")]),
])
def test_case_and_letters_the_pattern_takes_for_others(text, article, expected):
    assert dates(text, article) == expected


def test_tense_in_any_case():
    text = "IL VIENDRA MARDI. Il eſt venu mardi."
    assert clause_tense(text, text.index("MARDI"), text.index("MARDI") + 5) == 1
    i = text.index("mardi")
    assert clause_tense(text, i, i + 5) == -1
