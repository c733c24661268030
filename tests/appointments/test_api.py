"""Shifts, slots, appointments and outcomes through the API: each role sees only what it may."""

import datetime

import pytest
from django.utils import timezone

from appointments.models import Appointment, AppointmentEvent, OutcomeReport, Shift
from directory.models import OutcomeTheme
from referrals.models import Referral, ReferralEvent, State
from tests.appointments.helpers import accepted_with_shift, started, tomorrow
from tests.factories import (
    Cast,
    CoordinatorFactory,
    MunicipalityFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)
from tests.factories import (
    api_client_for as client_for,
)

pytestmark = pytest.mark.django_db


def outsiders(cast):
    """Everyone who must not know the organization's appointments exist."""
    return [
        cast.referrer,
        cast.coordinator,
        ProfessionalFactory(),
        WorkerFactory(),  # another organization's worker
    ]


# --- shifts ----------------------------------------------------------------------------------


def shift_body(**extra):
    return {
        "mode": "phone",
        "first_day": tomorrow().isoformat(),
        "start_time": "09:00",
        "end_time": "12:00",
        **extra,
    }


def test_a_worker_plans_a_shift_and_its_slots_are_made():
    cast = Cast()
    response = client_for(cast.handler).post("/api/v1/shifts/", shift_body(), format="json")
    assert response.status_code == 201, response.data
    shift = Shift.objects.get(pk=response.data["id"])
    assert (shift.worker, shift.organization) == (cast.handler, cast.organization)
    assert shift.slots.count() == 3  # 9:00, 10:00, 11:00 with 45 + 15 minutes


def test_a_shift_can_be_planned_for_a_colleague_but_not_for_another_organizations_worker():
    cast = Cast()
    colleague = WorkerFactory(organization=cast.organization)
    api = client_for(cast.handler)
    response = api.post("/api/v1/shifts/", shift_body(worker=colleague.pk), format="json")
    assert response.status_code == 201 and response.data["worker"] == colleague.pk
    stranger = WorkerFactory()
    response = api.post("/api/v1/shifts/", shift_body(worker=stranger.pk), format="json")
    assert response.status_code == 400 and "worker" in response.data


def test_bad_shift_input_gets_field_messages_and_saves_nothing():
    cast = Cast()
    api = client_for(cast.handler)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases = [
        (shift_body(first_day=yesterday), "first_day"),
        (shift_body(end_time="08:00"), "end_time"),
        (shift_body(mode="reception"), "site"),
        (shift_body(rrule="FREQ=WEEKLY"), "repeat_until"),
        (shift_body(slot_minutes=5), "slot_minutes"),
    ]
    for body, field in cases:
        response = api.post("/api/v1/shifts/", body, format="json")
        assert response.status_code == 400 and field in response.data, (body, response.data)
    assert not Shift.objects.exists()


def test_only_workers_plan_shifts_and_others_never_see_them():
    _referral, cast, shift = accepted_with_shift()
    for user in (cast.referrer, cast.coordinator):
        response = client_for(user).post("/api/v1/shifts/", shift_body(), format="json")
        assert response.status_code == 403
    for user in outsiders(cast):
        api = client_for(user)
        assert api.get("/api/v1/shifts/").data["results"] == []
        assert api.get(f"/api/v1/shifts/{shift.pk}/").status_code == 404
        response = api.post(f"/api/v1/shifts/{shift.pk}/cancel/", {"reason": "x"}, format="json")
        assert response.status_code == 404
    assert [s["id"] for s in client_for(cast.handler).get("/api/v1/shifts/").data["results"]] == [
        shift.pk
    ]


def test_cancelling_a_shift_needs_a_reason_and_cancels_its_bookings():
    referral, cast, shift = accepted_with_shift()
    api = client_for(cast.handler)
    slot = shift.slots.first()
    assert (
        api.post("/api/v1/appointments/", {"slot": slot.pk, "referral": referral.pk}).status_code
        == 201
    )
    assert api.post(f"/api/v1/shifts/{shift.pk}/cancel/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/shifts/{shift.pk}/cancel/", {"reason": "Sairastuminen"})
    assert response.status_code == 200 and response.data["cancelled_at"]
    appointment = Appointment.objects.get(slot=slot)
    assert appointment.state == "cancelled_by_organization" and appointment.needs_rebooking
    assert api.post(f"/api/v1/shifts/{shift.pk}/cancel/", {"reason": "again"}).status_code == 400


# --- slots -----------------------------------------------------------------------------------


