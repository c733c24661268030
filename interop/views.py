"""The FHIR facade's HTTP side (/fhir/): reads, searches and the Task's status, translated to
the same selectors, access records and action registry as the pages and the REST API.

Errors are `OperationOutcome`s with the REST API's status codes: 400 for bad input, 401 without
a token, 403 when a party may see the referral but not do this, 404 when the caller may not
know it exists, 409 when the referral's state refuses the change.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.task import Task
from pydantic import ValidationError as PydanticValidationError
from rest_framework import exceptions, permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.models import Appointment, NextStep, ServiceGiven
from appointments.services import get_appointment_for_user, outcome_report
from consent.models import Scope
from consent.selectors import get_consent_for_user, may_read_personal
from directory.authentication import TokenAuthentication
from directory.models import Organization, ReceptionSite, Service
from perhelinja.fastpath import CHALLENGES, DECLINES, referral_lists
from perhelinja.fsm import TransitionRefused
from referrals import selectors
from referrals.actions import REFERRAL_ACTIONS
from referrals.api import ReferralCursorPagination, ReferralViewSet
from referrals.api import exception_handler as api_exception_handler
from referrals.audit import record_access, record_accesses
from referrals.models import (
    FHIR_TASK_STATUS,
    AccessRecord,
    DeclineReason,
    Referral,
    may_read_family,
)

from . import resources
from .capabilities import (
    CONTROL_PARAMETERS,
    FHIR_JSON,
    JSON_PATCH,
    RESOURCES,
    capability_statement,
)
from .codesystems import CODE_SYSTEMS, DECLINE_REASON, TASK_OUTPUT, TaskOutput, code_system

FHIR = AccessRecord.Channel.FHIR
# FHIR's Task.status codes (http://hl7.org/fhir/task-status).
SERVICE_REQUEST_STATUSES = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
APPOINTMENT_STATUSES = frozenset(
    {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    }
)
TASK_STATUSES = frozenset(
    {
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    }
)
# The Task.status a client may set; which referral action sets it is read from the actions'
# transitions and FHIR_TASK_STATUS (`_action_setting`), never from a table of its own.
SETTABLE_STATUSES = frozenset({"accepted", "rejected", "on-hold", "completed"})
# The next steps of an outcome report that end the service here (more sessions keeps it in
# service; an onward step to another organization is reported on the outcome page).
COMPLETING_STEPS = frozenset(
    {NextStep.MUNICIPAL_SERVICES, NextStep.NO_FURTHER_NEED, NextStep.NOT_REACHED}
)
REFERRAL_RELATED = ("consent", "municipality", "target_group", "organization")
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    415: "not-supported",
    429: "throttled",
}


# --- the wire: media types, errors --------------------------------------------------------------


class FHIRRenderer(BaseRenderer):
    """A resource as FHIR JSON, as its `fhir.resources` model writes it."""

    media_type = FHIR_JSON
    format = "json"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if isinstance(data, Resource):
            return data.model_dump_json().encode()
        return json.dumps(data).encode()


class PlainJSONRenderer(FHIRRenderer):
    """The same for clients that ask for application/json."""

    media_type = "application/json"


class FHIRParser(JSONParser):
    media_type = FHIR_JSON


class JSONPatchParser(JSONParser):
    media_type = JSON_PATCH


def _messages(data) -> list[str]:
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            found += [m if key == "detail" else f"{key}: {m}" for m in _messages(value)]
        return found
    if isinstance(data, list):
        return [m for item in data for m in _messages(item)]
    return [str(data)]


def exception_handler(exc, context):
    """The REST API's mapping of the services' exceptions, answered as an OperationOutcome."""
    if isinstance(exc, PydanticValidationError):
        exc = exceptions.ValidationError(
            [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        )
    response = api_exception_handler(exc, context)
    if response is not None:
        code = ISSUE_CODES.get(response.status_code, "processing")
        response.data = resources.operation_outcome(_messages(response.data), code)
    return response


def _bad_request(message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({"detail": [message]})


# --- pages --------------------------------------------------------------------------------------


class _CountMixin:
    page_size_query_param = "_count"
    max_page_size = 100


class ReferralPages(_CountMixin, ReferralCursorPagination):
    """The REST API's keyset pages of referrals, sized by FHIR's `_count`."""


class CataloguePages(_CountMixin, CursorPagination):
    ordering = ("pk",)
    page_size = 50

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            return None  # a damaged link starts from the first page


class AppointmentPages(CataloguePages):
    ordering = ("-starts_at", "-pk")


# --- search parameters --------------------------------------------------------------------------


def _reference_id(value: str, kind: str) -> int:
    """`Kind/123` or `123`."""
    prefix = f"{kind}/"
    raw = value[len(prefix) :] if value.startswith(prefix) else value
    if not raw.isdigit():
        raise _bad_request(_("Give the reference as %(kind)s/{id}.") % {"kind": kind})
    return int(raw)


def _codes(value: str, allowed: frozenset[str] | set[str]) -> set[str]:
    codes = {code.strip() for code in value.split(",") if code.strip()}
    unknown = sorted(codes - set(allowed))
    if not codes:
        raise _bad_request(_("Give at least one status."))
    if unknown:
        raise _bad_request(_("Unknown status: %(codes)s.") % {"codes": ", ".join(unknown)})
    return codes


PREFIXES = ("eq", "gt", "ge", "lt", "le")


def _date_filter(field: str, value: str) -> Q:
    """One `_lastUpdated` value as a filter on `field`: a date is that whole local day."""
    prefix = value[:2] if value[:2] in PREFIXES else "eq"
    raw = value[2:] if value[:2] in PREFIXES else value
    try:  # a space is what a "+" of an offset becomes when the client did not encode it
        day = parse_date(raw) if len(raw) == 10 else None
        at = None if day else parse_datetime(raw.replace(" ", "+"))
    except ValueError:  # well-formed but no such day or time
        day = at = None
    if day is None and at is None:
        raise _bad_request(
            _("Give _lastUpdated as a date (2025-01-31) or a date-time, with a prefix.")
        )
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, time.min))
        end = start + timedelta(days=1)
        ranges = {
            "eq": Q(**{f"{field}__gte": start, f"{field}__lt": end}),
            "gt": Q(**{f"{field}__gte": end}),
            "ge": Q(**{f"{field}__gte": start}),
            "lt": Q(**{f"{field}__lt": start}),
            "le": Q(**{f"{field}__lt": end}),
        }
        return ranges[prefix]
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    lookup = {"eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}[prefix]
    return Q(**{f"{field}__{lookup}": at})


def _states(codes: set[str], mapping: dict) -> list[str]:
    return [state.value for state, code in mapping.items() if code in codes]


def filter_status(queryset: QuerySet, params, status_of: dict, allowed: frozenset) -> QuerySet:
    """`status`: codes separated by commas are alternatives; repeated parameters all hold."""
    for value in params.getlist("status"):
        queryset = queryset.filter(state__in=_states(_codes(value, allowed), status_of))
    return queryset


def filter_referrals(queryset: QuerySet, params, status_of: dict, allowed: frozenset) -> QuerySet:
    """The referral searches' parameters (ServiceRequest and Task), each an AND."""
    queryset = filter_status(queryset, params, status_of, allowed)
    for value in params.getlist("_lastUpdated"):
        queryset = queryset.filter(_date_filter("updated_at", value))
    if "owner" in params:
        queryset = queryset.filter(organization_id=_reference_id(params["owner"], "Organization"))
    if "requester" in params:
        queryset = queryset.filter(
            referrer_id=_reference_id(params["requester"], "PractitionerRole")
        )
    return queryset


