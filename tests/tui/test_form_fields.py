"""The attribute form's fields as plain state (no terminal): a line typed in place, a list picked
from, and the values each gives to save."""

from __future__ import annotations

import pytest

from annotator.schema.definition import AttrDef
from annotator.text.numbers import NotANumber
from annotator.tui.widgets.form_fields import UNSET, ListField, TextField, make_field


def typed(text: str, cursor: int | None = None, kind: str = "text") -> TextField:
    f = TextField(AttrDef("x", kind))
    f.load(text)
    if cursor is not None:
        f.cursor = cursor
    return f


@pytest.mark.parametrize(("command", "text", "cursor", "after", "at"), [
    ("left", "abc", 3, "abc", 2), ("left", "abc", 0, "abc", 0), ("right", "abc", 3, "abc", 3),
    ("home", "abc", 2, "abc", 0), ("end", "abc", 1, "abc", 3),
    ("word_left", "août 2014", 9, "août 2014", 5), ("word_left", "août 2014  ", 11, "août 2014  ", 5),
    ("word_right", "août 2014", 0, "août 2014", 4),
    ("backspace", "abc", 2, "ac", 1), ("backspace", "abc", 0, "abc", 0), ("delete", "abc", 1, "ac", 1),
    ("delete", "abc", 3, "abc", 3), ("delete_word_left", "août 2014", 9, "août ", 5),
    ("delete_to_start", "août 2014", 5, "2014", 0), ("delete_to_end", "août 2014", 4, "août", 4),
])
def test_a_text_field_edits_as_a_line_editor_does(command, text, cursor, after, at):
    f = typed(text, cursor)
    assert f.edit(command) is ((after, at) != (text, cursor))
    assert (f.text, f.cursor) == (after, at)


def test_typed_and_pasted_text_is_one_line_without_control_characters():
    f = typed("ab", 1)
    f.insert("X\r\nY\nZ\x1b[31m\x07")
    assert f.text == "aX Y Z[31mb" and f.cursor == 10
    f.set_text("1\u202f200")  # a narrow no-break space is kept: French groups thousands with it
    assert f.text == "1\u202f200" and f.cursor == 5


def test_a_stored_value_is_held_as_it_is_and_saved_back_unchanged():
    f = typed("ligne\nsuivante")  # stored before by an import: not rewritten by opening the form
    assert f.value() == "ligne\nsuivante"
    assert typed("   ").value() is None, "blank is unset"


def test_a_number_field_gives_the_number_read_the_french_way_and_says_so():
    f = typed("29.307", kind="number")
    assert f.value() == 29307 and f.message() == "= 29307"
    f.set_text("douze pommes")
    assert isinstance(f.value(), NotANumber) and f.message().startswith("✗ 'douze pommes' is not a number")
    f.set_text("")
    assert f.value() is None and f.message() == UNSET
    f.error = "✗ refused"
    assert f.message() == "✗ refused", "a refusal of the scheme is shown first"


def test_a_list_field_starts_unset_and_keeps_a_value_it_does_not_list():
    f = make_field(AttrDef("kind", "choice", choices=("person", "state")))
    assert isinstance(f, ListField) and [s for s, _ in f.options] == [UNSET, "person", "state"]
    f.load("state")
    assert f.value() == "state" and f.shown == "state"
    f.load("galaxy")  # not among the choices (a scheme changed since): shown, and saved back as it is
    assert f.value() == "galaxy" and f.shown == "galaxy"
    f.load(None)
    assert f.value() is None and f.shown == UNSET


def test_a_bool_list_holds_true_and_false_not_one_and_zero():
    f = make_field(AttrDef("approximate", "bool"))
    assert isinstance(f, ListField)
    f.load(True)
    assert f.value() is True and f.shown == "true"
    f.load(1)  # not a bool: kept apart
    assert f.value() == 1 and f.shown == "1"


def test_a_list_moves_clamped_picks_and_jumps_by_letter():
    f = make_field(AttrDef("kind", "choice", choices=("person", "organization", "other", "state")))
    assert isinstance(f, ListField)
    f.move(-1)
    assert f.chosen == 0, "clamped at the top"
    f.move(2)
    assert f.value() == "organization"
    f.open()
    assert f.is_open and f.highlight == f.chosen
    assert f.jump("o") and f.options[f.highlight][0] == "other"
    assert f.jump("O") and f.options[f.highlight][0] == "organization", "round the list, any case"
    assert not f.jump("z")
    f.move(10)
    assert f.highlight == len(f.options) - 1
    f.pick()
    assert not f.is_open and f.value() == "state"


def test_a_documents_spans_are_listed_only_once_the_list_is_needed():
    """A quote's form opens on a long article without listing its thousands of actors: the speaker
    is shown from the span itself, and the list is made when opened (or the value moved)."""
    listed: list[int] = []
    entries = [("Laurent Fabius  [s1]", "s1"), ("Daech  [s2]", "s2"), ("l'Irak  [s3]", "s3")]

    def source():
        listed.append(1)
        return entries

    f = ListField(AttrDef("speaker", "ref", targets=("ACTOR",)))
    f.set_source(source, describe=lambda span_id: {"s2": "Daech  [s2]"}.get(span_id, span_id))
    f.load("s2")
    assert (f.value(), f.shown, listed) == ("s2", "Daech  [s2]", [])
    f.open()
    assert listed == [1] and f.highlight == f.chosen == 2 and f.value() == "s2"
    f.move(1)
    f.pick()
    assert f.value() == "s3" and f.shown == "l'Irak  [s3]" and listed == [1]
    f.set_source(source)  # the next opening: listed again only if needed
    f.load("s9")  # a span since deleted: kept, shown as it is, and listed after the others
    assert f.shown == "s9" and listed == [1]
    f.move(-1)
    assert listed == [1, 1] and f.value() == "s3" and f.options[-1] == ("s9", "s9")
    f.set_source(source)
    f.load("s1")
    f.unset()  # backspace on the closed list, before it is listed
    assert f.value() is None and f.shown == UNSET and listed == [1, 1]
