import pytest

from appointments.preferences import AFTERNOON, EVENING, MORNING, parse_time_wish

WEEKDAYS_BUT_MONDAY = frozenset({2, 3, 4, 5})


@pytest.mark.parametrize(
    "text",
    [
        "weekday afternoons, not on Mondays",
        "arki-iltapäivät, ei maanantaisin",
        "Arkisin iltapäivällä. Maanantait eivät käy, ei maanantaina",
        "vardagseftermiddagar, inte måndagar",
    ],
)
def test_weekday_afternoons_but_not_mondays_in_each_language(text):
    wish = parse_time_wish(text)
    assert wish.parts == {AFTERNOON}
    assert wish.days == WEEKDAYS_BUT_MONDAY
    assert 1 in wish.not_days


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("iltaisin", EVENING),
        ("illalla", EVENING),
        ("iltapäivisin", AFTERNOON),
        ("aamupäivisin", MORNING),
        ("mornings", MORNING),
        ("på kvällarna", EVENING),
        ("förmiddagar", MORNING),
        ("Evening", EVENING),
    ],
)
def test_parts_of_the_day_are_told_apart(text, part):
    assert parse_time_wish(text).parts == {part}


def test_weekdays_are_read_in_finnish_swedish_and_english():
    assert parse_time_wish("tiistaisin ja torstaisin").days == {2, 4}
    assert parse_time_wish("tisdagar och torsdagar").days == {2, 4}
    assert parse_time_wish("Tuesdays or Thursdays").days == {2, 4}
    assert parse_time_wish("viikonloppuisin").days == {6, 7}


@pytest.mark.parametrize("text", ["", "  ", "ei väliä", "any time is fine", "12–14"])
def test_text_that_names_no_time_is_no_wish(text):
    assert not parse_time_wish(text)


def test_a_negated_part_of_the_day_is_ruled_out():
    wish = parse_time_wish("not in the mornings")
    assert wish and wish.not_parts == {MORNING} and not wish.parts