# --- the views ----------------------------------------------------------------------------------


class FHIRView(APIView):
    """One resource type's URLs: `/fhir/{type}` (search) and `/fhir/{type}/{id}`."""

    kind = ""
    schema = None  # the FHIR API is described by /fhir/metadata, not by the OpenAPI schema
    # The REST API's token first, so that a request without one is answered 401 with
    # `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [FHIRRenderer, PlainJSONRenderer]
    parser_classes = [FHIRParser, JSONPatchParser, JSONParser]

    def get_exception_handler(self):
        return exception_handler

    def get_permissions(self):
        if self.kind in RESOURCES and RESOURCES[self.kind].public:
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def base(self) -> str:
        return self.request.build_absolute_uri("/fhir/")

    def check_params(self) -> None:
        allowed = RESOURCES[self.kind].param_names | CONTROL_PARAMETERS
        unknown = sorted(set(self.request.query_params) - allowed)
        if unknown:
            raise _bad_request(
                _("Unknown search parameter: %(names)s.") % {"names": ", ".join(unknown)}
            )

    def searchset(self, found: list[Resource], pages: CursorPagination) -> Response:
        links = {
            "self": self.request.build_absolute_uri(),
            "next": pages.get_next_link(),
            "previous": pages.get_previous_link(),
        }
        return Response(resources.bundle(found, base=self.base(), links=links))


class MetadataView(FHIRView):
    def get_permissions(self):
        return [permissions.AllowAny()]

    def get(self, request):
        return Response(capability_statement(self.base()))


