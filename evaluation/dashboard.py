"""Feedback and outreach figures for the coordinator dashboard, its CSV and its PDF report.

Built once into tables of shown values, so screen, CSV and PDF agree. Feedback is counted by
the month it belongs to (the months the period touches), by area and by organization. A group
with 1-4 answers shows "<5" and its scores are hidden the same way, with the secondary
suppression of `referrals.insight.suppress` (a cell that would let a small one be recomputed
from the total shows "x", and so do its scores). Outreach activities are public events
recorded as counts, with no family behind a row, so their figures are shown as they are.
The service and way-to-meet filters of the dashboard do not apply to these tables: feedback
and outreach are not tied to a catalogue service or a mode.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from directory.models import Municipality, Organization
from referrals.insight import HIDDEN, NO_RATE, SMALL, Period, Scope, suppress, suppress_rate

from .models import (
    Audience,
    FeedbackAnswer,
    OutreachActivity,
    OutreachKind,
    Reached,
    ReferrerFeedback,
)

SCORES = ("useful", "easy_to_reach", "would_recommend")
TOTAL = "__total__"
OTHER = "__other__"


@dataclass
class Table:
    key: str
    title: str
    row_label: str
    header: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    note: str = ""


def _mean(total: int | None, count: int, shown_count: str) -> str:
    """An average score to one decimal (decimal comma), hidden exactly when its count is."""
    if shown_count in (SMALL, HIDDEN):
        return shown_count
    if not count:
        return NO_RATE
    value = (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(value).replace(".", ",")


def _percent(value) -> str:
    if isinstance(value, Decimal):
        return f"{(value * 100):.1f} %".replace(".", ",")
    return str(value)


def _months(period: Period) -> Q:
    return Q(month__gte=period.start.replace(day=1), month__lte=period.end)


def _scoped_answers(model, period: Period, scope: Scope):
    rows = model.objects.filter(_months(period))
    if scope.municipalities:
        rows = rows.filter(municipality_id__in=scope.municipalities)
    if scope.organization_id is not None:
        rows = rows.filter(organization_id=scope.organization_id)
    return rows.order_by()


def _groups(rows, key: str, sums: dict) -> dict[int, dict]:
    return {
        row.pop(key): row
        for row in rows.values(key).annotate(n=Count("pk"), **sums)
    }  # fmt: skip


def _area_groups(by_municipality: dict[int, dict], scope: Scope, empty: dict) -> list:
    """(label, figures) per pilot area in the scope, zeros included, and one row for every
    other municipality together, so that the total is always the sum of the rows shown."""
    pilots = Municipality.objects.filter(is_pilot=True).order_by("name_fi")
    if scope.municipalities:
        pilots = pilots.filter(pk__in=scope.municipalities)
    groups = [(m.name, by_municipality.get(m.pk, empty)) for m in pilots]
    pilot_ids = {m.pk for m in pilots}
    others = [figures for pk, figures in by_municipality.items() if pk not in pilot_ids]
    if others or not scope.municipalities:
        groups.append((_("Other municipalities"), _add(others, empty)))
    return groups


def _organization_groups(by_org: dict[int, dict], scope: Scope, empty: dict) -> list:
    ids = set(by_org)
    if scope.organization_id is not None:
        ids.add(scope.organization_id)
    organizations = sorted(Organization.objects.filter(pk__in=ids), key=lambda o: str(o).lower())
    return [(str(o), by_org.get(o.pk, empty)) for o in organizations]


def _add(groups: list[dict], empty: dict) -> dict:
    total = dict(empty)
    for figures in groups:
        for key, value in figures.items():
            total[key] = (total[key] or 0) + (value or 0)
    return total


def _suppressed(groups: list[tuple[str, dict]], total: dict):
    """Each group and the total as (label, figures, shown count), the counts suppressed
    together so that the total cannot reveal a hidden group."""
    counts = {str(i): figures["n"] for i, (_label, figures) in enumerate(groups)}
    counts[TOTAL] = total["n"]
    shown = suppress(counts, total_key=TOTAL)
    for key, (label, figures) in [
        *((str(i), group) for i, group in enumerate(groups)),
        (TOTAL, (_("Total"), total)),
    ]:
        yield label, figures, shown[key]


def _feedback_rows(groups: list[tuple[str, dict]], total: dict) -> list[tuple[str, list[str]]]:
    return [
        (label, [n, *(_mean(figures[f], figures["n"], n) for f in SCORES)])
        for label, figures, n in _suppressed(groups, total)
    ]


def _referrer_rows(groups: list[tuple[str, dict]], total: dict) -> list[tuple[str, list[str]]]:
    rows = []
    for label, figures, n in _suppressed(groups, total):
        share = n if n in (SMALL, HIDDEN) else _percent(suppress_rate(figures["yes"], figures["n"]))
        rows.append((label, [n, share, _mean(figures["speed"], figures["n"], n)]))
    return rows


def feedback_tables(period: Period, scope: Scope) -> list[Table]:
    """Families' average scores and referrers' views, by area and by organization."""
    answers = _scoped_answers(FeedbackAnswer, period, scope)
    sums = {f: Sum(f) for f in SCORES}
    empty = {"n": 0, **dict.fromkeys(SCORES, 0)}
    by_area = _groups(answers, "municipality_id", sums)
    by_org = _groups(answers, "organization_id", sums)
    total = _add(list(by_area.values()), empty)
    header = [_("Answers"), _("Useful"), _("Easy to reach"), _("Would recommend")]
    note = _("Average of the answers on a scale of 1 (not at all) to 5 (very much).")
    tables = [
        Table(
            "feedback_areas", _("Families' feedback by area"), _("Area"), header,
            _feedback_rows(_area_groups(by_area, scope, empty), total), note,
        ),
        Table(
            "feedback_organizations", _("Families' feedback by organization"),
            _("Organization"), header,
            _feedback_rows(_organization_groups(by_org, scope, empty), total), note,
        ),
    ]  # fmt: skip

    views = _scoped_answers(ReferrerFeedback, period, scope)
    view_sums = {"yes": Count("pk", filter=Q(reached=Reached.YES)), "speed": Sum("speed")}
    view_empty = {"n": 0, "yes": 0, "speed": 0}
    views_by_area = _groups(views, "municipality_id", view_sums)
    views_by_org = _groups(views, "organization_id", view_sums)
    views_total = _add(list(views_by_area.values()), view_empty)
    view_header = [_("Answers"), _("Went where it should"), _("How quickly")]
    view_note = _(
        "The share of referrers who answered that the referral went where it should, and the "
        "average of how quickly the family got help, from 1 (far too slowly) to 5 (in good "
        "time)."
    )
    tables += [
        Table(
            "referrer_areas", _("Referrers' feedback by area"), _("Area"), view_header,
            _referrer_rows(_area_groups(views_by_area, scope, view_empty), views_total),
            view_note,
        ),
        Table(
            "referrer_organizations", _("Referrers' feedback by organization"),
            _("Organization"), view_header,
            _referrer_rows(_organization_groups(views_by_org, scope, view_empty), views_total),
            view_note,
        ),
    ]  # fmt: skip
    return tables


def outreach_tables(period: Period, scope: Scope) -> list[Table]:
    """Activities and the people they reached, by area, by kind and by month."""
    activities = OutreachActivity.objects.filter(date__gte=period.start, date__lte=period.end)
    if scope.municipalities:
        activities = activities.filter(municipality_id__in=scope.municipalities)
    if scope.organization_id is not None:
        activities = activities.filter(organizations=scope.organization_id)
    activities = activities.order_by()
    reach = {
        "activities": Count("pk"),
        "people": Sum("head_count"),
        **{
            audience: Sum("head_count", filter=Q(audience=audience)) for audience in Audience.values
        },
    }
    by_area = {
        row.pop("municipality_id"): row
        for row in activities.values("municipality_id").annotate(**reach)
    }
    links = OutreachActivity.organizations.through.objects.filter(
        outreachactivity__in=activities.values("pk")
    )
    organizations = dict(
        links.values("outreachactivity__municipality_id")
        .annotate(n=Count("organization_id", distinct=True))
        .values_list("outreachactivity__municipality_id", "n")
    )
    organizations_total = links.values("organization_id").distinct().count()

    pilots = Municipality.objects.filter(is_pilot=True)
    if scope.municipalities:
        pilots = pilots.filter(pk__in=scope.municipalities)
    municipalities = Municipality.objects.filter(
        Q(pk__in=pilots.values("pk")) | Q(pk__in=list(by_area))
    ).order_by("-is_pilot", "name_fi")
    keys = ["activities", *Audience.values, "people"]
    header = [
        _("Activities"), _("Professionals"), _("Families"), _("Both"), _("People reached"),
        _("Organizations"),
    ]  # fmt: skip
    area_rows = []
    totals = defaultdict(int)
    for municipality in municipalities:
        figures = by_area.get(municipality.pk, {})
        values = [figures.get(k) or 0 for k in keys]
        for k, v in zip(keys, values, strict=True):
            totals[k] += v
        area_rows.append(
            (
                municipality.name,
                [str(v) for v in values] + [str(organizations.get(municipality.pk, 0))],
            )
        )
    area_rows.append((_("Total"), [str(totals[k]) for k in keys] + [str(organizations_total)]))

    by_kind = {
        row["kind"]: row
        for row in activities.values("kind").annotate(n=Count("pk"), people=Sum("head_count"))
    }
    kind_rows = [
        (str(label), [str(by_kind.get(kind, {}).get("n", 0)),
                      str(by_kind.get(kind, {}).get("people") or 0)])
        for kind, label in OutreachKind.choices
    ]  # fmt: skip
    kind_rows.append((_("Total"), [str(totals["activities"]), str(totals["people"])]))

    per_month = {
        (row["m"].year, row["m"].month): row
        for row in activities.annotate(m=TruncMonth("date"))
        .values("m")
        .annotate(n=Count("pk"), people=Sum("head_count"))
    }
    month_rows = [
        (f"{month}/{year}", [str(per_month.get((year, month), {}).get("n", 0)),
                             str(per_month.get((year, month), {}).get("people") or 0)])
        for year, month in period.months()
    ]  # fmt: skip
    note = _(
        "Lectures, open-door days, info sessions and tailored service packages held in the "
        "period. “Organizations” counts the different organizations that organized them. "
        "These are counts of public events, so they are shown as they are."
    )
    return [
        Table("outreach_areas", _("Outreach by area"), _("Area"), header, area_rows, note),
        Table(
            "outreach_kinds", _("Outreach by kind"), _("Kind"),
            [_("Activities"), _("People reached")], kind_rows,
        ),
        Table(
            "outreach_months", _("Outreach by month"), _("Month"),
            [_("Activities"), _("People reached")], month_rows,
        ),
    ]  # fmt: skip


def tables(period: Period, scope: Scope) -> list[Table]:
    """Every evaluation table of the dashboard, in the order shown."""
    return [*outreach_tables(period, scope), *feedback_tables(period, scope)]


def csv_rows(tables: list[Table]) -> list[list[str]]:
    """The same tables as the dashboard CSV's (section, figure, value) rows."""
    return [
        [table.title, f"{label}: {column}", value]
        for table in tables
        for label, values in table.rows
        for column, value in zip(table.header, values, strict=True)
    ]
