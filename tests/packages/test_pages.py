"""The package pages: who sees which package (404 for anyone else), the list without N+1, the
actions the registry offers each person, and an action taken through the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from packages.actions import PACKAGE_ACTIONS
from packages.models import REPORT_STATES, Answer, State
from tests.factories import ProfessionalFactory, WorkerFactory
from tests.two_factor import login

from .helpers import PackageCast, package_in_state


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "outsider", "stranger"])
def test_a_person_without_a_part_gets_404(client, who):
    package, cast = package_in_state(State.INVITING)
    person = {
        "colleague": cast.colleague,
        "outsider": cast.outsider,
        "stranger": ProfessionalFactory(),
    }[who]
    login(client, person)
    assert client.get(reverse("packages:detail", args=[package.pk])).status_code == 404
    answer = reverse("packages:action", args=[package.pk, "answer"])
    assert client.post(answer, {"planned_hours": 5}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "contact", "worker_a", "worker_b"])
def test_the_parties_see_the_package(client, who):
    package, cast = package_in_state(State.INVITING)
    login(client, getattr(cast, who))
    response = client.get(reverse("packages:detail", args=[package.pk]))
    assert response.status_code == 200
    assert package.title in response.content.decode()


@pytest.mark.django_db
def test_a_worker_sees_only_their_own_organizations_answer(client):
    package, cast = package_in_state(State.INVITING)
    cast.run(package, "answer")
    login(client, cast.worker_b)
    page = client.get(reverse("packages:detail", args=[package.pk])).content.decode()
    assert "Bertta ry" in page
    assert "Aaltoperhe ry" not in page


@pytest.mark.django_db
def test_the_page_offers_the_actions_of_the_person_in_this_state(client):
    package, cast = package_in_state(State.COMPOSED)
    login(client, cast.contact)
    page = client.get(reverse("packages:detail", args=[package.pk])).content.decode()
    assert 'id="action-approve"' in page
    assert 'id="action-request_changes"' in page
    assert 'id="action-compose"' not in page


@pytest.mark.django_db
def test_the_coordinator_invites_ranked_organizations_through_the_page(client):
    cast = PackageCast()
    package = cast.draft()
    login(client, cast.coordinator)
    page = client.get(reverse("packages:detail", args=[package.pk])).content.decode()
    assert page.index("Aaltoperhe ry") < page.index("Bertta ry")  # best match first
    assert "Serves the target group" in page  # a reason shown
    response = client.post(
        reverse("packages:action", args=[package.pk, "invite"]),
        {"organizations": [cast.organization_a.pk]},
    )
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.state == State.INVITING
    assert [i.organization for i in package.invitations.all()] == [cast.organization_a]


@pytest.mark.django_db
def test_a_worker_answers_through_the_page_and_bad_input_gets_a_message(client):
    package, cast = package_in_state(State.INVITING)
    login(client, cast.worker_a)
    url = reverse("packages:action", args=[package.pk, "answer"])
    bad = client.post(url, {"group_sessions": "many"})
    assert bad.status_code == 400
    assert "Enter a whole number." in bad.content.decode()
    good = client.post(
        url,
        {
            "services": [cast.service_a.pk],
            "group_sessions": 2,
            "lectures": 0,
            "outreach_events": 0,
            "planned_hours": "12.5",
            "capacity": 6,
        },
    )
    assert good.status_code == 302
    assert package.invitations.get(organization=cast.organization_a).answer == Answer.ACCEPTED


@pytest.mark.django_db
def test_a_professional_records_a_challenge_for_their_own_municipality(client):
    cast = PackageCast()
    login(client, cast.contact)
    response = client.post(
        reverse("packages:new"),
        {
            "title": "Uupuneet vanhemmat",
            "target_group": cast.target_group.pk,
            "challenges": [cast.challenge.pk],
            "description": "Kuvaus",
            "language": "fi",
        },
    )
    assert response.status_code == 302
    package = cast.contact.service_packages_recorded.get()
    assert (package.municipality, package.contact, package.state) == (
        cast.municipality,
        cast.contact,
        State.DRAFT,
    )


@pytest.mark.django_db
def test_a_worker_cannot_record_a_challenge(client):
    login(client, WorkerFactory())
    assert client.get(reverse("packages:new")).status_code == 404


@pytest.mark.django_db
def test_the_list_does_not_grow_queries_with_the_packages(client, django_assert_max_num_queries):
    cast = PackageCast()
    for _n in range(2):
        package_in_state(State.RUNNING, cast)
    login(client, cast.coordinator)
    url = reverse("packages:list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _n in range(4):
        package_in_state(State.INVITING, cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-label="Package"') == 6


@pytest.mark.django_db
def test_the_list_shows_each_person_only_their_packages(client):
    mine, cast = package_in_state(State.INVITING)
    other, _other_cast = package_in_state(State.INVITING)
    login(client, cast.worker_a)
    page = client.get(reverse("packages:list")).content.decode()
    assert reverse("packages:detail", args=[mine.pk]) in page
    assert reverse("packages:detail", args=[other.pk]) not in page


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State))
def test_each_party_sees_the_actions_the_registry_offers_them_in_each_state(client, state):
    package, cast = package_in_state(state)
    for person in (cast.coordinator, cast.contact, cast.worker_a, cast.worker_b):
        login(client, person)
        page = client.get(reverse("packages:detail", args=[package.pk])).content.decode()
        offered = {a.name for a in PACKAGE_ACTIONS.available(package, person)}
        for action in PACKAGE_ACTIONS:
            assert (f'id="action-{action.name}"' in page) == (action.name in offered), (
                person,
                action.name,
            )
        report = reverse("package_reports:report", args=[package.pk])
        assert (report in page) == (state in REPORT_STATES)
        if state in REPORT_STATES:
            assert client.get(report).status_code == 200


@pytest.mark.django_db
def test_a_coordinator_records_a_challenge_for_a_municipality_and_names_its_contact(client):
    cast = PackageCast()
    login(client, cast.coordinator)
    assert client.get(reverse("packages:new")).status_code == 200
    body = {
        "title": "Koulupoissaolot",
        "municipality": cast.municipality.code,
        "description": "Kuvaus",
        "language": "fi",
        "contact_email": cast.outsider.email,  # not a professional of the municipality
    }
    refused = client.post(reverse("packages:new"), body)
    assert refused.status_code == 400
    assert "No professional of the municipality has this email." in refused.content.decode()
    response = client.post(reverse("packages:new"), {**body, "contact_email": cast.contact.email})
    assert response.status_code == 302
    package = cast.coordinator.service_packages_recorded.get()
    assert (package.municipality, package.contact) == (cast.municipality, cast.contact)
