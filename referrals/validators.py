"""Validation of the Finnish personal identity code (henkilötunnus).

The policy, explicit: the code must be well formed, hold a real date of birth that is not in the
future, an individual number from 002 and the right check character. Individual numbers
900-999 are temporary codes (given, for one, before a person is entered in the population
register): accepted only when whoever types the code says it is temporary (`allow_temporary`),
so that a typo in the individual number is not silently taken for one. The rules agree with
python-stdnum's `stdnum.fi.hetu` (a test compares the two), which does not look at today.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import to_python as parse_phone_number

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
TEMPORARY = range(900, 1000)
# One message for the page, the API and the model when a phone number does not parse.
PHONE_INVALID = _("Enter a phone number, for example 041 234 5678 or +358 41 234 5678.")


def validate_identity_code(value: str, *, allow_temporary: bool = False) -> None:
    """Raise ValidationError unless `value` is a well-formed identity code with a valid
    checksum, of someone already born; a temporary number only with `allow_temporary`."""
    code = (value or "").strip().upper()
    match = PATTERN.match(code)
    if not match:
        raise ValidationError(
            _("Enter the identity code in the form DDMMYYCZZZQ, for example 131052-308T."),
            code="identity_code_format",
        )
    day, month, year, sign, individual, check = match.groups()
    try:
        born = datetime.date(CENTURY[sign] + int(year), int(month), int(day))
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
    if int(individual) in TEMPORARY and not allow_temporary:
        raise ValidationError(
            _(
                "Individual numbers 900–999 are temporary identity codes. If the family has a "
                "temporary code, tick “The identity code is temporary”; otherwise check the code."
            ),
            code="identity_code_temporary",
        )
    if born > timezone.localdate():
        raise ValidationError(
            _("The date of birth in the identity code is in the future; check the code."),
            code="identity_code_future",
        )


def validate_stored_identity_code(value: str) -> None:
    """The model's check: a temporary code was accepted, or not, where it was typed."""
    validate_identity_code(value, allow_temporary=True)


def is_temporary_identity_code(value: str) -> bool:
    match = PATTERN.match(normalize_identity_code(value))
    return bool(match) and int(match.group(5)) in TEMPORARY


def normalize_identity_code(value: str) -> str:
    return (value or "").strip().upper()


def phone_e164(value) -> str:
    """A phone number, or the text of one as people write it (Finnish by default: "040 123
    4567"), in E.164 ("+358401234567"); text that is no valid number comes back unchanged."""
    number = parse_phone_number(value or "", region=settings.PHONENUMBER_DEFAULT_REGION)
    if not number:
        return ""
    return number.as_e164 if number.is_valid() else str(value)


def validate_phone_number(value) -> None:
    if value and not phone_e164(value).startswith("+"):
        raise ValidationError(PHONE_INVALID, code="invalid")
