"""The dashboard's statistics table: aggregate figures per period and scope, kept fresh.

Computing a year of throughput for an area means aggregating referrals, their audit events
and their appointments (bench/results.md says what that costs at Finland scale); the medians
and percentiles need every wait, so the figures cannot be summed from smaller aggregates.
Instead each (period, scope) a coordinator looks at is computed once and kept in
`InsightSnapshot` for `INSIGHT_SNAPSHOT_SECONDS` (15 minutes by default): a report reads one
row. A beat task refreshes the usual choices (the standard periods for the pilot areas,
together and one by one) before anyone asks, so only an unusual choice is computed while its
coordinator waits. Every rendering says when its figures were computed.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from directory.models import Municipality
from perhelinja.routers import read_alias, use_replica

from .figures import AreaFigures, Throughput, Wait, capacity_counts, throughput, timeliness_counts
from .models import InsightSnapshot
from .period import TWELVE_MONTHS, Period, Scope, period_from

STANDARD_PERIODS = (TWELVE_MONTHS, "month", "last_month", "quarter", "year", "last_year")


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows about one period and scope, and when it was computed."""

    throughput: Throughput
    timeliness: dict[str, int]
    capacity: tuple[int, int]  # (booked, all)
    computed_at: datetime.datetime


def key_of(period: Period, scope: Scope) -> str:
    choice = {"start": period.start.isoformat(), "end": period.end.isoformat(), **scope.as_json()}
    return hashlib.sha256(json.dumps(choice, sort_keys=True).encode()).hexdigest()


def compute(period: Period, scope: Scope) -> Figures:
    """The figures as they are now, straight from the referrals (the slow way).

    Every query reads the same moment: the report's tables add up across queries (the states,
    the months and the areas all sum to the referrals in), which a referral submitted between
    two of them would break. On PostgreSQL that is one REPEATABLE READ transaction; SQLite's
    transactions see one moment anyway. Inside an outer transaction its isolation holds."""
    with use_replica():  # the replica, when there is one (perhelinja/routers.py)
        alias = read_alias()
        connection = connections[alias]
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=alias):
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return Figures(
                throughput=throughput(period, scope),
                timeliness=timeliness_counts(scope),
                capacity=capacity_counts(period, scope),
                computed_at=timezone.now(),
            )


def refresh(period: Period, scope: Scope) -> Figures:
    """Compute and store the figures of one period and scope."""
    figures = compute(period, scope)
    defaults = {"figures": encode(figures), "computed_at": figures.computed_at}
    key = key_of(period, scope)
    try:
        with transaction.atomic():
            InsightSnapshot.objects.update_or_create(key=key, defaults=defaults)
    except IntegrityError:  # another request stored the same choice a moment ago
        InsightSnapshot.objects.filter(key=key).update(**defaults)
    return figures


def figures(period: Period, scope: Scope) -> Figures:
    """The stored figures when they are fresh enough, else computed now and stored."""
    max_age = settings.INSIGHT_SNAPSHOT_SECONDS
    if max_age <= 0:
        return compute(period, scope)
    with use_replica():
        stored = (
            InsightSnapshot.objects.filter(
                key=key_of(period, scope),
                computed_at__gte=timezone.now() - datetime.timedelta(seconds=max_age),
            )
            .only("figures", "computed_at")
            .first()
        )
    if stored is not None:
        return decode(stored.figures, stored.computed_at)
    return refresh(period, scope)


def standard_choices() -> list[tuple[Period, Scope]]:
    """What coordinators look at most: each standard period, for the pilot areas together and
    for each pilot area alone."""
    pilots = tuple(
        Municipality.objects.filter(is_pilot=True).order_by("pk").values_list("pk", flat=True)
    )
    scopes = [Scope(municipalities=pilots), *(Scope(municipalities=(pk,)) for pk in pilots)]
    return [(period_from({"period": kind}), scope) for kind in STANDARD_PERIODS for scope in scopes]


def refresh_standard() -> int:
    choices = standard_choices()
    for period, scope in choices:
        refresh(period, scope)
    return len(choices)


# --- the row's JSON ----------------------------------------------------------------------


def encode(f: Figures) -> str:
    """JSON text (not jsonb: the order of the areas and months must survive)."""
    data = {
        "throughput": dataclasses.asdict(f.throughput),
        "timeliness": f.timeliness,
        "capacity": list(f.capacity),
    }
    return json.dumps(data, cls=DjangoJSONEncoder)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def decode(text: str, computed_at: datetime.datetime) -> Figures:
    data = json.loads(text)
    t = data["throughput"]
    t["period"] = Period(
        datetime.date.fromisoformat(t["period"]["start"]),
        datetime.date.fromisoformat(t["period"]["end"]),
    )
    t["scope"] = Scope.from_json(t["scope"])
    for name in ("acceptance_rate", "decline_rate", "no_show_rate"):
        t[name] = _decimal(t[name])
    for name in ("wait_to_accept", "wait_to_first_appointment"):
        t[name] = Wait(**t[name])
    t["by_area"] = {name: AreaFigures(**values) for name, values in t["by_area"].items()}
    t["area_total"] = AreaFigures(**t["area_total"])
    t["monthly"] = [tuple(row) for row in t["monthly"]]
    return Figures(
        throughput=Throughput(**t),
        timeliness=data["timeliness"],
        capacity=tuple(data["capacity"]),
        computed_at=computed_at,
    )
