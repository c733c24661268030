"""Account use cases: setting up, checking and removing a person's TOTP device, the one-time
backup codes, and the API tokens.

Every code check goes through django-otp's throttling (each failure doubles the wait before the
next attempt, up to OTP_THROTTLE_MAX_SECONDS), with the device row locked so that parallel
guesses cannot race the counter. A failed check is committed before the error is raised, or the
rollback would undo the throttle.

API tokens are django-rest-knox's: the database keeps a hash, the token is shown once.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from . import two_factor

logger = logging.getLogger(__name__)

# A backup code: eight of the letters a-z and digits 2-7 (django-otp's StaticToken.random_token),
# typed with or without the space or hyphen the page shows in the middle.
BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


def _cap_throttle(device: Device) -> None:
    """Hold the wait after wrong codes at the last doubling within OTP_THROTTLE_MAX_SECONDS:
    django-otp doubles it for ever (1, 2, 4 … seconds), so that a few hundred wrong codes,
    anyone's, would lock the owner out for years. The count stops growing there."""
    factor = device.get_throttle_factor()
    if factor <= 0:
        return
    ceiling = max(1, settings.OTP_THROTTLE_MAX_SECONDS // factor)
    highest = ceiling.bit_length()  # factor * 2 ** (highest - 1) <= OTP_THROTTLE_MAX_SECONDS
    if device.throttling_failure_count > highest:
        device.throttling_failure_count = highest
        device.save(update_fields=["throttling_failure_count"])


def _check_code(device: Device, token: str) -> int | None:
    """Check `token` on a locked device. Returns None when it is right, the seconds still to
    wait when attempts are throttled, or 0 when the code is wrong."""
    _cap_throttle(device)
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
    """Turn two-factor authentication off; a current code proves the device is at hand. The
    backup codes go with it, and every API token (directory/signals.py)."""
    with transaction.atomic():
        device = _locked_device(
            user,
            confirmed=True,
            missing=_("Two-factor authentication is not set up for this account."),
        )
        wait = _check_code(device, token)
        if wait is None:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
    if wait is not None:
        raise _code_error(wait)
    logger.info("Two-factor authentication turned off for user %s", user.pk)


def backup_code_normalize(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def backup_codes_generate(*, user) -> list[str]:
    """A fresh set of OTP_BACKUP_CODES one-time codes for the person, in place of any earlier
    set; returned to be shown once, never again."""
    if two_factor.confirmed_device(user) is None:
        raise ValidationError(_("Set up two-factor authentication first."), code="missing")
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
        codes = [StaticToken.random_token() for _index in range(settings.OTP_BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    logger.info("New backup codes made for user %s", user.pk)
    return codes


def backup_code_verify(*, user, code: str) -> StaticDevice:
    """The code step with a backup code instead of the app's code: accepted once."""
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        wait = 0 if device is None else _check_code(device, backup_code_normalize(code))
    if wait is not None:
        raise _code_error(wait)
    logger.info("A backup code was used by user %s", user.pk)
    return device


def second_factor_verify(*, user, code: str) -> Device:
    """The second login step: the app's current code, or one of the backup codes."""
    if BACKUP_CODE.match(backup_code_normalize(code)):
        return backup_code_verify(user=user, code=code)
    return totp_device_verify(user=user, token=code)


# --- API tokens ------------------------------------------------------------------------------


def api_token_lifetime(user) -> timedelta:
    """API_TOKEN_HOURS; shorter for the roles that must use a second factor (a token is
    used without a code)."""
    if two_factor.two_factor_required(user):
        return timedelta(hours=settings.API_TOKEN_HOURS_OTP_ROLES)
    return timedelta(hours=settings.API_TOKEN_HOURS)


def api_token_create(*, user) -> tuple[AuthToken, str]:
    """A new API token for `user` (whose password, and code, were checked by the caller).
    Returns the row and the token itself, which only this answer ever holds."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    if AuthToken.objects.filter(user=user).count() >= settings.API_TOKENS_PER_USER:
        raise PermissionDenied(
            _("You have too many API tokens: revoke one on your account page first.")
        )
    instance, token = AuthToken.objects.create(user=user, expiry=api_token_lifetime(user))
    logger.info("API token made for user %s", user.pk)
    return instance, token


def api_token_revoke(*, user, token_key: str) -> None:
    """Revoke one of the person's own tokens, named by its key (the start of the token)."""
    deleted, _rows = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise ValidationError(_("There is no such token (it may have expired)."), code="missing")
    logger.info("An API token revoked by user %s", user.pk)


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every API token of the person: signing out of all API sessions."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    logger.info("All %d API tokens of user %s revoked", deleted, user.pk)
    return deleted
