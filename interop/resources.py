"""The domain as FHIR R4 resources, modelled on the HL7 Gravity SDOH Clinical Care referral:
a `ServiceRequest` and a `Task` per referral, the family as a minimal `Patient`, its `Consent`,
an `Appointment` per booking, and the catalogue as `Organization`, `Location` and
`HealthcareService`.

Every resource is built by the `fhir.resources` models (R4B, see docs/interop.md): an element
that breaks the specification's structure fails here, when the resource is made, never at the
client. What of the family a resource shows is decided by the caller (`shown`): these
functions only leave it out.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization as FhirOrganization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from appointments.models import Appointment, AppointmentState, OutcomeReport
from consent.models import Consent, Scope
from directory.models import ModeCode, Organization, ReceptionSite, Service, Unit
from perhelinja.fastpath import ReferralLists
from referrals.models import FHIR_TASK_STATUS, FamilyLanguage, Referral, State

from .codesystems import (
    ACT_CODE,
    BCP47,
    CANONICAL,
    CHALLENGE,
    CONSENT_PROVISION,
    CONSENT_SCOPE,
    DATA_ABSENT,
    DECLINE_REASON,
    INTERPRETER_REQUIRED,
    LOINC,
    MODE,
    NEXT_STEP,
    ORGANIZATION_TYPE,
    REFERRAL_STATE,
    SERVICE_GIVEN,
    SNOMED,
    TARGET_GROUP,
    TASK_CODE,
    TASK_OUTPUT,
    TaskOutput,
    coding,
    concept,
)

# ServiceRequest.status of each state: the request stands while anyone works on it or waits
# for a decision, is on hold while the referrer answers a question, and is revoked when it
# ended without the service.
SERVICE_REQUEST_STATUS = {
    State.DRAFT: "draft",
    State.SUBMITTED: "active",
    State.POOLED: "active",
    State.ASSIGNED: "active",
    State.ACCEPTED: "active",
    State.SCHEDULED: "active",
    State.IN_SERVICE: "active",
    State.DECLINED: "active",
    State.RETURNED: "on-hold",
    State.COMPLETED: "completed",
    State.CANCELLED: "revoked",
    State.WITHDRAWN: "revoked",
}

APPOINTMENT_STATUS = {
    AppointmentState.BOOKED: "booked",
    AppointmentState.CONFIRMED: "booked",
    AppointmentState.ATTENDED: "fulfilled",
    AppointmentState.NO_SHOW: "noshow",
    AppointmentState.CANCELLED_BY_FAMILY: "cancelled",
    AppointmentState.CANCELLED_BY_ORGANIZATION: "cancelled",
}

ORGANIZATION_IDENTIFIER = f"{CANONICAL}/organization"
SOCIAL_SERVICE = {"system": SNOMED, "code": "410606002", "display": "Social service procedure"}
# The family's data left out: a reference that says so instead of pointing anywhere.
MASKED = {"extension": [{"url": DATA_ABSENT, "valueCode": "masked"}]}


def _instant(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _meta(at: datetime) -> dict:
    return {"lastUpdated": _instant(at)}


def _clean(data: dict) -> dict:
    """Without the elements that have no value (FHIR JSON has no nulls or empty arrays)."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def reference(kind: str, pk: int | str | None, display: object = "") -> dict | None:
    if pk is None:
        return None
    return _clean({"reference": f"{kind}/{pk}", "display": str(display)})


def organization_reference(organization: Organization | None) -> dict | None:
    if organization is None:
        return None
    return reference("Organization", organization.pk, organization.name)


def requester(referral: Referral) -> dict:
    """The referring professional's role (their unit in their municipality); the person's name
    stays out."""
    unit = Unit(referral.referrer_unit).label if referral.referrer_unit else ""
    display = f"{unit}, {referral.municipality.name}" if unit else referral.municipality.name
    return reference("PractitionerRole", referral.referrer_id, display)


def _challenges(lists: ReferralLists) -> list[dict]:
    return [
        {"coding": [coding(CHALLENGE, c.slug, str(c))], "text": str(c)} for c in lists.challenges
    ]


def service_request(referral: Referral, lists: ReferralLists, *, shown: bool) -> ServiceRequest:
    """The referral as a request for service; `shown`: whether the caller may read the family's
    data (its subject and the description), else only the routing facts."""
    reasons = _challenges(lists)
    category = [{"coding": [SOCIAL_SERVICE], "text": SOCIAL_SERVICE["display"]}]
    if referral.target_group is not None:
        group = referral.target_group
        category.append(
            {"coding": [coding(TARGET_GROUP, group.slug, group.name)], "text": group.name}
        )
    data = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": _meta(referral.updated_at),
        "status": SERVICE_REQUEST_STATUS[State(referral.state)],
        "intent": "order",
        "category": category,
        "code": reasons[0] if reasons else None,
        "reasonCode": reasons,
        "subject": reference("Patient", referral.pk) if shown else MASKED,
        "authoredOn": _instant(referral.submitted_at or referral.created_at),
        "requester": requester(referral),
        "performer": [organization_reference(referral.organization)]
        if referral.organization_id
        else None,
        "supportingInfo": [reference("Consent", referral.consent_id)]
        if referral.consent_id
        else None,
        "note": [{"text": referral.description}] if shown and referral.description else None,
    }
    return ServiceRequest.model_validate(_clean(data))


