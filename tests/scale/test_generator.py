"""The Finland-scale generator at a tiny scale: its rows must be what the services would have
left behind, or the benchmark measures a world the application cannot produce."""

from __future__ import annotations

import datetime
import itertools
import time
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from appointments.models import ACTIVE_STATES, Appointment, AppointmentEvent, OutcomeReport
from consent.models import Consent
from directory.models import User
from referrals import selectors
from referrals.actions import ORGANIZATION_PERMS, PATHS, REFERRAL_ACTIONS, ROUTES
from referrals.models import (
    ROUTED_STATES,
    SHARED_STATES,
    TERMINAL_STATES,
    Referral,
    ReferralEvent,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    State,
)
from referrals.services import REFERRER_PERMS
from scale import generator
from tests.databases import postgresql_only
from tests.factories import Cast, UserFactory, draft_referral, referral_in_state

pytestmark = pytest.mark.django_db

SCALE = 0.0006  # 600 referrals, 6 workers of 3 organizations


@pytest.fixture
def generated():
    return generator.generate(SCALE, seed=7, log=lambda _line: None)


def test_every_foreign_key_points_at_a_row(generated):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks the deferred keys now
        else:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def test_attendance_is_recorded_only_for_appointments_that_have_started(generated):
    held = Appointment.objects.filter(state__in=["attended", "no_show"])
    assert held.exists()
    assert not held.filter(starts_at__gt=timezone.now()).exists()
    for appointment_id, at, starts in AppointmentEvent.objects.filter(
        transition__in=["attend", "no_show"]
    ).values_list("appointment_id", "created_at", "appointment__starts_at"):
        assert at >= starts, appointment_id


def test_the_plan_scales_every_count_and_keeps_minimums():
    full, tiny = generator.Plan.at(1.0), generator.Plan.at(0.001)
    assert (full.referrals, full.organizations, full.professionals) == (1_000_000, 1000, 20000)
    assert full.municipalities == 300
    assert (tiny.referrals, tiny.professionals, tiny.organizations) == (1000, 20, 3)
    with pytest.raises(ValueError):
        generator.Plan.at(0)


def _organization_access_the_services_leave() -> dict[str, bool]:
    """Whether the organization's group holds `ORGANIZATION_PERMS` on a referral the services
    took along each state's registry path (cancelling and withdrawing end the sharing)."""
    access = {}
    for state in PATHS:
        referral, cast = referral_in_state(State(state))
        held = set(
            ReferralGroupObjectPermission.objects.filter(content_object_id=referral.pk).values_list(
                "group_id", "permission__codename"
            )
        )
        assert held in (set(), {(cast.organization.group_id, p) for p in ORGANIZATION_PERMS})
        access[state] = bool(held)
    return access


def test_object_permissions_are_those_the_services_grant(generated):
    referrals = {r.pk: r for r in Referral.objects.select_related("organization")}
    assert len(referrals) == 600
    granted_users = defaultdict(set)
    for pk, user, codename in ReferralUserObjectPermission.objects.values_list(
        "content_object_id", "user_id", "permission__codename"
    ):
        granted_users[pk].add((user, codename))
    granted_groups = defaultdict(set)
    for pk, group, codename in ReferralGroupObjectPermission.objects.values_list(
        "content_object_id", "group_id", "permission__codename"
    ):
        granted_groups[pk].add((group, codename))
    access = _organization_access_the_services_leave()
    assert {state for state, held in access.items() if held} == set(SHARED_STATES)
    for pk, referral in referrals.items():
        assert granted_users[pk] == {(referral.referrer_id, p) for p in REFERRER_PERMS}
        expected = (
            {(referral.organization.group_id, p) for p in ORGANIZATION_PERMS}
            if access[referral.state]
            else set()
        )
        assert granted_groups[pk] == expected, (pk, referral.state)
    # Withdrawn ones still name the organization they were assigned to, which reads nothing.
    assert any(r.organization_id and not access[r.state] for r in referrals.values())