def test_free_slots_are_filtered_by_organization_area_mode_and_day_and_show_no_people():
    referral, cast, phone_shift = accepted_with_shift()
    other = Cast()
    from appointments.services import shift_create
    from directory.models import ReceptionSite

    area = MunicipalityFactory()
    site = ReceptionSite.objects.create(municipality=area, name="Kirjasto", address="Katu 1")
    day_after = tomorrow() + datetime.timedelta(days=1)
    reception = shift_create(
        actor=other.handler,
        worker=other.handler,
        mode="reception",
        site=site,
        first_day=day_after,
        start_time=datetime.time(13),
        end_time=datetime.time(14),
    )
    api = client_for(ProfessionalFactory())
    everything = api.get("/api/v1/slots/").data["results"]
    assert len(everything) == 4
    assert "worker" not in everything[0]
    mine = api.get("/api/v1/slots/", {"organization": cast.organization.pk}).data["results"]
    assert {s["id"] for s in mine} == set(phone_shift.slots.values_list("pk", flat=True))
    by_area = api.get("/api/v1/slots/", {"municipality": area.code}).data["results"]
    assert [s["id"] for s in by_area] == [reception.slots.get().pk]
    assert by_area[0]["municipality"] == area.code and by_area[0]["mode"] == "reception"
    assert len(api.get("/api/v1/slots/", {"mode": "phone"}).data["results"]) == 3
    on_day = api.get("/api/v1/slots/", {"date": day_after.isoformat()}).data["results"]
    assert [s["id"] for s in on_day] == [reception.slots.get().pk]
    # a booked slot is no longer free
    first = phone_shift.slots.first()
    client_for(cast.handler).post(
        "/api/v1/appointments/", {"slot": first.pk, "referral": referral.pk}
    )
    assert first.pk not in {s["id"] for s in api.get("/api/v1/slots/").data["results"]}
    assert api.get("/api/v1/slots/", {"mode": "teleport"}).status_code == 400


def test_the_slot_list_does_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(3):
        accepted_with_shift()
    api = client_for(ProfessionalFactory())
    with django_assert_max_num_queries(4):
        assert len(api.get("/api/v1/slots/").data["results"]) == 9


# --- appointments ----------------------------------------------------------------------------


def test_booking_returns_201_and_a_taken_slot_409_with_alternatives():
    referral, cast, shift = accepted_with_shift()
    second, _cast = referral_in_state(State.ACCEPTED, cast)
    api = client_for(cast.handler)
    slot = shift.slots.first()
    response = api.post("/api/v1/appointments/", {"slot": slot.pk, "referral": referral.pk})
    assert response.status_code == 201
    assert response.data["state"] == "booked"
    # attendance only from the appointment's start
    assert set(response.data["available_transitions"]) == {
        "confirm",
        "cancel",
        "cancel_by_family",
    }
    assert Referral.objects.get(pk=referral.pk).state == State.SCHEDULED
    response = api.post("/api/v1/appointments/", {"slot": slot.pk, "referral": second.pk})
    assert response.status_code == 409
    assert len(response.data["alternatives"]) == 2
    assert Appointment.objects.count() == 1


def test_booking_refuses_what_the_caller_may_not_book():
    referral, cast, shift = accepted_with_shift()
    slot = shift.slots.first()
    body = {"slot": slot.pk, "referral": referral.pk}
    # people who may not know the referral exists: 404
    for user in (ProfessionalFactory(), WorkerFactory(), cast.coordinator):
        assert client_for(user).post("/api/v1/appointments/", body).status_code == 404
    # the referrer sees the referral but is not its organization's worker
    assert client_for(cast.referrer).post("/api/v1/appointments/", body).status_code == 404
    # another organization's slot, a missing slot, nonsense
    _r, _c, foreign = accepted_with_shift()
    api = client_for(cast.handler)
    body = {"slot": foreign.slots.first().pk, "referral": referral.pk}
    assert api.post("/api/v1/appointments/", body).status_code == 400
    assert (
        api.post("/api/v1/appointments/", {"slot": 0, "referral": referral.pk}).status_code == 400
    )
    assert api.post("/api/v1/appointments/", {"slot": "x"}).status_code == 400
    # a referral that is not accepted yet: a conflict of state
    assigned, _c = referral_in_state(State.ASSIGNED, cast)
    body = {"slot": slot.pk, "referral": assigned.pk}
    assert api.post("/api/v1/appointments/", body).status_code == 409
    assert not Appointment.objects.exists()


def test_appointments_are_seen_only_by_their_organizations_workers(django_assert_max_num_queries):
    referral, cast, shift = accepted_with_shift()
    api = client_for(cast.handler)
    created = api.post(
        "/api/v1/appointments/", {"slot": shift.slots.first().pk, "referral": referral.pk}
    ).data
    colleague = WorkerFactory(organization=cast.organization)
    assert client_for(colleague).get(f"/api/v1/appointments/{created['id']}/").status_code == 200
    for user in outsiders(cast):
        other = client_for(user)
        assert other.get("/api/v1/appointments/").data["results"] == []
        assert other.get(f"/api/v1/appointments/{created['id']}/").status_code == 404
        url = f"/api/v1/appointments/{created['id']}/transitions/attend/"
        assert other.post(url).status_code == 404
    for _ in range(2):  # the shift's other two slots
        extra, _c = referral_in_state(State.ACCEPTED, cast)
        slot = shift.slots.exclude(appointments__isnull=False).first()
        api.post("/api/v1/appointments/", {"slot": slot.pk, "referral": extra.pk})
    # The token with its user, knox's sweep of the user's expired tokens, the roles, the page.
    with django_assert_max_num_queries(5):
        assert len(api.get("/api/v1/appointments/").data["results"]) == 3
    assert api.get("/api/v1/appointments/", {"referral": referral.pk}).data["count"] == 1


