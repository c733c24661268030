"""Access records: every read of a referral's personal data leaves one (GDPR art. 15)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router
from django.utils import timezone

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
    time; returns how many. Written as one multi-row INSERT: bulk_create's per-object work
    cost the API list a millisecond, most of what the records cost it (`make bench`)."""
    keys = list(dict.fromkeys(referral_ids))
    if not keys:
        return 0
    connection = connections[router.db_for_write(AccessRecord)]
    columns = [AccessRecord._meta.get_field(name).column for name in RECORD_FIELDS]
    row = (request.user.pk, channel, _route(request),
           connection.ops.adapt_datetimefield_value(timezone.now()))  # fmt: skip
    sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 (names from _meta; values bound)
        connection.ops.quote_name(AccessRecord._meta.db_table),
        ", ".join(connection.ops.quote_name(c) for c in columns),
        ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key in keys for value in (key, *row)])
    return len(keys)


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
