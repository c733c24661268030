"""Who needs a second factor, and what the person has to do next before the session counts.

A person with a confirmed TOTP device always enters a code after the password (or one of the
one-time backup codes made at set-up, for a lost phone); the roles in
settings.OTP_REQUIRED_ROLES (coordinators by default) must have one. The session is verified
once django-otp's middleware finds the device in it (`request.user.is_verified()`), or when the
person signed in at the organization's identity provider with a method it reports as strong
(`verified_by_idp`, set by directory/oidc.py).

What a request needs to know of this (the person's groups and model permissions, whether the
device in the session is still theirs and confirmed, whether they have one) is read once and
remembered in the session (`session_access`), read anew after ACCESS_RECHECK_SECONDS or as soon
as a group, a permission or a device of the person changes (`access_changed`, sent by the
receivers below), so that a signed-in page reads neither the groups, the permissions nor the
devices.
"""

from __future__ import annotations

import time
from base64 import b32encode
from uuid import uuid4

import segno
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core import checks
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, User

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


def pending_step(user, *, has_device: bool | None = None) -> str | None:
    """What an authenticated but unverified person must do before anything else, if anything:
    enter a code (VERIFY), set up a device (SET_UP), or nothing (None). `has_device`: whether
    the person has a confirmed device, when known already."""
    if has_device is None:
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_device:
        return VERIFY
    if two_factor_required(user):
        return SET_UP
    return None


# --- what the session remembers -----------------------------------------------------------------

ACCESS_SESSION_KEY = "access"
# The longest a session trusts what it remembers when no change reached it: the bound when the
# cache is per process (no CACHE_URL) and a change was made in another process.
ACCESS_RECHECK_SECONDS = 60


def _version_key(user_id: int) -> str:
    return f"directory:access:{user_id}"


def access_changed(user_id: int) -> None:
    """The person's groups, permissions or devices changed: every session of theirs reads them
    anew."""
    cache.set(_version_key(user_id), uuid4().hex, timeout=None)


def session_access(request, user) -> dict:
    """The person's groups (name: key) and model permissions (directory.backends), whether the
    device the session was verified with (django-otp's DEVICE_ID_SESSION_KEY) is a confirmed
    device of theirs, and whether they have a confirmed TOTP device: as the session remembers
    them, or read (up to five queries) and remembered when the session holds nothing for this
    person, device and superuser status, when they changed since (`access_changed`), or after
    ACCESS_RECHECK_SECONDS. The remembering rides on the session save that the idle expiry
    makes at most once a minute anyway."""
    device_id = request.session.get(DEVICE_ID_SESSION_KEY, "")
    version = cache.get(_version_key(user.pk), "")
    now = int(time.time())
    known = request.session.get(ACCESS_SESSION_KEY)
    if (
        isinstance(known, dict)
        and known.get("user") == user.pk
        and known.get("device_id") == device_id
        and known.get("version") == version
        and isinstance(known.get("groups"), dict)  # a list of names before issue 20
        and "permissions" in known
        and known.get("superuser") == user.is_superuser
        and 0 <= now - known.get("at", 0) < ACCESS_RECHECK_SECONDS
    ):
        return known
    device = Device.from_persistent_id(device_id) if device_id else None
    verified = device is not None and device.user_id == user.pk and device.confirmed
    known = {
        "user": user.pk,
        "version": version,
        "at": now,
        "groups": user.groups_by_name(),
        # Django's model permissions (directory.backends); a superuser has them all anyway.
        "superuser": user.is_superuser,
        "permissions": (
            None if user.is_superuser else sorted(ModelBackend().get_all_permissions(user))
        ),
        "device_id": device_id,
        "verified": verified,
        # Asked only of an unverified session (pending_step).
        "has_device": verified or TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    request.session[ACCESS_SESSION_KEY] = known
    return known


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="directory.access.groups")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """user.groups.add/remove/set/clear, or group.user_set.add/remove/set; a group's
    user_set.clear() names nobody afterwards, so its members are read before."""
    if not reverse and action.startswith("post_"):
        access_changed(instance.pk)
    elif reverse and action in ("post_add", "post_remove"):
        for user_id in pk_set:
            access_changed(user_id)
    elif reverse and action == "pre_clear":
        for user_id in instance.user_set.values_list("pk", flat=True):
            access_changed(user_id)


def _changed_keys(instance, action: str, reverse: bool, pk_set, related: str) -> list[int]:
    """The keys on the far side of an m2m change: the instance's own key when it changed
    forward; the added or removed keys, or before a clear everyone `related` names, when it
    changed from the other side."""
    if not reverse:
        return [instance.pk] if action.startswith("post_") else []
    if action in ("post_add", "post_remove"):
        return list(pk_set or ())
    if action == "pre_clear":
        return list(getattr(instance, related).values_list("pk", flat=True))
    return []


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="directory.access.perms")
def _permissions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """user.user_permissions.add/remove/set/clear, or permission.user_set.*."""
    for user_id in _changed_keys(instance, action, reverse, pk_set, "user_set"):
        access_changed(user_id)


@receiver(
    m2m_changed, sender=Group.permissions.through, dispatch_uid="directory.access.group_perms"
)
def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """group.permissions.add/remove/set/clear, or permission.group_set.*: every member of the
    groups reads their permissions anew."""
    groups = _changed_keys(instance, action, reverse, pk_set, "group_set")
    if groups:
        members = User.objects.filter(groups__in=groups).values_list("pk", flat=True)
        for user_id in members.distinct():
            access_changed(user_id)


@receiver(post_save, sender=TOTPDevice, dispatch_uid="directory.access.totp_saved")
@receiver(post_delete, sender=TOTPDevice, dispatch_uid="directory.access.totp_deleted")
@receiver(post_save, sender=StaticDevice, dispatch_uid="directory.access.static_saved")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="directory.access.static_deleted")
def _device_changed(sender, instance, **kwargs) -> None:
    access_changed(instance.user_id)


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
