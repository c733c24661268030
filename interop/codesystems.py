"""The code systems of this project, each a FHIR `CodeSystem` served at /fhir/CodeSystem/{id}.

Their canonical URLs are fixed (`CANONICAL`), not the serving host's: a code's meaning must
not change with the address a deployment happens to have. Taxonomies kept as rows
(challenges, target groups) list the rows; the others the code's own choices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from fhir.resources.R4B.codesystem import CodeSystem

from appointments.models import NextStep, ServiceGiven
from consent.models import Scope
from directory.models import Challenge, ModeCode, TargetGroup, Term
from referrals.models import DeclineReason, State

CANONICAL = "https://perhelinja.fi/fhir"
BCP47 = "urn:ietf:bcp:47"
SNOMED = "http://snomed.info/sct"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


def system(code_system_id: str) -> str:
    return f"{CANONICAL}/CodeSystem/{code_system_id}"


# What the task outputs of a completed referral carry (the outcome report).
class TaskOutput(models.TextChoices):
    SERVICE_GIVEN = "service-given", _("Service given")
    SESSIONS = "sessions", _("Number of sessions")
    NEXT_STEP = "next-step", _("Next step")
    SUMMARY = "summary", _("Summary for the referrer")


@dataclass(frozen=True)
class Codes:
    """One code system: its id, title, and where its concepts come from."""

    id: str
    title: object
    choices: type[models.TextChoices] | None = None
    terms: type[Term] | None = None
    description: object = ""

    @property
    def url(self) -> str:
        return system(self.id)

    def concepts(self) -> list[dict]:
        if self.choices is not None:
            return [{"code": value, "display": str(label)} for value, label in self.choices.choices]
        rows = self.terms.objects.order_by("position", "name_fi", "pk")
        return [_term_concept(row) for row in rows]


def _term_concept(term: Term) -> dict:
    names = (("fi", term.name_fi), ("sv", term.name_sv), ("en", term.name_en))
    return {
        "code": term.slug,
        "display": term.name,
        "designation": [{"language": lang, "value": name} for lang, name in names if name],
    }


CHALLENGE = Codes("challenge", _("Challenges a family needs help with"), terms=Challenge)
TARGET_GROUP = Codes("target-group", _("Target groups"), terms=TargetGroup)
REFERRAL_STATE = Codes("referral-state", _("States of a referral"), choices=State)
DECLINE_REASON = Codes("decline-reason", _("Reasons to decline a referral"), choices=DeclineReason)
MODE = Codes("mode", _("Ways to meet"), choices=ModeCode)
CONSENT_PROVISION = Codes("consent-scope", _("What a family's consent covers"), choices=Scope)
SERVICE_GIVEN = Codes("service-given", _("Service given"), choices=ServiceGiven)
NEXT_STEP = Codes("next-step", _("Next step after the service"), choices=NextStep)
TASK_OUTPUT = Codes("task-output", _("Outputs of a completed referral"), choices=TaskOutput)

CODE_SYSTEMS = {
    codes.id: codes
    for codes in (
        CHALLENGE,
        TARGET_GROUP,
        REFERRAL_STATE,
        DECLINE_REASON,
        MODE,
        CONSENT_PROVISION,
        SERVICE_GIVEN,
        NEXT_STEP,
        TASK_OUTPUT,
    )
}


def coding(codes: Codes, code: str, display: object = "") -> dict:
    found = {"system": codes.url, "code": code}
    if display:
        found["display"] = str(display)
    return found


def concept(codes: Codes, code: str, label: Callable[[str], object] | None = None) -> dict:
    """A CodeableConcept of one of `codes`' choices, with its label as display and text."""
    display = str(codes.choices(code).label) if label is None else str(label(code))
    return {"coding": [coding(codes, code, display)], "text": display}


def code_system(codes: Codes) -> CodeSystem:
    concepts = codes.concepts()
    data = {
        "resourceType": "CodeSystem",
        "id": codes.id,
        "url": codes.url,
        "name": "".join(part.capitalize() for part in codes.id.split("-")),
        "title": str(codes.title),
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "count": len(concepts),
    }
    if concepts:  # FHIR JSON has no empty arrays
        data["concept"] = concepts
    return CodeSystem.model_validate(data)
