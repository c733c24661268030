"""Access records: every read of a referral's personal data leaves one (GDPR art. 15)."""

from __future__ import annotations

from .models import AccessRecord, Referral


def record_access(request, referral: Referral, channel: AccessRecord.Channel | str) -> AccessRecord:
    """Record that `request.user` read `referral`'s personal data through this route."""
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match else request.path_info[:100]
    return AccessRecord.objects.create(
        referral=referral, user=request.user, channel=channel, route=route[:100]
    )


def family_referrals(referral: Referral):
    """The referrals of one family: those made under the same consent, or this one alone."""
    if referral.consent_id is None:
        return Referral.objects.filter(pk=referral.pk)
    return Referral.objects.filter(consent_id=referral.consent_id)


def access_report(referral: Referral):
    """Who read the family's data and when, oldest first."""
    return (
        AccessRecord.objects.filter(referral__in=family_referrals(referral))
        .select_related("user", "user__organization", "user__municipality")
        .order_by("created_at", "pk")
    )
