"""Keyset pages: following the links visits every row once, in order, on pages and in the API."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from referrals import paging
from referrals.api import ReferralCursorPagination
from referrals.models import Referral, State
from referrals.paging import cursor_from, keyset_page
from tests.factories import Cast, referral_in_state

pytestmark = pytest.mark.django_db


def made(cast: Cast, count: int, state=State.SUBMITTED) -> list[Referral]:
    referrals = [referral_in_state(state, cast)[0] for _ in range(count)]
    # Two share one timestamp, so the primary key must break the tie.
    if count >= 3:
        same = timezone.now() - datetime.timedelta(days=3)
        Referral.objects.filter(pk__in=[r.pk for r in referrals[1:3]]).update(created_at=same)
    return referrals


def test_pages_follow_each_other_without_gaps_or_repeats():
    cast = Cast()
    made(cast, 7)
    seen, after = [], None
    while True:
        page = keyset_page(
            Referral.objects.filter(referrer=cast.referrer),
            "created_at",
            after=after,
            newest_first=True,
            size=3,
        )
        seen += [r.pk for r in page]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    expected = list(
        Referral.objects.filter(referrer=cast.referrer)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected and len(seen) == 7


def test_a_cursor_outside_the_list_starts_from_the_top():
    cast, other = Cast(), Cast()
    made(cast, 2)
    foreign = made(other, 1)[0]
    page = keyset_page(
        Referral.objects.filter(referrer=cast.referrer),
        "created_at",
        after=foreign.pk,
        newest_first=True,
    )
    assert len(page) == 2 and page.next_cursor is None
    assert cursor_from("x") is None and cursor_from("-3") is None and cursor_from("12") == 12


def test_my_referrals_links_to_the_older_ones(client, monkeypatch):
    cast = Cast()
    made(cast, 4)
    client.force_login(cast.referrer)
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    first = client.get(reverse("referrals:mine")).content.decode()
    link = re.search(r'href="\?after=(\d+)"', first)
    assert link
    second = client.get(reverse("referrals:mine"), {"after": link.group(1)}).content.decode()
    shown = re.findall(r"#(\d+)</a>", first) + re.findall(r"#(\d+)</a>", second)
    assert sorted(map(int, shown)) == sorted(
        Referral.objects.filter(referrer=cast.referrer).values_list("pk", flat=True)
    )


def test_the_api_list_is_paged_by_cursor(monkeypatch):
    monkeypatch.setattr(ReferralCursorPagination, "page_size", 2)
    cast = Cast()
    made(cast, 5, State.ASSIGNED)
    api = APIClient()
    api.force_authenticate(cast.handler)
    seen, url = [], "/api/v1/referrals/"
    while url:
        data = api.get(url).data
        assert "count" not in data
        seen += [r["id"] for r in data["results"]]
        url = data["next"]
    assert len(seen) == 5 and len(set(seen)) == 5
    first = api.get("/api/v1/referrals/", {"cursor": "not-a-cursor"})
    assert first.status_code == 200 and len(first.data["results"]) == 2