def test_guardian_agrees_with_the_foreign_keys_the_lists_filter_on(generated):
    workers = User.objects.filter(organization__isnull=False)
    assert workers.count() >= 3
    for worker in workers:
        seen = get_objects_for_user(
            worker, "referrals.view_referral", klass=Referral, accept_global_perms=False
        )
        held = Referral.objects.filter(
            organization_id=worker.organization_id, state__in=SHARED_STATES
        )
        assert set(seen.values_list("pk", flat=True)) == set(held.values_list("pk", flat=True))
        for referral in selectors.inbox(worker):
            assert worker.has_perm("referrals.handle_referral", referral)
    for professional in User.objects.filter(referrals_made__isnull=False).distinct()[:5]:
        seen = get_objects_for_user(
            professional, "referrals.change_referral", klass=Referral, accept_global_perms=False
        )
        mine = selectors.referrals_of_referrer(professional)
        assert set(seen.values_list("pk", flat=True)) == set(mine.values_list("pk", flat=True))


def test_states_replay_from_the_audit_events_through_legal_transitions(generated):
    legal = {(t.name, t.source, t.target) for t in Referral().get_all_state_transitions()}
    events = defaultdict(list)
    for event in ReferralEvent.objects.order_by("created_at", "pk"):
        events[event.referral_id].append(event)
    now = timezone.now()
    states = defaultdict(int)
    for referral in Referral.objects.all():
        states[referral.state] += 1
        history = events[referral.pk]
        current = State.DRAFT
        for event in history:
            assert event.from_state == current
            assert (event.transition, event.from_state, event.to_state) in legal
            assert referral.created_at <= event.created_at <= now
            current = event.to_state
        assert current == referral.state
        last = history[-1].created_at if history else referral.created_at
        assert referral.state_changed_at == last
        submits = [e.created_at for e in history if e.transition == "submit"]
        assert referral.submitted_at == (submits[-1] if submits else None)
        accepts = [e.created_at for e in history if e.transition == "accept"]
        assert referral.accepted_at == (accepts[-1] if accepts else None)
        assert (referral.closed_at is not None) == (referral.state in TERMINAL_STATES)
        if referral.state in ROUTED_STATES:
            assert referral.organization_id is not None and history[-1].organization_id
        if referral.state in (
            State.DRAFT,
            State.SUBMITTED,
            State.POOLED,
            State.RETURNED,
            State.DECLINED,
        ):
            assert referral.organization_id is None
        assert (referral.consent.withdrawn_at is not None) == (referral.state == State.WITHDRAWN)
        if referral.erased_at is not None:
            assert referral.contact_name == referral.description == ""
            assert not referral.children.exists()
    # Ten years: most are closed, and recent ones are open in several states.
    assert states[State.COMPLETED] > 300
    assert len([s for s in states if s not in TERMINAL_STATES]) >= 2


