"""Issue 15's findings, each as it was seen: sharing ends on every path when consent ends,
cancellations reach the family, and a broker outage loses no message."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from appointments import services as appointment_services
from appointments.models import Appointment, AppointmentState, SlotOffer
from appointments.tasks import send_appointment_reminders
from consent.models import Consent
from perhelinja import outbox
from perhelinja.models import OutboxMessage
from referrals import services
from referrals.models import Notification, Referral, ReferralEvent, State
from referrals.tasks import end_expired_consents
from tests.appointments.helpers import accepted_with_shift
from tests.factories import (
    CoordinatorFactory,
    api_client_for,
    draft_referral,
    referral_in_state,
)

pytestmark = pytest.mark.django_db

# The phone as it is stored and shown (E.164), so the leak checks can find it.
NAME, PHONE, EMAIL = "Zelda Rajatesti", "+358407654321", "zelda.raja@example.org"


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def booked(cast=None):
    """An accepted referral with distinctive family data, one booked time and an open offer."""
    referral, cast, shift = accepted_with_shift(cast=cast)
    Referral.objects.filter(pk=referral.pk).update(
        contact_name=NAME, contact_phone=PHONE, contact_email=EMAIL
    )
    Consent.objects.filter(pk=referral.consent_id).update(scope_contact_email=True)
    referral.refresh_from_db()
    slots = list(shift.slots.order_by("starts_at"))
    appointment = appointment_services.appointment_book(
        referral=referral, slot=slots[0], actor=cast.handler
    )
    offer, _token = appointment_services.offer_create(
        referral=referral, slots=slots[1:3], actor=cast.handler
    )
    return Referral.objects.get(pk=referral.pk), cast, appointment, offer


def shows_family(response) -> bool:
    body = response.content.decode()
    return any(value in body for value in (NAME, PHONE, EMAIL))


# --- 1. after the consent's withdrawal the organization reads nothing of the family ----------


def test_after_the_consents_withdrawal_the_organization_reads_no_personal_data(
    client, django_capture_on_commit_callbacks
):
    referral, cast, _appointment, _offer = booked()
    worker = cast.handler
    client.force_login(worker)
    assert shows_family(client.get(reverse("referrals:detail", args=[referral.pk])))

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(cast.referrer).post(
            f"/api/v1/consents/{referral.consent_id}/withdraw/",
            {"reason": "Perhe soitti"},
            format="json",
        )
    assert response.status_code == 200

    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    api = api_client_for(worker)
    assert api.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    listed = api.get("/api/v1/referrals/?state=withdrawn")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert (row["id"], row["state"]) == (referral.pk, State.WITHDRAWN)  # number, state, dates
    assert not shows_family(listed)
    assert row["contact_name"] == row["description"] == ""
    free = list(appointment_services.free_slots(cast.organization)[:2])
    with pytest.raises(PermissionDenied):
        appointment_services.offer_create(referral=referral, slots=free, actor=worker)


def test_the_referrer_keeps_reading_the_referral_they_made_after_the_withdrawal(client):
    referral, cast, _appointment, _offer = booked()
    services.consent_withdraw(consent=referral.consent, actor=cast.referrer, reason="Peruttu")
    client.force_login(cast.referrer)
    assert shows_family(client.get(reverse("referrals:detail", args=[referral.pk])))


# --- 2. a page (and the API) to record the withdrawal; every path cascades -----------------


def test_the_referrer_records_the_withdrawal_on_the_referrals_page(
    client, django_capture_on_commit_callbacks
):
    referral, cast, appointment, offer = booked()
    client.force_login(cast.referrer)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert 'value="withdraw"' in page.content.decode()  # offered, as a danger action
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:action", args=[referral.pk, "withdraw"]),
            {"reason": "Perhe perui puhelimessa", "confirm": "on"},
        )
    assert response.status_code == 302
    consent = Consent.objects.get(pk=referral.consent_id)
    assert consent.is_withdrawn and consent.withdrawn_by == cast.referrer
    assert Referral.objects.get(pk=referral.pk).state == State.WITHDRAWN
    assert Appointment.objects.get(pk=appointment.pk).state == AppointmentState.CANCELLED_BY_FAMILY
    assert SlotOffer.objects.get(pk=offer.pk).is_expired


def test_the_apis_per_referral_withdraw_withdraws_the_consent_and_cancels_the_times(
    django_capture_on_commit_callbacks,
):
    referral, cast, appointment, _offer = booked()
    second = draft_referral(referrer=cast.referrer, consent=referral.consent)
    services.referral_submit(referral=second, actor=cast.referrer)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(cast.referrer).post(
            f"/api/v1/referrals/{referral.pk}/transitions/withdraw/",
            {"reason": "Perhe perui"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert Consent.objects.get(pk=referral.consent_id).is_withdrawn
    assert Appointment.objects.get(pk=appointment.pk).state == AppointmentState.CANCELLED_BY_FAMILY
    assert Referral.objects.get(pk=second.pk).state == State.WITHDRAWN  # under the same consent
    assert not cast.handler.has_perm(
        "referrals.view_referral", Referral.objects.get(pk=referral.pk)
    )


# --- 3. a cancelled referral's times are cancelled and the family told -----------------------


def test_cancelling_a_scheduled_referral_cancels_its_times_and_tells_the_family(
    django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    referral, cast, appointment, offer = booked()
    assert referral.state == State.SCHEDULED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_cancel(referral=referral, actor=cast.referrer, reason="Apua muualta")
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CANCELLED_BY_ORGANIZATION
    assert appointment.slot_id in set(
        appointment_services.free_slots(cast.organization).values_list("pk", flat=True)
    )  # the time is free again
    assert SlotOffer.objects.get(pk=offer.pk).is_expired
    [family] = [m for m in mail.outbox if m.to == [EMAIL]]
    [(_name, ics, kind)] = family.attachments
    assert kind == "text/calendar" and "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics
    assert not cast.handler.has_perm(
        "referrals.view_referral", Referral.objects.get(pk=referral.pk)
    )


def test_a_withdrawal_tells_the_family_its_times_are_cancelled_in_its_language(
    django_capture_on_commit_callbacks,
):
    referral, cast, _appointment, _offer = booked()
    Referral.objects.filter(pk=referral.pk).update(language="sv")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(consent=referral.consent, actor=cast.referrer, reason="Nej")
    [family] = [m for m in mail.outbox if m.to == [EMAIL]]
    assert "METHOD:CANCEL" in family.attachments[0][1]
    assert family.subject == "Perhelinja: en tid har avbokats"


def test_the_reminder_skips_times_of_referrals_that_have_ended(django_capture_on_commit_callbacks):
    referral, _cast, appointment, _offer = booked()
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=2)
    )
    Referral.objects.filter(pk=referral.pk).update(state=State.CANCELLED)  # as old rows were
    with django_capture_on_commit_callbacks(execute=True):
        assert send_appointment_reminders() == 0


def test_an_expired_consent_cancels_the_times_and_ends_the_organizations_access(
    django_capture_on_commit_callbacks,
):
    referral, cast, appointment, offer = booked()
    Consent.objects.filter(pk=referral.consent_id).update(
        given_at=timezone.now() - datetime.timedelta(days=30),
        valid_until=timezone.now() - datetime.timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert end_expired_consents() == 1
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    assert Appointment.objects.get(pk=appointment.pk).state == AppointmentState.CANCELLED_BY_FAMILY
    assert SlotOffer.objects.get(pk=offer.pk).is_expired
    assert not cast.handler.has_perm("referrals.view_referral", referral)


def test_an_expired_consent_ends_the_organizations_access_to_a_completed_referral():
    referral, cast = referral_in_state(State.COMPLETED)
    Consent.objects.filter(pk=referral.consent_id).update(
        given_at=timezone.now() - datetime.timedelta(days=30),
        valid_until=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert end_expired_consents() == 0  # nothing left to end
    assert not cast.handler.has_perm("referrals.view_referral", referral)
    assert Referral.objects.get(pk=referral.pk).state == State.COMPLETED


# --- 9. a broker outage delays the messages, it loses none ------------------------------------


def test_with_the_broker_down_submit_succeeds_and_the_notification_waits_in_the_outbox(
    client, django_capture_on_commit_callbacks, settings, coordinator
):
    referral = draft_referral()
    client.force_login(referral.referrer)
    mail.outbox.clear()
    with (
        mock.patch.object(
            outbox.deliver_outbox_message, "apply_async", side_effect=BrokerDown("down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("referrals:review", args=[referral.pk]))
    assert response.status_code == 302  # the referral was sent, and the page says so
    assert Referral.objects.get(pk=referral.pk).state == State.SUBMITTED
    [waiting] = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert waiting.task == "referrals.tasks.notify_referral_event"
    assert not Notification.objects.exists() and not mail.outbox

    settings.OUTBOX_REPUBLISH_SECONDS = 0
    assert outbox.republish_unsent() == 1  # the broker is back; the sweep publishes again
    assert Notification.objects.filter(user=coordinator).count() == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert outbox.republish_unsent() == 0


def test_a_delivery_that_dies_midway_is_delivered_once_when_it_comes_again(
    django_capture_on_commit_callbacks, coordinator
):
    referral = draft_referral()
    undelivered = mock.patch.object(outbox, "publish")  # nothing delivers on commit
    with undelivered, django_capture_on_commit_callbacks(execute=True):
        services.referral_submit(referral=referral, actor=referral.referrer)
    [message] = OutboxMessage.objects.all()
    mail.outbox.clear()
    with mock.patch("referrals.tasks.send_mass_mail", side_effect=SystemError("killed")):
        assert outbox.deliver_outbox_message.run(message.pk) is False
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert not Notification.objects.exists()  # the claim and the rows went back together

    assert outbox.deliver_outbox_message.run(message.pk) is True
    assert outbox.deliver_outbox_message.run(message.pk) is False  # a redelivery sends nothing
    assert Notification.objects.filter(user=coordinator).count() == 1
    assert len(mail.outbox) == 1


def test_a_rolled_back_transition_leaves_no_message(django_capture_on_commit_callbacks):
    referral = draft_referral()

    def written_then_failed(*args):
        outbox.enqueue(*args)
        raise RuntimeError("the transaction fails after the message was written")

    failing = mock.patch("perhelinja.lifecycle.enqueue", side_effect=written_then_failed)
    with failing, django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.referral_submit(referral=referral, actor=referral.referrer)
    assert not OutboxMessage.objects.exists()
    assert not ReferralEvent.objects.filter(referral=referral).exists()
    assert Referral.objects.get(pk=referral.pk).state == State.DRAFT