def _outputs(report: OutcomeReport | None, *, summary: bool) -> list[dict]:
    if report is None:
        return []
    outputs = [
        {
            "type": concept(TASK_OUTPUT, TaskOutput.SERVICE_GIVEN),
            "valueCodeableConcept": concept(SERVICE_GIVEN, report.service_given),
        },
        {"type": concept(TASK_OUTPUT, TaskOutput.SESSIONS), "valueInteger": report.sessions},
        {
            "type": concept(TASK_OUTPUT, TaskOutput.NEXT_STEP),
            "valueCodeableConcept": concept(NEXT_STEP, report.next_step),
        },
    ]
    if summary and report.summary_for_referrer:
        outputs.append(
            {
                "type": concept(TASK_OUTPUT, TaskOutput.SUMMARY),
                "valueString": report.summary_for_referrer,
            }
        )
    return outputs


def task(
    referral: Referral,
    lists: ReferralLists,
    *,
    shown: bool,
    report: OutcomeReport | None = None,
    summary: bool = False,
) -> Task:
    """The work on the referral: its status as FHIR task statuses, this system's state as the
    business status, the organization holding it as the owner, and, once completed, the
    outcome report as its outputs (the summary only to those `summary` allows)."""
    state = State(referral.state)
    label = str(state.label)
    status_reason = None
    if state == State.DECLINED and lists.decline_codes:
        status_reason = concept(DECLINE_REASON, lists.decline_codes[-1])
    elif state == State.RETURNED:
        status_reason = {"text": _("Returned to the referrer for more information.")}
    data = {
        "resourceType": "Task",
        "id": str(referral.pk),
        "meta": _meta(referral.updated_at),
        "status": FHIR_TASK_STATUS[state],
        "statusReason": status_reason,
        "businessStatus": {"coding": [coding(REFERRAL_STATE, state.value, label)], "text": label},
        "intent": "order",
        "code": {"coding": [{"system": TASK_CODE, "code": "fulfill"}]},
        "focus": reference("ServiceRequest", referral.pk),
        "for": reference("Patient", referral.pk) if shown else None,
        "authoredOn": _instant(referral.submitted_at or referral.created_at),
        "lastModified": _instant(referral.state_changed_at),
        "requester": requester(referral),
        "owner": organization_reference(referral.organization),
        "output": _outputs(report, summary=summary and shown) if state == State.COMPLETED else None,
    }
    return Task.model_validate(_clean(data))


def patient(referral: Referral) -> Patient:
    """The family as this referral knows it: the contact person, how to reach them, their
    language. Only for those who may read the family's data."""
    telecom = [
        {"system": "phone", "value": referral.contact_phone} if referral.contact_phone else None,
        {"system": "email", "value": referral.contact_email} if referral.contact_email else None,
    ]
    if referral.language == FamilyLanguage.OTHER:
        language = {"text": referral.language_other or str(FamilyLanguage.OTHER.label)}
    else:
        label = str(FamilyLanguage(referral.language).label)
        language = {"coding": [{"system": BCP47, "code": referral.language}], "text": label}
    data = {
        "resourceType": "Patient",
        "id": str(referral.pk),
        "meta": _meta(referral.updated_at),
        "extension": [{"url": INTERPRETER_REQUIRED, "valueBoolean": referral.interpreter_needed}],
        "active": referral.erased_at is None,
        "name": [{"text": referral.contact_name}] if referral.contact_name else None,
        "telecom": [item for item in telecom if item],
        "communication": [{"language": language, "preferred": True}],
    }
    return Patient.model_validate(_clean(data))


def consent(
    consent: Consent, *, personal: bool, patient_id: int | None, at: datetime
) -> FhirConsent:
    """The family's consent: active until it is withdrawn or expires; one provision for each
    thing it may cover, permitted or denied. The giver's name only when `personal`."""
    active = consent.given_at <= at < consent.valid_until and (
        consent.withdrawn_at is None or at < consent.withdrawn_at
    )
    ends = consent.valid_until
    if consent.withdrawn_at is not None and consent.withdrawn_at < ends:
        ends = consent.withdrawn_at
    given = set(consent.scopes)
    provisions = [
        {
            "type": "permit" if scope in given else "deny",
            "action": [concept(CONSENT_PROVISION, scope.value)],
        }
        for scope in Scope
    ]
    data = {
        "resourceType": "Consent",
        "id": str(consent.pk),
        "meta": _meta(consent.withdrawn_at or consent.recorded_at),
        "status": "active" if active else "inactive",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": LOINC, "code": "59284-0"}]}],
        "patient": reference("Patient", patient_id) if personal else None,
        "dateTime": _instant(consent.given_at),
        "performer": [{"display": consent.given_by_name}]
        if personal and consent.given_by_name
        else None,
        "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN"}]},
        "provision": {
            "type": "permit",
            "period": {"start": _instant(consent.given_at), "end": _instant(ends)},
            "provision": provisions,
        },
    }
    return FhirConsent.model_validate(_clean(data))


