"""Consent use cases: record what the family agreed to, and who may record its withdrawal.

The withdrawal itself ends referrals and appointments, so it lives with them:
`referrals.services.consent_withdraw`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Consent, GiverRole, Method, Scope, scope_field

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
