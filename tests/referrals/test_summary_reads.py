"""The referral pages and the list API show what the relations themselves give, in the same
order (`perhelinja.fastpath` reads them in one query: tests/test_fastpath.py)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from directory.models import Mode
from referrals.models import Referral, ReferralChild, State
from tests.factories import ChallengeFactory, referral_in_state

pytestmark = pytest.mark.django_db


def referral_with_lists(state=State.ASSIGNED):
    referral, cast = referral_in_state(state)
    # Positions first, then Finnish names: neither the slugs' nor the keys' order.
    referral.challenges.add(
        ChallengeFactory(slug="zz-mid", name_fi="Öö", position=0),
        ChallengeFactory(slug="aa-last", name_fi="Aa", position=5),
        ChallengeFactory(slug="mm-tie", name_fi="Bb", position=0),
    )
    referral.preferred_modes.set(Mode.objects.order_by("-code")[:2])
    for year in (2022, 2015, 2019):
        ReferralChild.objects.create(referral=referral, birth_year=year)
    return referral, cast


def test_the_detail_page_shows_the_lists_in_the_models_order(client):
    referral, cast = referral_with_lists()
    client.force_login(cast.handler)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    names = [str(c) for c in Referral.objects.get(pk=referral.pk).challenges.all()]
    assert ", ".join(names) in page
    assert "2015, 2019, 2019, 2022" in page


def test_the_list_api_gives_the_slugs_the_detail_gives():
    referral, cast = referral_with_lists()
    other, _ = referral_in_state(State.ASSIGNED, cast)
    api = APIClient()
    api.force_authenticate(cast.handler)
    rows = {row["id"]: row for row in api.get("/api/v1/referrals/").json()["results"]}
    assert set(rows) == {referral.pk, other.pk}
    for pk in rows:
        detail = api.get(f"/api/v1/referrals/{pk}/").json()
        assert rows[pk]["challenges"] == detail["challenges"]
        assert rows[pk]["preferred_modes"] == detail["preferred_modes"]
    assert rows[referral.pk]["challenges"][0] == "mm-tie"  # position 0, "Bb"
    assert rows[referral.pk]["challenges"][-1] == "aa-last"  # position 5


def test_the_referral_page_answers_each_person_from_their_own_grants(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    elsewhere, other = referral_in_state(State.ASSIGNED)
    page = reverse("referrals:detail", args=[referral.pk])
    for user, url, status in (
        (cast.handler, page, 200),  # through the organization's group
        (other.handler, page, 404),
        (cast.referrer, page, 200),  # their own grant
        (other.referrer, page, 404),
        (cast.handler, reverse("referrals:detail", args=[elsewhere.pk]), 404),
        (other.handler, reverse("referrals:detail", args=[elsewhere.pk]), 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, (user, url)


def test_the_triage_and_review_pages_show_the_lists_in_the_models_order(client):
    from tests.two_factor import login

    submitted, cast = referral_with_lists(State.SUBMITTED)
    draft, _cast = referral_with_lists(State.DRAFT)
    for referral, url, user in (
        (submitted, reverse("referrals:triage_detail", args=[submitted.pk]), cast.coordinator),
        (draft, reverse("referrals:review", args=[draft.pk]), draft.referrer),
    ):
        login(client, user)
        page = client.get(url).content.decode()
        names = [str(c) for c in Referral.objects.get(pk=referral.pk).challenges.all()]
        modes = [str(m) for m in Referral.objects.get(pk=referral.pk).preferred_modes.all()]
        assert ", ".join(names) in page, url
        assert ", ".join(modes) in page, url
        years = [str(c.birth_year) for c in Referral.objects.get(pk=referral.pk).children.all()]
        assert len(years) >= 3 and ", ".join(years) in page, url
