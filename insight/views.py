"""The coordinator's pages: the dashboard with its CSV, the PDF period reports and the
families' own words. Each renders the one report object of `insight.report`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import selectors as evaluation_selectors
from perhelinja.pdf import pdf_response
from perhelinja.routers import use_replica

from . import coverage
from . import report as reports
from .forms import CommentsFilterForm, CoverageForm, InsightForm
from .models import InsightReport
from .period import TWELVE_MONTHS, Period, Scope, period_from, scope_from
from .tasks import build_insight_report

COMMENTS_PER_PAGE = 20


def _coordinator(request) -> None:
    if not request.user.has_perm("referrals.triage_referral"):
        raise Http404


def _choice(form_class, params) -> tuple[InsightForm, Period, Scope]:
    form = form_class(params or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, period_from(data), scope_from(data)


def csv_response(report: reports.Report) -> HttpResponse:
    body = reports.to_csv(report.csv_rows(), header=[_("Section"), _("Figure"), _("Value")])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="perhelinja-{report.period.start}-{report.period.end}.csv"'
    )
    return response


@login_required
@use_replica()  # aggregates tolerate a replica's moment of lag (perhelinja/routers.py)
def dashboard(request):
    """Pilot-area throughput as aggregates; small counts are hidden in every rendering.

    The page opens with the key figures of the last twelve months in the chosen scope, whatever
    the period of the details: the report of that period (the default one, so by default the
    same report), stored and protected like any other."""
    _coordinator(request)
    form, period, scope = _choice(InsightForm, request.GET)
    report = reports.build(period, scope)
    if request.GET.get("format") == "csv":
        return csv_response(report)
    twelve_months = period_from({"period": TWELVE_MONTHS})
    overview = report if period == twelve_months else reports.build(twelve_months, scope)
    context = {
        "form": form,
        "report": report,
        "overview": overview,
        "csv_query": request.GET.urlencode(),
    }
    return render(request, "insight/dashboard.html", context)


@require_POST
@login_required
def report_new(request):
    """Queue the PDF period report of the dashboard's current choice."""
    _coordinator(request)
    _form, period, scope = _choice(InsightForm, request.POST)
    parameters = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    report = InsightReport.objects.create(
        requested_by=request.user,
        language=(request.LANGUAGE_CODE or "fi")[:2],
        parameters={**parameters, **scope.as_json()},
    )
    build_insight_report.delay_on_commit(report.pk)
    return redirect("insight:report", pk=report.pk)


def _own_report(request, pk: int) -> InsightReport:
    _coordinator(request)
    return get_object_or_404(InsightReport, pk=pk, requested_by=request.user)


@login_required
def report_status(request, pk: int):
    report = _own_report(request, pk)
    return render(request, "insight/report.html", {"report": report})


@login_required
def report_pdf(request, pk: int):
    report = _own_report(request, pk)
    if report.status != InsightReport.Status.READY:
        raise Http404
    return pdf_response(bytes(report.pdf), f"perhelinja-report-{report.pk}.pdf")


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def comments(request):
    """The families' free-text answers, for coordinators only, a page at a time."""
    evaluation_selectors.require_coordinator(request.user)
    form, period, scope = _choice(CommentsFilterForm, request.GET)
    answers = evaluation_selectors.feedback_comments(
        request.user,
        start=period.start,
        end=period.end,
        municipalities=scope.municipalities,
        organization_id=scope.organization_id,
    )
    context = {
        "form": form,
        "period": period,
        "page": Paginator(answers, COMMENTS_PER_PAGE).get_page(request.GET.get("page")),
        "query": _query_without_page(request),
        "here": request.get_full_path(),
    }
    template = "insight/_comments.html" if request.htmx else "insight/comments.html"
    return render(request, template, context)


@login_required
def coverage_map(request):
    """The municipality x service area (or challenge) grid of the services that reach each
    cell, with its gaps and overlaps; with `format=csv` the same cells as CSV."""
    _coordinator(request)
    form = CoverageForm(request.GET or None)
    grid = coverage.build(form.kind())
    if request.GET.get("format") == "csv":
        body = reports.to_csv(grid.csv_rows(), header=grid.csv_header())
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="perhelinja-coverage-{grid.kind}-{grid.period.end}.csv"'
        )
        return response
    context = {"form": form, "grid": grid, "grids": coverage.GRIDS.items()}
    return render(request, "insight/coverage.html", context)


@login_required
def coverage_cell(request):
    """The services of one cell of the coverage grid."""
    _coordinator(request)
    form = CoverageForm(request.GET)
    if not form.is_valid():
        raise Http404
    grid = coverage.build(form.kind())
    try:
        cell, services = coverage.cell_services(
            grid, form.cleaned_data["municipality"], form.cleaned_data["column"]
        )
    except LookupError:
        raise Http404 from None
    context = {"grid": grid, "cell": cell, "services": services}
    return render(request, "insight/coverage_cell.html", context)
