"""Messages about appointments: booking (with an .ics file), reminder, cancellation; the
offer's link to the family and the family's "none of these times suit me" to the worker; the
daily extension of repeating shifts' slots.

Tasks take ids. The family is contacted only in the ways its consent covers.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from consent.models import Scope
from perhelinja.outbox import enqueue
from perhelinja.sms import send_sms
from referrals.models import SHARED_STATES

from . import services
from .ics import appointment_ics
from .models import UPCOMING_STATES, Appointment, SlotOffer

KINDS = ("booked", "reminder", "cancelled", "rebook")
CANCELLING = ("cancelled", "rebook")
FAMILY_LANGUAGES = ("fi", "sv", "en")


def _last_covered_moment(consent) -> datetime.datetime | None:
    """Now, or the last moment of a consent that has ended since."""
    if consent is None:
        return None
    end = min(filter(None, (consent.withdrawn_at, consent.valid_until)))
    now = timezone.now()
    return now if now < end else end - datetime.timedelta(microseconds=1)


def _render(kind: str, appointment, language: str, channel: str = "email") -> tuple[str, str]:
    with translation.override(language):
        context = {
            "appointment": appointment,
            "kind": kind,
            "site_url": settings.SITE_URL,
            "channel": channel,
        }
        subject = render_to_string(f"emails/appointment_{kind}_subject.txt", context).strip()
        body = render_to_string(f"emails/appointment_{kind}_body.txt", context)
    return subject, body


@shared_task(acks_late=True)
def send_appointment_message(appointment_id: int, kind: str) -> int:
    """Tell the family (as its consent allows) and the worker; returns messages sent."""
    appointment = Appointment.objects.select_related(
        "referral__consent", "worker", "site", "organization"
    ).get(pk=appointment_id)
    referral = appointment.referral
    if kind == "reminder" and appointment.state not in UPCOMING_STATES:
        return 0  # cancelled since the reminder was written
    consent = referral.consent
    # A cancellation is told in the ways the consent covered while the time was booked, also
    # when the consent's end is what cancelled it: the family must not come for nothing.
    at = _last_covered_moment(consent) if kind in CANCELLING else None
    language = referral.language if referral.language in FAMILY_LANGUAGES else "fi"
    subject, body = _render(kind, appointment, language)
    ics = appointment_ics(appointment, cancel=kind in CANCELLING)
    sent = 0
    if referral.contact_email and consent and consent.is_valid_for(Scope.CONTACT_EMAIL, at):
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [referral.contact_email])
        message.attach("perhelinja.ics", ics, "text/calendar")
        sent += message.send()
    if referral.contact_phone and consent and consent.is_valid_for(Scope.CONTACT_SMS, at):
        sent += send_sms(referral.contact_phone, _render(kind, appointment, language, "sms")[1])
    worker = appointment.worker
    if worker.email and kind != "reminder":
        subject, body = _render(kind, appointment, worker.language)
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [worker.email])
        message.attach("perhelinja.ics", ics, "text/calendar")
        sent += message.send()
    return sent


@shared_task
def send_appointment_reminders() -> int:
    """Remind of appointments in the next APPOINTMENT_REMINDER_HOURS, each exactly once.

    The reminder is claimed with a conditional UPDATE before it is queued, so two runs (or a
    worker restarting mid-run) cannot remind twice.
    """
    now = timezone.now()
    horizon = now + timezone.timedelta(hours=settings.APPOINTMENT_REMINDER_HOURS)
    due = Appointment.objects.filter(
        Q(reminder_sent_at__isnull=True),
        state__in=UPCOMING_STATES,
        referral__state__in=SHARED_STATES,
        starts_at__gt=now,
        starts_at__lte=horizon,
    ).values_list("pk", flat=True)
    queued = 0
    for pk in list(due):
        with transaction.atomic():  # the claim and its message are written together
            claimed = Appointment.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                enqueue(send_appointment_message, pk, "reminder")
                queued += 1
    return queued


def _offer_link(offer: SlotOffer) -> str:
    token = services.offer_token(offer)
    return settings.SITE_URL.rstrip("/") + reverse("appointments:family_offer", args=[token])


@shared_task(acks_late=True)
def send_offer_message(offer_id: int, channel: str) -> int:
    """The offer's link to the family, in the way the worker chose and only while the
    consent still covers it; the message names the organization and the link, nothing else."""
    offer = SlotOffer.objects.select_related("referral__consent", "referral__organization").get(
        pk=offer_id
    )
    referral = offer.referral
    if channel not in services.offer_channels(referral) or offer.appointment_id or offer.is_expired:
        return 0
    language = referral.language if referral.language in FAMILY_LANGUAGES else "fi"
    with translation.override(language):
        context = {
            "organization": referral.organization,
            "link": _offer_link(offer),
            "expires_at": offer.expires_at,
            "channel": channel,
        }
        subject = render_to_string("emails/offer_link_subject.txt", context).strip()
        body = render_to_string("emails/offer_link_body.txt", context)
    if channel == "sms":
        return send_sms(referral.contact_phone, body)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [referral.contact_email]).send()


@shared_task(acks_late=True)
def tell_worker_none_suit(offer_id: int) -> int:
    """Tell the worker who made the offer that none of its times suit the family: the referral
    number and a link to sign in, never the family or its message (that waits on the page)."""
    offer = SlotOffer.objects.select_related("created_by").get(pk=offer_id)
    worker = offer.created_by
    if not worker.email:
        return 0
    with translation.override(worker.language or settings.LANGUAGE_CODE):
        context = {
            "user": worker,
            "referral_id": offer.referral_id,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("appointments:offer_detail", args=[offer.pk]),
        }
        subject = render_to_string("emails/offer_none_suit_subject.txt", context).strip()
        body = render_to_string("emails/offer_none_suit_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [worker.email]).send()


@shared_task
def extend_recurring_shifts() -> int:
    """Daily: repeating shifts get their slots up to the booking horizon, holidays skipped."""
    return services.shifts_extend_slots()
