"""Every action of the referral registry, by every role: the declared effects happen (access,
appointments, outbox rows) and nothing else; and no other table of actions is left."""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from appointments.models import Appointment, AppointmentState
from appointments.services import appointment_book
from perhelinja.fsm import TransitionRefused, may_run
from perhelinja.models import OutboxMessage
from referrals.actions import (
    END_APPOINTMENTS,
    END_SHARING,
    GRANT_ACCESS,
    INVITE_FEEDBACK,
    PATHS,
    REFERRAL_ACTIONS,
    REVOKE_ACCESS,
)
from referrals.models import Referral, ReferralEvent, State
from tests.appointments.helpers import accepted_with_shift
from tests.factories import REASONS, Cast, WorkerFactory, referral_in_state

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
ROLES = ("referrer", "coordinator", "handler", "other_worker")


def source_of(name: str) -> State:
    """The state an action is first taken from on the registry's paths."""
    for path in PATHS.values():
        if name in path:
            before = path[: path.index(name)]
            return next(State(s) for s, p in PATHS.items() if tuple(p) == tuple(before))
    # Off the paths (claim): the first source state django-fsm knows for it.
    transition = REFERRAL_ACTIONS[name].transition
    return next(
        State(t.source) for t in Referral().get_all_state_transitions() if t.name == transition
    )


def situation(name: str):
    """A referral where `name` may run; for the actions that end sharing, a scheduled one with
    a booked time, so that their effect on appointments shows."""
    action = REFERRAL_ACTIONS[name]
    if END_SHARING in action.effects:
        referral, cast, shift = accepted_with_shift()
        appointment_book(referral=referral, slot=shift.slots.first(), actor=cast.handler)
        return Referral.objects.get(pk=referral.pk), cast
    return referral_in_state(source_of(name), Cast())


def actor_of(role: str, cast: Cast):
    return cast.other if role == "other_worker" else getattr(cast, role)


def handler_reads(cast: Cast, referral: Referral) -> bool:
    return cast.handler.has_perm("referrals.view_referral", Referral.objects.get(pk=referral.pk))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [a.name for a in REFERRAL_ACTIONS])
def test_every_action_has_its_declared_effects_and_no_other(name, role):
    action = REFERRAL_ACTIONS[name]
    referral, cast = situation(name)
    cast.other = WorkerFactory()
    actor = actor_of(role, cast)
    read_before = handler_reads(cast, referral)
    outbox_before = set(OutboxMessage.objects.values_list("pk", flat=True))
    upcoming = list(
        Appointment.objects.filter(referral=referral, state=AppointmentState.BOOKED).values_list(
            "pk", flat=True
        )
    )
    data = {
        "organization": cast.organization,
        "reason": REASONS.get(name, "Syy"),
        "reason_code": "no_capacity",
    }
    if not may_run(getattr(referral, action.transition), actor):
        with pytest.raises((PermissionDenied, TransitionRefused)):
            REFERRAL_ACTIONS.call(name, referral, actor, data)
        assert set(OutboxMessage.objects.values_list("pk", flat=True)) == outbox_before
        assert handler_reads(cast, referral) == read_before
        return

    REFERRAL_ACTIONS.call(name, referral, actor, data)

    event = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert event.transition == action.transition
    new = OutboxMessage.objects.exclude(pk__in=outbox_before)
    expected = []
    if action.audience:
        expected += [("referrals.tasks.notify_referral_event", [event.pk])]
    if INVITE_FEEDBACK in action.effects:
        expected += [("evaluation.tasks.invite_family_feedback", [referral.pk])]
    if END_APPOINTMENTS in action.effects:
        expected += [
            ("appointments.tasks.send_appointment_message", [pk, "cancelled"]) for pk in upcoming
        ]
    assert sorted((m.task, m.args) for m in new) == sorted(expected)

    if GRANT_ACCESS in action.effects:
        assert handler_reads(cast, referral)
    elif REVOKE_ACCESS in action.effects or END_SHARING in action.effects:
        assert not handler_reads(cast, referral)
    else:
        assert handler_reads(cast, referral) == read_before

    states = set(Appointment.objects.filter(pk__in=upcoming).values_list("state", flat=True))
    if END_APPOINTMENTS in action.effects and upcoming:
        assert AppointmentState.BOOKED not in states
    else:
        assert states <= {AppointmentState.BOOKED}


def test_every_state_path_of_the_registry_reaches_its_state():
    for state in PATHS:
        referral, _cast = referral_in_state(State(state))
        assert referral.state == state


def test_one_runner_and_no_table_of_actions_outside_the_registries():
    """grep-level: `lifecycle.run` is the only place a state changes, and no module keeps a
    map of action names of its own."""
    sources = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    code = {p: (ROOT / p).read_text() for p in sources if not p.startswith("tests/")}
    assert re.search(r"^def run\(", code["perhelinja/lifecycle.py"], re.M)
    assert [p for p, text in code.items() if re.search(r"^def _run\(", text, re.M)] == []
    state_saves = [p for p, text in code.items() if "check_can_proceed(" in text]
    assert sorted(state_saves) == [
        "perhelinja/fsm.py",
        "perhelinja/lifecycle.py",
        "referrals/services.py",
    ]
    tables = re.compile(r"^\w*(ACTIONS|TRANSITIONS|AUDIENCE|TRANSITION_OF)\w* = \{", re.M)
    assert [p for p, text in code.items() if tables.search(text)] == []