def test_every_referral_lived_the_registry_path_of_its_state(generated):
    """Its audit events are one of its state's routes in the registry (`ROUTES`; one still on
    its way is on a route of the state it is in), each action recorded as its model transition;
    the sessions realise three of them: booking the first schedules the referral, attending it
    starts the service, the outcome report completes it. An organization that declines it is
    not the one it goes to next, and whoever declines or claims it works there."""
    routes = {
        state: {tuple(REFERRAL_ACTIONS[name].transition for name in path) for _w, path in paths}
        for state, paths in ROUTES.items()
    }
    assert PATHS["withdrawn"] == ("submit", "assign", "withdraw")
    assert ("submit", "assign", "withdraw") in routes["withdrawn"]
    assert routes["returned"] == {("submit", "return_to_referrer")}
    organization_of = dict(
        User.objects.filter(organization__isnull=False).values_list("pk", "organization_id")
    )
    events = defaultdict(list)
    for referral, transition, at, organization, actor in ReferralEvent.objects.order_by(
        "created_at", "pk"
    ).values_list("referral_id", "transition", "created_at", "organization_id", "actor_id"):
        events[referral].append((transition, at, organization, actor))
    first_appointment = {}
    for appointment in Appointment.objects.order_by("-starts_at"):
        first_appointment[appointment.referral_id] = appointment
    attended = dict(
        AppointmentEvent.objects.filter(transition="attend").values_list(
            "appointment_id", "created_at"
        )
    )
    reported = dict(OutcomeReport.objects.values_list("referral_id", "created_at"))
    pooled = set(Referral.pool_organizations.through.objects.values_list("referral_id", flat=True))
    states, detours = set(), Counter()
    for pk, state in Referral.objects.values_list("pk", "state"):
        states.add(state)
        history = events[pk]
        transitions = tuple(transition for transition, *_rest in history)
        assert transitions in routes[state], (pk, state, transitions)
        at = {transition: when for transition, when, *_rest in history}
        appointment = first_appointment.get(pk)
        assert (appointment is not None) == ("schedule" in at), (pk, state)
        if appointment is not None:
            assert at["schedule"] == appointment.created_at  # booked
        if "start_service" in at:
            assert at["start_service"] == attended[appointment.pk]
        if "complete" in at:
            assert at["complete"] == reported[pk]
        assert (pk in pooled) == (state == State.POOLED)
        for i, (transition, _at, organization, actor) in enumerate(history):
            if transition in ("decline", "claim"):
                detours[transition] += 1
                assert organization_of[actor] == organization, (pk, transition)
            if transition == "decline" and i + 1 < len(history):
                assert history[i + 1][0] == "assign" and history[i + 1][2] != organization, pk
    # Every state on the way to completion, and every end, occurs; and the detours.
    assert states >= {State.DRAFT, State.IN_SERVICE, *TERMINAL_STATES}
    assert detours["decline"] and detours["claim"]


@pytest.mark.slow
def test_the_referrals_take_the_registry_routes_about_as_often_as_their_weights_say():
    """At a few thousand referrals every step of every route occurs (each action from each
    state a route takes it), and about one referral in ten is returned to its referrer, one in
    ten declined and one in ten claimed from the pool; some services are long."""
    generator.generate(0.003, seed=11, log=lambda _line: None)
    referrals = Referral.objects.count()
    assert referrals == 3000
    taken = Counter(ReferralEvent.objects.values_list("transition", "from_state"))
    assert set(taken) == {
        (step.transition, step.source)
        for paths in generator.routes().values()
        for _weight, steps in paths
        for step in steps
    }
    for transition in ("return_to_referrer", "decline", "open_pool", "claim"):
        share = sum(n for (name, _source), n in taken.items() if name == transition) / referrals
        assert 0.06 < share < 0.15, (transition, share)
    assert 0.01 < taken["complete", State.ACCEPTED] / referrals < 0.06  # without sessions
    long = Referral.objects.annotate(sessions=Count("appointments")).filter(sessions__gte=12)
    assert long.count() > referrals / 100


def test_every_route_of_the_registry_is_one_the_services_walk():
    """Walked with the real services from a draft, every route of `ROUTES` reaches its state,
    and every beginning of one is a route of the state it reaches on the way."""
    routes = {(state, path) for state, paths in ROUTES.items() for _w, path in paths}
    assert all(weight > 0 for paths in ROUTES.values() for weight, _path in paths)
    assert {state: paths[0][1] for state, paths in ROUTES.items()} == PATHS
    longest = {path for _state, path in routes} - {
        path[:i] for _state, path in routes for i in range(len(path))
    }
    cast = Cast()
    reached = set()
    for path in sorted(longest):
        referral = draft_referral(
            referrer=cast.referrer, target_group=cast.target_group, challenges=[cast.challenge]
        )
        reached.add((referral.state, ()))
        for i, step in enumerate(path, 1):
            referral = cast.run(referral, step)
            reached.add((referral.state, path[:i]))
    assert reached == routes


