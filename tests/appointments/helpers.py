import datetime

from django.db.models import F
from django.utils import timezone

from appointments.calendar import is_public_holiday
from appointments.models import Appointment, Shift, Slot
from appointments.services import shift_create
from referrals.models import State
from tests.factories import Cast, referral_in_state


def tomorrow() -> datetime.date:
    """The next day that is no public holiday (whose slots are never offered)."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    while is_public_holiday(day):
        day += datetime.timedelta(days=1)
    return day


def accepted_with_shift(*, day=None, start=(9, 0), end=(12, 0), cast=None):
    """An accepted referral and a phone shift of its worker: 9:00, 10:00, 11:00 slots."""
    referral, cast = referral_in_state(State.ACCEPTED, cast or Cast())
    shift = shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=day or tomorrow(),
        start_time=datetime.time(*start),
        end_time=datetime.time(*end),
    )
    return referral, cast, shift


def started(appointment):
    """`appointment`, moved back by whole days to a time that has begun, with its slot:
    attendance is recorded only from an appointment's start."""
    now = timezone.now()
    back = datetime.timedelta(days=max((appointment.starts_at - now).days + 1, 0))
    if back:
        Slot.objects.filter(pk=appointment.slot_id).update(
            starts_at=F("starts_at") - back, ends_at=F("ends_at") - back
        )
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=F("starts_at") - back, ends_at=F("ends_at") - back
        )
        appointment.refresh_from_db()
    return appointment


def legacy_shift(worker, *, day=None, start=datetime.time(9), end=datetime.time(12), **fields):
    """A phone shift stored as it was before today's rules (repeat rules, dates and overlaps
    were checked less), without its slots: rows production may still hold."""
    return Shift.objects.create(
        organization_id=worker.organization_id,
        worker=worker,
        mode="phone",
        first_day=day or tomorrow(),
        start_time=start,
        end_time=end,
        **fields,
    )
