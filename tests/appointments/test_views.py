import datetime

import pytest
from django.urls import reverse

from appointments import services
from appointments.models import Appointment, AppointmentState, Shift, SlotOffer
from directory.models import Mode
from referrals.models import State
from tests.appointments.helpers import accepted_with_shift, started, tomorrow
from tests.factories import ProfessionalFactory, WorkerFactory
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def test_a_worker_books_a_free_time_from_the_referral(client):
    referral, cast, shift = accepted_with_shift()
    client.force_login(cast.handler)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("appointments:book", args=[referral.pk]) in page
    slot = shift.slots.first()
    response = client.post(reverse("appointments:book", args=[referral.pk]), {"slot": slot.pk})
    appointment = Appointment.objects.get()
    assert response.url == reverse("appointments:detail", args=[appointment.pk])
    referral.refresh_from_db()
    assert referral.state == State.SCHEDULED


def test_a_time_taken_meanwhile_is_refused_and_the_free_times_offered(client):
    referral, cast, shift = accepted_with_shift()
    first = shift.slots.first()
    form_page = client  # the worker loads the form, then a colleague books first
    client.force_login(cast.handler)
    colleague = WorkerFactory(organization=cast.organization)
    services.appointment_book(referral=referral, slot=first, actor=colleague)
    response = form_page.post(reverse("appointments:book", args=[referral.pk]), {"slot": first.pk})
    # the form no longer offers the taken slot, so the choice is refused as invalid
    assert response.status_code in (200, 409)
    body = response.content.decode()
    for free in shift.slots.exclude(pk=first.pk):
        assert f'value="{free.pk}"' in body
    assert Appointment.objects.count() == 1


def test_a_worker_records_attendance_and_reports_the_outcome(client):
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    started(appointment)
    client.force_login(cast.handler)
    client.post(reverse("appointments:action", args=[appointment.pk, "attend"]))
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.ATTENDED
    response = client.post(
        reverse("appointments:outcome", args=[referral.pk]),
        {
            "service_given": "counselling",
            "sessions": 1,
            "next_step": "no_further_need",
            "summary_for_referrer": "Arki helpottui.",
        },
    )
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    client.force_login(cast.referrer)
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Completed" in body and "Arki helpottui." in body


