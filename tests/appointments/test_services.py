import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from appointments import services
from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentState,
    NextStep,
    OutcomeReport,
    Slot,
)
from appointments.tasks import send_appointment_reminders
from perhelinja import sms
from perhelinja.fsm import TransitionRefused
from referrals.models import Referral, State
from referrals.selectors import timeline
from tests.appointments.helpers import accepted_with_shift, started, tomorrow
from tests.factories import OrganizationFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_a_shift_yields_slots_of_its_length_and_buffer():
    _referral, _cast, shift = accepted_with_shift()
    local = [timezone.localtime(s.starts_at).strftime("%H:%M") for s in shift.slots.all()]
    assert local == ["09:00", "10:00", "11:00"]
    assert all((s.ends_at - s.starts_at).seconds == 45 * 60 for s in shift.slots.all())


def test_every_other_tuesday_by_rrule():
    _referral, cast = accepted_with_shift()[:2]
    first = tomorrow() + datetime.timedelta(days=(1 - tomorrow().weekday()) % 7)  # a Tuesday
    shift = services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=first,
        start_time=datetime.time(13),
        end_time=datetime.time(14),
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        repeat_until=first + datetime.timedelta(days=42),
    )
    days = sorted({timezone.localtime(s.starts_at).date() for s in shift.slots.all()})
    assert days == [first + datetime.timedelta(days=14 * i) for i in range(4)]


def next_christmas() -> int:
    today = timezone.localdate()
    return today.year if today < datetime.date(today.year, 12, 20) else today.year + 1


def test_a_weekly_shift_has_no_slots_on_christmas_eve_or_the_holidays(monkeypatch):
    monkeypatch.setattr(services, "SLOT_HORIZON_DAYS", 400)
    _referral, cast = accepted_with_shift()[:2]
    year = next_christmas()
    shift = services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=datetime.date(year, 12, 21),
        start_time=datetime.time(9),
        end_time=datetime.time(10),
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        repeat_until=datetime.date(year, 12, 31),
    )
    days = {timezone.localtime(s.starts_at).date() for s in shift.slots.all()}
    weekdays = {
        datetime.date(year, 12, d)
        for d in range(21, 32)
        if datetime.date(year, 12, d).weekday() < 5
    }
    assert days == weekdays - {datetime.date(year, 12, d) for d in (24, 25, 26)}
    assert days


def test_a_slot_on_a_public_holiday_is_never_offered():
    referral, cast, shift = accepted_with_shift()
    first, second, third = shift.slots.all()
    eve = datetime.datetime(next_christmas(), 12, 24, 10, tzinfo=timezone.get_default_timezone())
    Slot.objects.filter(pk=first.pk).update(
        starts_at=eve, ends_at=eve + datetime.timedelta(minutes=45)
    )
    assert list(services.free_slots(referral.organization)) == [second, third]
    with pytest.raises(ValidationError):
        services.offer_create(referral=referral, slots=[first, second], actor=cast.handler)


def test_a_bad_repeat_rule_is_refused_clearly():
    _referral, cast, _shift = accepted_with_shift()
    with pytest.raises(ValidationError) as excinfo:
        services.shift_create(
            actor=cast.handler,
            worker=cast.handler,
            mode="phone",
            first_day=tomorrow(),
            start_time=datetime.time(9),
            end_time=datetime.time(10),
            rrule="FREQ=SOMETIMES",
            repeat_until=tomorrow() + datetime.timedelta(days=30),
        )
    assert "rrule" in excinfo.value.message_dict


def test_first_booking_schedules_the_referral_and_first_attendance_starts_service():
    referral, cast, shift = accepted_with_shift()
    slot = shift.slots.first()
    appointment = services.appointment_book(referral=referral, slot=slot, actor=cast.handler)
    referral.refresh_from_db()
    assert referral.state == State.SCHEDULED
    assert appointment.state == AppointmentState.BOOKED
    services.appointment_attend(appointment=started(appointment), actor=cast.handler)
    referral.refresh_from_db()
    assert referral.state == State.IN_SERVICE
    events = AppointmentEvent.objects.filter(appointment=appointment)
    assert [(e.transition, e.to_state) for e in events] == [
        ("book", "booked"),
        ("attend", "attended"),
    ]


