"""The referral page's and the list API's one-query reads of challenges, ways to meet and
children give what the relations themselves give, in the same order."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from directory.models import Mode
from referrals.models import Referral, ReferralChild, State
from referrals.selectors import prefetch_summary
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


def lists(referral):
    return (
        [(c.pk, c.slug, str(c), c.position) for c in referral.challenges.all()],
        [str(m) for m in referral.preferred_modes.all()],
        [c.birth_year for c in referral.children.all()],
    )


def test_the_summary_is_read_in_one_query_as_the_relations_give_it(
    django_assert_num_queries,
):
    referral, _cast = referral_with_lists()
    expected = lists(Referral.objects.get(pk=referral.pk))
    assert len(expected[0]) == 4 and len(expected[1]) == 2 and len(expected[2]) == 4
    fresh = Referral.objects.get(pk=referral.pk)
    with django_assert_num_queries(1):
        prefetch_summary(fresh)
    with django_assert_num_queries(0):
        assert lists(fresh) == expected


def test_a_referral_without_lists_reads_empty_ones(django_assert_num_queries):
    referral, _cast = referral_in_state(State.ASSIGNED)
    referral.challenges.clear()
    referral.children.all().delete()
    fresh = Referral.objects.get(pk=referral.pk)
    with django_assert_num_queries(1):
        prefetch_summary(fresh)
    assert lists(fresh) == ([], [], [])


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


def test_the_sql_compiled_once_reads_each_referral_its_own_lists():
    first, _cast = referral_with_lists()
    second, _ = referral_in_state(State.SUBMITTED)
    for referral in (first, second, first):
        fresh = prefetch_summary(Referral.objects.get(pk=referral.pk))
        assert lists(fresh) == lists(Referral.objects.get(pk=referral.pk))


def test_the_permission_read_compiled_once_answers_for_each_person_and_referral(client):
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
