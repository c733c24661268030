"""Feedback and outreach figures of the coordinator's report.

Feedback is counted by the month it belongs to (the months the period touches), by area and
by organization; its counts go through the report's one protection step, both tables of a kind
sharing their total, and the scores are shown only when their count is. Outreach activities
are public events recorded as counts, with no family behind a row, so their figures are shown
as they are. The service and way-to-meet filters do not apply to these tables: feedback and
outreach are not tied to a catalogue service or a mode.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from directory.models import Municipality, Organization
from evaluation.models import (
    Audience,
    FeedbackAnswer,
    OutreachActivity,
    OutreachKind,
    Reached,
    ReferrerFeedback,
)

from .figures import rate
from .period import Period, Scope
from .suppression import NO_RATE
from .tables import Counted, Derived, Layout, Plain, Table, decimal_text, percent

SCORES = ("useful", "easy_to_reach", "would_recommend")


@dataclass(frozen=True)
class Groups:
    """One kind of answers by area and by organization: (label, figures) per group, and the
    total. Both groupings add up to the same total."""

    by_area: list[tuple[str, dict]]
    by_organization: list[tuple[str, dict]]
    total: dict


@dataclass(frozen=True)
class Figures:
    feedback: Groups
    referrer_views: Groups
    outreach: list[Table]


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
    return {row.pop(key): row for row in rows.values(key).annotate(n=Count("pk"), **sums)}


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


def _grouped(model, period: Period, scope: Scope, sums: dict, empty: dict) -> Groups:
    answers = _scoped_answers(model, period, scope)
    by_area = _groups(answers, "municipality_id", sums)
    by_org = _groups(answers, "organization_id", sums)
    return Groups(
        by_area=_area_groups(by_area, scope, empty),
        by_organization=_organization_groups(by_org, scope, empty),
        total=_add(list(by_area.values()), empty),
    )


def figures(period: Period, scope: Scope) -> Figures:
    """Families' scores and referrers' views by area and organization, and the outreach."""
    feedback = _grouped(
        FeedbackAnswer,
        period,
        scope,
        {f: Sum(f) for f in SCORES},
        {"n": 0, **dict.fromkeys(SCORES, 0)},
    )
    views = _grouped(
        ReferrerFeedback,
        period,
        scope,
        {"yes": Count("pk", filter=Q(reached=Reached.YES)), "speed": Sum("speed")},
        {"n": 0, "yes": 0, "speed": 0},
    )
    return Figures(feedback, views, outreach_tables(period, scope))


def _mean(total: int | None, count: int) -> str:
    """An average score to one decimal (decimal comma)."""
    if not count:
        return NO_RATE
    return decimal_text(Decimal(total or 0) / Decimal(count))


def _counted(layout: Layout, name: str, groups: Groups) -> list[tuple[str, dict, Counted]]:
    """Each group's count and the total, the groupings linked by their shared total."""
    total = layout.count((name, "total"), groups.total["n"])
    rows = []
    for grouping, members in (("area", groups.by_area), ("organization", groups.by_organization)):
        cells = [
            (label, figures, layout.count((name, grouping, label), figures["n"]))
            for label, figures in members
        ]
        layout.sum(total.key, [cell.key for _label, _figures, cell in cells])
        rows.append([*cells, (_("Total"), groups.total, total)])
    return rows


def _feedback_rows(rows) -> list[tuple[str, list]]:
    return [
        (label, [n, *(Derived(_mean(figures[f], figures["n"]), (n.key,)) for f in SCORES)])
        for label, figures, n in rows
    ]


