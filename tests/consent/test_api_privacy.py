"""A consent through the API: coordinators route by it but never learn who gave it (issue 15)."""

import pytest
from django.urls import reverse

from referrals.models import AccessRecord, State
from referrals.services import consent_withdraw
from tests.factories import api_client_for, referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db

ROUTING_FIELDS = {
    "id",
    "given_by_role",
    "method",
    "given_at",
    "valid_until",
    "scopes",
    "withdrawn_at",
}
PERSONAL_FIELDS = {"given_by_name", "withdrawal_reason"}


def test_a_coordinator_reads_a_consent_without_the_givers_name_or_the_withdrawal_reason():
    referral, cast = referral_in_state(State.SUBMITTED)
    consent_withdraw(consent=referral.consent, actor=cast.referrer, reason="Perhe soitti")
    response = api_client_for(cast.coordinator).get(f"/api/v1/consents/{referral.consent_id}/")
    assert response.status_code == 200
    assert set(response.data) == ROUTING_FIELDS
    assert referral.consent.given_by_name not in response.content.decode()
    assert "Perhe soitti" not in response.content.decode()


def test_a_coordinator_recording_a_withdrawal_gets_no_personal_fields_back():
    referral, cast = referral_in_state(State.SUBMITTED)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/consents/{referral.consent_id}/withdraw/", {"reason": "Puhelimessa"}
    )
    assert response.status_code == 200 and response.data["withdrawn_at"]
    assert set(response.data) == ROUTING_FIELDS


def test_a_coordinators_read_shows_nothing_personal_and_so_records_no_access():
    referral, cast = referral_in_state(State.SUBMITTED)
    api_client_for(cast.coordinator).get(f"/api/v1/consents/{referral.consent_id}/")
    assert not AccessRecord.objects.exists()


def test_the_recorder_and_the_handling_worker_still_see_the_givers_name():
    referral, cast = referral_in_state(State.ASSIGNED)
    for user in (cast.referrer, cast.handler):
        data = api_client_for(user).get(f"/api/v1/consents/{referral.consent_id}/").data
        assert set(data) == ROUTING_FIELDS | PERSONAL_FIELDS
        assert data["given_by_name"] == referral.consent.given_by_name


def test_the_schema_lets_the_personal_fields_be_left_out(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    consent = schema["components"]["schemas"]["Consent"]
    assert set(consent["properties"]) >= PERSONAL_FIELDS
    assert not PERSONAL_FIELDS & set(consent["required"])
    assert {"id", "given_by_role", "scopes", "withdrawn_at"} <= set(consent["required"])


def test_the_triage_pages_show_no_givers_name(client):
    referral, cast = referral_in_state(State.SUBMITTED)
    login(client, cast.coordinator)
    for page in (
        reverse("referrals:triage"),
        reverse("referrals:triage_detail", args=[referral.pk]),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert referral.consent.given_by_name not in response.content.decode()
