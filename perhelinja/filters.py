"""Filters shared by the API's lists."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class UTCDateTimeField(forms.DateTimeField):
    """An ISO 8601 moment within sane years, handed to the database in UTC: PostgreSQL refuses
    offsets beyond ±15:59 that ISO 8601 parsers accept."""

    default_error_messages = {"range": _("Give a date between the years 1900 and 2200.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["iso-8601"])
        super().__init__(**kwargs)

    def strptime(self, value, format):
        return datetime.datetime.fromisoformat(value.strip())

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        if not (1900 <= value.year <= 2200):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return value.astimezone(datetime.UTC)


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField
