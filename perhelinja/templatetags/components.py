"""The design system's smallest components as tags: `{% status_label tone label %}`,
`{% tag label %}`.

They appear on every line of a list, where an `{% include %}` per label cost more than the rest
of the line (a new context and a template walk each time, issue 20): a tag builds the same
markup with `format_html`, escaping the label as the template did.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

TONES = frozenset({"info", "success", "alert", "error"})


@register.simple_tag
def status_label(tone: str, label) -> str:
    """A status label: tone info|success|alert|error ("" for neutral), and its text."""
    if tone in TONES:
        return format_html(
            '<span class="hds-status-label hds-status-label--{}">{}</span>', tone, label
        )
    return format_html('<span class="hds-status-label">{}</span>', label)


@register.simple_tag
def tag(label) -> str:
    """A tag: a short label (a language, a mode, a topic)."""
    return format_html('<span class="hds-tag">{}</span>', label)
