"""Every API token of a person is revoked when their password changes (by them, a reset or an
administrator), when they are deactivated, and when their second factor is turned off (by them
or in the admin): whoever held a token then must sign in again."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

REVOKE_FLAG = "_revoke_api_tokens"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="directory.tokens.pre_save")
def note_credential_change(sender, instance, update_fields=None, **kwargs) -> None:
    """Compare with the stored row: a new password hash, or active turned off."""
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login at each login: no extra query
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    changed = stored["password"] != instance.password
    deactivated = stored["is_active"] and not instance.is_active
    setattr(instance, REVOKE_FLAG, changed or deactivated)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="directory.tokens.post_save")
def revoke_tokens_on_credential_change(sender, instance, **kwargs) -> None:
    if getattr(instance, REVOKE_FLAG, False):
        AuthToken.objects.filter(user=instance).delete()
        setattr(instance, REVOKE_FLAG, False)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="directory.tokens.totp_removed")
def revoke_tokens_when_second_factor_is_removed(sender, instance, **kwargs) -> None:
    """A token was issued against the code of this device; without the device it is void."""
    if instance.confirmed:
        AuthToken.objects.filter(user_id=instance.user_id).delete()
