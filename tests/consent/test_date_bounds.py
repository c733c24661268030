"""Dates of a consent typed into the API or the referral wizard: within the service's window,
refused with a clear message otherwise, never a 500."""

import pytest
from rest_framework.test import APIClient

from consent.models import Consent
from referrals.forms import ConsentForm
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

BODY = {
    "given_by_role": "guardian",
    "given_by_name": "Maija",
    "method": "verbal",
    "scopes": ["share_referral"],
}
EXTREME_MOMENTS = [
    "0001-01-01T00:00:00Z",
    "1900-01-01T12:00:00Z",
    "2101-01-01T00:00:00Z",
    "9999-12-30T00:00:00Z",
]
# Beyond what Python's datetime holds once in UTC or Helsinki time: DRF refuses them as it
# parses ("Datetime value out of range."), before any window is looked at.
OVERFLOWING_MOMENTS = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59Z",
]


@pytest.mark.parametrize("field", ["given_at", "valid_until"])
@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_the_api_answers_an_extreme_moment_with_a_clear_400(field, moment):
    api = APIClient()
    api.force_authenticate(ProfessionalFactory())
    response = api.post("/api/v1/consents/", {**BODY, field: moment}, format="json")
    assert response.status_code == 400
    assert response.json()[field] == ["Give a date between the years 2000 and 2100."]
    assert not Consent.objects.exists()


@pytest.mark.parametrize("field", ["given_at", "valid_until"])
@pytest.mark.parametrize("moment", OVERFLOWING_MOMENTS)
def test_a_moment_past_the_calendar_is_a_400_too(field, moment):
    api = APIClient()
    api.force_authenticate(ProfessionalFactory())
    response = api.post("/api/v1/consents/", {**BODY, field: moment}, format="json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2101-01-01"])
def test_the_wizard_refuses_an_end_date_outside_the_window(day):
    form = ConsentForm({**BODY, "given_by_role": "guardian", "valid_until": day})
    assert not form.is_valid()
    assert form.errors["valid_until"] == ["Give a date between the years 2000 and 2100."]
