"""Dates as people in Finland write them, in each language (perhelinja/formats/)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from referrals.rows import local_format

HELSINKI = ZoneInfo("Europe/Helsinki")
# 13.00 in Helsinki; 11.00 UTC, so a missed time-zone conversion shows.
MOMENT = datetime.datetime(2026, 12, 7, 11, 0, tzinfo=datetime.UTC)

SHOWN = {
    "fi": ("7.12.2026", "7.12.2026 klo 13.00"),
    "sv": ("7.12.2026", "7.12.2026 kl. 13.00"),
    "en": ("7 Dec 2026", "7 Dec 2026 13:00"),
}


def render(language: str, format_name: str, value=MOMENT) -> str:
    template = Template(
        '{% load tz %}{% timezone "Europe/Helsinki" %}{{ value|date:format_name }}{% endtimezone %}'
    )
    with translation.override(language):
        return template.render(Context({"value": value, "format_name": format_name}))


@pytest.mark.parametrize("language", SHOWN)
def test_dates_and_times_are_written_as_in_finland(language):
    date, date_time = SHOWN[language]
    assert render(language, "SHORT_DATE_FORMAT") == date
    assert render(language, "DATE_FORMAT") == date
    assert render(language, "SHORT_DATETIME_FORMAT") == date_time
    assert render(language, "DATETIME_FORMAT") == date_time


@pytest.mark.parametrize(
    ("language", "time", "morning", "month_day", "year_month"),
    [
        ("fi", "13.00", "9.05", "7.12.", "joulukuu 2026"),
        ("sv", "13.00", "9.05", "7.12.", "december 2026"),
        ("en", "13:00", "09:05", "7 December", "December 2026"),
    ],
)
def test_times_have_24_hours_and_months_are_words(language, time, morning, month_day, year_month):
    morning_moment = datetime.datetime(2026, 12, 7, 9, 5, tzinfo=HELSINKI)
    assert render(language, "TIME_FORMAT") == time
    assert render(language, "TIME_FORMAT", morning_moment) == morning
    assert render(language, "MONTH_DAY_FORMAT") == month_day
    assert render(language, "YEAR_MONTH_FORMAT") == year_month


@pytest.mark.parametrize("language", ["en"])
def test_english_is_never_written_the_american_way(language):
    afternoon = render(language, "SHORT_DATETIME_FORMAT")
    assert "12/07" not in afternoon and "/" not in afternoon
    assert "p.m." not in afternoon and "a.m." not in afternoon


@pytest.mark.parametrize("language", SHOWN)
def test_list_rows_format_dates_as_the_filter_does(language, settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    with translation.override(language):
        assert local_format(MOMENT, "SHORT_DATE_FORMAT") == SHOWN[language][0]
        assert local_format(MOMENT, "SHORT_DATETIME_FORMAT") == SHOWN[language][1]


@pytest.mark.parametrize(("language", "decimal"), [("fi", ","), ("sv", ","), ("en", ".")])
def test_decimal_separator(language, decimal):
    with translation.override(language):
        assert formats.get_format("DECIMAL_SEPARATOR") == decimal
        assert formats.get_format("THOUSAND_SEPARATOR") == "\xa0"
        assert formats.localize(2.5) == f"2{decimal}5"


class DateForm(forms.Form):
    day = forms.DateField()
    moment = forms.DateTimeField()


@pytest.mark.parametrize("language", SHOWN)
def test_forms_take_iso_first_and_the_shown_form(language, settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    date, date_time = SHOWN[language]
    with translation.override(language):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
        assert formats.get_format("DATETIME_INPUT_FORMATS")[0] == "%Y-%m-%d %H:%M:%S"
        for day, moment in [("2026-12-07", "2026-12-07T13:00"), (date, date_time)]:
            form = DateForm({"day": day, "moment": moment})
            assert form.is_valid(), (day, moment, form.errors)
            assert form.cleaned_data["day"] == datetime.date(2026, 12, 7)
            assert form.cleaned_data["moment"] == MOMENT