@pytest.mark.parametrize("name", ["attend", "no_show"])
def test_attendance_is_refused_before_the_appointment_starts(name):
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    with pytest.raises(TransitionRefused) as excinfo:
        services._act(appointment, name, actor=cast.handler)
    assert excinfo.value.messages == [
        "Attendance can be recorded only once the appointment has started."
    ]
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.BOOKED
    assert services._act(started(appointment), name, actor=cast.handler).state != "booked"


def test_a_taken_slot_is_refused_with_free_alternatives():
    referral, cast, shift = accepted_with_shift()
    first, second, third = shift.slots.all()
    services.appointment_book(referral=referral, slot=first, actor=cast.handler)
    with pytest.raises(services.SlotUnavailable) as excinfo:
        services.appointment_book(referral=referral, slot=first, actor=cast.handler)
    assert excinfo.value.alternatives == [second, third]
    assert Appointment.objects.count() == 1


def test_only_the_organizations_workers_book():
    referral, _cast, shift = accepted_with_shift()
    with pytest.raises(PermissionDenied):
        services.appointment_book(
            referral=referral, slot=shift.slots.first(), actor=WorkerFactory()
        )


@pytest.mark.parametrize(
    ("name", "allowed_from"),
    [
        ("confirm", {"booked"}),
        ("attend", {"booked", "confirmed"}),
        ("no_show", {"booked", "confirmed"}),
        ("cancel_by_family", {"booked", "confirmed"}),
        ("cancel", {"booked", "confirmed"}),
    ],
)
@pytest.mark.parametrize(
    "start", ["booked", "confirmed", "attended", "no_show", "cancelled_by_family"]
)
def test_appointment_transitions_by_state(name, allowed_from, start):
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    appointment = started(appointment)
    if start != "booked":
        path = {
            "confirmed": ["confirm"],
            "attended": ["attend"],
            "no_show": ["no_show"],
            "cancelled_by_family": ["cancel_by_family"],
        }[start]
        for step in path:
            appointment = services._act(appointment, step, actor=cast.handler)
    if start in allowed_from:
        assert services._act(appointment, name, actor=cast.handler).state != start
    else:
        with pytest.raises(TransitionRefused):
            services._act(appointment, name, actor=cast.handler)
    with pytest.raises(PermissionDenied):
        services._act(appointment, name, actor=WorkerFactory())


def test_cancelling_a_shift_flags_its_appointments_and_tells_the_family(
    django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    sms.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.shift_cancel(shift=shift, actor=cast.handler, reason="Sairastuminen")
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CANCELLED_BY_ORGANIZATION
    assert appointment.needs_rebooking
    assert not services.free_slots(cast.organization).exists()
    # the consent covers the phone but not text messages or email: only the worker is emailed
    assert sms.outbox == []
    assert [m.to for m in mail.outbox] == [[cast.handler.email]]


def test_reschedule_links_the_new_appointment_to_the_old():
    referral, cast, shift = accepted_with_shift()
    first, second, _third = shift.slots.all()
    old = services.appointment_book(referral=referral, slot=first, actor=cast.handler)
    new = services.appointment_reschedule(appointment=old, slot=second, actor=cast.handler)
    old.refresh_from_db()
    assert old.state == AppointmentState.CANCELLED_BY_ORGANIZATION
    assert new.rescheduled_from == old and new.slot == second


def test_reminders_are_sent_once_however_often_the_task_runs(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    referral, cast, shift = accepted_with_shift(day=timezone.localdate())
    # a slot some hours ahead, whatever the time of day the test runs
    slot = shift.slots.first()
    type(slot).objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=5),
        ends_at=timezone.now() + datetime.timedelta(hours=5, minutes=45),
    )
    slot.refresh_from_db()
    consent = referral.consent
    type(consent).objects.filter(pk=consent.pk).update(scope_contact_sms=True)
    services.appointment_book(referral=referral, slot=slot, actor=cast.handler)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_appointment_reminders() == 1
        assert send_appointment_reminders() == 0
        assert send_appointment_reminders() == 0
    assert [m.to for m in sms.outbox] == [referral.contact_phone]


# --- the family's link -----------------------------------------------------------------------


