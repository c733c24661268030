"""The FHIR facade against every role, as the REST API's matrix (tests/test_api_access.py):
what a caller may not know exists is 404, and every read of a family's data leaves an access
record with the channel `fhir`."""

import json

import pytest

from referrals.models import AccessRecord
from tests.factories import api_client_for as client_for
from tests.test_api_access import expected, statuses

from .helpers import entries, parsed

pytestmark = pytest.mark.django_db

PARTIES = {"referrer", "worker_x"}


def test_referral_resources_are_404_to_other_municipalities_and_organizations(world):
    pk, people = world["referral"].pk, world["people"]
    for kind in ("ServiceRequest", "Patient"):
        got = statuses(people, lambda a, k=kind: a.get(f"/fhir/{k}/{pk}"))
        assert got == expected(PARTIES, people), kind
    # a coordinator follows the Task (without the family), as triage does
    got = statuses(people, lambda a: a.get(f"/fhir/Task/{pk}"))
    assert got == expected({*PARTIES, "coordinator"}, people)
    body = json.dumps({"status": "completed"})
    got = statuses(
        people,
        lambda a: a.generic("PATCH", f"/fhir/Task/{pk}", body, content_type="application/json"),
    )
    outsiders = {name: code for name, code in got.items() if name not in PARTIES}
    assert set(outsiders.values()) == {404}, got


def test_consents_and_appointments_follow_the_api(world):
    people = world["people"]
    consent = f"/fhir/Consent/{world['consent'].pk}"
    assert statuses(people, lambda a: a.get(consent)) == expected({*PARTIES, "coordinator"}, people)
    appointment = f"/fhir/Appointment/{world['appointment'].pk}"
    assert statuses(people, lambda a: a.get(appointment)) == expected({"worker_x"}, people)
    for name, user in people.items():
        listed = entries(client_for(user).get("/fhir/Appointment"))
        assert bool(listed) == (name == "worker_x"), name


def test_searches_hold_only_what_each_may_see(world):
    pk, people = str(world["referral"].pk), world["people"]
    for name, user in people.items():
        ids = {r.id for r in entries(client_for(user).get("/fhir/ServiceRequest"))}
        assert (pk in ids) == (name in PARTIES), name
    coordinator = client_for(people["coordinator"])
    assert not entries(coordinator.get("/fhir/ServiceRequest"))


def test_a_coordinator_sees_no_patient_data(world):
    referral, coordinator = world["referral"], client_for(world["people"]["coordinator"])
    before = AccessRecord.objects.count()
    task = parsed(coordinator.get(f"/fhir/Task/{referral.pk}"))
    assert task.for_fhir is None and task.owner is not None
    consent = parsed(coordinator.get(f"/fhir/Consent/{referral.consent_id}"))
    assert consent.patient is None and consent.performer is None
    assert coordinator.get(f"/fhir/Patient/{referral.pk}").status_code == 404
    for task in entries(coordinator.get("/fhir/Task")):
        assert task.for_fhir is None
    assert AccessRecord.objects.count() == before


def test_every_read_of_the_family_leaves_an_access_record_on_the_fhir_channel(world):
    referral, worker = world["referral"], world["people"]["worker_x"]
    api = client_for(worker)
    reads = [
        f"/fhir/ServiceRequest/{referral.pk}",
        f"/fhir/Task/{referral.pk}",
        f"/fhir/Patient/{referral.pk}",
        f"/fhir/Consent/{referral.consent_id}",
        f"/fhir/Appointment/{world['appointment'].pk}",
        "/fhir/ServiceRequest",
        "/fhir/Task",
        "/fhir/Appointment",
    ]
    for path in reads:
        before = set(AccessRecord.objects.values_list("pk", flat=True))
        assert api.get(path).status_code == 200, path
        made = AccessRecord.objects.exclude(pk__in=before)
        assert made.filter(referral=referral, user=worker, channel="fhir").exists(), path
        assert set(made.values_list("channel", flat=True)) == {"fhir"}, path
    before = AccessRecord.objects.count()
    for path in ("/fhir/metadata", "/fhir/Organization", "/fhir/HealthcareService"):
        api.get(path)
    assert AccessRecord.objects.count() == before


def test_a_missing_or_unknown_address_is_a_404_operation_outcome(world):
    api = client_for(world["people"]["referrer"])
    for path in ("/fhir/Task/999999999", "/fhir/Nothing", "/fhir/Task/abc", "/fhir/CodeSystem/x1"):
        answer = api.get(path)
        assert answer.status_code == 404, path
        assert parsed(answer).issue[0].code == "not-found", path
    assert api.delete(f"/fhir/Task/{world['referral'].pk}").status_code == 405
    assert api.put(f"/fhir/ServiceRequest/{world['referral'].pk}", {}).status_code == 405
