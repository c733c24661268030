"""Offering times: ranked by the family's wishes, sent by text message or email as the consent
allows, and the family's page (confirmation, calendar file, map, "none suit", cancelling)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import AppointmentState, OfferEventKind, SlotOfferEvent
from consent.models import Consent
from directory.models import Mode, Municipality, ReceptionSite
from perhelinja import sms
from perhelinja.models import OutboxMessage
from tests.appointments.helpers import accepted_with_shift, tomorrow

pytestmark = pytest.mark.django_db


def allow(referral, **scopes):
    Consent.objects.filter(pk=referral.consent_id).update(
        **{f"scope_{name}": value for name, value in scopes.items()}
    )
    referral.refresh_from_db()


def make_offer(referral, cast, shift, count=2):
    return services.offer_create(
        referral=referral, slots=list(shift.slots.all()[:count]), actor=cast.handler
    )


# --- ranking by the family's wishes ------------------------------------------------------------


def test_slots_of_the_preferred_way_to_meet_come_first_then_the_wished_times():
    referral, cast, _phone = accepted_with_shift(start=(9, 0), end=(16, 0))
    later = tomorrow() + datetime.timedelta(days=7)
    video = services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="video",
        first_day=later,
        start_time=datetime.time(9),
        end_time=datetime.time(11),
    )
    referral.preferred_modes.set(Mode.objects.filter(code="video"))
    type(referral).objects.filter(pk=referral.pk).update(preferred_times="iltapäivisin")
    referral.refresh_from_db()
    ranked = list(services.ranked_free_slots(referral))
    video_slots = list(video.slots.order_by("starts_at"))
    assert ranked[: len(video_slots)] == video_slots
    phone_hours = [timezone.localtime(s.starts_at).hour for s in ranked[len(video_slots) :]]
    assert phone_hours == [12, 13, 14, 15, 9, 10, 11]
    assert [s.matches_mode for s in ranked[:3]] == [1, 1, 0]
    assert [s.matches_time for s in ranked[2:]] == [1, 1, 1, 1, 0, 0, 0]


def test_without_wishes_the_soonest_come_first_and_none_is_said_to_match():
    referral, _cast, shift = accepted_with_shift()
    ranked = list(services.ranked_free_slots(referral))
    assert ranked == list(shift.slots.order_by("starts_at"))
    assert not any(s.matches_mode or s.matches_time for s in ranked)


def test_the_offer_page_marks_the_slots_that_match_in_bounded_queries(
    client, django_assert_max_num_queries
):
    referral, cast, shift = accepted_with_shift(start=(9, 0), end=(16, 0))
    type(referral).objects.filter(pk=referral.pk).update(preferred_times="mornings")
    client.force_login(cast.handler)
    url = reverse("appointments:offer", args=[referral.pk])
    client.get(url)  # the session's first request reads what it remembers
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count("matches the family&#x27;s wishes") == 3 + 1  # three slots, the intro
    morning = shift.slots.order_by("starts_at").first()
    afternoon = shift.slots.order_by("starts_at").last()
    assert page.index(f'value="{morning.pk}"') < page.index(f'value="{afternoon.pk}"')


# --- sending the link --------------------------------------------------------------------------


def test_the_link_is_sent_by_text_message_through_the_outbox_when_consent_covers_it(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    settings.SITE_URL = "https://perhelinja.example"
    referral, cast, shift = accepted_with_shift()
    allow(referral, contact_sms=True)
    offer, _token = make_offer(referral, cast, shift)
    client.force_login(cast.handler)
    page = client.get(reverse("appointments:offer_detail", args=[offer.pk])).content.decode()
    assert "Send by text message" in page and "Send by email" not in page
    assert 'id="family-link"' in page
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("appointments:offer_send", args=[offer.pk]), {"channel": "sms"}
        )
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(
        task="appointments.tasks.send_offer_message", args=[offer.pk, "sms"]
    ).exists()
    event = SlotOfferEvent.objects.get(offer=offer)
    assert event.kind == OfferEventKind.SENT_SMS and event.actor == cast.handler
    [message] = sms.outbox
    assert message.to == referral.contact_phone
    assert "https://perhelinja.example/f/" in message.body
    assert cast.organization.name in message.body
    assert referral.contact_name not in message.body
    link = message.body.split("https://perhelinja.example", 1)[1].split()[0]
    assert client.get(link).status_code == 200


def test_the_link_is_sent_by_email_when_consent_covers_it(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://perhelinja.example"
    referral, cast, shift = accepted_with_shift()
    type(referral).objects.filter(pk=referral.pk).update(contact_email="perhe@example.com")
    allow(referral, contact_email=True)
    offer, _token = make_offer(referral, cast, shift)
    client.force_login(cast.handler)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("appointments:offer_send", args=[offer.pk]), {"channel": "email"})
    [message] = mail.outbox
    assert message.to == ["perhe@example.com"]
    assert "https://perhelinja.example/f/" in message.body
    assert referral.contact_name not in message.body + message.subject


def test_without_consent_the_buttons_are_absent_and_a_direct_post_is_refused(client):
    referral, cast, shift = accepted_with_shift()
    type(referral).objects.filter(pk=referral.pk).update(contact_email="perhe@example.com")
    allow(referral, contact_sms=False, contact_email=False)
    offer, _token = make_offer(referral, cast, shift)
    client.force_login(cast.handler)
    page = client.get(reverse("appointments:offer_detail", args=[offer.pk])).content.decode()
    assert "Send by text message" not in page and "Send by email" not in page
    assert 'id="family-link"' in page
    for channel in ("sms", "email", "pigeon"):
        response = client.post(
            reverse("appointments:offer_send", args=[offer.pk]), {"channel": channel}
        )
        assert response.status_code == 400
    body = response.content.decode()
    assert "Choose how to send the link." in body
    assert not OutboxMessage.objects.filter(task="appointments.tasks.send_offer_message").exists()
    assert not SlotOfferEvent.objects.exists()


def test_consent_for_text_messages_without_a_phone_offers_no_text_message():
    referral, _cast, _shift = accepted_with_shift()
    type(referral).objects.filter(pk=referral.pk).update(contact_phone="")
    allow(referral, contact_sms=True)
    assert services.offer_channels(referral) == []


def test_another_organizations_worker_gets_404_for_the_offer(client):
    referral, cast, shift = accepted_with_shift()
    offer, _token = make_offer(referral, cast, shift)
    _other_referral, other, _other_shift = accepted_with_shift()
    client.force_login(other.handler)
    assert client.get(reverse("appointments:offer_detail", args=[offer.pk])).status_code == 404
    send = reverse("appointments:offer_send", args=[offer.pk])
    assert client.post(send, {"channel": "sms"}).status_code == 404


# --- the family's page -------------------------------------------------------------------------


def family_url(token, name="appointments:family_offer"):
    return reverse(name, args=[token])


@pytest.fixture
def family(client, settings):
    """A family reading the page in English (else it opens in the family's language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_after_choosing_the_family_sees_the_time_duration_place_map_phone_and_calendar(family):
    referral, cast, shift = accepted_with_shift()
    type(cast.organization).objects.filter(pk=cast.organization.pk).update(phone="02 123 4567")
    site = ReceptionSite.objects.create(
        municipality=Municipality.objects.get(code="400"),
        name="Laitilan kirjasto",
        address="Kauppakatu 1, Laitila",
    )
    type(shift).objects.filter(pk=shift.pk).update(mode="reception", site=site)
    _offer, token = make_offer(referral, cast, shift)
    assert family.get(family_url(token, "appointments:family_offer_ics")).status_code == 404
    slot = shift.slots.first()
    response = family.post(family_url(token), {"action": "choose", "slot": slot.pk}, follow=True)
    page = response.content.decode()
    assert "hds-notification--success" in page and "Your time is booked" in page
    assert "45 minutes" in page
    assert "Laitilan kirjasto, Kauppakatu 1, Laitila" in page
    assert (
        'href="https://www.openstreetmap.org/search?query=Kauppakatu%201%2C%20Laitila" '
        'rel="noreferrer noopener"'
    ) in page
    assert 'href="tel:021234567"' in page and "02 123 4567" in page
    assert family_url(token, "appointments:family_offer_ics") in page
    ics = family.get(family_url(token, "appointments:family_offer_ics"))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content and b"Kauppakatu 1" in ics.content
    assert referral.contact_name.encode() not in ics.content
    assert referral.contact_phone.encode() not in ics.content


def test_a_remote_time_has_no_map_link(family):
    referral, cast, shift = accepted_with_shift()
    _offer, token = make_offer(referral, cast, shift)
    family.post(family_url(token), {"action": "choose", "slot": shift.slots.first().pk})
    page = family.get(family_url(token)).content.decode()
    assert "openstreetmap" not in page and 'id="family-duration"' in page


def test_cancelling_asks_for_confirmation_first(family):
    referral, cast, shift = accepted_with_shift()
    offer, token = make_offer(referral, cast, shift)
    family.post(family_url(token), {"action": "choose", "slot": shift.slots.first().pk})
    page = family.get(family_url(token)).content.decode()
    assert 'class="hds-button hds-button--danger"' in page and "?step=cancel" in page
    confirm = family.get(family_url(token) + "?step=cancel").content.decode()
    assert 'name="confirm"' in confirm and "required" in confirm
    refused = family.post(family_url(token), {"action": "cancel"}).content.decode()
    assert "Tick the box to confirm" in refused
    offer.refresh_from_db()
    assert offer.appointment.state == AppointmentState.CONFIRMED
    family.post(family_url(token), {"action": "cancel", "confirm": "yes"})
    offer.appointment.refresh_from_db()
    assert offer.appointment.state == AppointmentState.CANCELLED_BY_FAMILY


def test_none_of_these_times_suit_tells_the_worker_once(family, django_capture_on_commit_callbacks):
    referral, cast, shift = accepted_with_shift()
    offer, token = make_offer(referral, cast, shift)
    page = family.get(family_url(token)).content.decode()
    assert "None of these times suit me" in page and "?step=none_suit" in page
    step = family.get(family_url(token) + "?step=none_suit").content.decode()
    assert 'name="message"' in step and 'name="slot"' not in step
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = family.post(
            family_url(token), {"action": "none_suit", "message": "Torstait sopisivat"}, follow=True
        )
    told = response.content.decode()
    assert "the worker will be in touch" in told and "?step=none_suit" not in told
    event = SlotOfferEvent.objects.get(offer=offer)
    assert event.kind == OfferEventKind.NONE_SUIT and event.message == "Torstait sopisivat"
    [message] = mail.outbox
    assert message.to == [cast.handler.email]
    assert f"#{referral.pk}" in message.body and "Torstait" not in message.body
    again = family.post(family_url(token), {"action": "none_suit", "message": "Uudestaan"})
    assert "You have already told us" in again.content.decode()
    assert SlotOfferEvent.objects.filter(offer=offer).count() == 1
    family.force_login(cast.handler)
    worker_page = family.get(reverse("appointments:offer_detail", args=[offer.pk]))
    assert "Torstait sopisivat" in worker_page.content.decode()


def test_a_too_long_none_suit_message_is_refused_clearly(family):
    referral, cast, shift = accepted_with_shift()
    _offer, token = make_offer(referral, cast, shift)
    response = family.post(family_url(token), {"action": "none_suit", "message": "x" * 501})
    assert response.status_code == 200
    body = response.content.decode()
    assert "at most 500 characters" in body and 'name="message"' in body
    assert not SlotOfferEvent.objects.exists()
