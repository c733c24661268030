"""Every API endpoint against every role: each sees only what it may, and what it may not
know exists is 404 — above all a referral, to other municipalities and organizations."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from appointments.services import appointment_book, outcome_report
from directory.models import Municipality
from tests.appointments.helpers import accepted_with_shift
from tests.factories import (
    Cast,
    CoordinatorFactory,
    OrganizationFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)
from tests.factories import (
    api_client_for as client_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One referral of Turku's professional, held by organization X and booked; and everyone
    around it who must not see it."""
    referral, cast, shift = accepted_with_shift()
    appointment = appointment_book(referral=referral, slot=shift.slots.first(), actor=cast.handler)
    done, _cast = referral_in_state("in_service", cast)
    report = outcome_report(
        referral=done,
        actor=cast.handler,
        service_given="counselling",
        sessions=1,
        next_step="no_further_need",
    )
    other_municipality = Municipality.objects.exclude(pk=cast.referrer.municipality_id).first()
    people = {
        "referrer": cast.referrer,
        "colleague_same_municipality": ProfessionalFactory(municipality=cast.referrer.municipality),
        "professional_other_municipality": ProfessionalFactory(municipality=other_municipality),
        "worker_x": cast.handler,
        "coordinator": CoordinatorFactory(),
    }
    for i in range(3):  # every other organization's workers
        people[f"worker_other_org_{i}"] = WorkerFactory(organization=OrganizationFactory())
    return {
        "referral": referral,
        "cast": cast,
        "shift": shift,
        "appointment": appointment,
        "report": report,
        "consent": referral.consent,
        "people": people,
    }


def expected(allowed: set[str], people: dict, ok: int = 200, denied: int = 404) -> dict:
    return {name: ok if name in allowed else denied for name in people}


def statuses(people: dict, call) -> dict:
    return {name: call(client_for(user)).status_code for name, user in people.items()}


def test_a_referral_is_404_to_other_municipalities_and_organizations(world):
    pk, people = world["referral"].pk, world["people"]
    mine = {"referrer", "worker_x"}
    assert statuses(people, lambda a: a.get(f"/api/v1/referrals/{pk}/")) == expected(mine, people)
    for name in ("accept", "decline", "cancel", "withdraw", "return", "claim", "submit"):
        path = f"/api/v1/referrals/{pk}/transitions/{name}/"
        got = statuses(people, lambda a, p=path: a.post(p))
        for person, code in got.items():
            if person not in mine and person != "coordinator":
                assert code == 404, (name, person, code)
    got = statuses(people, lambda a: a.patch(f"/api/v1/referrals/{pk}/", {}, format="json"))
    assert all(code == 404 for person, code in got.items() if person not in mine), got


def test_referral_lists_hold_only_what_each_may_see(world):
    pk, people = world["referral"].pk, world["people"]
    for name, user in people.items():
        ids = {r["id"] for r in client_for(user).get("/api/v1/referrals/").data["results"]}
        assert (pk in ids) == (name in {"referrer", "worker_x"}), name


def test_appointments_shifts_and_outcomes_are_the_organizations_own(world):
    people = world["people"]
    cases = {
        f"/api/v1/appointments/{world['appointment'].pk}/": {"worker_x"},
        f"/api/v1/shifts/{world['shift'].pk}/": {"worker_x"},
        f"/api/v1/outcomes/{world['report'].pk}/": {"worker_x"},
    }
    for path, allowed in cases.items():
        assert statuses(people, lambda a, p=path: a.get(p)) == expected(allowed, people), path
    for path in ("/api/v1/appointments/", "/api/v1/shifts/", "/api/v1/outcomes/"):
        for name, user in people.items():
            count = client_for(user).get(path).data["count"]
            assert (count > 0) == (name == "worker_x"), (path, name)


def test_a_consent_is_seen_by_its_recorder_and_those_who_may_record_its_withdrawal(world):
    """The family may withdraw by phone to the organization holding its referral or to a
    coordinator; nobody else learns the consent exists."""
    people = world["people"]
    parties = {"referrer", "worker_x", "coordinator"}
    path = f"/api/v1/consents/{world['consent'].pk}/"
    assert statuses(people, lambda a: a.get(path)) == expected(parties, people)
    got = statuses(people, lambda a: a.post(path + "withdraw/", {"reason": "x"}))
    assert all(code == 404 for name, code in got.items() if name not in parties), got


def test_throughput_is_for_coordinators_only(world):
    people = world["people"]
    got = statuses(people, lambda a: a.get("/api/v1/stats/throughput/"))
    assert got == expected({"coordinator"}, people)


def test_catalogue_organizations_and_free_slots_hold_no_personal_data_and_are_open(world):
    people = world["people"]
    for path in ("/api/v1/organizations/", "/api/v1/services/", "/api/v1/slots/"):
        assert set(statuses(people, lambda a, p=path: a.get(p)).values()) == {200}, path
    slot = client_for(people["professional_other_municipality"]).get("/api/v1/slots/").data
    assert set(slot["results"][0]) == {
        "id",
        "organization",
        "starts_at",
        "ends_at",
        "mode",
        "site",
        "municipality",
    }
    # only the catalogue is public without a token
    assert APIClient().get("/api/v1/services/").status_code == 200
    for path in ("/api/v1/organizations/", "/api/v1/slots/", "/api/v1/referrals/"):
        assert APIClient().get(path).status_code in (401, 403), path


def test_writes_are_refused_to_roles_that_do_not_make_them(world):
    people = world["people"]
    shift_body = {
        "mode": "phone",
        "first_day": "2100-01-01",
        "start_time": "09:00",
        "end_time": "10:00",
    }
    got = statuses(people, lambda a: a.post("/api/v1/shifts/", shift_body, format="json"))
    workers = {n for n in people if n.startswith("worker")}
    assert got == expected(workers, people, ok=201, denied=403)
    consent_body = {
        "given_by_role": "guardian",
        "given_by_name": "M",
        "method": "verbal",
        "scopes": ["share_referral"],
    }
    got = statuses(people, lambda a: a.post("/api/v1/consents/", consent_body, format="json"))
    professionals = {"referrer", "colleague_same_municipality", "professional_other_municipality"}
    assert got == expected(professionals, people, ok=201, denied=403)


def test_cast_helper_is_not_shared_between_worlds():
    """Sanity: two casts never share an organization, so 'another organization' is real."""
    assert Cast().organization != Cast().organization


def test_a_token_revoked_or_expired_reaches_nothing_that_needs_one(world):
    """The referral holder's tokens after a password change and after their expiry: every
    endpoint that needs credentials answers 401, with the expected challenge."""
    worker = world["people"]["worker_x"]
    paths = [
        f"/api/v1/referrals/{world['referral'].pk}/",
        "/api/v1/referrals/",
        "/api/v1/appointments/",
        "/api/v1/shifts/",
        "/api/v1/outcomes/",
        "/api/v1/consents/",
        "/api/v1/organizations/",
        "/api/v1/slots/",
        f"/fhir/Task/{world['referral'].pk}",
    ]
    revoked = client_for(worker)
    assert {p: revoked.get(p).status_code for p in paths[:3]} == dict.fromkeys(paths[:3], 200)

    worker.set_password("uusi-salasana-kahdeksan-8")
    worker.save()
    expired = client_for(worker)
    AuthToken.objects.filter(user=worker).update(expiry=timezone.now() - timedelta(seconds=1))
    for api in (revoked, expired):
        answers = {path: api.get(path) for path in paths}
        assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(paths, 401)
        assert all(r["WWW-Authenticate"] == "Token" for r in answers.values())
