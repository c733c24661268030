"""Twenty bookings race for one slot; two race for overlapping times of one worker; two
overlapping shifts of one worker are planned at once."""

import datetime
import functools
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from appointments import services
from appointments.models import Appointment, Shift, Slot
from referrals.models import Referral, State
from tests.appointments.helpers import accepted_with_shift, legacy_shift, started, tomorrow
from tests.databases import postgresql_only
from tests.factories import Cast, api_token_for, referral_in_state

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]


def race(calls):
    """Run the calls at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=20)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_bookings_of_one_slot_make_exactly_one_appointment():
    cast = Cast()
    referrals = [referral_in_state(State.ACCEPTED, cast)[0] for _ in range(20)]
    _referral, cast, shift = accepted_with_shift(cast=cast)
    slot = shift.slots.first()
    calls = [
        (
            lambda r=r: services.appointment_book(
                referral=Referral.objects.get(pk=r.pk),
                slot=Slot.objects.get(pk=slot.pk),
                actor=cast.handler,
            )
        )
        for r in referrals
    ]
    results = race(calls)
    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, services.SlotUnavailable)]
    assert len(booked) == 1, results
    assert len(refused) == 19, [
        r for r in results if not isinstance(r, (Appointment, services.SlotUnavailable))
    ]
    assert all("booked this time" in str(r) or "no longer" in str(r) for r in refused)
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_two_overlapping_slots_of_one_worker_make_exactly_one_appointment():
    """Five rounds: without the lock on the worker, about one race in four ended in a
    deadlock between the two inserts' exclusion checks instead of a refusal."""
    cast = Cast()
    book = functools.partial(services.appointment_book, actor=cast.handler)
    for day in range(5):
        first = referral_in_state(State.ACCEPTED, cast)[0]
        second = referral_in_state(State.ACCEPTED, cast)[0]
        # two shifts of the same worker whose slots overlap by half an hour (stored before
        # overlapping shifts were refused)
        on = tomorrow() + datetime.timedelta(days=day)
        a = legacy_shift(cast.handler, day=on, end=datetime.time(9, 45))
        b = legacy_shift(cast.handler, day=on, start=datetime.time(9, 15), end=datetime.time(10))
        services.shift_extend_slots(shift=a)
        services.shift_extend_slots(shift=b)
        slot_a, slot_b = a.slots.get(), b.slots.get()
        results = race(
            [
                functools.partial(book, referral=first, slot=slot_a),
                functools.partial(book, referral=second, slot=slot_b),
            ]
        )
        assert sum(isinstance(r, Appointment) for r in results) == 1, results
        assert sum(isinstance(r, services.SlotUnavailable) for r in results) == 1, results
    assert Appointment.objects.filter(worker=cast.handler).count() == 5


def test_the_database_itself_refuses_an_overlap_the_service_did_not_see():
    """The exclusion constraint holds even for a write that skips the service's check."""
    from django.db import IntegrityError, transaction

    _referral, cast, shift = accepted_with_shift()
    slot = shift.slots.first()
    other = referral_in_state(State.ACCEPTED, cast)[0]
    services.appointment_book(referral=_referral, slot=slot, actor=cast.handler)
    later = legacy_shift(cast.handler, start=datetime.time(9, 30), end=datetime.time(10, 30))
    services.shift_extend_slots(shift=later)
    overlapping = later.slots.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            referral=other,
            slot=overlapping,
            worker=cast.handler,
            organization=cast.organization,
            starts_at=overlapping.starts_at,
            ends_at=overlapping.ends_at,
            mode="video",
        )


def test_thirty_parallel_api_bookings_of_one_slot_give_one_201_and_twenty_nine_409():
    from rest_framework.test import APIClient

    cast = Cast()
    referrals = [referral_in_state(State.ACCEPTED, cast)[0] for _ in range(30)]
    _referral, cast, shift = accepted_with_shift(cast=cast)
    slot = shift.slots.first()
    token = api_token_for(cast.handler)

    def book(referral_pk):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = api.post("/api/v1/appointments/", {"slot": slot.pk, "referral": referral_pk})
        return response.status_code

    results = race([lambda pk=r.pk: book(pk) for r in referrals])
    assert sorted(results) == [201] + [409] * 29, results
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_two_sessions_recorded_at_once_start_the_service_once_and_both_count():
    """Attending the first two sessions of a scheduled referral at the same moment: both are
    recorded and the referral starts its service once (the effect locks the referral before
    it reads its state)."""
    for _round in range(3):
        referral, cast, shift = accepted_with_shift()
        first, second = shift.slots.order_by("starts_at")[:2]
        appointments = [
            started(services.appointment_book(referral=referral, slot=slot, actor=cast.handler))
            for slot in (first, second)
        ]
        results = race(
            [
                lambda a=a, worker=cast.handler: services.appointment_attend(
                    appointment=Appointment.objects.get(pk=a.pk), actor=worker
                )
                for a in appointments
            ]
        )
        assert all(isinstance(r, Appointment) for r in results), results
        assert Referral.objects.get(pk=referral.pk).state == State.IN_SERVICE
        assert referral.events.filter(transition="start_service").count() == 1


def test_two_overlapping_shifts_of_one_worker_planned_at_once_make_exactly_one():
    """Each creation checks the worker's shifts under a lock on the worker's row: without it
    both checks saw no shift and both were saved."""
    cast = Cast()
    for day in range(5):
        on = tomorrow() + datetime.timedelta(days=day)
        calls = [
            functools.partial(
                services.shift_create,
                actor=cast.handler,
                worker=cast.handler,
                mode=mode,
                first_day=on,
                start_time=datetime.time(start),
                end_time=datetime.time(start + 2),
            )
            for mode, start in (("phone", 9), ("video", 10))
        ]
        results = race(calls)
        assert sum(isinstance(r, Shift) for r in results) == 1, results
        assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Shift.objects.filter(worker=cast.handler).count() == 5