# --- referrals: ServiceRequest, Task, Patient -----------------------------------------------------


def _lists(referrals: list[Referral]) -> dict:
    return referral_lists([referral.pk for referral in referrals], (CHALLENGES, DECLINES))


def _summary_allowed(referral: Referral, user) -> bool:
    """The outcome summary: for the organization that wrote it, and for the referrer when the
    family agreed to have it returned."""
    if referral.referrer_id != user.pk:
        return True
    return referral.consent is not None and referral.consent.is_valid_for(Scope.RETURN_OUTCOME)


def _outcome(referral: Referral):
    return getattr(referral, "outcome", None)


def task_of(referral: Referral, lists, user, *, shown: bool):
    return resources.task(
        referral,
        lists,
        shown=shown,
        report=_outcome(referral),
        summary=_summary_allowed(referral, user),
    )


class ReferralSearchMixin:
    def referral_rows(self) -> QuerySet:
        """The referrals the caller may list: the REST API's list (their own, their
        organization's); a coordinator's Tasks are the triage queue."""
        request = self.request
        if self.for_triage():
            return (
                selectors.triage_queue()
                .select_related(*REFERRAL_RELATED)
                .order_by("-created_at", "-pk")
            )
        listing = ReferralViewSet(request=request, format_kwarg=None)
        return listing.get_queryset().select_related("organization", "outcome")

    def for_triage(self) -> bool:
        """A coordinator's Task search: the triage queue, without the families."""
        return self.kind == "Task" and self.request.user.has_perm("referrals.triage_referral")

    def search_referrals(self, build, status_of: dict, allowed: frozenset) -> Response:
        """A page of the referrals as `build` makes them, with the family's data where the
        REST API's list shows it (`family_shown_in_list`), each such read recorded."""
        self.check_params()
        user = self.request.user
        pages = ReferralPages()
        params = self.request.query_params
        rows = filter_referrals(self.referral_rows(), params, status_of, allowed)
        page = pages.paginate_queryset(rows, self.request, view=self)
        triage = self.for_triage()
        shown = {r.pk for r in page if not triage and selectors.family_shown_in_list(r, user)}
        lists = _lists(page)
        found = [build(r, lists[r.pk], shown=r.pk in shown) for r in page]
        record_accesses(self.request, shown, FHIR)
        return self.searchset(found, pages)


def _referral(user, pk) -> Referral:
    return selectors.get_referral_for_user(
        user, pk, related=(*REFERRAL_RELATED, "outcome"), prefetch=()
    )


class ServiceRequestView(ReferralSearchMixin, FHIRView):
    kind = "ServiceRequest"

    def get(self, request, pk=None):
        if pk is None:
            return self.search_referrals(
                lambda r, lists, shown: resources.service_request(r, lists, shown=shown),
                resources.SERVICE_REQUEST_STATUS,
                SERVICE_REQUEST_STATUSES,
            )
        referral = _referral(request.user, pk)
        record_access(request, referral, FHIR)
        lists = _lists([referral])[referral.pk]
        return Response(resources.service_request(referral, lists, shown=True))


class PatientView(FHIRView):
    kind = "Patient"

    def get(self, request, pk):
        referral = _referral(request.user, pk)
        record_access(request, referral, FHIR)
        return Response(resources.patient(referral))


CHANGEABLE = ("status", "statusReason", "output")


def _task_change(body, *, full: bool) -> dict:
    """The Task.status, statusReason and output a PUT (a whole Task) or a PATCH (JSON Patch,
    or an object with only those) asks for."""
    if isinstance(body, list):
        changed = {}
        for operation in body:
            if not isinstance(operation, dict):
                raise _bad_request(_("A JSON Patch is a list of operations."))
            path = operation.get("path")
            if operation.get("op") not in ("replace", "add") or path not in [
                f"/{name}" for name in CHANGEABLE
            ]:
                raise _bad_request(_("Only a Task's status, statusReason and output can change."))
            changed[path[1:]] = operation.get("value")
        body = changed
    elif not isinstance(body, dict):
        raise _bad_request(_("Send a Task, a JSON Patch or an object with its status."))
    if body.get("resourceType", "Task") != "Task":
        raise _bad_request(_("Send a Task."))
    if full:
        Task.model_validate(body)  # a PUT sends a whole, valid Task
    elif set(body) - {"resourceType", "id", *CHANGEABLE}:
        raise _bad_request(_("Only a Task's status, statusReason and output can change."))
    if body.get("status") not in TASK_STATUSES:
        raise _bad_request(_("Give the Task's status as a FHIR task status."))
    if not isinstance(body.get("statusReason") or {}, dict) or not isinstance(
        body.get("output") or [], list
    ):
        raise _bad_request(_("Give statusReason as a CodeableConcept and output as a list."))
    return body


