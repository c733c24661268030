"""The report of a tailored service package: its reach, its referrals by state, the families'
and the referrers' feedback, and the organizations' hours against the plan; rendered as the
page and, through `perhelinja.pdf`, in Finnish or Swedish as a PDF.

It reads the package through `packages.selectors` and `packages.models` and publishes every
count of referrals and feedback through the report's one protection step (`tables.Layout`):
the referral table and the reach share their total, each feedback table adds up to its total,
so no small count can be worked out from another. The outreach figures and the hours are
public facts with no family behind them and are shown as they are.

Feedback answers carry no key back to a referral (see `evaluation.models`): a package's are
those given in its municipality to its contributing organizations in the months of its period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation.models import FeedbackAnswer, OutreachActivity, Reached, ReferrerFeedback
from packages.models import REPORT_STATES, Answer, ServicePackage
from packages.models import State as PackageState
from packages.selectors import get_package_for_user
from perhelinja.pdf import pdf_response, render_pdf
from referrals.models import Referral
from referrals.models import State as ReferralState

from .evaluation import SCORES
from .figures import rate
from .report import KeyFigure
from .suppression import NO_RATE
from .tables import Counted, Derived, Layout, Plain, Table, decimal_text, percent

REFERRALS = ("referrals",)  # the families the package reached through referrals
REPORT_LANGUAGES = ("fi", "sv")
# Every state a referral counted in a package can be in (a draft is never counted).
REFERRAL_STATES = [s for s in ReferralState if s != ReferralState.DRAFT]


@dataclass
class PackageReport:
    package: ServicePackage
    computed_at: datetime.datetime
    tables: list[Table]
    key_figures: list[KeyFigure] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.package.state in (PackageState.CLOSED, PackageState.EVALUATED)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def as_json(self) -> dict:
        return {
            "package": self.package.pk,
            "state": self.package.state,
            "final": self.final,
            "computed_at": self.computed_at,
            "key_figures": [
                {"label": f.label, "value": f.value, "note": f.note} for f in self.key_figures
            ],
            "tables": [
                {
                    "key": t.key,
                    "title": t.title,
                    "row_label": t.row_label,
                    "columns": t.columns,
                    "rows": [[label, *values] for label, values in t.rows],
                }
                for t in self.tables
            ],
        }


def _months(package: ServicePackage) -> Q:
    start = package.starts_on or timezone.localdate(package.approved_at or package.created_at)
    end = package.ends_on or timezone.localdate()
    return Q(month__gte=start.replace(day=1), month__lte=end)


def _hours(value: Decimal | None) -> str:
    return NO_RATE if value is None else number_format(value, 1)


def _mean(total, count: int) -> str:
    return NO_RATE if not count else decimal_text(Decimal(total or 0) / Decimal(count))


def build(package: ServicePackage) -> PackageReport:
    """The package's report as of now (final once the package is closed)."""
    layout = Layout()
    contributions = list(
        package.invitations.filter(answer=Answer.ACCEPTED).select_related("organization")
    )
    organizations = {c.organization_id: str(c.organization) for c in contributions}

    # Referrals by state, their total the reach's.
    by_state = dict(
        Referral.objects.filter(package_link__package=package)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    labels = {state: state.label for state in REFERRAL_STATES}
    state_rows = layout.one_way("referral_state", by_state, labels, REFERRALS)

    # Reach.
    activities = OutreachActivity.objects.filter(package_link__package=package).order_by()
    outreach = activities.aggregate(n=Count("pk"), people=Sum("head_count"))
    reach_rows = [
        (_("Families referred"), [Counted(REFERRALS)]),
        (_("Outreach activities"), [Plain(str(outreach["n"]))]),
        (_("People reached by outreach"), [Plain(str(outreach["people"] or 0))]),
    ]
    layout.add(Table("reach", _("Reach"), _("Figure"), [_("Count")]), reach_rows)
    layout.add(
        Table("referral_states", _("Referrals by state"), _("State"), [_("Referrals")]),
        state_rows,
    )

    # The families' feedback by contributing organization.
    answers = FeedbackAnswer.objects.filter(
        _months(package),
        municipality_id=package.municipality_id,
        organization_id__in=list(organizations),
    ).order_by()
    scored = {
        row.pop("organization_id"): row
        for row in answers.values("organization_id").annotate(
            n=Count("pk"), **{f: Sum(f) for f in SCORES}
        )
    }
    feedback_rows, parts = [], []
    total = {"n": 0, **dict.fromkeys(SCORES, 0)}
    for org_id, name in organizations.items():
        figures = scored.get(org_id, {"n": 0, **dict.fromkeys(SCORES, 0)})
        n = layout.count(("feedback", org_id), figures["n"])
        parts.append(n.key)
        for key in total:
            total[key] += figures[key] or 0
        feedback_rows.append(
            (name, [n, *(Derived(_mean(figures[f], figures["n"]), (n.key,)) for f in SCORES)])
        )
    n_total = layout.count(("feedback", "total"), total["n"])
    layout.sum(n_total.key, parts)
    feedback_rows.append(
        (
            _("Total"),
            [n_total, *(Derived(_mean(total[f], total["n"]), (n_total.key,)) for f in SCORES)],
        )
    )
    layout.add(
        Table(
            "feedback",
            _("Families' feedback"),
            _("Organization"),
            [_("Answers"), _("Useful"), _("Easy to reach"), _("Would recommend")],
            note=_(
                "Answers given in the package's municipality to its organizations in the "
                "months of its period, on a scale of 1 (not at all) to 5 (very much)."
            ),
        ),
        feedback_rows,
    )

    # The referrers' feedback: how many answered, the share that went where it should.
    views = ReferrerFeedback.objects.filter(
        _months(package),
        municipality_id=package.municipality_id,
        organization_id__in=list(organizations),
    ).order_by()
    viewed = {
        row.pop("organization_id"): row
        for row in views.values("organization_id").annotate(
            n=Count("pk"), yes=Count("pk", filter=Q(reached=Reached.YES)), speed=Sum("speed")
        )
    }
    view_rows, view_parts, yes_parts, no_parts = [], [], [], []
    view_total = {"n": 0, "yes": 0, "speed": 0}
    for org_id, name in organizations.items():
        figures = viewed.get(org_id, {"n": 0, "yes": 0, "speed": 0})
        for key in view_total:
            view_total[key] += figures[key] or 0
        view_rows.append((name, _view_cells(layout, ("views", org_id), figures)))
        view_parts.append(("views", org_id))
        yes_parts.append(("views", org_id, "yes"))
        no_parts.append(("views", org_id, "no"))
    view_rows.append((_("Total"), _view_cells(layout, ("views", "total"), view_total)))
    layout.sum(("views", "total"), view_parts)
    layout.sum(("views", "total", "yes"), yes_parts)
    layout.sum(("views", "total", "no"), no_parts)
    layout.add(
        Table(
            "referrer_feedback",
            _("Referrers' feedback"),
            _("Organization"),
            [_("Answers"), _("Went where it should"), _("How quickly")],
        ),
        view_rows,
    )

    # The organizations' hours against the plan.
    hour_rows = []
    planned_total, reported_total = Decimal(0), Decimal(0)
    for c in contributions:
        planned_total += c.planned_hours
        reported_total += c.reported_hours or 0
        hour_rows.append(
            (
                organizations[c.organization_id],
                [
                    Plain(_hours(c.planned_hours)),
                    Plain(_hours(c.reported_hours)),
                    Plain(
                        NO_RATE
                        if c.reported_hours is None
                        else _hours(c.reported_hours - c.planned_hours)
                    ),
                ],
            )
        )
    hour_rows.append(
        (
            _("Total"),
            [
                Plain(_hours(planned_total)),
                Plain(_hours(reported_total)),
                Plain(_hours(reported_total - planned_total)),
            ],
        )
    )
    layout.add(
        Table(
            "hours",
            _("Hours against the plan"),
            _("Organization"),
            [_("Planned"), _("Reported"), _("Difference")],
            note=_("An organization that has not reported its hours shows “–”."),
        ),
        hour_rows,
    )

    tables = layout.publish()
    key_figures = [
        KeyFigure(_("Families referred"), str(layout.published(Counted(REFERRALS)))),
        KeyFigure(_("People reached by outreach"), str(outreach["people"] or 0)),
        KeyFigure(
            _("Hours reported"),
            _hours(reported_total),
            _("of %(planned)s planned") % {"planned": _hours(planned_total)},
        ),
    ]
    return PackageReport(package, timezone.now(), tables, key_figures)


def _view_cells(layout: Layout, key: tuple, figures: dict) -> list:
    n = layout.count(key, figures["n"])
    yes = layout.count((*key, "yes"), figures["yes"])
    no = layout.count((*key, "no"), figures["n"] - figures["yes"])
    layout.sum(n.key, [yes.key, no.key])
    share = Derived(percent(rate(figures["yes"], figures["n"])), (n.key, yes.key, no.key))
    return [n, share, Derived(_mean(figures["speed"], figures["n"]), (n.key,))]


# --- the pages -------------------------------------------------------------------------------


def _reported_package(request, pk: int) -> ServicePackage:
    package = get_package_for_user(request.user, pk)
    if package.state not in REPORT_STATES:
        raise Http404
    return package


@login_required
def package_report(request, pk: int):
    """The package's report as a page (its figures so far while it runs)."""
    package = _reported_package(request, pk)
    context = {"report": build(package), "languages": REPORT_LANGUAGES}
    return render(request, "insight/package_report.html", context)


@login_required
def package_report_pdf(request, pk: int):
    """The report as a PDF in Finnish or Swedish (`?lang=`), the page's language by default."""
    package = _reported_package(request, pk)
    language = request.GET.get("lang") or (get_language() or "fi")[:2]
    if language not in REPORT_LANGUAGES:
        language = "fi"
    with_language = _in_language(language, package)
    pdf = render_pdf("package_report", {"report": with_language}, language=language)
    return pdf_response(pdf, f"package-report-{package.pk}-{language}.pdf")


class KeyFigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    row_label = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each row: its label, then its values as published (a number or a marker).",
    )


class PackageReportSerializer(serializers.Serializer):
    package = serializers.IntegerField()
    state = serializers.ChoiceField(choices=PackageState.choices)
    final = serializers.BooleanField(help_text="False while the package runs.")
    computed_at = serializers.DateTimeField()
    key_figures = KeyFigureSerializer(many=True)
    tables = TableSerializer(many=True)


class PackageReportView(APIView):
    """The report of a package that runs or has closed, protected exactly as on its page and
    in its PDF; 404 for anyone who may not see the package, and before it runs."""

    @extend_schema(responses=PackageReportSerializer)
    def get(self, request, pk: int):
        return Response(build(_reported_package(request, pk)).as_json())


def _in_language(language: str, package: ServicePackage) -> PackageReport:
    """The report built in `language`: its titles and labels are translated as it is built."""
    with translation.override(language):
        return build(package)
