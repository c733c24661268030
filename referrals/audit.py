"""Access records: every read of a referral's personal data leaves one (GDPR art. 15)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from perhelinja.fastpath import insert_rows

from .models import AccessRecord, Referral

RECORD_FIELDS = ("referral", "user", "channel", "route", "created_at")


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
) -> int:
    """One record per referral a list or a family's record showed, in one INSERT, sharing one
    time; returns how many. Written as one multi-row INSERT (`perhelinja.fastpath`):
    bulk_create's per-object work cost the API list a millisecond, most of what the records
    cost it (`make bench`)."""
    keys = list(dict.fromkeys(referral_ids))
    shared = (request.user.pk, channel, _route(request), timezone.now())
    return insert_rows(AccessRecord, RECORD_FIELDS, [(key, *shared) for key in keys])


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
