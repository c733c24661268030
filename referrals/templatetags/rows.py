"""What a list row needs, without what it costs Django to do per row.

`{{ row|label:"state" }}`: a choice field's label, as `get_state_display` gives it. Django's
`get_FOO_display` rebuilds a dictionary of every choice on each call, translating every label
to do so; a list of 25 rows with two choice columns paid for 600 translations. The dictionary
is built once per field and language here.

`{% row_url "referrals:detail" row.pk %}`: `{% url %}` for a view taking one number. The URL
is reversed once per name, script prefix and language, and the number put in its place.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

register = template.Library()

_MARK = "2147483647"  # a number no URL pattern of ours contains otherwise


@lru_cache(maxsize=256)
def _labels(model, field_name: str, language: str | None) -> dict:
    field = model._meta.get_field(field_name)
    return {value: str(text) for value, text in field.flatchoices}


@register.filter
def label(obj, field_name: str):
    """The label of `obj`'s choice field `field_name` (its stored value when not a choice)."""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name, get_language()).get(value, value)


@lru_cache(maxsize=256)
def _url_parts(name: str, prefix: str, language: str | None) -> tuple[str, str]:
    head, _mark, tail = reverse(name, args=[_MARK]).partition(_MARK)
    return head, tail


@register.simple_tag
def row_url(name: str, pk) -> str:
    head, tail = _url_parts(name, get_script_prefix(), get_language())
    return f"{head}{int(pk)}{tail}"