def test_appointment_transitions_run_the_state_machine_with_an_audit_row():
    referral, cast, shift = accepted_with_shift()
    api = client_for(cast.handler)
    pk = api.post(
        "/api/v1/appointments/", {"slot": shift.slots.first().pk, "referral": referral.pk}
    ).data["id"]
    url = f"/api/v1/appointments/{pk}/transitions/"
    started(Appointment.objects.get(pk=pk))
    response = api.post(url + "attend/")
    assert response.status_code == 200 and response.data["state"] == "attended"
    assert response.data["available_transitions"] == []
    assert Referral.objects.get(pk=referral.pk).state == State.IN_SERVICE
    assert api.post(url + "attend/").status_code == 409
    assert api.post(url + "teleport/").status_code == 404
    event = AppointmentEvent.objects.filter(appointment_id=pk).latest("pk")
    assert (event.transition, event.actor, event.from_state) == ("attend", cast.handler, "booked")


def test_attendance_ahead_of_the_appointment_is_a_409_with_the_reason():
    referral, cast, shift = accepted_with_shift()
    api = client_for(cast.handler)
    pk = api.post(
        "/api/v1/appointments/", {"slot": shift.slots.first().pk, "referral": referral.pk}
    ).data["id"]
    for name in ("attend", "no_show"):
        response = api.post(f"/api/v1/appointments/{pk}/transitions/{name}/")
        assert response.status_code == 409
        assert "only once the appointment has started" in str(response.data)
    assert Appointment.objects.get(pk=pk).state == "booked"


def test_a_family_cancellation_is_recorded_with_its_reason():
    referral, cast, shift = accepted_with_shift()
    api = client_for(cast.handler)
    pk = api.post(
        "/api/v1/appointments/", {"slot": shift.slots.first().pk, "referral": referral.pk}
    ).data["id"]
    response = api.post(
        f"/api/v1/appointments/{pk}/transitions/cancel_by_family/", {"reason": "Lapsi sairas"}
    )
    assert response.status_code == 200 and response.data["state"] == "cancelled_by_family"
    assert AppointmentEvent.objects.filter(appointment_id=pk).latest("pk").reason == "Lapsi sairas"


# --- outcomes --------------------------------------------------------------------------------


def outcome_body(referral, **extra):
    return {
        "referral": referral.pk,
        "service_given": "counselling",
        "sessions": 2,
        "next_step": "no_further_need",
        "summary_for_referrer": "Perhe sai avun.",
        **extra,
    }


def test_reporting_the_outcome_completes_the_referral_once():
    referral, cast = referral_in_state(State.IN_SERVICE)
    theme = OutcomeTheme.objects.filter(is_active=True).first()
    api = client_for(cast.handler)
    body = outcome_body(referral, themes=[theme.slug] if theme else [])
    response = api.post("/api/v1/outcomes/", body, format="json")
    assert response.status_code == 201, response.data
    assert Referral.objects.get(pk=referral.pk).state == State.COMPLETED
    event = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert (event.transition, event.actor) == ("complete", cast.handler)
    again = api.post("/api/v1/outcomes/", body, format="json")
    assert again.status_code == 409
    assert OutcomeReport.objects.count() == 1
    assert [o["id"] for o in api.get("/api/v1/outcomes/").data["results"]] == [response.data["id"]]
    assert api.get(f"/api/v1/outcomes/{response.data['id']}/").status_code == 200


def test_outcome_input_and_access_are_checked():
    referral, cast = referral_in_state(State.IN_SERVICE)
    api = client_for(cast.handler)
    bad = outcome_body(referral, next_step="onward_organization")
    response = api.post("/api/v1/outcomes/", bad, format="json")
    assert response.status_code == 400 and "onward_organization" in response.data
    bad = outcome_body(referral, sessions=-1, service_given="magic")
    response = api.post("/api/v1/outcomes/", bad, format="json")
    assert response.status_code == 400 and {"sessions", "service_given"} <= set(response.data)
    for user in outsiders(cast):
        other = client_for(user)
        assert (
            other.post("/api/v1/outcomes/", outcome_body(referral), format="json").status_code
            == 404
        )
        assert other.get("/api/v1/outcomes/").data["results"] == []
    assert Referral.objects.get(pk=referral.pk).state == State.IN_SERVICE
    assert not OutcomeReport.objects.exists()


def test_a_referral_not_yet_accepted_cannot_be_reported_on():
    referral, cast = referral_in_state(State.ASSIGNED)
    response = client_for(cast.handler).post("/api/v1/outcomes/", outcome_body(referral))
    assert response.status_code == 409
    assert not OutcomeReport.objects.exists()


def test_non_numeric_ids_are_404_not_errors():
    api = client_for(CoordinatorFactory())
    for path in ("shifts", "appointments", "outcomes", "referrals", "consents"):
        response = api.get(f"/api/v1/{path}/abc/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json" and response.json()["detail"]
