"""schemathesis against /api/schema/: every operation, with a token of each role.

Each operation gets boundary cases of valid input and fuzzed valid and invalid input (a fixed
number, derandomized, so CI repeats the same run); every answer must be no server error and
must conform to the schema: a documented status code, content type and body. Half of the path ids
and referenced ids are swapped for rows that exist, so reads and transitions reach real
objects and not only 404s. Every date and date-time input also gets the ends of the service's
window of dates and of Python's calendar (0001-01-01, 9999-12-31, offsets past them), which the
fuzzing reaches only by chance. Findings are in /work/notes/fuzz-findings.md while they last.
"""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from appointments import services as appointment_services
from directory.models import OutcomeTheme
from packages import services as package_services
from packages.actions import PACKAGE_ACTIONS
from perhelinja.wsgi import application
from referrals.models import State
from tests.factories import Cast, ServiceFactory, api_token_for, referral_in_state

ROLES = ("professional", "worker", "coordinator")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Per operation and role: enough to reach past validation, small enough for ~3 min on 2 cores.
EXAMPLES = 20
# Body fields that name another object, and which seeded objects to draw for them.
REFERENCES = {
    "consent": "consents",
    "referral": "referrals",
    "slot": "slots",
    "organization": "organizations",
    "onward_organization": "organizations",
    "worker": "workers",
    "site": "sites",
}
# Path segment of a detail URL → which seeded objects its {id} may be.
PATH_KINDS = {
    "referrals": "referrals",
    "consents": "consents",
    "organizations": "organizations",
    "services": "services",
    "shifts": "shifts",
    "appointments": "appointments",
    "outcomes": "outcomes",
    "packages": "packages",
}
TRANSITION_NAMES = {
    "referrals": [
        "submit",
        "assign",
        "open_pool",
        "claim",
        "accept",
        "decline",
        "return",
        "cancel",
        "withdraw",
    ],
    "appointments": ["confirm", "attend", "no_show", "cancel", "cancel_by_family"],
    "packages": [action.name for action in PACKAGE_ACTIONS],
}


def seed() -> tuple[Cast, dict[str, list[int]]]:
    """Rows for every resource the API serves, around one organization and its people."""
    cast = Cast()
    referrals = [
        referral_in_state(state, cast)[0]
        for state in (
            State.DRAFT,
            State.SUBMITTED,
            State.POOLED,
            State.ASSIGNED,
            State.ACCEPTED,
            State.RETURNED,
        )
    ]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    shift = appointment_services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=tomorrow,
        start_time=datetime.time(9),
        end_time=datetime.time(13),
    )
    slots = list(shift.slots.order_by("starts_at"))
    booked, _cast = referral_in_state(State.ACCEPTED, cast)
    appointment = appointment_services.appointment_book(
        referral=booked, slot=slots[0], actor=cast.handler
    )
    reported, _cast = referral_in_state(State.ACCEPTED, cast)
    theme = OutcomeTheme.objects.create(
        slug="everyday-life", name_fi="Arki", name_sv="Vardag", name_en="Everyday life"
    )
    outcome = appointment_services.outcome_report(
        referral=reported,
        actor=cast.handler,
        service_given="counselling",
        sessions=1,
        next_step="no_further_need",
        themes=[theme],
    )
    service = ServiceFactory(organization=cast.organization)
    ids = {
        "referrals": [r.pk for r in [*referrals, booked, reported]],
        "consents": sorted({r.consent_id for r in referrals}),
        "organizations": [cast.organization.pk],
        "services": [service.pk],
        "shifts": [shift.pk],
        "slots": [s.pk for s in slots],
        "appointments": [appointment.pk],
        "outcomes": [outcome.pk],
        "workers": [cast.handler.pk],
        "sites": [],
        "packages": seed_packages(cast, service),
    }
    return cast, ids


def seed_packages(cast: Cast, service) -> list[int]:
    """A draft, an inviting and a running package around the cast: its referrer the contact,
    its organization invited and contributing."""
    data = {
        "organizations": [cast.organization],
        "services": [service],
        "planned_hours": 10,
        "plan": "Vertaisryhmä keväällä.",
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate() + datetime.timedelta(days=60),
    }
    actors = {"answer": cast.handler, "approve": cast.referrer}
    pks = []
    for steps in ((), ("invite",), ("invite", "answer", "compose", "approve", "start")):
        package = package_services.package_create(
            actor=cast.referrer, title="Tuki", description="Kuvaus", challenges=[cast.challenge]
        )
        for step in steps:
            package = PACKAGE_ACTIONS.call(step, package, actors.get(step, cast.coordinator), data)
        pks.append(package.pk)
    return pks


