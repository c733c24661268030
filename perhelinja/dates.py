"""The window every date a person or a client types must fall in.

Python's dates reach year 9999 and a day past that overflows; PostgreSQL takes years far
beyond. Neither is a date this service can mean: a date outside the years 2000 to 2100 is a
typing mistake or a probe, refused with a clear message before any arithmetic or query.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
OUT_OF_RANGE = _("Give a date between the years 2000 and 2100.")


def validate_date_in_window(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a date (or a moment) outside EARLIEST…LATEST."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not (EARLIEST <= day <= LATEST):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


class BoundedDateField(forms.DateField):
    """A form date within the window."""

    default_validators = [validate_date_in_window]


class BoundedDateTimeField(forms.DateTimeField):
    """A form moment within the window."""

    default_validators = [validate_date_in_window]


class BoundedDateSerializerField(serializers.DateField):
    """An API date within the window."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_date_in_window)


class BoundedDateTimeSerializerField(serializers.DateTimeField):
    """An API moment within the window."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_date_in_window)
