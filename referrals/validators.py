"""Validation of the Finnish personal identity code (henkilötunnus)."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Century signs, including the ones added on 1 January 2023 (Y X W V U and B C D E F).
CENTURY = {
    "+": 1800,
    "-": 1900,
    "Y": 1900,
    "X": 1900,
    "W": 1900,
    "V": 1900,
    "U": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}
CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+YXWVUABCDEF])(\d{3})([0-9A-Y])$")


def validate_identity_code(value: str) -> None:
    """Raise ValidationError unless `value` is a well-formed identity code with a valid checksum."""
    code = (value or "").strip().upper()
    match = PATTERN.match(code)
    if not match:
        raise ValidationError(
            _("Enter the identity code in the form DDMMYYCZZZQ, for example 131052-308T."),
            code="identity_code_format",
        )
    day, month, year, sign, individual, check = match.groups()
    try:
        datetime.date(CENTURY[sign] + int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(
            _("The identity code does not contain a valid date of birth."),
            code="identity_code_date",
        ) from None
    if int(individual) < 2:
        raise ValidationError(
            _("The individual number of the identity code must be between 002 and 999."),
            code="identity_code_individual",
        )
    if CHECK_CHARS[int(day + month + year + individual) % 31] != check:
        raise ValidationError(
            _("The check character of the identity code is wrong; check the code."),
            code="identity_code_checksum",
        )


def normalize_identity_code(value: str) -> str:
    return (value or "").strip().upper()