def _action_data(reason: dict) -> dict:
    """What the referral action takes from a statusReason: its text, and a decline reason
    among its codings ("other" when none)."""
    data = {"reason": str(reason.get("text") or "")}
    for found in reason.get("coding") or []:
        if isinstance(found, dict) and found.get("system") == DECLINE_REASON.url:
            data["reason_code"] = str(found.get("code") or "")
    data.setdefault("reason_code", DeclineReason.OTHER)
    return data


def _outcome_data(outputs: list) -> dict:
    """An outcome report from a completed Task's outputs (`TaskOutput` types); {} when it
    carries none."""
    found = {}
    for output in outputs:
        codings = ((output or {}).get("type") or {}).get("coding") or []
        kind = next((c.get("code") for c in codings if c.get("system") == TASK_OUTPUT.url), None)
        if kind in (TaskOutput.SERVICE_GIVEN, TaskOutput.NEXT_STEP):
            value = (output.get("valueCodeableConcept") or {}).get("coding") or [{}]
            found[kind] = str(value[0].get("code") or "")
        elif kind == TaskOutput.SESSIONS:
            found[kind] = output.get("valueInteger")
        elif kind == TaskOutput.SUMMARY:
            found[kind] = str(output.get("valueString") or "")
    if not found:
        return {}
    if (
        found.get(TaskOutput.SERVICE_GIVEN) not in ServiceGiven.values
        or found.get(TaskOutput.NEXT_STEP) not in COMPLETING_STEPS
        or not isinstance(found.get(TaskOutput.SESSIONS), int)
    ):
        raise _bad_request(
            _(
                "A completed Task's output gives the service given, the number of sessions "
                "and a next step that ends the service here."
            )
        )
    return {
        "service_given": found[TaskOutput.SERVICE_GIVEN],
        "sessions": found[TaskOutput.SESSIONS],
        "next_step": found[TaskOutput.NEXT_STEP],
        "summary_for_referrer": found.get(TaskOutput.SUMMARY, ""),
    }


class TaskView(ReferralSearchMixin, FHIRView):
    kind = "Task"

    def get(self, request, pk=None):
        if pk is None:
            return self.search_referrals(
                lambda r, lists, shown: task_of(r, lists, request.user, shown=shown),
                FHIR_TASK_STATUS,
                TASK_STATUSES,
            )
        try:
            referral = _referral(request.user, pk)
        except Http404:
            # A coordinator follows the work on a referral without the family's data.
            referral = selectors.get_referral_for_triage(request.user, pk, prefetch=())
            lists = _lists([referral])[referral.pk]
            return Response(task_of(referral, lists, request.user, shown=False))
        record_access(request, referral, FHIR)
        lists = _lists([referral])[referral.pk]
        return Response(task_of(referral, lists, request.user, shown=True))

    def put(self, request, pk):
        if not isinstance(request.data, dict) or str(request.data.get("id", "")) != str(pk):
            raise _bad_request(_("Send the whole Task, with the id of its address."))
        return self._change(request, pk, full=True)

    def patch(self, request, pk):
        return self._change(request, pk, full=False)

    def _change(self, request, pk, *, full: bool):
        """The owning organization moves the referral through the same action as its page
        (the action registry: permission, lock, audit row, effects, notifications)."""
        referral = _referral(request.user, pk)
        change = _task_change(request.data, full=full)
        new_status = change["status"]
        outcome = _outcome_data(change.get("output") or []) if new_status == "completed" else {}
        if new_status != referral.fhir_status:
            name = _action_setting(referral, new_status)
            if name is None:
                raise TransitionRefused(
                    [
                        _("A referral's Task cannot be set to %(status)s here.")
                        % {"status": new_status}
                    ]
                )
            if outcome:  # the outcome page's way: the report completes the referral
                outcome_report(referral=referral, actor=request.user, **outcome)
            else:
                data = _action_data(change.get("statusReason") or {})
                REFERRAL_ACTIONS.call(name, referral, request.user, data)
        referral = Referral.objects.select_related(*REFERRAL_RELATED, "outcome").get(pk=pk)
        shown = may_read_family(referral, request.user)
        if shown:
            record_access(request, referral, FHIR)
        lists = _lists([referral])[referral.pk]
        return Response(task_of(referral, lists, request.user, shown=shown))


