"""Every resource the FHIR facade answers validates with `fhir.resources`, in every state of a
referral, and shows the family's data only to those who may read it."""

import pytest
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from rest_framework.test import APIClient

from appointments.services import appointment_book, outcome_report
from interop.codesystems import CHALLENGE, REFERRAL_STATE, TASK_OUTPUT
from interop.resources import SERVICE_REQUEST_STATUS
from referrals.models import FHIR_TASK_STATUS, SHARED_STATES, State
from tests.appointments.helpers import accepted_with_shift
from tests.factories import OrganizationFactory, ServiceFactory, api_client_for, referral_in_state

from .helpers import entries, parsed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", list(State))
def test_every_state_gives_valid_resources_that_follow_the_referral(state):
    referral, cast = referral_in_state(state)
    referrer = api_client_for(cast.referrer)

    request = parsed(referrer.get(f"/fhir/ServiceRequest/{referral.pk}"))
    assert isinstance(request, ServiceRequest)
    assert request.status == SERVICE_REQUEST_STATUS[state]
    assert request.subject.reference == f"Patient/{referral.pk}"
    assert [c.coding[0].system for c in request.reasonCode] == [CHALLENGE.url]
    assert request.supportingInfo[0].reference == f"Consent/{referral.consent_id}"
    assert request.requester.reference == f"PractitionerRole/{cast.referrer.pk}"

    task = parsed(referrer.get(f"/fhir/Task/{referral.pk}"))
    assert isinstance(task, Task)
    assert task.status == FHIR_TASK_STATUS[state]
    assert task.businessStatus.coding[0].system == REFERRAL_STATE.url
    assert task.businessStatus.coding[0].code == state
    assert task.focus.reference == f"ServiceRequest/{referral.pk}"
    owner = task.owner.reference if task.owner else None
    assert owner == (f"Organization/{referral.organization_id}" if referral.organization else None)
    if state == State.DECLINED:
        assert task.statusReason.coding[0].code == "no_capacity"

    family = parsed(referrer.get(f"/fhir/Patient/{referral.pk}"))
    assert isinstance(family, Patient)
    assert family.name[0].text == "Maija Meikäläinen"

    worker = api_client_for(cast.handler)
    for kind in ("ServiceRequest", "Task", "Patient"):
        code = worker.get(f"/fhir/{kind}/{referral.pk}").status_code
        assert code == (200 if state in SHARED_STATES else 404), (kind, code)
    for client in (referrer, worker):
        for kind in ("ServiceRequest", "Task"):
            found = entries(client.get(f"/fhir/{kind}"))
            assert all(type(item).__name__ == kind for item in found)


def test_searches_blank_the_family_once_sharing_ends():
    """The organization keeps its completed referral in its lists, without the family's data
    once the consent is withdrawn (as the REST API's list blanks them)."""
    referral, cast = referral_in_state(State.COMPLETED)
    worker = api_client_for(cast.handler)
    [task] = entries(worker.get("/fhir/Task"))
    assert task.for_fhir.reference == f"Patient/{referral.pk}"
    referral.consent.withdrawn_at = referral.consent.given_at
    referral.consent.save(update_fields=["withdrawn_at"])
    [task] = entries(worker.get("/fhir/Task"))
    [request] = entries(worker.get("/fhir/ServiceRequest"))
    assert task.for_fhir is None
    assert request.subject.reference is None and request.subject.extension
    assert request.note is None
    assert worker.get(f"/fhir/Patient/{referral.pk}").status_code == 404


