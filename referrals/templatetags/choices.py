"""`{{ row|label:"state" }}`: a choice field's label, as `get_state_display` gives it.

Django's `get_FOO_display` rebuilds a dictionary of every choice on each call, translating
every label to do so; a list of 25 rows with two choice columns paid for 600 translations.
This filter builds that dictionary once per field and language.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _labels(model, field_name: str, language: str | None) -> dict:
    field = model._meta.get_field(field_name)
    return {value: str(text) for value, text in field.flatchoices}


@register.filter
def label(obj, field_name: str):
    """The label of `obj`'s choice field `field_name` (its stored value when not a choice)."""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name, get_language()).get(value, value)
