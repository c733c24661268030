"""Issue 19: a shift's repeat rule, its dates and its times are bounded before any work is done.

Only the repeats the service uses are accepted (weekly or every other week on chosen weekdays,
monthly on one weekday of the month), for at most a year and a bounded number of days; every
date is within the years 2000 to 2100; one worker's shifts never overlap. Bad input is a 400 or
a form error, never a 500 or a minute of CPU.
"""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appointments import repeats, services
from appointments.calendar import is_public_holiday
from appointments.models import Shift, Slot
from appointments.tasks import extend_recurring_shifts
from appointments.views.calendar import week_days
from tests.appointments.helpers import accepted_with_shift, legacy_shift, tomorrow
from tests.factories import Cast, ProfessionalFactory, WorkerFactory
from tests.factories import api_client_for as client_for

pytestmark = pytest.mark.django_db


def shift_body(**extra):
    return {
        "mode": "phone",
        "first_day": tomorrow().isoformat(),
        "start_time": "09:00",
        "end_time": "12:00",
        **extra,
    }


def counted_slot_times(monkeypatch) -> list:
    """Every day a shift's slots are laid out for, recorded: the generator's work."""
    laid_out = []
    original = Shift.slot_times

    def slot_times(shift, day):
        laid_out.append(day)
        return original(shift, day)

    monkeypatch.setattr(Shift, "slot_times", slot_times)
    return laid_out


# --- what was seen 1: the repeat rule ----------------------------------------------------------


@pytest.mark.parametrize("frequency", ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "YEARLY"])
def test_a_rule_the_service_does_not_use_is_a_400_before_any_work(
    frequency, monkeypatch, django_assert_max_num_queries
):
    cast = Cast()
    laid_out = counted_slot_times(monkeypatch)
    until = (tomorrow() + datetime.timedelta(days=1)).isoformat()
    api = client_for(cast.handler)
    with django_assert_max_num_queries(6):
        response = api.post(
            "/api/v1/shifts/",
            shift_body(rrule=f"FREQ={frequency}", repeat_until=until),
            format="json",
        )
    assert response.status_code == 400, response.data
    assert "rrule" in response.data
    assert laid_out == []
    assert not Shift.objects.exists() and not Slot.objects.exists()


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU",  # every third week: not a rule the service uses
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=1,2,3",  # each hour of the day
        "FREQ=WEEKLY;BYDAY=1TU",  # an ordinal belongs to a monthly rule
        "FREQ=WEEKLY;COUNT=5",  # the end is `repeat_until`
        "FREQ=MONTHLY;BYDAY=MO,TU",
        "FREQ=MONTHLY;BYMONTHDAY=1",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;INTERVAL=99999999999999999999",
        "DTSTART:20300101T000000\nRRULE:FREQ=WEEKLY",
        "FREQ=WEEKLY;FREQ=SECONDLY",
    ],
)
def test_a_rule_outside_the_few_shapes_is_refused_on_its_field(rule):
    _referral, cast, _shift = accepted_with_shift()
    with pytest.raises(ValidationError) as refused:
        services.shift_create(
            actor=cast.handler,
            worker=cast.handler,
            mode="phone",
            first_day=tomorrow() + datetime.timedelta(days=1),
            start_time=datetime.time(13),
            end_time=datetime.time(14),
            rrule=rule,
            repeat_until=tomorrow() + datetime.timedelta(days=60),
        )
    assert list(refused.value.message_dict) == ["rrule"]
    assert Shift.objects.count() == 1


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "freq=weekly; byday=we",
        "FREQ=MONTHLY;BYDAY=1MO",
        "FREQ=MONTHLY;BYDAY=-1FR",
    ],
)
def test_the_rules_the_service_uses_are_accepted(rule):
    cast = Cast()
    shift = services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=tomorrow(),
        start_time=datetime.time(13),
        end_time=datetime.time(14),
        rrule=rule,
        repeat_until=tomorrow() + datetime.timedelta(days=90),
    )
    assert shift.slots.exists()
    assert shift.rrule == repeats.parse_rule(rule).text  # stored in its one written form


def test_a_repeat_runs_at_most_a_year_and_a_bounded_number_of_days(monkeypatch):
    cast = Cast()
    laid_out = counted_slot_times(monkeypatch)
    first = tomorrow()
    kwargs = dict(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=first,
        start_time=datetime.time(9),
        end_time=datetime.time(10),
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    )
    with pytest.raises(ValidationError) as refused:
        services.shift_create(
            **kwargs, repeat_until=first + datetime.timedelta(days=repeats.HORIZON_DAYS + 1)
        )
    assert list(refused.value.message_dict) == ["repeat_until"]
    with pytest.raises(ValidationError) as refused:
        services.shift_create(
            **kwargs, repeat_until=first + datetime.timedelta(days=repeats.MAX_DAYS + 1)
        )
    assert list(refused.value.message_dict) == ["repeat_until"]
    with pytest.raises(ValidationError) as refused:
        services.shift_create(**kwargs, repeat_until=first - datetime.timedelta(days=1))
    assert list(refused.value.message_dict) == ["repeat_until"]
    assert laid_out == [] and not Shift.objects.exists()
    # The longest allowed: every day for MAX_DAYS days, each laid out once.
    shift = services.shift_create(
        **kwargs, repeat_until=first + datetime.timedelta(days=repeats.MAX_DAYS - 1)
    )
    assert len(laid_out) == len(set(laid_out)) <= repeats.MAX_DAYS
    assert shift.slots.count() == len(laid_out)


