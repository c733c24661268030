"""Account use cases: setting up, checking and removing a person's TOTP device.

Every code check goes through django-otp's throttling (each failure doubles the wait before the
next attempt), with the device row locked so that parallel guesses cannot race the counter.
A failed check is committed before the error is raised, or the rollback would undo the throttle.
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)


def _check_code(device: TOTPDevice, token: str) -> int | None:
    """Check `token` on a locked device. Returns None when it is right, the seconds still to
    wait when attempts are throttled, or 0 when the code is wrong."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        locked_until = (data or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        return max(1, math.ceil(wait))
    return None if device.verify_token(token.replace(" ", "")) else 0


def _code_error(wait: int) -> ValidationError:
    if wait:
        return ValidationError(
            ngettext(
                "Too many wrong codes. Try again in %(seconds)d second.",
                "Too many wrong codes. Try again in %(seconds)d seconds.",
                wait,
            )
            % {"seconds": wait},
            code="throttled",
            params={"wait": wait},
        )
    return ValidationError(
        _("The code is wrong or has expired. Enter the code your app shows now."), code="invalid"
    )


def totp_device_prepare(*, user) -> TOTPDevice:
    """The person's device waiting for confirmation, made with a fresh key on first need."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Two-factor authentication is already on."), code="exists")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _locked_device(user, *, confirmed: bool, missing: str) -> TOTPDevice:
    """The person's (pending or confirmed) device, locked against a parallel attempt."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=confirmed)
        .order_by("pk")
        .first()
    )
    if device is None:
        raise ValidationError(missing, code="missing")
    return device


def totp_device_confirm(*, user, token: str) -> TOTPDevice:
    """Turn the pending device on once the person proves the app shows its codes."""
    with transaction.atomic():
        device = _locked_device(
            user,
            confirmed=False,
            missing=_("There is no set-up in progress. Start the set-up again."),
        )
        wait = _check_code(device, token)
        if wait is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    if wait is not None:
        raise _code_error(wait)
    logger.info("Two-factor authentication turned on for user %s", user.pk)
    return device


def totp_device_verify(*, user, token: str) -> TOTPDevice:
    """The second login step: the code of the person's confirmed device."""
    with transaction.atomic():
        device = _locked_device(
            user,
            confirmed=True,
            missing=_("Two-factor authentication is not set up for this account."),
        )
        wait = _check_code(device, token)
    if wait is not None:
        raise _code_error(wait)
    return device


def totp_device_remove(*, user, token: str) -> None:
    """Turn two-factor authentication off; a current code proves the device is at hand."""
    with transaction.atomic():
        device = _locked_device(
            user,
            confirmed=True,
            missing=_("Two-factor authentication is not set up for this account."),
        )
        wait = _check_code(device, token)
        if wait is None:
            TOTPDevice.objects.filter(user=user).delete()
    if wait is not None:
        raise _code_error(wait)
    logger.info("Two-factor authentication turned off for user %s", user.pk)
