"""What the coordinator dashboard and its CSV show: one list of sections built from the
throughput figures, with small cells suppressed once, so screen and file always agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import NextStep, ServiceGiven
from directory.models import ModeCode, Municipality

from . import charts, insight
from .insight import SMALL, Throughput, suppress, suppress_rate
from .models import DeclineReason, FamilyLanguage, State


@dataclass
class Section:
    key: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, shown value)


def _labelled(counts: dict[str, int], labels: dict[str, str], total_label: str) -> list:
    table = {key: counts.get(key, 0) for key in labels}
    table["__total__"] = sum(table.values())
    shown = suppress(table, total_key="__total__")
    rows = [(str(labels[key]), shown[key]) for key in labels]
    rows.append((total_label, shown["__total__"]))
    return rows


def _percent(value) -> str:
    if isinstance(value, Decimal):
        return f"{(value * 100):.1f} %".replace(".", ",")
    return str(value)


def _days(wait, count: int) -> tuple[str, str]:
    if 1 <= count <= 4:
        return SMALL, SMALL
    if wait.median is None:
        return "–", "–"
    return (f"{wait.median:.1f}".replace(".", ","), f"{wait.p90:.1f}".replace(".", ","))


def sections(t: Throughput) -> list[Section]:
    total = _("Total")
    out = [
        Section(
            "states",
            _("Referrals in, by state now"),
            _labelled(t.by_state, dict(State.choices), total),
        ),
    ]
    decisions = Section("decisions", _("Acceptance and decline"))
    decisions.rows = [
        (_("Assigned to an organization"), suppress({"n": t.assigned})["n"]),
        (_("Acceptance rate"), _percent(suppress_rate(t.accepted, t.assigned))),
        (_("Decline rate"), _percent(suppress_rate(t.declined, t.assigned))),
    ]
    out.append(decisions)
    out.append(
        Section(
            "decline_reasons",
            _("Decline reasons"),
            _labelled(t.decline_reasons, dict(DeclineReason.choices), total),
        )
    )
    waits = Section("waits", _("Waiting times (days)"))
    median_label, p90_label = _("median"), _("90th percentile")
    for label, wait in (
        (_("Submitted → accepted"), t.wait_to_accept),
        (_("Submitted → first appointment"), t.wait_to_first_appointment),
    ):
        median, p90 = _days(wait, wait.count)
        waits.rows += [
            (f"{label}: {median_label}", median),
            (f"{label}: {p90_label}", p90),
        ]
    out.append(waits)
    out.append(
        Section(
            "sessions",
            _("Sessions"),
            [
                (_("Sessions held"), suppress({"n": t.sessions_held})["n"]),
                (
                    _("No-show rate"),
                    _percent(suppress_rate(t.no_shows, t.sessions_held + t.no_shows)),
                ),
            ],
        )
    )
    out.append(
        Section("outcomes", _("Outcomes"), _labelled(t.outcomes, dict(NextStep.choices), total))
    )
    out.append(
        Section(
            "services",
            _("Service given"),
            _labelled(t.services_given, dict(ServiceGiven.choices), total),
        )
    )
    out.append(
        Section(
            "languages",
            _("Language mix"),
            _labelled(t.language_mix, dict(FamilyLanguage.choices), total),
        )
    )
    out.append(
        Section(
            "modes",
            _("Preferred ways to meet"),
            _labelled(t.mode_mix, dict(ModeCode.choices), total),
        )
    )
    backlog_labels = {k: v for k, v in State.choices if k in t.backlog_now}
    out.append(
        Section("backlog", _("Backlog now"), _labelled(t.backlog_now, backlog_labels, total))
    )
    return out


def area_rows(t: Throughput) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Per pilot area and in total: referrals in, accepted, declined, completed."""
    header = [_("Referrals in"), _("Accepted"), _("Declined"), _("Completed")]
    fields = ["referrals_in", "accepted", "declined", "completed"]
    rows = []
    columns = {f: {name: getattr(fig, f) for name, fig in t.by_area.items()} for f in fields}
    shown_columns = {}
    for f in fields:
        column = dict(columns[f])
        column["__total__"] = getattr(t.area_total, f)
        shown_columns[f] = suppress(column, total_key="__total__")
    for name in t.by_area:
        rows.append((name, [shown_columns[f][name] for f in fields]))
    rows.append((_("Total"), [shown_columns[f]["__total__"] for f in fields]))
    return header, rows


def _number(shown: str) -> float | None:
    return float(shown) if shown.isdigit() else None


def chart_svgs(t: Throughput) -> dict[str, str]:
    """The charts draw exactly the suppressed numbers of the tables beside them."""
    monthly = monthly_rows(t)
    trend = charts.line_chart(
        _("Referrals by month"),
        [f"{m}/{y % 100:02d}" for y, m, _in, _done in t.monthly],
        [
            charts.Series(_("Referrals in"), [_number(arrived) for _l, arrived, _d in monthly]),
            charts.Series(_("Completed"), [_number(done) for _l, _a, done in monthly]),
        ],
    )
    _header, rows = area_rows(t)
    areas = charts.bar_chart(
        _("Referrals in by area"),
        [name for name, _v in rows[:-1]],
        [_number(values[0]) for _name, values in rows[:-1]],
    )
    funnel = funnel_rows(t)
    funnel_chart = charts.bar_chart(
        _("From submitted to completed"),
        [label for label, _v in funnel],
        [_number(value) for _label, value in funnel],
    )
    return {"trend": trend, "areas": areas, "funnel": funnel_chart}


