import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from appointments import services
from appointments.ics import appointment_ics
from tests.appointments.helpers import accepted_with_shift

pytestmark = pytest.mark.django_db
HKI = ZoneInfo("Europe/Helsinki")


def _event(appointment):
    calendar = Calendar.from_ical(appointment_ics(appointment))
    [event] = calendar.walk("VEVENT")
    assert calendar.walk("VTIMEZONE"), "the file carries its time zone"
    return event


def next_dst_sunday(month: int) -> datetime.date:
    """The next last Sunday of March (summer time starts) or October (ends) after tomorrow."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        last = datetime.date(year, month, 31)
        sunday = last - datetime.timedelta(days=(last.weekday() + 1) % 7)
        if sunday - datetime.timedelta(days=1) > today:
            return sunday
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("month", "shift_days", "utc_offset_hours"),
    [
        (3, -1, 2),  # the Saturday before summer time: EET, UTC+2
        (3, 1, 3),  # the Monday after: EEST, UTC+3
        (10, -1, 3),  # the Saturday before winter time: EEST
        (10, 1, 2),  # the Monday after: EET
    ],
)
def test_ics_carries_helsinki_local_time_across_dst(month, shift_days, utc_offset_hours):
    day = next_dst_sunday(month) + datetime.timedelta(days=shift_days)
    referral, cast, shift = accepted_with_shift(day=day)
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    event = _event(appointment)
    start = event.decoded("dtstart")
    assert (
        start.tzinfo is not None and str(event["dtstart"].params.get("TZID")) == "Europe/Helsinki"
    )
    assert (start.hour, start.minute) == (9, 0)  # 9:00 on the wall clock in Helsinki
    assert start.utcoffset() == datetime.timedelta(hours=utc_offset_hours)
    assert start.astimezone(datetime.UTC) == appointment.starts_at.astimezone(datetime.UTC)
    assert event.decoded("dtend") - start == datetime.timedelta(minutes=45)


def test_ics_has_no_personal_data():
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    text = appointment_ics(appointment).decode()
    assert referral.contact_name not in text and referral.contact_phone not in text
    assert cast.organization.name in text
    assert timezone.localtime(appointment.starts_at).tzinfo is not None