def test_a_repeating_shift_made_twice_over_makes_each_slot_once():
    """Generation is idempotent: running it again adds nothing and raises nothing."""
    cast = Cast()
    shift = services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=tomorrow(),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        rrule="FREQ=WEEKLY",
        repeat_until=tomorrow() + datetime.timedelta(days=21),
    )
    made = shift.slots.count()
    assert made and services.shift_extend_slots(shift=shift) == 0
    assert shift.slots.count() == made


def test_the_web_form_offers_every_weekday_as_well(client):
    cast = Cast()
    client.force_login(cast.handler)
    first = tomorrow()
    response = client.post(
        reverse("appointments:shift_new"),
        {
            "mode": "video",
            "first_day": first.isoformat(),
            "start_time": "13:00",
            "end_time": "14:00",
            "repeat": "weekdays",
            "repeat_until": (first + datetime.timedelta(days=13)).isoformat(),
            "slot_minutes": 45,
            "buffer_minutes": 15,
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get()
    assert shift.rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert {s.starts_at.weekday() for s in shift.slots.all()} <= {0, 1, 2, 3, 4}


# --- rows written before the rules were narrowed -----------------------------------------------


def test_the_daily_task_skips_a_stored_rule_no_longer_allowed_and_logs_only_its_id(caplog):
    cast = Cast()
    shift = legacy_shift(
        cast.handler, rrule="FREQ=SECONDLY", repeat_until=tomorrow() + datetime.timedelta(days=1)
    )
    fine = legacy_shift(
        cast.handler,
        start=datetime.time(13),
        end=datetime.time(14),
        rrule="FREQ=WEEKLY",
        repeat_until=tomorrow() + datetime.timedelta(days=10),
    )
    with caplog.at_level(logging.WARNING, logger="appointments.services"):
        made = extend_recurring_shifts()
    assert not shift.slots.exists()
    assert made == fine.slots.count() == len(fine.days()) > 0
    assert f"shift {shift.pk}" in caplog.text and "no longer allowed" in caplog.text
    worker = cast.handler
    named = [worker.username, worker.email, worker.first_name, worker.last_name, str(worker)]
    assert all(value not in caplog.text for value in named if value)
    # Its week in the calendar shows without laying out a second of it.
    monday = tomorrow() - datetime.timedelta(days=tomorrow().weekday())
    days = week_days(cast.handler, monday)
    assert all(item.shift != shift for day in days for item in day.shifts)


def test_a_stored_rule_over_years_still_yields_a_bounded_number_of_days():
    cast = Cast()
    shift = legacy_shift(
        cast.handler,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
        repeat_until=tomorrow() + datetime.timedelta(days=3 * 366),
    )
    days = shift.days()
    assert len(days) <= repeats.MAX_DAYS
    assert days[-1] < tomorrow() + datetime.timedelta(days=repeats.MAX_DAYS)


# --- what was seen 2: extreme dates ------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2101-01-01", "1999-12-31"])
def test_free_slots_on_a_day_outside_the_window_are_a_400(day):
    response = client_for(ProfessionalFactory()).get("/api/v1/slots/", {"date": day})
    assert response.status_code == 400 and "date" in response.data, response.data


def test_free_slots_on_the_last_day_of_the_window_are_an_empty_list():
    response = client_for(ProfessionalFactory()).get("/api/v1/slots/", {"date": "2100-12-31"})
    assert response.status_code == 200 and response.data["results"] == []


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"first_day": "9999-12-31", "start_time": "23:00", "end_time": "23:59"}, "first_day"),
        ({"first_day": "2101-01-01"}, "first_day"),
        ({"rrule": "FREQ=WEEKLY", "repeat_until": "9999-12-31"}, "repeat_until"),
    ],
)
def test_a_shift_outside_the_window_is_a_400(extra, field):
    cast = Cast()
    response = client_for(cast.handler).post("/api/v1/shifts/", shift_body(**extra), format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert not Shift.objects.exists()


def test_a_shift_on_the_last_evening_of_9999_is_a_form_error(client):
    cast = Cast()
    client.force_login(cast.handler)
    response = client.post(
        reverse("appointments:shift_new"),
        {
            "mode": "video",
            "first_day": "9999-12-31",
            "start_time": "23:00",
            "end_time": "23:59",
            "repeat": "",
            "slot_minutes": 45,
            "buffer_minutes": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_day"]
    assert not Shift.objects.exists()


def test_the_service_itself_refuses_a_day_outside_the_window():
    cast = Cast()
    with pytest.raises(ValidationError) as refused:
        services.shift_create(
            actor=cast.handler,
            worker=cast.handler,
            mode="phone",
            first_day=datetime.date(9999, 12, 31),
            start_time=datetime.time(23),
            end_time=datetime.time(23, 59),
        )
    assert list(refused.value.message_dict) == ["first_day"]


def test_appointments_are_filtered_only_within_the_window():
    cast = Cast()
    api = client_for(cast.handler)
    response = api.get("/api/v1/appointments/", {"starts_after": "2100-06-01T00:00:00Z"})
    assert response.status_code == 200
    response = api.get("/api/v1/appointments/", {"starts_after": "2150-01-01T00:00:00Z"})
    assert response.status_code == 400 and "starts_after" in response.data
    response = api.get("/api/v1/appointments/", {"starts_before": "1950-01-01T00:00:00Z"})
    assert response.status_code == 400 and "starts_before" in response.data


# --- what was seen 6: overlapping shifts of one worker -----------------------------------------


def plan(worker, *, day=None, start=9, end=12, rrule="", until=None, mode="phone"):
    return services.shift_create(
        actor=worker,
        worker=worker,
        mode=mode,
        first_day=day or tomorrow(),
        start_time=datetime.time(start),
        end_time=datetime.time(end),
        rrule=rrule,
        repeat_until=until,
    )


def test_a_second_shift_at_the_same_time_of_one_worker_is_refused():
    cast = Cast()
    plan(cast.handler, start=9, end=12)
    for start, end in ((9, 12), (11, 13), (8, 10), (10, 11), (8, 13)):
        with pytest.raises(ValidationError) as refused:
            plan(cast.handler, start=start, end=end, mode="video")
        assert "already has a shift" in " ".join(refused.value.messages)
    assert Shift.objects.count() == 1


def test_shifts_that_only_touch_or_fall_on_other_days_or_workers_are_fine():
    cast = Cast()
    plan(cast.handler, start=9, end=12)
    plan(cast.handler, start=12, end=14)
    plan(cast.handler, start=8, end=9)
    plan(cast.handler, day=tomorrow() + datetime.timedelta(days=1), start=9, end=12)
    colleague = WorkerFactory(organization=cast.organization)
    services.shift_create(
        actor=cast.handler,
        worker=colleague,
        mode="phone",
        first_day=tomorrow(),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
    )
    assert Shift.objects.count() == 5


def test_a_one_off_shift_on_a_day_a_repeating_one_is_held_is_refused():
    cast = Cast()
    first = tomorrow()
    weekly = plan(
        cast.handler, day=first, rrule="FREQ=WEEKLY", until=first + datetime.timedelta(days=28)
    )
    held = weekly.days()[-1]
    assert held > first
    with pytest.raises(ValidationError):
        plan(cast.handler, day=held, start=11, end=13, mode="video")
    # The day after, or a week after the repeat ends, is free.
    plan(cast.handler, day=held + datetime.timedelta(days=1), start=11, end=13)
    plan(cast.handler, day=first + datetime.timedelta(days=35), start=11, end=13)


def test_a_repeating_shift_that_meets_an_existing_one_on_some_later_day_is_refused():
    cast = Cast()
    first = tomorrow()
    # held by a weekly rule from `first`, never by every other week from the week after
    fortnight = first + datetime.timedelta(days=14)
    later = fortnight if not is_public_holiday(fortnight) else first + datetime.timedelta(days=28)
    plan(cast.handler, day=later, start=10, end=11)
    with pytest.raises(ValidationError):
        plan(
            cast.handler,
            day=first,
            start=9,
            end=12,
            rrule="FREQ=WEEKLY",
            until=first + datetime.timedelta(days=28),
            mode="video",
        )
    # Every other week from the week after misses it.
    plan(
        cast.handler,
        day=first + datetime.timedelta(days=7),
        start=9,
        end=12,
        rrule="FREQ=WEEKLY;INTERVAL=2",
        until=first + datetime.timedelta(days=28),
        mode="video",
    )


def test_a_cancelled_shift_no_longer_holds_its_time():
    cast = Cast()
    shift = plan(cast.handler)
    services.shift_cancel(shift=shift, actor=cast.handler, reason="Koulutus")
    assert plan(cast.handler, mode="video").pk != shift.pk


def test_an_overlapping_shift_through_the_api_is_a_400_and_saves_nothing():
    cast = Cast()
    api = client_for(cast.handler)
    assert api.post("/api/v1/shifts/", shift_body(), format="json").status_code == 201
    response = api.post("/api/v1/shifts/", shift_body(start_time="11:00", end_time="13:00"))
    assert response.status_code == 400, response.data
    assert Shift.objects.count() == 1 and Slot.objects.count() == 3
