"""What a catalogue card needs to show an organization's contact details.

`{{ organization.phone|tel_href }}`: a `tel:` link for a phone number as people write it
("040 123 4567" gives "tel:0401234567"). `{{ organization.website|hostname }}`: the website
as its host name ("https://www.example.org/palvelut" gives "www.example.org"), short enough
for a phone screen.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """A `tel:` URL: the digits of the number, with its leading + if it has one."""
    number = str(phone or "").strip()
    digits = re.sub(r"\D", "", number)
    return f"tel:{'+' if number.startswith('+') else ''}{digits}"


@register.filter
def hostname(url: str) -> str:
    """The host name of a URL, or the URL itself when it has none."""
    return urlsplit(str(url or "")).hostname or str(url or "")
