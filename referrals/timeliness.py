"""Working-day arithmetic and the rules for referrals that wait too long."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

from .models import Referral, State, TimelinessFlag


@lru_cache(maxsize=32)
def _finnish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _finnish_holidays(day.year)


def working_days_between(
    start: datetime.datetime, end: datetime.datetime, *, at_most: int | None = None
) -> int:
    """Whole working days after `start`'s day, up to and including `end`'s day; counting
    stops at `at_most`, so asking whether a years-old referral is late costs a few days'
    steps, not one for each day since (the lists ask it of every row)."""
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    days, day = 0, first
    while day < last and (at_most is None or days < at_most):
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days


def overdue(now: datetime.datetime) -> Iterator[tuple[Referral, str, object]]:
    """(referral, flag kind, organization) for every referral past a deadline now."""
    accept = settings.TIMELINESS_ACCEPT_DAYS
    escalate = accept + settings.TIMELINESS_ESCALATE_DAYS
    route = settings.TIMELINESS_ROUTE_DAYS
    # No referral can be late before this many calendar days; the rest is checked per row.
    horizon = now - datetime.timedelta(days=min(accept, route))
    waiting = Referral.objects.filter(
        state__in=[State.ASSIGNED, State.SUBMITTED, State.DECLINED, State.POOLED],
        state_changed_at__lte=horizon,
    ).select_related("organization")
    for referral in waiting:
        days = working_days_between(referral.state_changed_at, now, at_most=max(escalate, route))
        if referral.state == State.ASSIGNED:
            if days >= accept:
                yield referral, TimelinessFlag.Kind.NOT_ACCEPTED_REMINDER, referral.organization
            if days >= escalate:
                yield referral, TimelinessFlag.Kind.NOT_ACCEPTED_ESCALATION, referral.organization
        elif days >= route:
            yield referral, TimelinessFlag.Kind.NOT_ROUTED_ESCALATION, None
