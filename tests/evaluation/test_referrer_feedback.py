"""The referring professional's feedback on a completed referral: asked in the app, once, and
kept without the referrer's identity."""

import pytest
from django.db import connection
from django.urls import reverse

from evaluation import services
from evaluation.models import ReferrerFeedback, ReferrerFeedbackMark, first_of_month
from perhelinja.fsm import TransitionRefused
from referrals.models import State
from tests.factories import (
    CoordinatorFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db

ANSWER = {"reached": "partly", "speed": "4"}


def test_the_referrer_is_asked_on_the_page_of_a_completed_referral_only(client):
    referral, cast = referral_in_state(State.COMPLETED)
    login(client, cast.referrer)
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Did the referral go where it should?" in body
    assert 'name="reached"' in body and 'name="speed"' in body and "<legend" in body
    assert reverse("evaluation:referrer_feedback", args=[referral.pk]) in body

    login(client, cast.handler)  # the worker sees the page, not the question
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Did the referral go where it should?" not in body

    open_referral, cast2 = referral_in_state(State.IN_SERVICE)
    login(client, cast2.referrer)
    body = client.get(reverse("referrals:detail", args=[open_referral.pk])).content.decode()
    assert "Did the referral go where it should?" not in body


def test_the_answer_is_stored_by_area_organization_and_month_once(client):
    referral, cast = referral_in_state(State.COMPLETED)
    login(client, cast.referrer)
    url = reverse("evaluation:referrer_feedback", args=[referral.pk])
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    stored = ReferrerFeedback.objects.get()
    assert (stored.municipality_id, stored.organization, stored.month) == (
        referral.municipality_id,
        cast.organization,
        first_of_month(referral.closed_at),
    )
    assert (stored.reached, stored.speed) == ("partly", 4)
    assert ReferrerFeedbackMark.objects.filter(referral=referral).exists()
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "your feedback on this referral has been recorded" in body
    assert 'name="reached"' not in body

    response = client.post(url, {"reached": "no", "speed": "1"}, follow=True)
    assert "You have already given feedback on this referral." in response.content.decode()
    assert ReferrerFeedback.objects.count() == 1
    with pytest.raises(TransitionRefused):
        services.referrer_feedback_give(
            referral=referral, actor=cast.referrer, reached="yes", speed=5
        )
    assert ReferrerFeedback.objects.count() == 1


def test_htmx_swaps_in_the_thanks(client):
    referral, cast = referral_in_state(State.COMPLETED)
    login(client, cast.referrer)
    url = reverse("evaluation:referrer_feedback", args=[referral.pk])
    response = client.post(url, {"reached": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="referrer-feedback"' in response.content.decode()
    assert "Choose a number from 1 to 5." in response.content.decode()
    assert not ReferrerFeedback.objects.exists()
    response = client.post(url, ANSWER, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "has been recorded" in body


def test_who_may_answer(client):
    referral, cast = referral_in_state(State.COMPLETED)
    url = reverse("evaluation:referrer_feedback", args=[referral.pk])
    # Strangers do not learn that the referral exists.
    for user in (ProfessionalFactory(), WorkerFactory(), CoordinatorFactory()):
        login(client, user)
        assert client.post(url, ANSWER).status_code == 404
    # The organization's worker may see the referral but not answer for the referrer.
    login(client, cast.handler)
    assert client.post(url, ANSWER).status_code == 403
    client.logout()
    assert client.post(url, ANSWER).status_code == 302  # to the login page
    assert not ReferrerFeedback.objects.exists()


def test_an_open_referral_cannot_be_rated_yet(client):
    referral, cast = referral_in_state(State.IN_SERVICE)
    login(client, cast.referrer)
    url = reverse("evaluation:referrer_feedback", args=[referral.pk])
    response = client.post(url, ANSWER, follow=True)
    assert "once the referral is completed" in response.content.decode()
    assert not ReferrerFeedback.objects.exists()


def test_the_stored_view_has_no_column_for_the_referral_or_the_referrer():
    table = ReferrerFeedback._meta.db_table
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    assert columns == {"id", "municipality_id", "organization_id", "month", "reached", "speed"}
