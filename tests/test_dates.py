import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.exceptions import ValidationError as APIValidationError

from perhelinja.dates import (
    BoundedDateField,
    BoundedDateSerializerField,
    BoundedDateTimeField,
    validate_date_in_window,
)


@pytest.mark.parametrize("day", ["2000-01-01", "2026-12-06", "2100-12-31"])
def test_a_date_in_the_window_passes(day):
    assert BoundedDateField().clean(day) == datetime.date.fromisoformat(day)


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_the_window_gets_a_clear_error(day):
    with pytest.raises(ValidationError) as caught:
        BoundedDateField().clean(day)
    assert caught.value.messages == ["Give a date between the years 2000 and 2100."]


def test_a_moment_is_checked_by_its_date():
    assert BoundedDateTimeField().clean("2026-12-06T13:00")
    with pytest.raises(ValidationError):
        BoundedDateTimeField().clean("9999-12-31T23:00")
    with pytest.raises(ValidationError):
        validate_date_in_window(datetime.datetime(1900, 1, 1, 12))


def test_the_api_field_refuses_the_same_dates():
    field = BoundedDateSerializerField()
    assert field.run_validation("2026-12-06") == datetime.date(2026, 12, 6)
    with pytest.raises(APIValidationError):
        field.run_validation("9999-12-31")
