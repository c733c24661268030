"""Each role's home page: what needs this person now, each item a link, counted on top."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import selectors
from referrals.models import Referral, State
from tests.factories import Cast, referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def _page(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _figure(page: str, key: str) -> int:
    """The number of the key figure `data-needs="key"` on the page."""
    found = re.search(rf'data-needs="{key}"[^>]*>\s*(\d+)', page)
    assert found, key
    return int(found.group(1))


def test_the_coordinators_home_counts_what_the_triage_list_shows(client):
    cast = Cast()
    for state in (State.SUBMITTED, State.DECLINED, State.POOLED, State.POOLED, State.ASSIGNED):
        referral_in_state(state, cast)
    login(client, cast.coordinator)
    listed = client.get(reverse("referrals:triage")).content.decode().count("/triage/")
    waiting = selectors.triage_queue().count()
    assert waiting == 4  # submitted, declined and the two pooled; not the assigned one
    assert _figure(_page(client), "routing") == waiting
    assert listed >= waiting


def test_the_professional_sees_returned_referrals_and_drafts_first(client):
    cast = Cast()
    returned, _c = referral_in_state(State.RETURNED, cast)
    draft, _c = referral_in_state(State.DRAFT, cast)
    sent, _c = referral_in_state(State.SUBMITTED, cast)
    done, _c = referral_in_state(State.COMPLETED, cast)
    client.force_login(cast.referrer)
    page = _page(client)
    assert _figure(page, "returned") == 1 and _figure(page, "drafts") == 1
    assert _figure(page, "outcomes") == 1
    assert f'href="/referrals/{returned.pk}/"' in page and f'href="/referrals/{draft.pk}/"' in page
    assert f'href="/referrals/{done.pk}/"' in page
    assert f'href="/referrals/{sent.pk}/"' not in page  # nothing for the referrer to do


def test_the_worker_sees_new_assignments_and_the_overdue_ones(client):
    cast = Cast()
    fresh, _c = referral_in_state(State.ASSIGNED, cast)
    late, _c = referral_in_state(State.ASSIGNED, cast)
    referral_in_state(State.ACCEPTED, cast)
    Referral.objects.filter(pk=late.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=14)
    )
    client.force_login(cast.handler)
    page = _page(client)
    assert _figure(page, "assigned") == 2
    assert _figure(page, "overdue") == 1
    assert f'href="/referrals/{fresh.pk}/"' in page and f'href="/referrals/{late.pk}/"' in page


def test_the_coordinator_sees_the_overdue_ones_and_the_pool(client):
    cast = Cast()
    late, _c = referral_in_state(State.SUBMITTED, cast)
    referral_in_state(State.SUBMITTED, cast)
    pooled, _c = referral_in_state(State.POOLED, cast)
    Referral.objects.filter(pk=late.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=14)
    )
    login(client, cast.coordinator)
    page = _page(client)
    assert _figure(page, "overdue") == 1 and _figure(page, "pool") == 1
    assert f'href="/triage/{late.pk}/"' in page and f'href="/triage/{pooled.pk}/"' in page


@pytest.mark.parametrize("count", [1, 8])
def test_home_pages_make_a_bounded_number_of_queries(client, count, django_assert_max_num_queries):
    cast = Cast()
    for _ in range(count):
        for state in (State.RETURNED, State.ASSIGNED, State.SUBMITTED, State.COMPLETED):
            referral_in_state(state, cast)
    client.force_login(cast.referrer)
    with django_assert_max_num_queries(14):
        _page(client)
    client.force_login(cast.handler)
    with django_assert_max_num_queries(16):
        _page(client)
    login(client, cast.coordinator)
    with django_assert_max_num_queries(16):
        _page(client)
