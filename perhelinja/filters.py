"""Filters shared by the API's lists."""

from __future__ import annotations

import datetime

import django_filters
from django import forms

from perhelinja.dates import validate_date_in_window


class UTCDateTimeField(forms.DateTimeField):
    """An ISO 8601 moment within the service's window of dates (`perhelinja.dates`), handed to
    the database in UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 parsers accept.
    The window is checked on the moment as written, before the conversion, which at the ends of
    Python's calendar would overflow."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["iso-8601"])
        super().__init__(**kwargs)

    def strptime(self, value, format):
        return datetime.datetime.fromisoformat(value.strip())

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        validate_date_in_window(value)
        return value.astimezone(datetime.UTC)


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField
