"""A long repeating shift gets its slots as time passes: the daily beat task makes them up to
the booking horizon, once, never on a public holiday."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from appointments import services
from appointments.calendar import is_public_holiday
from appointments.models import Slot
from appointments.tasks import extend_recurring_shifts
from tests.appointments.helpers import accepted_with_shift

pytestmark = pytest.mark.django_db


def christmas_week_shift(cast, monkeypatch):
    """A weekday shift over next Christmas, made while the horizon ends today: no slots yet."""
    today = timezone.localdate()
    year = today.year if today < datetime.date(today.year, 12, 20) else today.year + 1
    monkeypatch.setattr(services, "SLOT_HORIZON_DAYS", 0)
    return services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=datetime.date(year, 12, 21),
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        repeat_until=datetime.date(year + 1, 1, 9),
    )


def test_the_beat_task_makes_the_slots_that_come_within_the_horizon_once(monkeypatch):
    _referral, cast, _shift = accepted_with_shift()
    shift = christmas_week_shift(cast, monkeypatch)
    assert not shift.slots.exists()
    monkeypatch.setattr(services, "SLOT_HORIZON_DAYS", 400)
    made = extend_recurring_shifts()
    days = sorted({timezone.localtime(s.starts_at).date() for s in shift.slots.all()})
    assert made == shift.slots.count() == 2 * len(days)
    year = shift.first_day.year
    assert days[0] == shift.first_day and days[-1] <= shift.repeat_until
    for holiday in (datetime.date(year, 12, 24), datetime.date(year, 12, 25)):
        assert holiday not in days
    assert not any(is_public_holiday(day) for day in days)
    assert all(day.weekday() < 5 for day in days)
    # Run again (and again): nothing new, nothing doubled.
    assert extend_recurring_shifts() == 0
    assert extend_recurring_shifts() == 0
    assert shift.slots.count() == made


def test_the_horizon_moves_the_slots_forward_a_bit_at_a_time(monkeypatch):
    _referral, cast, _shift = accepted_with_shift()
    shift = christmas_week_shift(cast, monkeypatch)
    first_week_end = shift.first_day + datetime.timedelta(days=4)
    services.shift_extend_slots(shift=shift, until=first_week_end)
    first = shift.slots.count()
    assert first > 0
    services.shift_extend_slots(shift=shift, until=shift.repeat_until)
    assert shift.slots.count() > first
    starts = list(shift.slots.values_list("starts_at", flat=True))
    assert len(starts) == len(set(starts))


def test_a_cancelled_shift_and_a_cancelled_slot_are_not_made_again(monkeypatch):
    _referral, cast, _shift = accepted_with_shift()
    shift = christmas_week_shift(cast, monkeypatch)
    monkeypatch.setattr(services, "SLOT_HORIZON_DAYS", 400)
    extend_recurring_shifts()
    slot = shift.slots.first()
    Slot.objects.filter(pk=slot.pk).update(cancelled=True)
    assert extend_recurring_shifts() == 0
    assert shift.slots.filter(starts_at=slot.starts_at).count() == 1
    services.shift_cancel(shift=shift, actor=cast.handler, reason="Loma")
    Slot.objects.filter(shift=shift).delete()
    assert extend_recurring_shifts() == 0
    assert not Slot.objects.filter(shift=shift).exists()


def test_the_extension_runs_daily_on_the_beat():
    entries = [
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == extend_recurring_shifts.name
    ]
    assert entries and entries[0]["schedule"] == 24 * 3600