def real_or_generated(value, kind: str, ids: dict[str, list[int]]) -> st.SearchStrategy:
    if not ids.get(kind):
        return st.just(value)
    return st.one_of(st.just(value), st.sampled_from(ids[kind]))


def add_real_ids(schema, ids: dict[str, list[int]]) -> None:
    """Let half the generated ids be ids of rows that exist (schema-scoped hooks)."""

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        segments = context.operation.path.strip("/").split("/")
        resource = segments[2] if len(segments) > 2 else ""
        params = dict(path_parameters or {})
        strategy = st.just(params)
        if "id" in params and resource in PATH_KINDS:
            strategy = real_or_generated(params["id"], PATH_KINDS[resource], ids).map(
                lambda value: {**params, "id": value}
            )
        if "name" in params and resource in TRANSITION_NAMES:
            names = TRANSITION_NAMES[resource]
            strategy = strategy.flatmap(
                lambda p: st.one_of(
                    st.just(p), st.sampled_from(names).map(lambda n: {**p, "name": n})
                )
            )
        return strategy

    @schema.hook
    def flatmap_body(context, body):
        if not isinstance(body, dict):
            return st.just(body)
        strategy = st.just(dict(body))
        for field, kind in REFERENCES.items():
            if field in body and isinstance(body[field], int) and ids.get(kind):
                strategy = strategy.flatmap(
                    lambda b, field=field, kind=kind: real_or_generated(b[field], kind, ids).map(
                        lambda value, b=b, field=field: {**b, field: value}
                    )
                )
        return strategy


# Loaded once at collection: one test per operation and role. The ids the hooks draw from are
# filled in by the fixture, which seeds each test's own transaction.
SEEDED: dict[str, list[int]] = {}
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.seed = 20261125
# The coverage phase walks every field's boundaries; its negative half alone would triple the
# run (~7,000 more requests), so invalid input comes from the fuzzing phase's negative cases.
schema.config.phases.coverage.generation.update(modes=[GenerationMode.POSITIVE])
add_real_ids(schema, SEEDED)


@pytest.fixture(params=ROLES)
def token(request, db, settings):
    """Seeded rows, and the token of one role (made directly: coordinators' login may need
    a one-time code)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    cast, ids = seed()
    SEEDED.clear()
    SEEDED.update(ids)
    user = {"professional": cast.referrer, "worker": cast.handler, "coordinator": cast.coordinator}[
        request.param
    ]
    # Requests go straight to the WSGI app, whose end-of-request handler would close the
    # connection and with it the test's transaction; Django's own test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield api_token_for(user)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_without_server_errors_and_as_documented(case, token):
    cache.clear()  # the API's throttle counts live in the cache; this test is not about them
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


def test_every_transition_of_every_seeded_object_answers_as_documented(token):
    """Each transition name on each seeded referral and appointment, in a fixed order, by each
    role: fuzzing reaches these combinations only by chance."""
    failures = []
    for path, kind in (
        ("/api/v1/referrals/{id}/transitions/{name}/", "referrals"),
        ("/api/v1/appointments/{id}/transitions/{name}/", "appointments"),
        ("/api/v1/packages/{id}/transitions/{name}/", "packages"),
    ):
        operation = schema[path]["POST"]
        for pk in SEEDED[kind]:
            for name in TRANSITION_NAMES[kind]:
                cache.clear()
                body = {
                    "reason": "Perhe toivoo muutosta.",
                    "organization": SEEDED["organizations"][0],
                }
                case = operation.Case(
                    path_parameters={"id": pk, "name": name},
                    body=body,
                    media_type="application/json",
                )
                try:
                    case.call_and_validate(
                        headers={"Authorization": f"Token {token}"}, checks=CHECKS
                    )
                # schemathesis raises a FailureGroup (a BaseExceptionGroup) or a Failure.
                except (AssertionError, BaseExceptionGroup) as failure:
                    failures.append(f"{name} on {kind} {pk}: {failure}")
    assert not failures, "\n\n".join(failures)


# Dates at and beyond the ends of the service's window (perhelinja.dates) and of Python's
# calendar, and moments whose offset carries them past the calendar's ends once in UTC: the
# fuzzing phase draws dates from the whole calendar only by chance.
BOUNDARY_VALUES = {
    "date": [
        "0001-01-01",
        "1899-12-31",
        "1999-12-31",
        "2000-01-01",
        "2100-12-31",
        "2101-01-01",
        "9999-12-31",
    ],
    "date-time": [
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2000-01-01T00:00:00Z",
        "2100-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z",
        "9999-12-31T23:00:00Z",
        "9999-12-31T23:59:59-14:00",
    ],
}


def _resolved(raw: dict, node: dict) -> dict:
    """A schema node with its $ref, or the one $ref of an allOf/oneOf (enums), followed."""
    while True:
        refs = [node] if "$ref" in node else node.get("allOf") or node.get("oneOf") or []
        refs = [r for r in refs if "$ref" in r]
        if not refs:
            return node
        node = raw["components"]["schemas"][refs[0]["$ref"].rsplit("/", 1)[-1]]


def _plausible(raw: dict, name: str, node: dict):
    """A value that passes a field's own validation, so the request reaches past it."""
    node = _resolved(raw, node)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    if node.get("enum"):
        return next(v for v in node["enum"] if v not in ("", None))
    if "example" in node:
        return node["example"]
    if node.get("format") == "date":
        return tomorrow.isoformat()
    if node.get("format") == "date-time":
        return f"{tomorrow.isoformat()}T09:00:00+02:00"
    if node.get("format") == "time":
        return "09:00"
    if node.get("type") == "boolean":
        return False
    if node.get("type") == "integer":
        return (SEEDED.get(REFERENCES.get(name, "")) or [1])[0]
    if node.get("type") == "array":
        return [_plausible(raw, name, node.get("items", {}))]
    return "Perhe toivoo keskusteluapua."


