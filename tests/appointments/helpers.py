import datetime

from django.utils import timezone

from appointments.services import shift_create
from referrals.models import State
from tests.factories import Cast, referral_in_state


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


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