def appointment(appointment: Appointment) -> FhirAppointment:
    mode = ModeCode(appointment.mode)
    participants = [
        {"actor": reference("Patient", appointment.referral_id), "status": "accepted"},
        {
            "actor": reference(
                "PractitionerRole", appointment.worker_id, appointment.organization.name
            ),
            "status": "accepted",
        },
    ]
    if appointment.site_id is not None:
        participants.append(
            {
                "actor": reference("Location", appointment.site_id, appointment.site.name),
                "status": "accepted",
            }
        )
    data = {
        "resourceType": "Appointment",
        "id": str(appointment.pk),
        "meta": _meta(appointment.created_at),
        "status": APPOINTMENT_STATUS[AppointmentState(appointment.state)],
        "serviceType": [concept(MODE, mode.value)],
        "start": _instant(appointment.starts_at),
        "end": _instant(appointment.ends_at),
        "created": _instant(appointment.created_at),
        "basedOn": [reference("ServiceRequest", appointment.referral_id)],
        "participant": participants,
    }
    return FhirAppointment.model_validate(_clean(data))


def organization(organization: Organization) -> FhirOrganization:
    telecom = [
        {"system": "phone", "value": organization.phone} if organization.phone else None,
        {"system": "email", "value": organization.email} if organization.email else None,
        {"system": "url", "value": organization.website} if organization.website else None,
    ]
    data = {
        "resourceType": "Organization",
        "id": str(organization.pk),
        "identifier": [{"system": ORGANIZATION_IDENTIFIER, "value": organization.slug}],
        "active": organization.is_active,
        "type": [{"coding": [{"system": ORGANIZATION_TYPE, "code": "cg"}]}],
        "name": organization.name,
        "alias": [organization.name_sv] if organization.name_sv else None,
        "telecom": [item for item in telecom if item],
    }
    return FhirOrganization.model_validate(_clean(data))


def location(site: ReceptionSite) -> Location:
    data = {
        "resourceType": "Location",
        "id": str(site.pk),
        "status": "active" if site.is_active else "inactive",
        "name": site.name,
        "description": site.notes,
        "mode": "instance",
        "address": {"text": site.address, "city": site.municipality.name},
    }
    return Location.model_validate(_clean(data))


def healthcare_service(service: Service) -> HealthcareService:
    """A catalogue entry; its relations as prefetched by the caller."""
    languages = [
        {"coding": [{"system": BCP47, "code": lang.code}]} for lang in service.languages.all()
    ]
    data = {
        "resourceType": "HealthcareService",
        "id": str(service.pk),
        "active": service.is_active,
        "providedBy": organization_reference(service.organization),
        "category": [{"coding": [SOCIAL_SERVICE], "text": SOCIAL_SERVICE["display"]}],
        "type": [
            {"coding": [coding(CHALLENGE, c.slug, c.name)], "text": c.name}
            for c in service.challenges.all()
        ],
        "characteristic": [concept(MODE, mode.code) for mode in service.modes.all()],
        "eligibility": [
            {"code": {"coding": [coding(TARGET_GROUP, g.slug, g.name)], "text": g.name}}
            for g in service.target_groups.all()
        ],
        "name": service.name,
        "comment": service.description,
        "telecom": [{"system": "url", "value": service.url}] if service.url else None,
        "communication": languages,
    }
    return HealthcareService.model_validate(_clean(data))


def bundle(resources: list[Resource], *, base: str, links: dict[str, str | None]) -> Bundle:
    """A page of search results; `links`: self, next and previous, those there are."""
    return Bundle.model_validate(
        _clean(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "link": [
                    {"relation": relation, "url": url} for relation, url in links.items() if url
                ],
                "entry": [
                    {
                        "fullUrl": f"{base}{resource.get_resource_type()}/{resource.id}",
                        "resource": resource,
                        "search": {"mode": "match"},
                    }
                    for resource in resources
                ],
            }
        )
    )


def operation_outcome(messages: list[str], code: str, severity: str = "error") -> OperationOutcome:
    return OperationOutcome.model_validate(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": severity, "code": code, "diagnostics": message}
                for message in messages or [code]
            ],
        }
    )
