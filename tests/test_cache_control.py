"""Answers that may carry personal data are never stored by a browser or a proxy."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from appointments import services as appointment_services
from perhelinja.middleware import NoStoreMiddleware
from referrals.models import State
from tests.appointments.helpers import accepted_with_shift
from tests.factories import ProfessionalFactory, api_client_for, referral_in_state

pytestmark = pytest.mark.django_db


def assert_not_stored(response):
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


def test_the_referral_page_is_not_stored(client):
    referral, cast = referral_in_state(State.SUBMITTED)
    client.force_login(cast.referrer)
    assert_not_stored(client.get(reverse("referrals:detail", args=[referral.pk])))


def test_the_api_referral_detail_and_list_are_not_stored():
    referral, cast = referral_in_state(State.SUBMITTED)
    api = api_client_for(cast.referrer)
    assert_not_stored(api.get(f"/api/v1/referrals/{referral.pk}/"))
    assert_not_stored(api.get("/api/v1/referrals/"))


def test_the_familys_offer_page_is_not_stored(client):
    referral, cast, shift = accepted_with_shift()
    _offer, token = appointment_services.offer_create(
        referral=referral, slots=list(shift.slots.all()[:2]), actor=cast.handler
    )
    assert_not_stored(client.get(reverse("appointments:family_offer", args=[token])))


def test_the_public_catalogue_stays_cacheable(client):
    response = client.get(reverse("catalogue"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_pdf_keeps_its_own_cache_control():
    """The view's own header wins: the middleware adds nothing to it."""
    request = RequestFactory().get("/")
    request.user = ProfessionalFactory()
    request.resolver_match = None

    def view(request):
        response = HttpResponse(b"%PDF", content_type="application/pdf")
        response["Cache-Control"] = "no-store"
        return response

    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "no-store"
