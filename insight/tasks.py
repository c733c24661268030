from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone, translation

from perhelinja.pdf import render_pdf

from . import report as reports
from . import snapshot
from .models import InsightReport
from .period import Period, Scope


@shared_task
def refresh_dashboard_statistics() -> int:
    """Recompute the dashboard figures coordinators look at most, before they ask."""
    return snapshot.refresh_standard()


@shared_task(acks_late=True)
def build_insight_report(report_id: int) -> str:
    """Make a coordinator's PDF period report, telling its progress as it goes."""
    report = InsightReport.objects.get(pk=report_id)
    if report.status == InsightReport.Status.READY:
        return report.status

    def step(status, progress, **fields):
        InsightReport.objects.filter(pk=report_id).update(
            status=status, progress=progress, **fields
        )

    try:
        step(InsightReport.Status.RUNNING, 10)
        p = report.parameters
        period = Period(
            datetime.date.fromisoformat(p["start"]), datetime.date.fromisoformat(p["end"])
        )
        # The figures come from the replica when there is one (`reports.build`); the report's
        # own row stays on the primary, where the page that polls its progress reads it.
        with translation.override(report.language):
            built = reports.build(period, Scope.from_json(p))
        step(InsightReport.Status.RUNNING, 50)
        pdf = render_pdf("insight_report", {"report": built}, language=report.language)
        step(InsightReport.Status.READY, 100, pdf=pdf, finished_at=timezone.now())
    except Exception:
        step(InsightReport.Status.FAILED, 100, finished_at=timezone.now())
        raise
    return InsightReport.Status.READY