def test_the_family_chooses_a_time_through_its_link_and_can_cancel_it():
    referral, cast, shift = accepted_with_shift()
    slots = list(shift.slots.all()[:2])
    _offer, token = services.offer_create(referral=referral, slots=slots, actor=cast.handler)
    assert str(referral.contact_name) not in token
    found = services.get_offer_for_token(token)
    appointment = services.offer_choose(offer=found, slot_id=slots[1].pk)
    assert appointment.state == AppointmentState.CONFIRMED and appointment.slot == slots[1]
    assert appointment.events.filter(via_family_link=True).exists()
    with pytest.raises(TransitionRefused):
        services.offer_choose(offer=found, slot_id=slots[0].pk)
    found.refresh_from_db()
    cancelled = services.offer_cancel(offer=found)
    assert cancelled.state == AppointmentState.CANCELLED_BY_FAMILY


def test_a_forged_or_expired_link_is_404():
    referral, cast, shift = accepted_with_shift()
    offer, token = services.offer_create(
        referral=referral, slots=list(shift.slots.all()[:2]), actor=cast.handler
    )
    with pytest.raises(Http404):
        services.get_offer_for_token(token[:-2] + "xx")
    type(offer).objects.filter(pk=offer.pk).update(expires_at=timezone.now())
    with pytest.raises(Http404):
        services.get_offer_for_token(token)


def test_an_offer_needs_two_or_three_free_slots():
    referral, cast, shift = accepted_with_shift()
    with pytest.raises(ValidationError):
        services.offer_create(referral=referral, slots=[shift.slots.first()], actor=cast.handler)


# --- outcome -----------------------------------------------------------------------------------


def test_the_outcome_report_completes_the_referral_and_returns_the_summary_under_consent():
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    services.appointment_attend(appointment=started(appointment), actor=cast.handler)
    services.outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="counselling",
        sessions=1,
        next_step=NextStep.NO_FURTHER_NEED,
        summary_for_referrer="Perhe sai keinoja arkeen.",
    )
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    entries = timeline(referral, for_referrer=True)
    assert entries[-1].state == "completed" and entries[-1].reason == "Perhe sai keinoja arkeen."


def test_more_sessions_keeps_the_referral_in_service_until_the_final_report():
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    services.appointment_attend(appointment=started(appointment), actor=cast.handler)
    report = services.outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="counselling",
        sessions=1,
        next_step=NextStep.MORE_SESSIONS,
        summary_for_referrer="Jatketaan.",
    )
    referral.refresh_from_db()
    assert referral.state == State.IN_SERVICE
    assert timeline(referral, for_referrer=True)[-1].state == "in_service"
    # more sessions are booked, and the final report replaces the interim one and completes
    services.appointment_book(referral=referral, slot=shift.slots.last(), actor=cast.handler)
    final = services.outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="counselling",
        sessions=2,
        next_step=NextStep.NO_FURTHER_NEED,
    )
    assert final.pk == report.pk
    assert OutcomeReport.objects.get(referral=referral).next_step == NextStep.NO_FURTHER_NEED
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    with pytest.raises(TransitionRefused):
        services.outcome_report(
            referral=referral,
            actor=cast.handler,
            service_given="counselling",
            sessions=2,
            next_step=NextStep.MORE_SESSIONS,
        )


def test_without_consent_to_return_it_the_summary_stays_with_the_organization():
    referral, cast, _shift = accepted_with_shift()
    type(referral.consent).objects.filter(pk=referral.consent_id).update(scope_return_outcome=False)
    referral.refresh_from_db()
    services.outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="advice",
        sessions=0,
        next_step=NextStep.NOT_REACHED,
        summary_for_referrer="Ei tavoitettu.",
    )
    referral.refresh_from_db()
    assert timeline(referral, for_referrer=True)[-1].reason == ""
    assert OutcomeReport.objects.get(referral=referral).summary_for_referrer == "Ei tavoitettu."


def test_onward_to_another_organization_starts_a_new_referral_under_the_same_consent():
    referral, cast, _shift = accepted_with_shift()
    other = OrganizationFactory()
    report = services.outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="guidance",
        sessions=2,
        next_step=NextStep.ONWARD_ORGANIZATION,
        onward_organization=other,
    )
    onward = report.onward_referral
    assert onward.consent_id == referral.consent_id
    assert onward.state == State.ASSIGNED and onward.organization == other
    assert onward.referrer == referral.referrer
    assert cast.referrer.has_perm("referrals.view_referral", onward)
    assert Referral.objects.count() == 2