def test_the_outcome_page_keeps_more_sessions_in_service(client):
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    services.appointment_attend(appointment=started(appointment), actor=cast.handler)
    client.force_login(cast.handler)
    url = reverse("appointments:outcome", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "Report and complete" not in page
    assert "“More sessions”" in page and "“In service”" in page
    response = client.post(
        url,
        {"service_given": "counselling", "sessions": 1, "next_step": "more_sessions"},
        follow=True,
    )
    assert "the referral stays in service" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.IN_SERVICE


def test_the_family_link_changes_nothing_until_a_button_is_pressed(client):
    referral, cast, shift = accepted_with_shift()
    client.force_login(cast.handler)
    slots = list(shift.slots.all()[:2])
    response = client.post(
        reverse("appointments:offer", args=[referral.pk]),
        {"slots": [s.pk for s in slots]},
        follow=True,
    )
    link = response.context["link"]
    path = link.split("testserver", 1)[1]
    client.logout()
    for _ in range(3):  # a mail scanner opening the link
        page = client.get(path)
        assert page.status_code == 200
    assert Appointment.objects.count() == 0
    body = page.content.decode()
    assert cast.organization.name in body
    assert referral.contact_name not in body and referral.contact_phone not in body
    assert page["Referrer-Policy"] == "same-origin"
    client.post(path, {"action": "choose", "slot": slots[1].pk})
    appointment = Appointment.objects.get()
    assert appointment.state == AppointmentState.CONFIRMED and appointment.slot == slots[1]
    client.post(path, {"action": "cancel", "confirm": "yes"})
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CANCELLED_BY_FAMILY


def test_the_family_page_speaks_the_familys_language(client):
    referral, cast, shift = accepted_with_shift()
    type(referral).objects.filter(pk=referral.pk).update(language="sv")
    referral.refresh_from_db()
    _offer, token = services.offer_create(
        referral=referral, slots=list(shift.slots.all()[:2]), actor=cast.handler
    )
    body = client.get(reverse("appointments:family_offer", args=[token])).content.decode()
    assert 'lang="sv"' in body


def test_a_forged_family_link_is_404(client):
    assert client.get(reverse("appointments:family_offer", args=["nonsense"])).status_code == 404


def test_the_page_offers_no_attendance_ahead_and_refuses_it_with_the_reason(client):
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    client.force_login(cast.handler)
    url = reverse("appointments:action", args=[appointment.pk, "attend"])
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert url not in page
    response = client.post(url, follow=True)
    assert response.status_code in (200, 409)
    assert "only once the appointment has started" in response.content.decode()
    assert Appointment.objects.get().state == AppointmentState.BOOKED


def test_appointment_pages_are_only_for_the_organizations_workers(client):
    referral, cast, shift = accepted_with_shift()
    appointment = services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    for outsider in (WorkerFactory(), ProfessionalFactory(), cast.referrer, cast.coordinator):
        login(client, outsider)
        assert client.get(reverse("appointments:detail", args=[appointment.pk])).status_code == 404
        assert client.get(reverse("appointments:book", args=[referral.pk])).status_code == 404
        response = client.post(reverse("appointments:action", args=[appointment.pk, "attend"]))
        assert response.status_code == 404
    assert Appointment.objects.get().state == AppointmentState.BOOKED


def test_a_worker_adds_a_biweekly_shift_and_cancels_it(client):
    _referral, cast, _shift = accepted_with_shift()
    client.force_login(cast.handler)
    first = tomorrow()
    response = client.post(
        reverse("appointments:shift_new"),
        {
            "mode": "video",
            "first_day": first.isoformat(),
            "start_time": "13:00",
            "end_time": "15:00",
            "repeat": "biweekly",
            "repeat_until": (first + datetime.timedelta(days=28)).isoformat(),
            "slot_minutes": 45,
            "buffer_minutes": 15,
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get(mode="video")
    assert shift.slots.count() == 3 * 2  # three days, two slots a day
    client.post(reverse("appointments:shift_cancel", args=[shift.pk]), {"reason": "Koulutus"})
    shift.refresh_from_db()
    assert shift.cancelled_at is not None
    assert SlotOffer.objects.count() == 0


def test_the_free_times_say_when_how_and_with_whom_in_the_readers_language(client, settings):
    import html

    from django.utils import timezone

    referral, cast, shift = accepted_with_shift()
    cast.handler.first_name, cast.handler.last_name = "Aino", "Aalto"
    cast.handler.save()
    client.force_login(cast.handler)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = html.unescape(
        client.get(reverse("appointments:book", args=[referral.pk])).content.decode()
    )
    for slot in shift.slots.all():
        local = timezone.localtime(slot.starts_at)
        # As Finland-Swedes write it: 7.12.2026 kl. 9.00.
        when = f"{local.day}.{local.month}.{local.year} kl. {local.hour}.{local:%M}"
        assert f"{when} · Telefon · Aino Aalto" in page
    assert page.count('type="radio"') == shift.slots.count()


@pytest.mark.parametrize("invalid", [False, True])
@pytest.mark.parametrize(
    "view, name, kind", [("book", "slot", "radio"), ("offer", "slots", "checkbox")]
)
def test_the_free_times_are_labelled_buttons_in_a_group_with_a_legend(
    client, view, name, kind, invalid
):
    import re

    _referral, cast, shift = accepted_with_shift()
    client.force_login(cast.handler)
    url = reverse(f"appointments:{view}", args=[_referral.pk])
    response = client.post(url, {name: "x"}) if invalid else client.get(url)
    page = response.content.decode()
    group = page[page.index("<fieldset") : page.index("</fieldset>")]
    assert re.search(r"<legend[^>]*>\s*Free times", group) or re.search(
        r"<legend[^>]*>\s*Times to offer", group
    )
    buttons = re.findall(r"<input [^>]*>", group)
    assert len(buttons) == shift.slots.count()
    values = set()
    for button in buttons:
        assert f'type="{kind}"' in button and f'name="{name}"' in button
        values.add(int(re.search(r'value="(\d+)"', button).group(1)))
        own_id = re.search(r' id="([^"]+)"', button).group(1)
        assert f'<label for="{own_id}">' in group  # each button is named by its label
        assert ('aria-invalid="true"' in button) is invalid
    assert values == set(shift.slots.values_list("pk", flat=True))


@pytest.mark.parametrize("invalid", [False, True])
def test_the_free_times_one_template_writes_what_djangos_own_templates_write(invalid):
    from django import forms
    from django.test.html import parse_html

    from appointments.forms import BookForm, OfferForm
    from appointments.services import free_slots

    _referral, cast, shift = accepted_with_shift()
    data = {"slot": "x", "slots": ["x"]} if invalid else None
    for form_class, name in ((BookForm, "slot"), (OfferForm, "slots")):
        form = form_class(data, slots=free_slots(cast.organization))
        if invalid:
            assert not form.is_valid()
        ours = str(form[name])
        assert ours.count("<input") == shift.slots.count()
        ours_widget = form.fields[name].widget
        assert isinstance(ours_widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
        django_widget = next(
            c for c in type(ours_widget).__mro__ if c.__module__.startswith("django.")
        )
        form.fields[name].widget = django_widget(
            attrs=ours_widget.attrs, choices=ours_widget.choices
        )
        assert form.fields[name].widget.template_name.startswith("django/forms/widgets/")
        assert parse_html(ours) == parse_html(str(form[name]))


def test_the_booking_page_shows_the_preferred_ways_to_meet_in_the_models_order(
    client, django_assert_max_num_queries
):
    referral, cast, _shift = accepted_with_shift()
    referral.preferred_modes.set(Mode.objects.order_by("-code")[:3])
    client.force_login(cast.handler)
    # the session's first request reads what it remembers
    client.get(reverse("appointments:book", args=[referral.pk]))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("appointments:book", args=[referral.pk])).content.decode()
    modes = ", ".join(str(m) for m in referral.preferred_modes.all())
    assert len(modes.split(", ")) == 3 and f"Preferred ways to meet: {modes} ·" in page
