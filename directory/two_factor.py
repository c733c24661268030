"""Who needs a second factor, and what the person has to do next before the session counts.

A person with a confirmed TOTP device always enters a code after the password (or one of the
one-time backup codes made at set-up, for a lost phone); the roles in
settings.OTP_REQUIRED_ROLES (coordinators by default) must have one. The session is verified
once django-otp's middleware finds the device in it (`request.user.is_verified()`), or when the
person signed in at the organization's identity provider with a method it reports as strong
(`verified_by_idp`, set by directory/oidc.py).
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.core import checks
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role

VERIFY = "verify"
SET_UP = "set_up"
# Set by single sign-on (directory/oidc.py) when the provider's `acr`/`amr` said the sign-in was
# strong; holds the user's pk, so that it never vouches for another account in the session.
IDP_VERIFIED_SESSION_KEY = "two_factor_by_idp"


def required_roles() -> list[Role]:
    return [Role(name) for name in settings.OTP_REQUIRED_ROLES if name in Role.values]


def two_factor_required(user) -> bool:
    """True when the person's role obliges them to use a second factor."""
    return user.is_authenticated and any(user.has_role(role) for role in required_roles())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def backup_codes_left(user) -> int:
    """How many of the person's one-time backup codes are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verified_by_idp(request) -> bool:
    """True when this session's sign-in at the identity provider counts as the second factor."""
    return request.session.get(IDP_VERIFIED_SESSION_KEY) == request.user.pk


def pending_step(user) -> str | None:
    """What an authenticated but unverified person must do before anything else, if anything:
    enter a code (VERIFY), set up a device (SET_UP), or nothing (None)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    if two_factor_required(user):
        return SET_UP
    return None


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now, or the next one when this one was used already
    (a code is accepted once; the next is accepted within the device's tolerance). For the
    demo's `totp_code` command and for tests; never shown by the application."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = totp.time + device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, as authenticator apps accept it typed in."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI, for an <img>: no script, no
    request to another site, allowed by the policy's `img-src data:`."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


@checks.register(checks.Tags.security)
def check_required_roles(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A misspelt role in OTP_REQUIRED_ROLES would silently exempt that role."""
    unknown = [name for name in settings.OTP_REQUIRED_ROLES if name not in Role.values]
    if unknown:
        return [
            checks.Error(
                f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
                hint=f"Use role names from: {', '.join(Role.values)}.",
                id="directory.E001",
            )
        ]
    return []