def date_inputs() -> list[tuple[str, str, str, str, str]]:
    """(path, method, where, name, format) of every date and date-time input of the API: query
    parameters and JSON body properties."""
    raw = schema.raw_schema
    found = []
    for path, operations in raw["paths"].items():
        for method, definition in operations.items():
            if not isinstance(definition, dict):
                continue
            for parameter in definition.get("parameters", []):
                kind = _resolved(raw, parameter.get("schema", {})).get("format")
                if parameter.get("in") == "query" and kind in BOUNDARY_VALUES:
                    found.append((path, method.upper(), "query", parameter["name"], kind))
            content = definition.get("requestBody", {}).get("content", {})
            body = _resolved(raw, content.get("application/json", {}).get("schema", {}))
            for name, node in body.get("properties", {}).items():
                kind = _resolved(raw, node).get("format")
                if kind in BOUNDARY_VALUES and not node.get("readOnly"):
                    found.append((path, method.upper(), "body", name, kind))
    return found


def _cases(path: str, method: str, where: str, name: str, value: str, inputs) -> list:
    """Requests with `name` at `value`: a query parameter alone and with the operation's other
    date parameters at the same value (a period from 9999-12-31 to 9999-12-31); a body field
    among plausible required fields; a transition under each name the resource knows."""
    raw = schema.raw_schema
    definition = raw["paths"][path][method.lower()]
    resource = path.strip("/").split("/")[2]
    path_parameters = [{}]
    for parameter in definition.get("parameters", []):
        if parameter.get("in") != "path":
            continue
        if parameter["name"] == "id":
            ids = SEEDED.get(PATH_KINDS.get(resource, "")) or [1]
            path_parameters = [{**p, "id": ids[0]} for p in path_parameters]
        elif parameter["name"] == "name":
            names = TRANSITION_NAMES.get(resource) or ["unknown"]
            path_parameters = [{**p, "name": n} for p in path_parameters for n in names]
    operation = schema[path][method]
    if where == "query":
        together = {n: value for p, m, w, n, _k in inputs if (p, m, w) == (path, method, where)}
        return [
            operation.Case(path_parameters=params, query=query)
            for params in path_parameters
            for query in ({name: value}, together)
        ]
    content = definition["requestBody"]["content"]["application/json"]["schema"]
    body_schema = _resolved(raw, content)
    body = {
        field: _plausible(raw, field, body_schema["properties"][field])
        for field in body_schema.get("required", [])
    }
    return [
        operation.Case(
            path_parameters=params, body={**body, name: value}, media_type="application/json"
        )
        for params in path_parameters
    ]


def test_every_date_input_takes_boundary_dates_without_server_errors(token):
    """Each date and date-time query parameter and body field, with the other required fields
    plausible, at each boundary value: a clear 4xx or an answer, never a server error."""
    inputs = date_inputs()
    assert {(p, n) for p, _m, _w, n, _k in inputs} >= {
        ("/api/v1/referrals/", "submitted_after"),
        ("/api/v1/stats/throughput/", "start"),
        ("/api/v1/consents/", "valid_until"),
    }
    failures = []
    for path, method, where, name, kind in inputs:
        for value in BOUNDARY_VALUES[kind]:
            for case in _cases(path, method, where, name, value, inputs):
                cache.clear()
                try:
                    case.call_and_validate(
                        headers={"Authorization": f"Token {token}"}, checks=CHECKS
                    )
                # schemathesis raises a FailureGroup (a BaseExceptionGroup) or a Failure.
                except (AssertionError, BaseExceptionGroup) as failure:
                    failures.append(f"{method} {case.formatted_path} {name}={value}: {failure}")
    assert not failures, "\n\n".join(failures)