def test_a_completed_task_carries_the_outcome_as_its_outputs():
    referral, cast = referral_in_state(State.IN_SERVICE)
    outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="counselling",
        sessions=3,
        next_step="no_further_need",
        summary_for_referrer="Arki sujuu.",
    )
    for user in (cast.referrer, cast.handler):
        task = parsed(api_client_for(user).get(f"/fhir/Task/{referral.pk}"))
        assert task.status == "completed"
        outputs = {o.type.coding[0].code: o for o in task.output}
        assert {o.type.coding[0].system for o in task.output} == {TASK_OUTPUT.url}
        assert outputs["service-given"].valueCodeableConcept.coding[0].code == "counselling"
        assert outputs["sessions"].valueInteger == 3
        assert outputs["next-step"].valueCodeableConcept.coding[0].code == "no_further_need"
        assert outputs["summary"].valueString == "Arki sujuu."


def test_the_summary_stays_with_the_organization_when_the_family_did_not_agree_to_return_it():
    referral, cast = referral_in_state(State.IN_SERVICE)
    type(referral.consent).objects.filter(pk=referral.consent_id).update(scope_return_outcome=False)
    outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="advice",
        sessions=1,
        next_step="no_further_need",
        summary_for_referrer="Vain järjestölle.",
    )
    referrer_task = parsed(api_client_for(cast.referrer).get(f"/fhir/Task/{referral.pk}"))
    worker_task = parsed(api_client_for(cast.handler).get(f"/fhir/Task/{referral.pk}"))
    assert "summary" not in {o.type.coding[0].code for o in referrer_task.output}
    assert "summary" in {o.type.coding[0].code for o in worker_task.output}


def test_consent_and_appointment_validate_and_follow_withdrawal():
    referral, cast, shift = accepted_with_shift()
    booked = appointment_book(referral=referral, slot=shift.slots.first(), actor=cast.handler)
    worker = api_client_for(cast.handler)
    appointment = parsed(worker.get(f"/fhir/Appointment/{booked.pk}"))
    assert appointment.status == "booked"
    assert appointment.basedOn[0].reference == f"ServiceRequest/{referral.pk}"
    assert appointment.serviceType[0].coding[0].code == "phone"
    assert {p.actor.reference for p in appointment.participant} >= {f"Patient/{referral.pk}"}
    [listed] = entries(worker.get("/fhir/Appointment"))
    assert listed.id == str(booked.pk)

    consent = parsed(worker.get(f"/fhir/Consent/{referral.consent_id}"))
    assert consent.status == "active"
    provisions = {p.action[0].coding[0].code: p.type for p in consent.provision.provision}
    assert provisions["share_referral"] == "permit"
    assert provisions["contact_email"] == "deny"
    assert consent.patient.reference == f"Patient/{referral.pk}"

    api_client_for(cast.referrer).post(
        f"/api/v1/consents/{referral.consent_id}/withdraw/", {"reason": "Perhe perui"}
    )
    consent = parsed(api_client_for(cast.referrer).get(f"/fhir/Consent/{referral.consent_id}"))
    assert consent.status == "inactive"
    appointment = parsed(worker.get(f"/fhir/Appointment/{booked.pk}"))
    assert appointment.status == "cancelled"


def test_the_catalogue_is_public_and_valid():
    service = ServiceFactory(organization=OrganizationFactory(phone="+358 2 123 4567"))
    anonymous = APIClient()
    organization = parsed(anonymous.get(f"/fhir/Organization/{service.organization_id}"))
    assert organization.telecom[0].value == "+358 2 123 4567"
    [offered] = entries(
        anonymous.get(
            f"/fhir/HealthcareService?organization=Organization/{service.organization_id}"
        )
    )
    assert offered.providedBy.reference == f"Organization/{service.organization_id}"
    assert entries(anonymous.get("/fhir/Organization"))
    entries(anonymous.get("/fhir/Location"))
    systems = entries(anonymous.get("/fhir/CodeSystem"))
    assert CHALLENGE.url in {system.url for system in systems}
    challenge = parsed(anonymous.get("/fhir/CodeSystem/challenge"))
    assert challenge.url == CHALLENGE.url
    for kind in ("ServiceRequest", "Task", "Appointment"):
        assert anonymous.get(f"/fhir/{kind}").status_code == 401, kind
