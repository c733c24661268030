"""Consent use cases: record what the family agreed to, and its withdrawal."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import WITHDRAWAL_FIELDS, Consent, GiverRole, Method, Scope, scope_field

# A consent is recorded soon after the family gives it, and it is renewed rather than kept open.
MAX_AGE_DAYS = 365
MAX_VALIDITY_DAYS = 5 * 365


def consent_record(
    *,
    actor,
    given_by_role: GiverRole | str,
    given_by_name: str,
    method: Method | str,
    scopes: list[Scope | str],
    given_at: datetime | None = None,
    valid_until: datetime | None = None,
) -> Consent:
    """Record a consent a municipal professional received from the family."""
    if not actor.is_professional:
        raise PermissionDenied(_("Only municipal professionals record consents."))
    given_at = given_at or timezone.now()
    if given_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"given_at": _("A consent cannot be given in the future.")})
    if given_at < timezone.now() - timedelta(days=MAX_AGE_DAYS):
        raise ValidationError({"given_at": _("Record a consent within a year of it being given.")})
    if valid_until is not None and not (
        given_at < valid_until <= given_at + timedelta(days=MAX_VALIDITY_DAYS)
    ):
        raise ValidationError(
            {"valid_until": _("A consent ends after it is given and within five years.")}
        )
    consent = Consent(
        given_by_role=given_by_role,
        given_by_name=given_by_name,
        method=method,
        given_at=given_at,
        valid_until=valid_until
        or given_at + timedelta(days=settings.CONSENT_DEFAULT_VALIDITY_DAYS),
        recorded_by=actor,
        **{scope_field(s): True for s in scopes},
    )
    consent.full_clean(exclude=["recorded_by"])
    consent.save()
    return consent


def may_withdraw(consent: Consent, user) -> bool:
    """The recorder, a coordinator, or a worker handling a referral made under it."""
    if not user.is_active:
        return False
    if consent.recorded_by_id == user.pk or user.has_perm("referrals.triage_referral"):
        return True
    return any(user.has_perm("referrals.handle_referral", r) for r in consent.referrals.all())


def consent_withdraw(*, consent: Consent, actor, reason: str) -> Consent:
    """Record the family's withdrawal and end every referral made under the consent."""
    from appointments.services import appointments_cancel_for_withdrawal
    from referrals.services import referrals_withdraw_for_consent

    if not may_withdraw(consent, actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.is_withdrawn:
            raise ValidationError(_("This consent has already been withdrawn."))
        locked.withdrawn_at = timezone.now()
        locked.withdrawal_reason = reason
        locked.withdrawn_by = actor
        locked.save(update_fields=WITHDRAWAL_FIELDS)
        for referral in referrals_withdraw_for_consent(consent=locked, actor=actor, reason=reason):
            appointments_cancel_for_withdrawal(referral=referral, actor=actor, reason=reason)
    return locked
