"""What the FHIR facade serves, declared once: the URLs, the allowed methods, the accepted
search parameters and the `CapabilityStatement` at /fhir/metadata are all read from here, so
the statement cannot promise what the views do not do."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
JSON_PATCH = "application/json-patch+json"
# Result parameters every search takes besides its search parameters.
CONTROL_PARAMETERS = frozenset({"_count", "_format", "cursor"})


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # token, reference, date, …
    documentation: str


@dataclass(frozen=True)
class ResourceKind:
    type: str
    interactions: tuple[str, ...]  # read, search-type, update, patch
    params: tuple[SearchParam, ...] = ()
    public: bool = False  # readable without a token (the catalogue)
    documentation: str = ""

    @property
    def param_names(self) -> frozenset[str]:
        return frozenset(param.name for param in self.params)

    @property
    def methods(self) -> tuple[str, ...]:
        """The HTTP methods of one instance's URL (`/fhir/Type/id`)."""
        found = ["get"] if "read" in self.interactions else []
        found += [m for m, i in (("put", "update"), ("patch", "patch")) if i in self.interactions]
        return tuple(found)


_LAST_UPDATED = SearchParam(
    "_lastUpdated",
    "date",
    "When the referral last changed; prefixes eq, gt, ge, lt, le; a date or a date-time "
    "(a date is a day in Europe/Helsinki). Repeat it for a range.",
)
_OWNER = SearchParam("owner", "reference", "The organization holding it: Organization/{id}.")
_REQUESTER = SearchParam(
    "requester", "reference", "The referring professional's role: PractitionerRole/{id}."
)
_REFERRALS = "Paginated with Bundle.link (next, previous); _count up to 100."

RESOURCES: dict[str, ResourceKind] = {
    kind.type: kind
    for kind in (
        ResourceKind(
            "ServiceRequest",
            ("read", "search-type"),
            (
                SearchParam(
                    "status", "token", "ServiceRequest.status; several separated by commas."
                ),
                _LAST_UPDATED,
                SearchParam("owner", "reference", "The performer: Organization/{id}."),
                _REQUESTER,
            ),
            documentation="A referral as a request for service. " + _REFERRALS,
        ),
        ResourceKind(
            "Task",
            ("read", "search-type", "update", "patch"),
            (
                SearchParam("status", "token", "Task.status; several separated by commas."),
                _LAST_UPDATED,
                _OWNER,
                _REQUESTER,
            ),
            documentation=(
                "The work on a referral. The owning organization's worker changes Task.status "
                "(accepted, rejected with statusReason, on-hold with statusReason.text, "
                "completed) by PUT of the Task or by PATCH (JSON Patch of /status and "
                "/statusReason, or a JSON object with status and statusReason). " + _REFERRALS
            ),
        ),
        ResourceKind(
            "Patient",
            ("read",),
            documentation="The family as one referral knows it (same id as the referral).",
        ),
        ResourceKind("Consent", ("read",), documentation="The family's consent."),
        ResourceKind(
            "Appointment",
            ("read", "search-type"),
            (SearchParam("status", "token", "Appointment.status; several separated by commas."),),
            documentation="The bookings of the caller's organization.",
        ),
        ResourceKind("Organization", ("read", "search-type"), public=True),
        ResourceKind("Location", ("read", "search-type"), public=True),
        ResourceKind(
            "HealthcareService",
            ("read", "search-type"),
            (SearchParam("organization", "reference", "The provider: Organization/{id}."),),
            public=True,
            documentation="The service catalogue.",
        ),
        ResourceKind(
            "CodeSystem",
            ("read", "search-type"),
            public=True,
            documentation="This project's code systems (challenges, states, reasons, …).",
        ),
    )
}


def capability_statement(base: str) -> CapabilityStatement:
    """The server's statement, from `RESOURCES`."""
    resources = []
    for kind in RESOURCES.values():
        entry = {
            "type": kind.type,
            "interaction": [{"code": code} for code in kind.interactions],
        }
        if kind.documentation:
            entry["documentation"] = kind.documentation
        if kind.params:
            entry["searchParam"] = [
                {"name": p.name, "type": p.type, "documentation": p.documentation}
                for p in kind.params
            ]
        if "update" in kind.interactions:
            entry["updateCreate"] = False
        resources.append(entry)
    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().date().isoformat(),
            "kind": "instance",
            "software": {"name": "Perhelinja"},
            "implementation": {
                "description": "Perhelinja referrals as HL7 FHIR R4 resources",
                "url": base,
            },
            "fhirVersion": FHIR_VERSION,
            "format": [FHIR_JSON, "json"],
            "patchFormat": [JSON_PATCH, FHIR_JSON],
            "rest": [
                {
                    "mode": "server",
                    "documentation": (
                        "Token authentication as the REST API (Authorization: Token …, from "
                        "/api/v1/auth/token/); the catalogue and the code systems are public."
                    ),
                    "resource": resources,
                }
            ],
        }
    )
