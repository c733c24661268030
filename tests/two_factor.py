"""Test helpers for the second factor: a confirmed TOTP device, its current code, and a
client session that is already verified (as after the real code step)."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device, made if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app would show now (or `steps_ahead` time steps later), computed
    from the key alone with django-otp's reference TOTP."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:  # this step's code was used: the next one is accepted
        steps_ahead = max(steps_ahead, device.last_t + 1 - totp.t())
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def verified_login(client, user) -> TOTPDevice:
    """force_login, with the session verified by a confirmed device (made if needed)."""
    device = confirmed_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def login(client, user) -> None:
    """Log in the way the login pages leave the session: verified by the second factor when the
    person has a device or their role requires one (then one is made), else plain."""
    from directory.two_factor import two_factor_required

    if two_factor_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        verified_login(client, user)
    else:
        client.force_login(user)


PASSWORD = "secret-pass-123"  # what tests/factories.py gives every user


def token_request(user, password: str = PASSWORD) -> dict[str, str]:
    """The body for POST /api/v1/auth/token/: with the current code when the person has a
    device or their role requires one (then one is made)."""
    from directory.two_factor import two_factor_required

    data = {"username": user.username, "password": password}
    if two_factor_required(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        data["otp_token"] = code(confirmed_device(user))
    return data
