"""The main navigation: who sees which entry, and the unread notifications' count."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from perhelinja.navigation import navigation
from referrals.models import Notification, State
from tests.factories import Cast, referral_in_state

pytestmark = pytest.mark.django_db


def _entry(user, view="referrals:notifications") -> dict:
    request = RequestFactory().get("/")
    request.user = user
    found = [e for e in navigation(request)["navigation"] if e["url"] == reverse(view)]
    return found[0] if found else {}


def test_the_notifications_entry_counts_the_unread_ones(django_assert_max_num_queries):
    referral, cast = referral_in_state(State.ASSIGNED)
    mine = Notification.objects.filter(user=cast.referrer)
    Notification.objects.create(user=cast.referrer, referral=referral)
    Notification.objects.create(user=cast.handler, referral=referral)  # someone else's
    unread = mine.filter(read_at__isnull=True).count()
    assert unread >= 1
    with django_assert_max_num_queries(1):
        entry = _entry(cast.referrer)
    assert entry["count"] == unread
    with translation.override("en"):
        assert str(_entry(cast.referrer)["count_label"]) == f"{unread} unread"
    mine.update(read_at=timezone.now())
    assert _entry(cast.referrer)["count"] == 0


def test_one_unread_notification_reads_in_the_singular():
    cast = Cast()
    referral, _cast = referral_in_state(State.DRAFT, cast)
    Notification.objects.filter(user=cast.referrer).delete()
    Notification.objects.create(user=cast.referrer, referral=referral)
    with translation.override("en"):
        assert _entry(cast.referrer)["count_label"] == "1 unread"


def test_visitors_who_are_not_signed_in_get_no_count(django_assert_num_queries):
    with django_assert_num_queries(0):
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        found = navigation(request)["navigation"]
    assert all("count" not in entry for entry in found)


def test_the_count_reaches_the_page(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    Notification.objects.create(user=cast.handler, referral=referral)
    client.force_login(cast.handler)
    response = client.get(reverse("referrals:inbox"))
    entry = next(e for e in response.context["navigation"] if "count" in e)
    assert entry["count"] == Notification.objects.filter(user=cast.handler).count()