def test_appointments_sit_on_their_workers_slots_and_replay_their_events(generated):
    legal = {(t.name, t.source, t.target) for t in Appointment().get_all_state_transitions()}
    events = defaultdict(list)
    for event in AppointmentEvent.objects.order_by("created_at", "pk"):
        events[event.appointment_id].append(event)
    active = defaultdict(list)
    appointments = Appointment.objects.select_related("slot", "referral")
    assert appointments.count() > 1000
    for appointment in appointments:
        slot, referral = appointment.slot, appointment.referral
        assert (slot.worker_id, slot.starts_at, slot.ends_at) == (
            appointment.worker_id,
            appointment.starts_at,
            appointment.ends_at,
        )
        assert slot.organization_id == appointment.organization_id == referral.organization_id
        assert referral.state in (
            State.SCHEDULED,
            State.IN_SERVICE,
            State.COMPLETED,
            State.WITHDRAWN,
        )
        history = events[appointment.pk]
        assert (history[0].transition, history[0].from_state) == ("book", "")
        for event in history[1:]:
            assert (event.transition, event.from_state, event.to_state) in legal
        assert history[-1].to_state == appointment.state
        if appointment.state in ACTIVE_STATES:
            active[appointment.worker_id].append((appointment.starts_at, appointment.ends_at))
    for times in active.values():
        times.sort()
        for (_s, end), (start, _e) in itertools.pairwise(times):
            assert end <= start  # the exclusion constraint's rule
    for referral in Referral.objects.filter(state__in=[State.SCHEDULED, State.IN_SERVICE]):
        assert referral.appointments.exists()


def test_completed_referrals_have_an_outcome_and_pools_only_pooled_ones(generated):
    completed = set(Referral.objects.filter(state=State.COMPLETED).values_list("pk", flat=True))
    assert set(OutcomeReport.objects.values_list("referral_id", flat=True)) == completed
    pooled = Referral.pool_organizations.through.objects.values_list("referral__state", flat=True)
    assert set(pooled) <= {State.POOLED}


def test_it_adds_to_what_is_there_and_the_same_seed_gives_the_same_world():
    now = timezone.now() - datetime.timedelta(days=1)
    first = generator.generate(0.0002, seed=3, now=now, log=lambda _line: None)
    states = list(Referral.objects.order_by("pk").values_list("state", "created_at"))
    second = generator.generate(0.0002, seed=3, now=now, log=lambda _line: None)
    assert Referral.objects.count() == 400
    assert first.rows == second.rows
    later = list(Referral.objects.order_by("pk").values_list("state", "created_at"))[200:]
    assert later == states


LOADED_TABLES = [table.name for table in generator.TABLES.values()]


