"""Throughput figures of the pilot areas for coordinators: aggregates only, never personal data.

`throughput(period, scope)` answers with a fixed, small number of aggregate queries whatever
the number of referrals, and reads only what erasure keeps (`referrals/retention.py`): the
state, the municipality, the dates, the organization, the language code, the modes and
challenges, the transitions with their reason codes, the appointments and the outcome codes.

Nothing here is published as it is: `insight.report` turns the figures into tables and
protects them against small-cell disclosure (`insight.suppression`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from appointments.models import ACTIVE_STATES, Appointment, AppointmentState, OutcomeReport, Slot
from directory.models import Municipality, Service
from referrals.models import Referral, ReferralEvent, State, TimelinessFlag

from .period import HELSINKI, Period, Scope

DAY_SECONDS = 86400
RATE_PLACES = Decimal("0.0001")

# A referral counts as assigned once an organization got it, by a coordinator or by a claim.
ASSIGN_TRANSITIONS = ("assign", "claim")
BACKLOG_STATES = (State.SUBMITTED, State.POOLED, State.DECLINED, State.ASSIGNED)


def _routed_to(organization_id: int) -> Q:
    events = ReferralEvent.objects.filter(
        referral=OuterRef("pk"),
        organization_id=organization_id,
        transition__in=(*ASSIGN_TRANSITIONS, "accept", "decline"),
    )
    return Q(organization_id=organization_id) | Q(Exists(events))


def scoped_referrals(scope: Scope) -> QuerySet:
    """Every referral in the scope, whatever its state or dates."""
    referrals = Referral.objects.all()
    if scope.municipalities:
        referrals = referrals.filter(municipality_id__in=scope.municipalities)
    if scope.organization_id is not None:
        referrals = referrals.filter(_routed_to(scope.organization_id))
    if scope.service_id is not None:
        service = Service.objects.filter(pk=scope.service_id).values("organization_id").first()
        if service is None:
            return referrals.none()
        covers = Service.objects.filter(pk=scope.service_id, challenges__referrals=OuterRef("pk"))
        referrals = referrals.filter(_routed_to(service["organization_id"]), Exists(covers))
    if scope.mode:
        modes = Referral.preferred_modes.through.objects.filter(
            referral_id=OuterRef("pk"), mode_id=scope.mode
        )
        referrals = referrals.filter(Exists(modes))
    return referrals.order_by()


# --- statistics helpers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    """Waiting times in days: how many, their median and nearest-rank 90th percentile."""

    count: int
    median: float | None
    p90: float | None


def median(values: Sequence[float]) -> float | None:
    """The usual median: the middle value, or the mean of the two middle ones."""
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def p90(values: Sequence[float]) -> float | None:
    """Nearest-rank 90th percentile: the sorted values at index ceil(0.9 * n) - 1."""
    if not values:
        return None
    ordered = sorted(values)
    # 9 * n / 10 in integers: 0.9 * n in floats rounds 0.9 * 10 to 9.000000000000002.
    return float(ordered[math.ceil(9 * len(ordered) / 10) - 1])


def wait_of(days: Iterable[float]) -> Wait:
    values = list(days)
    return Wait(len(values), median(values), p90(values))


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a Decimal fraction to four places; None without a denominator."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


def _days(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / DAY_SECONDS


def _counts(rows: Iterable[dict], key: str) -> dict[str, int]:
    return {row[key]: row["n"] for row in rows}


# --- throughput ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFigures:
    referrals_in: int = 0
    accepted: int = 0
    declined: int = 0
    completed: int = 0


@dataclass(frozen=True)
class Throughput:
    """Figures of the referrals submitted within the period, in the scope.

    Fractions are Decimals to four places (None without a denominator); waits are days.
    """

    period: Period
    scope: Scope
    referrals_in: int
    by_state: dict[str, int]
    # Referrals with an accept / decline / assign-or-claim audit row.
    accepted: int
    declined: int
    assigned: int
    acceptance_rate: Decimal | None
    decline_rate: Decimal | None
    # Decline decisions (audit rows) by reason code: one referral may be declined twice.
    decline_reasons: dict[str, int]
    wait_to_accept: Wait
    wait_to_first_appointment: Wait
    # Appointments of the scope's referrals (submitted whenever) starting within the period.
    sessions_held: int
    no_shows: int
    no_show_rate: Decimal | None
    outcomes: dict[str, int]
    services_given: dict[str, int]
    language_mix: dict[str, int]
    mode_mix: dict[str, int]
    # Now, whatever the period: referrals waiting for routing or for an organization.
    backlog_now: dict[str, int]
    # Per pilot municipality (Finnish name) in the scope; `area_total` covers every referral
    # counted, so it includes municipalities outside the pilot when the scope does.
    by_area: dict[str, AreaFigures] = field(default_factory=dict)
    area_total: AreaFigures = AreaFigures()
    # (year, month, referrals_in, completed) for each month the period touches.
    monthly: list[tuple[int, int, int, int]] = field(default_factory=list)


def _event_exists(transitions: Sequence[str]) -> Exists:
    return Exists(ReferralEvent.objects.filter(referral=OuterRef("pk"), transition__in=transitions))


def _main_figures() -> dict:
    return {
        "referrals_in": Count("pk"),
        "accepted": Count("pk", filter=Q(_event_exists(["accept"]))),
        "declined": Count("pk", filter=Q(_event_exists(["decline"]))),
        "completed": Count("pk", filter=Q(state=State.COMPLETED)),
    }


def throughput(period: Period, scope: Scope | None = None) -> Throughput:
    """The figures of `period` in `scope`, in a fixed number of queries whatever the number
    of referrals."""
    scope = scope or Scope()
    scoped = scoped_referrals(scope)
    counted = scoped.filter(
        submitted_at__gte=period.start_at, submitted_at__lt=period.end_before
    ).exclude(state=State.DRAFT)
    counted_ids = counted.values("pk")

    # 1. Current states.
    by_state = _counts(counted.values("state").annotate(n=Count("pk")), "state")
    referrals_in = sum(by_state.values())

    # 2. Acceptance and decline, over the referrals that reached an organization.
    decisions = counted.aggregate(
        accepted=Count("pk", filter=Q(_event_exists(["accept"]))),
        declined=Count("pk", filter=Q(_event_exists(["decline"]))),
        assigned=Count("pk", filter=Q(_event_exists(ASSIGN_TRANSITIONS))),
    )
    # 3. Decline decisions by reason.
    decline_reasons = _counts(
        ReferralEvent.objects.filter(referral__in=counted_ids, transition="decline")
        .order_by()
        .values("reason_code")
        .annotate(n=Count("pk")),
        "reason_code",
    )

    # 4. Submitted → accepted.
    accept_pairs = counted.filter(accepted_at__isnull=False).values_list(
        "submitted_at", "accepted_at"
    )
    wait_to_accept = wait_of(_days(accepted - submitted) for submitted, accepted in accept_pairs)

    # 5. Submitted → earliest appointment not cancelled by the organization.
    first_appointments = (
        Appointment.objects.filter(referral__in=counted_ids)
        .exclude(state=AppointmentState.CANCELLED_BY_ORGANIZATION)
        .order_by()
        .values("referral_id", "referral__submitted_at")
        .annotate(first=Min("starts_at"))
    )
    wait_to_first = wait_of(
        _days(row["first"] - row["referral__submitted_at"]) for row in first_appointments
    )

    # 6. Sessions of the scope's referrals held within the period.
    sessions = _counts(
        Appointment.objects.filter(
            referral__in=scoped.values("pk"),
            starts_at__gte=period.start_at,
            starts_at__lt=period.end_before,
            state__in=(AppointmentState.ATTENDED, AppointmentState.NO_SHOW),
        )
        .order_by()
        .values("state")
        .annotate(n=Count("pk")),
        "state",
    )
    attended = sessions.get(AppointmentState.ATTENDED, 0)
    no_shows = sessions.get(AppointmentState.NO_SHOW, 0)

    # 7-8. Outcome codes.
    outcomes = OutcomeReport.objects.filter(referral__in=counted_ids).order_by()
    next_steps = _counts(outcomes.values("next_step").annotate(n=Count("pk")), "next_step")
    services_given = _counts(
        outcomes.values("service_given").annotate(n=Count("pk")), "service_given"
    )

    # 9-10. Language and mode mix.
    language_mix = _counts(counted.values("language").annotate(n=Count("pk")), "language")
    mode_mix = _counts(
        Referral.preferred_modes.through.objects.filter(referral__in=counted_ids)
        .order_by()
        .values("mode_id")
        .annotate(n=Count("pk")),
        "mode_id",
    )

    # 11. Backlog now.
    backlog = _counts(
        scoped.filter(state__in=BACKLOG_STATES).values("state").annotate(n=Count("pk")), "state"
    )
    backlog_now = {str(state): backlog.get(state, 0) for state in BACKLOG_STATES}

    # 12-13. Per pilot area (every pilot municipality in the scope, zeros included) and total.
    pilots = Municipality.objects.filter(is_pilot=True)
    if scope.municipalities:
        pilots = pilots.filter(pk__in=scope.municipalities)
    by_area = {
        name: AreaFigures() for name in pilots.order_by("name_fi").values_list("name_fi", flat=True)
    }
    for row in (
        counted.filter(municipality__is_pilot=True)
        .values("municipality__name_fi")
        .annotate(**_main_figures())
    ):
        name = row.pop("municipality__name_fi")
        by_area[name] = AreaFigures(**row)
    area_total = AreaFigures(
        referrals_in=referrals_in,
        accepted=decisions["accepted"],
        declined=decisions["declined"],
        completed=by_state.get(State.COMPLETED, 0),
    )

    # 14. Month by month, in local months.
    per_month = {
        (row["month"].year, row["month"].month): (row["n"], row["completed"])
        for row in counted.annotate(month=TruncMonth("submitted_at", tzinfo=HELSINKI))
        .values("month")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(state=State.COMPLETED)))
    }
    monthly = [(y, m, *per_month.get((y, m), (0, 0))) for y, m in period.months()]

    return Throughput(
        period=period,
        scope=scope,
        referrals_in=referrals_in,
        by_state=by_state,
        accepted=decisions["accepted"],
        declined=decisions["declined"],
        assigned=decisions["assigned"],
        acceptance_rate=rate(decisions["accepted"], decisions["assigned"]),
        decline_rate=rate(decisions["declined"], decisions["assigned"]),
        decline_reasons=decline_reasons,
        wait_to_accept=wait_to_accept,
        wait_to_first_appointment=wait_to_first,
        sessions_held=attended,
        no_shows=no_shows,
        no_show_rate=rate(no_shows, attended + no_shows),
        outcomes=next_steps,
        services_given=services_given,
        language_mix=language_mix,
        mode_mix=mode_mix,
        backlog_now=backlog_now,
        by_area=by_area,
        area_total=area_total,
        monthly=monthly,
    )


# --- now, whatever the period ------------------------------------------------------------------


def timeliness_counts(scope: Scope) -> dict[str, int]:
    """Open referrals in the scope that waited past a deadline and still wait in that state,
    by kind of breach."""
    flags = TimelinessFlag.objects.filter(
        referral__in=scoped_referrals(scope),
        state_changed_at=F("referral__state_changed_at"),
        referral__state__in=BACKLOG_STATES,
    )
    return {
        kind: flags.filter(kind=kind).values("referral").distinct().count()
        for kind in TimelinessFlag.Kind.values
    }


def capacity_counts(period: Period, scope: Scope) -> tuple[int, int]:
    """Slots in the period not cancelled: (booked by an active appointment, all)."""
    slots = Slot.objects.filter(
        cancelled=False, starts_at__gte=period.start_at, starts_at__lt=period.end_before
    )
    if scope.organization_id is not None:
        slots = slots.filter(organization_id=scope.organization_id)
    if scope.municipalities:
        slots = slots.filter(
            Q(shift__site__municipality_id__in=scope.municipalities) | Q(shift__site__isnull=True)
        )
    taken = Appointment.objects.filter(slot=OuterRef("pk"), state__in=ACTIVE_STATES)
    totals = slots.annotate(is_taken=Exists(taken)).aggregate(
        all=Count("pk"), booked=Count("pk", filter=Q(is_taken=True))
    )
    return totals["booked"], totals["all"]
