"""The dashboard's statistics table: stored figures equal the live ones, are reused while
fresh, and are refreshed before coordinators ask."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import dashboard, insight, statistics
from referrals.models import InsightSnapshot, State
from referrals.tasks import refresh_dashboard_statistics
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


def test_stored_figures_are_the_live_figures():
    some_referrals()
    period, scope = dashboard.period_from(THIS_YEAR), insight.Scope()
    live = statistics.compute(period, scope)
    stored = statistics.decode(statistics.encode(live), live.computed_at)
    assert stored == live
    assert stored.throughput.referrals_in == 12 and list(stored.throughput.by_area)
    assert [s.rows for s in stored.sections()] == [s.rows for s in live.sections()]


def test_fresh_figures_are_read_and_stale_ones_recomputed(settings):
    settings.INSIGHT_SNAPSHOT_SECONDS = 600
    cast = some_referrals()
    period, scope = dashboard.period_from(THIS_YEAR), insight.Scope()
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
    # five standard periods, for the four pilot areas together and one by one
    assert stored == 25 == InsightSnapshot.objects.count()
    period, scope = statistics.standard_choices()[0]
    before = InsightSnapshot.objects.get(key=statistics.key_of(period, scope)).computed_at
    assert statistics.figures(period, scope).computed_at == before


def test_the_dashboard_says_when_its_figures_were_computed(client):
    cast = some_referrals()
    login(client, cast.coordinator)
    body = client.get(reverse("referrals:insight"), {"area": "all"}).content.decode()
    assert "Figures as computed at" in body
    assert InsightSnapshot.objects.count() == 1
