"""Reading evaluation data: who may see what, and the lists without N+1 queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import FeedbackAnswer, OutreachActivity
from .services import is_coordinator, may_edit_outreach, may_record_outreach


def require_coordinator(user) -> None:
    """Dashboards and free-text answers are for coordinators; anyone else gets a 404."""
    if not is_coordinator(user):
        raise Http404


def outreach_for_user(user, *, area=None, year: int | None = None) -> QuerySet:
    """Coordinators see every activity, a worker those of their own organization."""
    if not may_record_outreach(user):
        raise Http404
    activities = OutreachActivity.objects.all()
    if not is_coordinator(user):
        activities = activities.filter(organizations=user.organization_id)
    if area is not None:
        activities = activities.filter(municipality=area)
    if year:
        activities = activities.filter(date__year=year)
    return activities.select_related("municipality").prefetch_related(
        "organizations", "target_groups", "challenges"
    )


def get_outreach_for_user(user, pk: int) -> OutreachActivity:
    activity = get_object_or_404(OutreachActivity.objects.select_related("municipality"), pk=pk)
    if not may_edit_outreach(user, activity):
        raise Http404
    return activity


def feedback_comments(
    user,
    *,
    start: datetime.date,
    end: datetime.date,
    municipalities: Iterable[int] = (),
    organization_id: int | None = None,
) -> QuerySet:
    """The families' own words in the months from `start` to `end`, newest month first."""
    require_coordinator(user)
    answers = FeedbackAnswer.objects.exclude(comment="").filter(
        month__gte=start.replace(day=1), month__lte=end
    )
    if municipalities:
        answers = answers.filter(municipality_id__in=municipalities)
    if organization_id is not None:
        answers = answers.filter(organization_id=organization_id)
    return answers.select_related("municipality", "organization").order_by("-month", "id")


def get_answer_for_coordinator(user, pk) -> FeedbackAnswer:
    require_coordinator(user)
    return get_object_or_404(FeedbackAnswer, pk=pk)