def monthly_rows(t: Throughput) -> list[tuple[str, str, str]]:
    """The trend chart's numbers as a table: month, referrals in, completed."""
    arrivals = suppress({str(i): row[2] for i, row in enumerate(t.monthly)})
    completions = suppress({str(i): row[3] for i, row in enumerate(t.monthly)})
    return [
        (f"{month}/{year}", arrivals[str(i)], completions[str(i)])
        for i, (year, month, _in, _done) in enumerate(t.monthly)
    ]


def funnel_rows(t: Throughput) -> list[tuple[str, str]]:
    completed = t.by_state.get(State.COMPLETED, 0)
    shown = suppress(
        {
            "in": t.referrals_in,
            "assigned": t.assigned,
            "accepted": t.accepted,
            "completed": completed,
        }
    )
    labels = {
        "in": _("Submitted"),
        "assigned": _("Assigned"),
        "accepted": _("Accepted"),
        "completed": _("Completed"),
    }
    return [(labels[k], shown[k]) for k in labels]


def csv_rows(t: Throughput) -> list[list[str]]:
    rows = [[s.title, label, value] for s in sections(t) for label, value in s.rows]
    header, areas = area_rows(t)
    for name, values in areas:
        for column, value in zip(header, values, strict=True):
            rows.append([_("By area"), f"{name}: {column}", value])
    by_month, arrived_label, done_label = _("By month"), _("Referrals in"), _("Completed")
    for (year, month, _in, _done), (_label, arrived, done) in zip(
        t.monthly, monthly_rows(t), strict=True
    ):
        rows.append([by_month, f"{year}-{month:02d}: {arrived_label}", arrived])
        rows.append([by_month, f"{year}-{month:02d}: {done_label}", done])
    return rows


def timeliness_counts(scope) -> dict[str, int]:
    """Open referrals in the scope that waited past a deadline and still wait in that state,
    by kind of breach."""
    from django.db.models import F

    from .insight import scoped_referrals
    from .models import TimelinessFlag

    flags = TimelinessFlag.objects.filter(
        referral__in=scoped_referrals(scope),
        state_changed_at=F("referral__state_changed_at"),
        referral__state__in=[State.SUBMITTED, State.POOLED, State.DECLINED, State.ASSIGNED],
    )
    return {
        kind: flags.filter(kind=kind).values("referral").distinct().count()
        for kind in TimelinessFlag.Kind.values
    }


def timeliness_section(counts: dict[str, int]) -> Section:
    from .models import TimelinessFlag

    labels = dict(TimelinessFlag.Kind.choices)
    return Section(
        "timeliness", _("Timeliness breaches now"), _labelled(counts, labels, _("Total"))
    )


def timeliness_now(scope) -> Section:
    return timeliness_section(timeliness_counts(scope))


def capacity_counts(period, scope) -> tuple[int, int]:
    """Slots in the period not cancelled: (booked by an active appointment, all)."""
    from django.db.models import Count, Exists, OuterRef, Q

    from appointments.models import ACTIVE_STATES, Appointment, Slot

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


def capacity_section(booked: int, total: int) -> Section:
    shown = suppress({"booked": booked, "free": total - booked, "all": total}, total_key="all")
    return Section(
        "capacity",
        _("Capacity in the period"),
        [
            (_("Booked times"), shown["booked"]),
            (_("Free times"), shown["free"]),
            (_("All times"), shown["all"]),
            (_("Capacity use"), _percent(suppress_rate(booked, total))),
        ],
    )


def capacity_use(period, scope) -> Section:
    """Slots in the period: booked by an active appointment, or free (cancelled ones left out)."""
    return capacity_section(*capacity_counts(period, scope))


def period_from(data: dict) -> insight.Period:
    """The period a dashboard form (or API query) chose; this month by default."""
    today = timezone.localdate()
    kind = data.get("period") or "month"
    if kind == "custom":
        return insight.Period(data["start"], data["end"])
    if kind == "last_month":
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        return insight.Period.month(year, month)
    if kind == "quarter":
        return insight.Period.quarter(today.year, (today.month - 1) // 3 + 1)
    if kind == "year":
        return insight.Period.year(today.year)
    if kind == "last_year":
        return insight.Period.year(today.year - 1)
    return insight.Period.month(today.year, today.month)


def scope_from(data: dict) -> insight.Scope:
    """The scope a dashboard form chose; the pilot areas by default."""
    area = data.get("area") or ""
    if area == "all":
        municipalities = ()
    elif area:
        municipalities = tuple(Municipality.objects.filter(code=area).values_list("pk", flat=True))
    else:
        municipalities = tuple(
            Municipality.objects.filter(is_pilot=True).values_list("pk", flat=True)
        )
    organization = data.get("organization")
    service = data.get("service")
    return insight.Scope(
        municipalities=municipalities,
        organization_id=organization.pk if organization else None,
        service_id=service.pk if service else None,
        mode=data.get("mode") or "",
    )
