"""schemathesis against /api/schema/: every operation, with a token of each role.

Each operation gets boundary cases of valid input and fuzzed valid and invalid input (a fixed
number, derandomized, so CI repeats the same run); every answer must be no server error and
must conform to the schema: a documented status code, content type and body. Half of the path ids
and referenced ids are swapped for rows that exist, so reads and transitions reach real
objects and not only 404s. Findings are in /work/notes/fuzz-findings.md while they last.
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
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from appointments import services as appointment_services
from directory.models import OutcomeTheme
from perhelinja.wsgi import application
from referrals.models import State
from tests.factories import Cast, ServiceFactory, referral_in_state

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
    }
    return cast, ids


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
        yield Token.objects.create(user=user).key
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
