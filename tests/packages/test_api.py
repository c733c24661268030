"""/api/v1/packages/: the same actions and access rules as the pages, errors as documented."""

from __future__ import annotations

import pytest

from packages.actions import PACKAGE_ACTIONS
from packages.models import State
from tests.factories import WorkerFactory, api_client_for

from .helpers import PackageCast, package_in_state

URL = "/api/v1/packages/"


def _transition(package, name: str) -> str:
    return f"{URL}{package.pk}/transitions/{name}/"


@pytest.mark.django_db
def test_a_professional_creates_a_draft_for_their_own_municipality():
    cast = PackageCast()
    body = {
        "title": "Uupuneet vanhemmat",
        "target_group": cast.target_group.slug,
        "challenges": [cast.challenge.slug],
        "description": "Kuvaus",
        "municipality": "202",  # ignored: a professional's own municipality
    }
    response = api_client_for(cast.contact).post(URL, body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["state"] == State.DRAFT
    assert response.data["municipality"] == cast.municipality.code
    assert response.data["challenges"] == [cast.challenge.slug]


@pytest.mark.django_db
def test_a_coordinator_must_name_the_municipality_and_a_worker_may_not_create():
    cast = PackageCast()
    body = {"title": "T", "description": "Kuvaus"}
    response = api_client_for(cast.coordinator).post(URL, body, format="json")
    assert response.status_code == 400
    assert "municipality" in response.data
    assert api_client_for(cast.worker_a).post(URL, body, format="json").status_code == 403


@pytest.mark.django_db
def test_the_actions_run_through_the_api_with_their_errors():
    package, cast = package_in_state(State.DRAFT)
    coordinator = api_client_for(cast.coordinator)
    invite = coordinator.post(
        _transition(package, "invite"),
        {"organizations": [cast.organization_a.pk]},
        format="json",
    )
    assert invite.status_code == 200, invite.data
    assert invite.data["state"] == State.INVITING
    worker = api_client_for(cast.worker_a)
    missing = worker.post(_transition(package, "answer"), {"planned_hours": "5"}, format="json")
    assert missing.status_code == 400
    assert "group_sessions" in missing.data
    answer = {
        "services": [cast.service_a.pk],
        "group_sessions": 1,
        "lectures": 0,
        "outreach_events": 0,
        "planned_hours": "5.0",
        "capacity": 3,
    }
    assert worker.post(_transition(package, "answer"), answer, format="json").status_code == 200
    assert worker.post(_transition(package, "close"), {}, format="json").status_code == 403
    refused = coordinator.post(_transition(package, "close"), {}, format="json")
    assert refused.status_code == 409
    assert coordinator.post(_transition(package, "fly"), {}, format="json").status_code == 404


@pytest.mark.django_db
def test_others_get_404_and_a_worker_sees_only_their_answer():
    package, cast = package_in_state(State.COMPOSED)
    assert api_client_for(cast.outsider).get(f"{URL}{package.pk}/").status_code == 404
    assert api_client_for(cast.colleague).get(f"{URL}{package.pk}/").status_code == 404
    seen = api_client_for(cast.worker_b).get(f"{URL}{package.pk}/").data
    assert [i["organization"] for i in seen["invitations"]] == [cast.organization_b.pk]
    assert seen["available_transitions"] == []  # the package is composed: no answers now
    contact = api_client_for(cast.contact).get(f"{URL}{package.pk}/").data
    assert set(contact["available_transitions"]) == {"approve", "request_changes", "cancel"}
    assert len(contact["invitations"]) == 2


@pytest.mark.django_db
def test_the_list_is_each_callers_own_and_does_not_grow_queries(django_assert_max_num_queries):
    cast = PackageCast()
    for _n in range(2):
        package_in_state(State.INVITING, cast)
    api = api_client_for(cast.coordinator)
    api.get(URL)
    with django_assert_max_num_queries(10) as few:
        api.get(URL)
    for _n in range(3):
        package_in_state(State.DRAFT, cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(URL)
    assert len(response.data["results"]) == 5
    assert api_client_for(WorkerFactory()).get(URL).data["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State))
def test_every_action_by_every_role_answers_as_documented(state):
    """Fuzzing reaches a package in each state only by chance: each action, with a full body,
    by each party, on a package in each state, answers a documented status and never 500."""
    package, cast = package_in_state(state)
    body = {
        "reason": "Perustelu",
        "organizations": [cast.organization_a.pk],
        "services": [cast.service_a.pk],
        "group_sessions": 1,
        "lectures": 1,
        "outreach_events": 0,
        "planned_hours": "3.5",
        "capacity": 2,
        "plan": "Suunnitelma",
        "starts_on": "2026-03-01",
        "ends_on": "2026-02-01",  # before the start: refused with a message
        "referral": 999999,
        "activity": 999999,
        "hours": "2.0",
    }
    people = [cast.coordinator, cast.contact, cast.colleague, cast.worker_a, cast.worker_b]
    for person in people:
        api = api_client_for(person)
        for action in PACKAGE_ACTIONS:
            response = api.post(_transition(package, action.name), body, format="json")
            assert response.status_code in (200, 400, 403, 404, 409), (
                person,
                action.name,
                response.status_code,
            )
