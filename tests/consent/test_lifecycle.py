import datetime

import pytest
from django.core import mail
from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import AppointmentState
from consent.models import Consent
from perhelinja.fsm import TransitionRefused
from referrals import services
from referrals.models import Notification, State
from referrals.services import consent_withdraw
from referrals.tasks import end_expired_consents
from tests.appointments.helpers import accepted_with_shift
from tests.factories import referral_in_state

pytestmark = pytest.mark.django_db


def test_withdrawal_cancels_future_appointments_and_contacts_the_family_no_more(
    django_capture_on_commit_callbacks,
):
    referral, cast, shift = accepted_with_shift()
    appointment = appointment_services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=referral.consent, actor=cast.handler, reason="Puhelimessa")
    appointment.refresh_from_db()
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    assert appointment.state == AppointmentState.CANCELLED_BY_FAMILY
    recipients = {m.to[0] for m in mail.outbox}
    assert cast.referrer.email in recipients  # the referrer hears of the withdrawal
    assert referral.contact_email not in recipients  # the family is not contacted any more


def test_an_expired_consent_ends_its_referrals_and_the_referrer_is_told_once(
    django_capture_on_commit_callbacks,
):
    referral, cast = referral_in_state(State.SUBMITTED)
    Consent.objects.filter(pk=referral.consent_id).update(
        given_at=timezone.now() - datetime.timedelta(days=2),
        valid_until=timezone.now() - datetime.timedelta(minutes=1),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert end_expired_consents() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert end_expired_consents() == 0
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    event = referral.events.get(transition="withdraw")
    assert event.actor is None and "expired" in event.reason
    [message] = mail.outbox
    assert message.to == [cast.referrer.email] and f"#{referral.pk}" in message.subject
    assert Notification.objects.filter(user=cast.referrer, event=event).count() == 1
    with pytest.raises(TransitionRefused):
        services.referral_assign(
            referral=referral, actor=cast.coordinator, organization=cast.organization
        )
