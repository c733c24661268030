"""The consent expiry sweep."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def sweep_expired_consents() -> int:
    """Tell referrers once that a consent under their open referrals has expired.

    Nothing is shared further under it: routing, accepting, claiming and the referral summary
    all require a consent valid for sharing at that moment.
    """
    from referrals.models import OPEN_STATES, Notification, Referral
    from referrals.tasks import deliver

    from .models import Consent

    now = timezone.now()
    expired = Consent.objects.filter(
        valid_until__lte=now, withdrawn_at__isnull=True, expiry_notified_at__isnull=True
    ).values_list("pk", flat=True)
    told = 0
    for pk in list(expired):
        # Claim the consent first, so parallel or repeated runs tell no one twice.
        if not Consent.objects.filter(pk=pk, expiry_notified_at__isnull=True).update(
            expiry_notified_at=now
        ):
            continue
        for referral in Referral.objects.filter(
            consent_id=pk, state__in=OPEN_STATES
        ).select_related("referrer"):
            told += deliver(
                [referral.referrer], referral_id=referral.pk,
                kind=Notification.Kind.CONSENT_EXPIRED, template="consent_expired",
            )  # fmt: skip
    return told