def _referrer_rows(layout: Layout, name: str, rows) -> list[tuple[str, list]]:
    """The share that went where it should reveals how many said yes and no: both are counts
    of the protection step too, so a share of a small yes or no is hidden."""
    out, yeses, noes = [], [], []
    for label, figures, n in rows:
        yes = layout.count((*n.key, "yes"), figures["yes"])
        no = layout.count((*n.key, "no"), figures["n"] - figures["yes"])
        layout.sum(n.key, [yes.key, no.key])
        share = Derived(percent(rate(figures["yes"], figures["n"])), (n.key, yes.key, no.key))
        out.append((label, [n, share, Derived(_mean(figures["speed"], figures["n"]), (n.key,))]))
        yeses.append(yes.key)
        noes.append(no.key)
    # The last row is the total: its yes and no are the sums of the groups' ones.
    layout.sum(yeses[-1], yeses[:-1])
    layout.sum(noes[-1], noes[:-1])
    return out


def tables(layout: Layout, f: Figures) -> None:
    """Every evaluation table of the report, in the order shown."""
    intro = _(
        "Feedback counts by the month the referral was completed, for the months the period "
        "touches; a group with fewer than five answers shows “<5” and hides its scores. The "
        "service and way-to-meet filters do not apply here."
    )
    for index, table in enumerate(f.outreach):
        if index == 0:
            table.intro = intro
        layout.add(table, [(label, [Plain(v) for v in values]) for label, values in table.rows])
    header = [_("Answers"), _("Useful"), _("Easy to reach"), _("Would recommend")]
    note = _("Average of the answers on a scale of 1 (not at all) to 5 (very much).")
    by_area, by_org = _counted(layout, "feedback", f.feedback)
    layout.add(
        Table("feedback_areas", _("Families' feedback by area"), _("Area"), header, note=note),
        _feedback_rows(by_area),
    )
    layout.add(
        Table(
            "feedback_organizations",
            _("Families' feedback by organization"),
            _("Organization"),
            header,
            note=note,
        ),
        _feedback_rows(by_org),
    )
    view_header = [_("Answers"), _("Went where it should"), _("How quickly")]
    view_note = _(
        "The share of referrers who answered that the referral went where it should, and the "
        "average of how quickly the family got help, from 1 (far too slowly) to 5 (in good "
        "time)."
    )
    views_area, views_org = _counted(layout, "referrer_views", f.referrer_views)
    layout.add(
        Table(
            "referrer_areas",
            _("Referrers' feedback by area"),
            _("Area"),
            view_header,
            note=view_note,
        ),
        _referrer_rows(layout, "referrer_views", views_area),
    )
    layout.add(
        Table(
            "referrer_organizations",
            _("Referrers' feedback by organization"),
            _("Organization"),
            view_header,
            note=view_note,
        ),
        _referrer_rows(layout, "referrer_views", views_org),
    )


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
        _("Activities"),
        _("Professionals"),
        _("Families"),
        _("Both"),
        _("People reached"),
        _("Organizations"),
    ]
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
        (
            str(label),
            [str(by_kind.get(kind, {}).get("n", 0)), str(by_kind.get(kind, {}).get("people") or 0)],
        )
        for kind, label in OutreachKind.choices
    ]
    kind_rows.append((_("Total"), [str(totals["activities"]), str(totals["people"])]))

    per_month = {
        (row["m"].year, row["m"].month): row
        for row in activities.annotate(m=TruncMonth("date"))
        .values("m")
        .annotate(n=Count("pk"), people=Sum("head_count"))
    }
    month_rows = [
        (
            f"{month}/{year}",
            [
                str(per_month.get((year, month), {}).get("n", 0)),
                str(per_month.get((year, month), {}).get("people") or 0),
            ],
        )
        for year, month in period.months()
    ]
    note = _(
        "Lectures, open-door days, info sessions and tailored service packages held in the "
        "period. “Organizations” counts the different organizations that organized them. "
        "These are counts of public events, so they are shown as they are."
    )
    return [
        Table("outreach_areas", _("Outreach by area"), _("Area"), header, area_rows, note),
        Table(
            "outreach_kinds",
            _("Outreach by kind"),
            _("Kind"),
            [_("Activities"), _("People reached")],
            kind_rows,
        ),
        Table(
            "outreach_months",
            _("Outreach by month"),
            _("Month"),
            [_("Activities"), _("People reached")],
            month_rows,
        ),
    ]
