"""The package's state machine: each role against each action, every path's audit rows,
refusals that change nothing, and the notifications through the outbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from packages import services
from packages.actions import PACKAGE_ACTIONS, PATHS
from packages.models import Answer, PackageEvent, State
from packages.tasks import notify_package_event, recipients
from perhelinja.fsm import TransitionRefused, may_run
from perhelinja.models import OutboxMessage
from referrals.models import State as ReferralState
from tests.factories import Cast, referral_in_state

from .helpers import END, START, PackageCast, package_in_state

ROLES = ("coordinator", "contact", "colleague", "contributor", "invited", "outsider")
# Who may take each action (whatever the state: the state is checked on its own).
ALLOWED = {
    "invite": {"coordinator"},
    "answer": {"contributor", "invited"},
    "decline_invitation": {"contributor", "invited"},
    "compose": {"coordinator"},
    "approve": {"contact"},
    "request_changes": {"contact"},
    "start": {"coordinator"},
    "attribute": {"coordinator", "contact", "contributor"},
    "report_hours": {"contributor"},
    "close": {"coordinator"},
    "evaluate": {"coordinator", "contact"},
    "cancel": {"coordinator", "contact"},
}


def _person(cast: PackageCast, role: str):
    return {
        "coordinator": cast.coordinator,
        "contact": cast.contact,
        "colleague": cast.colleague,
        "contributor": cast.worker_a,
        "invited": cast.worker_b,
        "outsider": cast.outsider,
    }[role]


def test_the_matrix_names_every_action_of_the_registry():
    assert set(ALLOWED) == {action.name for action in PACKAGE_ACTIONS}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_run_exactly_its_actions(role):
    package, cast = package_in_state(State.RUNNING)
    person = _person(cast, role)
    allowed = {
        action.name
        for action in PACKAGE_ACTIONS
        if may_run(getattr(package, action.transition), person)
    }
    assert allowed == {name for name, roles in ALLOWED.items() if role in roles}


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(PATHS))
def test_every_path_leaves_one_audit_row_per_action(state):
    package, cast = package_in_state(state)
    events = list(PackageEvent.objects.filter(package=package).order_by("created_at", "pk"))
    assert [e.transition for e in events] == [
        PACKAGE_ACTIONS[name].transition for name in PATHS[state]
    ]
    previous = State.DRAFT
    for event, name in zip(events, PATHS[state], strict=True):
        assert event.from_state == previous
        assert event.actor == cast.actor(name)
        previous = event.to_state
    assert previous == state


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_role_without_the_right_is_refused_and_nothing_is_written(role):
    package, cast = package_in_state(State.COMPOSED)
    person = _person(cast, role)
    before = PackageEvent.objects.count()
    if role in ALLOWED["approve"]:
        services.package_approve(package=package, actor=person)
        assert PackageEvent.objects.count() == before + 1
        assert PackageEvent.objects.latest("pk").actor == person
    else:
        with pytest.raises(PermissionDenied):
            services.package_approve(package=package, actor=person)
        assert PackageEvent.objects.count() == before
        package.refresh_from_db()
        assert package.state == State.COMPOSED


@pytest.mark.django_db
def test_an_action_from_a_wrong_state_is_refused_and_nothing_is_written():
    package, cast = package_in_state(State.INVITING)
    before = PackageEvent.objects.count()
    with pytest.raises(TransitionRefused):
        services.package_close(package=package, actor=cast.coordinator)
    with pytest.raises(TransitionRefused):
        services.package_approve(package=package, actor=cast.contact)
    assert PackageEvent.objects.count() == before


@pytest.mark.django_db
def test_compose_needs_a_contribution():
    cast = PackageCast()
    package = cast.run(cast.draft(), "invite")
    with pytest.raises(TransitionRefused) as refused:
        cast.run(package, "compose")
    assert "contribute" in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_invite_needs_a_described_challenge():
    cast = PackageCast()
    package = services.package_create(
        actor=cast.contact, title="Tyhjä", description="Kuvaus", challenges=[]
    )
    with pytest.raises(TransitionRefused):
        cast.run(package, "invite")


@pytest.mark.django_db
def test_invitations_keep_routings_points_and_reasons():
    package, cast = package_in_state(State.INVITING)
    a = package.invitations.get(organization=cast.organization_a)
    b = package.invitations.get(organization=cast.organization_b)
    # A serves the target group as well as the challenge; B only the challenge.
    assert a.score > b.score > 0
    assert any("target group" in r["text"] for r in a.reasons)
    assert not any("target group" in r["text"] for r in b.reasons)


@pytest.mark.django_db
def test_an_answer_records_the_contribution_and_a_decline_the_reason():
    package, cast = package_in_state(State.INVITING)
    cast.run(package, "answer")
    cast.run(package, "decline_invitation")
    a = package.invitations.get(organization=cast.organization_a)
    b = package.invitations.get(organization=cast.organization_b)
    assert (a.answer, a.group_sessions, a.planned_hours, a.capacity) == (Answer.ACCEPTED, 4, 40, 12)
    assert list(a.services.all()) == [cast.service_a]
    assert (b.answer, b.note) == (Answer.DECLINED, "Arvioitu yhdessä kunnan kanssa.")
    answer_events = PackageEvent.objects.filter(
        package=package, transition__in=["answer", "decline_invitation"]
    )
    assert {(e.organization, e.actor) for e in answer_events} == {
        (cast.organization_a, cast.worker_a),
        (cast.organization_b, cast.worker_b),
    }


@pytest.mark.django_db
def test_an_organization_cannot_offer_another_organizations_service():
    package, cast = package_in_state(State.INVITING)
    with pytest.raises(ValidationError) as refused:
        services.package_answer(
            package=package, actor=cast.worker_a, services=[cast.service_b], planned_hours=5
        )
    assert "services" in refused.value.message_dict
    assert not PackageEvent.objects.filter(package=package, transition="answer").exists()


@pytest.mark.django_db
def test_each_transition_with_an_audience_writes_one_outbox_message():
    package, _cast = package_in_state(State.INVITING)
    event = PackageEvent.objects.get(package=package, transition="invite")
    messages = OutboxMessage.objects.filter(task="packages.tasks.notify_package_event")
    assert list(messages.values_list("args", flat=True)) == [[event.pk]]


@pytest.mark.django_db
def test_the_invited_organizations_are_told_and_never_the_actor_or_an_outsider():
    package, cast = package_in_state(State.INVITING)
    event = PackageEvent.objects.get(package=package, transition="invite")
    assert set(recipients(event)) == {cast.worker_a, cast.worker_b}
    mail.outbox.clear()
    assert notify_package_event(event.pk) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.worker_a.email, cast.worker_b.email]
    )
    assert all(f"#{package.pk}" in m.subject for m in mail.outbox)
    assert all(package.title not in m.body for m in mail.outbox)  # no content, only the number


@pytest.mark.django_db
def test_approval_tells_the_coordinators_and_the_contributors_in_their_language():
    package, cast = package_in_state(State.APPROVED)
    cast.worker_a.language = "sv"
    cast.worker_a.save()
    event = PackageEvent.objects.get(package=package, transition="approve")
    assert set(recipients(event)) == {cast.coordinator, cast.worker_a}
    mail.outbox.clear()
    notify_package_event(event.pk)
    swedish = next(m for m in mail.outbox if m.to == [cast.worker_a.email])
    finnish_or_english = next(m for m in mail.outbox if m.to == [cast.coordinator.email])
    with translation.override("sv"):
        greeting = gettext("Hello %(name)s,") % {"name": cast.worker_a.get_full_name()}
    assert swedish.body.startswith(greeting)
    assert not finnish_or_english.body.startswith(greeting)


@pytest.mark.django_db
def test_a_cancelled_package_cannot_run():
    package, cast = package_in_state(State.CANCELLED)
    with pytest.raises(TransitionRefused):
        services.package_start(package=package, actor=cast.coordinator)


# Where each action is tried: the path to its source state (from a draft).
SOURCES = {
    "invite": (),
    "answer": ("invite",),
    "decline_invitation": ("invite",),
    "compose": ("invite", "answer"),
    "approve": PATHS[State.COMPOSED],
    "request_changes": PATHS[State.COMPOSED],
    "start": PATHS[State.APPROVED],
    "attribute": PATHS[State.RUNNING],
    "report_hours": PATHS[State.RUNNING],
    "close": PATHS[State.RUNNING],
    "evaluate": PATHS[State.CLOSED],
    "cancel": PATHS[State.COMPOSED],
}


def _data(cast: PackageCast, name: str) -> dict:
    if name == "attribute":
        # A referral the contact made and organization A holds: each party has a part in it.
        people = Cast(cast.organization_a)
        people.referrer = cast.contact
        referral, _people = referral_in_state(ReferralState.ASSIGNED, people)
        return {"referral": referral.pk}
    return {
        "organizations": [cast.organization_a, cast.organization_b],
        "plan": "Suunnitelma",
        "starts_on": START,
        "ends_on": END,
        "reason": "Perustelu",
        "hours": 2,
        "planned_hours": 3,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(SOURCES))
def test_each_role_runs_each_action_with_an_audit_row_or_is_refused_with_none(name, role):
    cast = PackageCast()
    package = cast.draft()
    for step in SOURCES[name]:
        package = cast.run(package, step)
    source = package.state
    person = _person(cast, role)
    before = PackageEvent.objects.filter(package=package).count()
    data = _data(cast, name)
    if role in ALLOWED[name]:
        package = PACKAGE_ACTIONS.call(name, package, person, data)
        event = PackageEvent.objects.filter(package=package).latest("pk")
        assert (event.transition, event.actor, event.from_state, event.to_state) == (
            PACKAGE_ACTIONS[name].transition,
            person,
            source,
            package.state,
        )
        assert PackageEvent.objects.filter(package=package).count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            PACKAGE_ACTIONS.call(name, package, person, data)
        assert PackageEvent.objects.filter(package=package).count() == before
        package.refresh_from_db()
        assert package.state == source
