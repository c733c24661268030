"""The statistics API: coordinators only (with their second factor, through the token), and
the report's tables protected as everywhere else."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from referrals.models import State
from tests.factories import Cast, referral_in_state
from tests.two_factor import token_request

pytestmark = pytest.mark.django_db


def _login(api, user):
    response = api.post(reverse("api-token"), token_request(user))
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")


def test_throughput_is_for_coordinators_and_suppressed():
    cast = Cast()
    for _ in range(3):
        referral_in_state(State.SUBMITTED, cast)
    api = APIClient()
    _login(api, cast.referrer)
    assert api.get(reverse("api-throughput")).status_code == 404
    api.credentials()
    _login(api, cast.coordinator)
    data = api.get(reverse("api-throughput"), {"area": "all"}).json()
    states = {row[0]: row[1:] for row in data["tables"]["states"]["rows"]}
    assert states["Total"] == ["<5"] and states["Submitted"] == ["<5"]
    assert data["scope"] == {
        "municipalities": [],
        "organization_id": None,
        "service_id": None,
        "mode": "",
    }


def test_a_bad_choice_is_a_clear_400():
    cast = Cast()
    api = APIClient()
    _login(api, cast.coordinator)
    response = api.get(reverse("api-throughput"), {"start": "2025-03-10", "end": "2025-03-01"})
    assert response.status_code == 400
    assert "cannot end before it starts" in str(response.json())