def _action_setting(referral: Referral, status: str) -> str | None:
    """The referral action whose transition leads to a state of this Task status: one from
    the referral's state where there is one, else any (the runner then refuses it with the
    reason, as the page would). None for a status a client may not set."""
    if status not in SETTABLE_STATUSES:
        return None
    sources: dict[str, set] = {}
    for transition in referral.get_all_state_transitions():
        if FHIR_TASK_STATUS.get(transition.target) == status:
            sources.setdefault(transition.name, set()).add(transition.source)
    found = [action for action in REFERRAL_ACTIONS if action.transition in sources]
    here = [a for a in found if sources[a.transition] & {referral.state, "*", "+"}]
    chosen = here or found
    return chosen[0].name if chosen else None


# --- consents, appointments ---------------------------------------------------------------------


class ConsentView(FHIRView):
    kind = "Consent"

    def get(self, request, pk):
        consent = get_consent_for_user(request.user, pk)
        personal = may_read_personal(consent, request.user)
        family = list(consent.referrals.all())
        patient_id = None
        if personal:
            record_accesses(request, [referral.pk for referral in family], FHIR)
            readable = [r.pk for r in family if may_read_family(r, request.user)]
            patient_id = readable[0] if readable else None
        return Response(
            resources.consent(consent, personal=personal, patient_id=patient_id, at=timezone.now())
        )


class AppointmentView(FHIRView):
    kind = "Appointment"

    def get(self, request, pk=None):
        if pk is not None:
            appointment = get_appointment_for_user(request.user, pk)
            record_access(request, appointment.referral, FHIR)
            return Response(resources.appointment(appointment))
        self.check_params()
        user = request.user
        rows = Appointment.objects.none()
        if getattr(user, "is_worker", False):
            rows = Appointment.objects.filter(organization_id=user.organization_id)
        rows = filter_status(
            rows, request.query_params, resources.APPOINTMENT_STATUS, APPOINTMENT_STATUSES
        )
        pages = AppointmentPages()
        page = pages.paginate_queryset(
            rows.select_related("organization", "site"), request, view=self
        )
        record_accesses(request, [a.referral_id for a in page], FHIR)
        return self.searchset([resources.appointment(a) for a in page], pages)


# --- the catalogue (public) ---------------------------------------------------------------------


class CatalogueView(FHIRView):
    """A public resource type read from one queryset."""

    def rows(self) -> QuerySet:
        raise NotImplementedError

    def build(self, row) -> Resource:
        raise NotImplementedError

    def get(self, request, pk=None):
        if pk is not None:
            row = self.rows().filter(pk=pk).first()
            if row is None:
                raise Http404
            return Response(self.build(row))
        self.check_params()
        pages = CataloguePages()
        page = pages.paginate_queryset(self.rows(), request, view=self)
        return self.searchset([self.build(row) for row in page], pages)


class OrganizationView(CatalogueView):
    kind = "Organization"

    def rows(self):
        return Organization.objects.filter(is_active=True)

    build = staticmethod(resources.organization)


class LocationView(CatalogueView):
    kind = "Location"

    def rows(self):
        return ReceptionSite.objects.filter(is_active=True).select_related("municipality")

    build = staticmethod(resources.location)


class HealthcareServiceView(CatalogueView):
    kind = "HealthcareService"

    def rows(self):
        rows = (
            Service.objects.filter(is_active=True, organization__is_active=True)
            .select_related("organization")
            .prefetch_related("target_groups", "challenges", "modes", "languages")
        )
        if "organization" in self.request.query_params:
            organization = self.request.query_params["organization"]
            rows = rows.filter(organization_id=_reference_id(organization, "Organization"))
        return rows

    build = staticmethod(resources.healthcare_service)


class CodeSystemView(FHIRView):
    kind = "CodeSystem"

    def get(self, request, pk=None):
        if pk is not None:
            if pk not in CODE_SYSTEMS:
                raise Http404
            return Response(code_system(CODE_SYSTEMS[pk]))
        self.check_params()
        found = [code_system(codes) for codes in CODE_SYSTEMS.values()]
        links = {"self": request.build_absolute_uri()}
        return Response(resources.bundle(found, base=self.base(), links=links))


VIEWS = {
    view.kind: view
    for view in (
        ServiceRequestView,
        TaskView,
        PatientView,
        ConsentView,
        AppointmentView,
        OrganizationView,
        LocationView,
        HealthcareServiceView,
        CodeSystemView,
    )
}


class UnknownView(FHIRView):
    """Any other address under /fhir/: an OperationOutcome, not the site's 404 page."""

    def get_permissions(self):
        return [permissions.AllowAny()]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()
