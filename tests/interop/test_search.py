"""The referral searches' parameters, their pages, and what they cost."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from referrals.models import Referral, State
from tests.factories import (
    Cast,
    OrganizationFactory,
    ServiceFactory,
    api_client_for,
    referral_in_state,
)

from .helpers import entries, link, parsed

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    """One organization's referrals: two assigned, one accepted, one completed."""
    cast = Cast()
    found = {
        name: referral_in_state(state, cast)[0]
        for name, state in (
            ("assigned", State.ASSIGNED),
            ("assigned_too", State.ASSIGNED),
            ("accepted", State.ACCEPTED),
            ("completed", State.COMPLETED),
        )
    }
    return cast, found


def ids(response) -> set[int]:
    return {int(resource.id) for resource in entries(response)}


def test_status_owner_and_requester_filter_tasks_and_requests(held):
    cast, found = held
    worker = api_client_for(cast.handler)
    assigned = {found["assigned"].pk, found["assigned_too"].pk}
    assert ids(worker.get("/fhir/Task?status=received")) == assigned
    everything = {r.pk for r in found.values()}
    assert ids(worker.get("/fhir/Task?status=received,accepted,completed")) == everything
    assert ids(worker.get("/fhir/ServiceRequest?status=completed")) == {found["completed"].pk}
    assert ids(worker.get("/fhir/ServiceRequest?status=active")) == everything - {
        found["completed"].pk
    }
    owner = f"Organization/{cast.organization.pk}"
    assert ids(worker.get(f"/fhir/Task?owner={owner}")) == everything
    other = OrganizationFactory()
    assert ids(worker.get(f"/fhir/Task?owner=Organization/{other.pk}")) == set()
    referrer = api_client_for(cast.referrer)
    mine = f"PractitionerRole/{cast.referrer.pk}"
    assert ids(referrer.get(f"/fhir/ServiceRequest?requester={mine}")) == everything
    assert ids(referrer.get(f"/fhir/Task?requester={cast.referrer.pk}&status=accepted")) == {
        found["accepted"].pk
    }
    assert ids(referrer.get(f"/fhir/Task?requester=PractitionerRole/{cast.handler.pk}")) == set()


def test_last_updated_takes_prefixes_dates_and_ranges(held):
    cast, found = held
    old = timezone.now() - datetime.timedelta(days=10)
    Referral.objects.filter(pk=found["completed"].pk).update(updated_at=old)
    worker = api_client_for(cast.handler)
    recent = {r.pk for r in found.values()} - {found["completed"].pk}
    cutoff = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert ids(worker.get(f"/fhir/Task?_lastUpdated=ge{cutoff}")) == recent
    assert ids(worker.get(f"/fhir/Task?_lastUpdated=lt{cutoff}")) == {found["completed"].pk}
    day = timezone.localtime(old).date().isoformat()
    assert ids(worker.get(f"/fhir/Task?_lastUpdated={day}")) == {found["completed"].pk}
    instant = (old - datetime.timedelta(minutes=1)).isoformat().replace("+", "%2B")
    assert ids(worker.get(f"/fhir/Task?_lastUpdated=gt{instant}&_lastUpdated=le{cutoff}")) == {
        found["completed"].pk
    }


def test_bad_parameters_are_400_operation_outcomes(held):
    cast, _found = held
    worker = api_client_for(cast.handler)
    for query in (
        "status=nonsense",
        "_lastUpdated=yesterday",
        "_lastUpdated=ge2025-13-45",
        "owner=Organization/x",
        "requester=Group/1",
        "subject=Patient/1",
    ):
        answer = worker.get(f"/fhir/Task?{query}")
        assert answer.status_code == 400, query
        assert parsed(answer).issue[0].code == "invalid", query


def test_pages_follow_bundle_links(held):
    cast, found = held
    worker = api_client_for(cast.handler)
    seen, url = [], "/fhir/Task?_count=3&status=received,accepted,completed"
    while url:
        answer = worker.get(url)
        seen += [int(task.id) for task in entries(answer)]
        assert link(answer, "self")
        url = link(answer, "next")
    assert sorted(seen) == sorted(r.pk for r in found.values())
    assert len(seen) == len(set(seen))
    first = worker.get("/fhir/Task?_count=3")
    assert len(entries(first)) == 3 and link(first, "next") and not link(first, "previous")


@pytest.mark.parametrize("kind", ["Task", "ServiceRequest", "Appointment"])
def test_searches_do_not_grow_queries_with_the_page(kind, django_assert_max_num_queries):
    cast = Cast()
    for _i in range(6):
        referral_in_state(State.COMPLETED, cast)
    worker = api_client_for(cast.handler)
    worker.get(f"/fhir/{kind}")  # warm the token and role caches of nothing: each call pays
    with django_assert_max_num_queries(9):
        answer = worker.get(f"/fhir/{kind}")
    assert answer.status_code == 200
    if kind != "Appointment":
        assert len(entries(answer)) == 6


def test_the_catalogue_search_does_not_grow_queries(django_assert_max_num_queries):
    cast = Cast()
    for _i in range(5):
        service = ServiceFactory(organization=cast.organization)
        service.challenges.add(cast.challenge)
        service.target_groups.add(cast.target_group)
    anonymous = APIClient()
    with django_assert_max_num_queries(6):
        answer = anonymous.get("/fhir/HealthcareService")
    assert len(entries(answer)) == 6


def test_a_client_asking_for_plain_json_gets_the_same_resource(held):
    cast, found = held
    worker = api_client_for(cast.handler)
    path = f"/fhir/Task/{found['accepted'].pk}"
    plain = worker.get(path, HTTP_ACCEPT="application/json")
    assert plain["Content-Type"].startswith("application/json")
    assert plain.json() == worker.get(path, HTTP_ACCEPT="application/fhir+json").json()
    assert worker.get(path + "?_format=json").status_code == 200
