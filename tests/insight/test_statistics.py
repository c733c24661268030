"""The dashboard's statistics table: stored figures equal the live ones, are reused while
fresh, and are refreshed before coordinators ask."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from insight import report as reports
from insight import snapshot as statistics
from insight.models import InsightSnapshot
from insight.period import Scope, period_from
from insight.tasks import refresh_dashboard_statistics
from referrals.models import State
from tests.factories import Cast, referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db

THIS_YEAR = {"period": "year"}


def some_referrals() -> Cast:
    cast = Cast()
    for state in (State.SUBMITTED, State.ACCEPTED, State.DECLINED, State.COMPLETED):
        for _ in range(3):
            referral_in_state(state, cast)
    return cast


def _no_evaluation():
    return reports.evaluation.Figures(
        feedback=reports.evaluation.Groups(
            [], [], {"n": 0, "useful": 0, "easy_to_reach": 0, "would_recommend": 0}
        ),
        referrer_views=reports.evaluation.Groups([], [], {"n": 0, "yes": 0, "speed": 0}),
        outreach=[],
    )


def test_stored_figures_are_the_live_figures():
    some_referrals()
    period, scope = period_from(THIS_YEAR), Scope()
    live = statistics.compute(period, scope)
    stored = statistics.decode(statistics.encode(live), live.computed_at)
    assert stored == live
    assert stored.throughput.referrals_in == 12 and list(stored.throughput.by_area)
    assert (
        reports.assemble(stored, _no_evaluation()).as_json()
        == reports.assemble(live, _no_evaluation()).as_json()
    )


def test_fresh_figures_are_read_and_stale_ones_recomputed(settings):
    settings.INSIGHT_SNAPSHOT_SECONDS = 600
    cast = some_referrals()
    period, scope = period_from(THIS_YEAR), Scope()
    first = statistics.figures(period, scope)
    referral_in_state(State.SUBMITTED, cast)
    assert statistics.figures(period, scope) == first  # read from the table
    InsightSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(minutes=11))
    assert statistics.figures(period, scope).throughput.referrals_in == 13
    settings.INSIGHT_SNAPSHOT_SECONDS = 0
    referral_in_state(State.SUBMITTED, cast)
    assert statistics.figures(period, scope).throughput.referrals_in == 14
    assert InsightSnapshot.objects.count() == 1


def test_the_beat_task_refreshes_the_usual_choices():
    some_referrals()
    stored = refresh_dashboard_statistics()
    # six standard periods (the last 12 months, the dashboard's default and its key figures,
    # first), for the four pilot areas together and one by one
    assert stored == 30 == InsightSnapshot.objects.count()
    period, scope = statistics.standard_choices()[0]
    before = InsightSnapshot.objects.get(key=statistics.key_of(period, scope)).computed_at
    assert statistics.figures(period, scope).computed_at == before


def test_the_dashboard_says_when_its_figures_were_computed(client):
    cast = some_referrals()
    login(client, cast.coordinator)
    body = client.get(reverse("insight:dashboard"), {"area": "all"}).content.decode()
    assert "Figures as computed at" in body
    assert InsightSnapshot.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_figures_are_read_at_one_moment_outside_any_transaction():
    """On PostgreSQL the figures' queries run in one REPEATABLE READ READ ONLY transaction
    (the statistics job calls this outside any other transaction)."""
    some_referrals()
    figures = statistics.compute(period_from(THIS_YEAR), Scope())
    assert figures.throughput.referrals_in == 12
    assert sum(row[2] for row in figures.throughput.monthly) == 12
