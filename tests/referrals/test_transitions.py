"""Every transition, allowed and refused, per state and per role.

The expectations are written out here, independently of the model, so a change to the state
machine must be made in both places on purpose.
"""

import pytest
from django.core.exceptions import PermissionDenied

from perhelinja.fsm import TransitionRefused
from referrals import services
from referrals.models import Referral, ReferralEvent, State
from tests.factories import (
    Cast,
    CoordinatorFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)

pytestmark = pytest.mark.django_db

S = State
NOT_TERMINAL = set(S) - {S.COMPLETED, S.CANCELLED, S.WITHDRAWN}
EXPECTED = {
    # transition: (source states, roles allowed, target)
    "submit": ({S.DRAFT, S.RETURNED}, {"referrer"}, S.SUBMITTED),
    "assign": ({S.SUBMITTED, S.DECLINED, S.POOLED}, {"coordinator"}, S.ASSIGNED),
    "open_pool": ({S.SUBMITTED, S.DECLINED}, {"coordinator"}, S.POOLED),
    "claim": ({S.POOLED}, {"handler"}, S.ASSIGNED),
    "accept": ({S.ASSIGNED}, {"handler"}, S.ACCEPTED),
    "decline": ({S.ASSIGNED}, {"handler"}, S.DECLINED),
    "return": (
        {S.SUBMITTED, S.DECLINED, S.POOLED, S.ASSIGNED},
        {"coordinator", "handler"},
        S.RETURNED,
    ),
    "schedule": ({S.ACCEPTED}, {"handler"}, S.SCHEDULED),
    "start_service": ({S.SCHEDULED}, {"handler"}, S.IN_SERVICE),
    "complete": ({S.ACCEPTED, S.SCHEDULED, S.IN_SERVICE}, {"handler"}, S.COMPLETED),
    "cancel": (
        {
            S.DRAFT,
            S.SUBMITTED,
            S.POOLED,
            S.RETURNED,
            S.ASSIGNED,
            S.DECLINED,
            S.ACCEPTED,
            S.SCHEDULED,
        },
        {"referrer", "coordinator"},
        S.CANCELLED,
    ),
    "withdraw": (NOT_TERMINAL, {"referrer", "handler", "coordinator"}, S.WITHDRAWN),
}
ROLES = ["referrer", "coordinator", "handler", "other_professional", "other_worker"]


def call(name, referral, actor, organization):
    kwargs = {"referral": referral, "actor": actor}
    if name == "assign":
        kwargs["organization"] = organization
    if name in ("decline", "return", "cancel", "withdraw"):
        kwargs["reason"] = "Syy"
    if name == "decline":
        kwargs["reason_code"] = "other"
    return getattr(services, f"referral_{name}")(**kwargs)


def actor_for(role: str, cast: Cast):
    return {
        "referrer": lambda: cast.referrer,
        "coordinator": lambda: cast.coordinator,
        "handler": lambda: cast.handler,
        "other_professional": lambda: ProfessionalFactory(),
        "other_worker": lambda: WorkerFactory(),
    }[role]()


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("name", list(EXPECTED))
def test_transition_runs_only_from_its_source_states(name, state):
    sources, roles, target = EXPECTED[name]
    referral, cast = referral_in_state(state)
    actor = actor_for(sorted(roles)[0], cast)
    events_before = ReferralEvent.objects.filter(referral=referral).count()
    if state in sources:
        result = call(name, referral, actor, cast.organization)
        assert result.state == target
        event = ReferralEvent.objects.filter(referral=referral).latest("pk")
        assert (event.from_state, event.to_state, event.actor) == (state, target, actor)
    else:
        with pytest.raises((TransitionRefused, PermissionDenied)):
            call(name, referral, actor, cast.organization)
        assert Referral.objects.get(pk=referral.pk).state == state
        assert ReferralEvent.objects.filter(referral=referral).count() == events_before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_transition_runs_only_for_its_roles(name, role):
    sources, roles, target = EXPECTED[name]
    # A source state where the organization holds the referral, if the transition has one.
    routed = [s for s in sources if s in {S.ASSIGNED, S.ACCEPTED, S.SCHEDULED, S.IN_SERVICE}]
    state = sorted(routed or sources)[0]
    referral, cast = referral_in_state(state)
    actor = actor_for(role, cast)
    if role in roles:
        assert call(name, referral, actor, cast.organization).state == target
    else:
        with pytest.raises(PermissionDenied):
            call(name, referral, actor, cast.organization)
        assert Referral.objects.get(pk=referral.pk).state == state


def test_a_worker_of_another_organization_cannot_accept():
    referral, _cast = referral_in_state(State.ASSIGNED)
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, actor=WorkerFactory())


def test_an_inactive_coordinator_cannot_assign():
    referral, cast = referral_in_state(State.SUBMITTED)
    coordinator = CoordinatorFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.referral_assign(
            referral=referral, actor=coordinator, organization=cast.organization
        )
