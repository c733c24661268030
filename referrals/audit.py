"""Access records: every read of a referral's personal data leaves one (GDPR art. 15)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import AccessRecord, Referral


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else request.path_info)[:100]


def record_access(request, referral: Referral, channel: AccessRecord.Channel | str) -> AccessRecord:
    """Record that `request.user` read `referral`'s personal data through this route."""
    return AccessRecord.objects.create(
        referral=referral, user=request.user, channel=channel, route=_route(request)
    )


def record_accesses(
    request, referral_ids: Iterable[int], channel: AccessRecord.Channel | str
) -> list[AccessRecord]:
    """One record per referral a list or a family's record showed, in one insert: a page
    of 25 costs one query, not 25. The records of one read share one time."""
    route, now = _route(request), timezone.now()
    return AccessRecord.objects.bulk_create(
        AccessRecord(
            referral_id=pk, user=request.user, channel=channel, route=route, created_at=now
        )
        for pk in dict.fromkeys(referral_ids)
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