def _indexes_and_constraints() -> set[tuple]:
    """Each index by name, table, method, columns, uniqueness and whether it is partial, and
    each constraint by name and kind (a recreated partial index's predicate reads differently
    in `pg_get_indexdef`, with the same meaning)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, am.amname, "
            "i.indkey::text, pg_get_expr(i.indexprs, i.indrelid), i.indisunique, "
            "i.indpred IS NOT NULL, i.indisvalid "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid::regclass::text = ANY(%s) "
            "UNION SELECT conname, conrelid::regclass::text, contype::text, '', '', false, "
            "false, true FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [LOADED_TABLES, LOADED_TABLES],
        )
        return set(cursor.fetchall())


def _loaded_rows() -> int:
    return sum(table.model.objects.count() for table in generator.TABLES.values())


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_threaded_load_writes_every_row_and_rebuilds_every_index():
    before = _indexes_and_constraints()
    report = generator.generate(SCALE, seed=7, threaded=True, rebuild_indexes=True, log=str)
    assert _indexes_and_constraints() == before
    assert Referral.objects.count() == 600
    assert report.rows[Appointment._meta.db_table] == Appointment.objects.count() > 0
    assert report.rows[ReferralEvent._meta.db_table] == ReferralEvent.objects.count()
    # The exclusion constraint held while the appointments loaded.
    assert ("appointment_worker_no_overlap", "appointments_appointment", "x") in {
        row[:3] for row in before
    }
    with connection.cursor() as cursor:  # the people and their groups were analysed too
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL "
            "AND relname IN ('auth_group', 'directory_user_groups', 'directory_organization')"
        )
        assert len(cursor.fetchall()) == 3


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("noticed_while_sending", [False, True])
def test_a_load_failing_on_one_connection_leaves_no_rows_and_every_index(
    monkeypatch, noticed_while_sending
):
    before = _indexes_and_constraints()
    write, send = generator.Loader._write, generator.Loader._send

    def failing(self, conn, key, rows):
        if key == "shift":
            raise RuntimeError("disk full")
        write(self, conn, key, rows)

    def waiting(self, key):
        """The failure reaches the producer before it sends the next rows."""
        send(self, key)
        deadline = time.monotonic() + 30
        while key == "shift" and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)

    monkeypatch.setattr(generator.Loader, "_write", failing)
    if noticed_while_sending:
        monkeypatch.setattr(generator.Loader, "_send", waiting)
    with pytest.raises(RuntimeError, match="loading failed"):
        generator.generate(SCALE, seed=7, threaded=True, rebuild_indexes=True, log=str)
    assert _loaded_rows() == 0
    assert _indexes_and_constraints() == before


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_generator_failing_halfway_leaves_none_of_its_rows(monkeypatch):
    def failing(self):
        raise ValueError("a bug in the generator")

    monkeypatch.setattr(generator.Calendar, "free_slots", failing)
    with pytest.raises(ValueError, match="a bug"):
        generator.generate(SCALE, seed=7, threaded=True, rebuild_indexes=True, log=str)
    assert _loaded_rows() == 0


@pytest.mark.slow
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_single_thread_load_commits_once_whatever_order_the_chunks_go_in(monkeypatch):
    # At the 1,000th referral the appointment events go out before the appointments they
    # refer to (as they do at full scale, where the events fill their chunk first).
    sent = []
    write = generator.Loader._write

    def recording(self, conn, key, rows):
        sent.append(key)
        write(self, conn, key, rows)

    monkeypatch.setattr(generator.Loader, "_write", recording)
    monkeypatch.setattr(generator.Loader, "flush", lambda self: self._send("appointment_event"))
    call_command("generate_scale_data", scale=0.0012, seed=7, single_thread=True, stdout=StringIO())
    assert sent.index("appointment_event") < sent.index("appointment")
    assert Referral.objects.count() == 1200
    assert AppointmentEvent.objects.filter(appointment__isnull=False).count() > 2000


@postgresql_only
def test_binary_copy_writes_exactly_what_the_text_format_writes():
    loader = generator.Loader(threaded=False, rebuild_indexes=False)
    assert set(generator.TABLES) - set(loader.binary) == {"shift"}  # dates and times go as text
    user = UserFactory()
    given = int(datetime.datetime(2024, 3, 31, 0, 59, 59, tzinfo=datetime.UTC).timestamp())
    row = (
        "guardian",
        "Åsa Öhman",
        "written",
        given,
        given + 365 * 86400,
        True,
        False,
        True,
        False,
        True,
        user.pk,
        given,
        None,
        "",
        None,
        None,
        None,
    )
    loader.add("consent", (900001, *row))
    loader.finish()
    del loader.binary["consent"]
    loader.add("consent", (900002, *row))
    loader.finish()
    binary, text = (Consent.objects.filter(pk=pk).values().get() for pk in (900001, 900002))
    assert binary.pop("id") + 1 == text.pop("id")
    assert binary == text
    assert binary["given_at"] == datetime.datetime(2024, 3, 31, 0, 59, 59, tzinfo=datetime.UTC)
    assert binary["withdrawn_at"] is None and binary["scope_contact_phone"] is False
