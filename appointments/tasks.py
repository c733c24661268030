"""Messages about appointments: booking (with an .ics file), reminder, cancellation.

Tasks take ids. The family is contacted only in the ways its consent covers.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consent.models import Scope
from perhelinja.sms import send_sms

KINDS = ("booked", "reminder", "cancelled", "rebook")
FAMILY_LANGUAGES = ("fi", "sv", "en")


def _render(kind: str, appointment, language: str, channel: str = "email") -> tuple[str, str]:
    with translation.override(language):
        context = {
            "appointment": appointment, "kind": kind, "site_url": settings.SITE_URL,
            "channel": channel,
        }  # fmt: skip
        subject = render_to_string(f"emails/appointment_{kind}_subject.txt", context).strip()
        body = render_to_string(f"emails/appointment_{kind}_body.txt", context)
    return subject, body


@shared_task(acks_late=True)
def send_appointment_message(appointment_id: int, kind: str) -> int:
    """Tell the family (as its consent allows) and the worker; returns messages sent."""
    from .ics import appointment_ics
    from .models import Appointment

    appointment = Appointment.objects.select_related(
        "referral__consent", "worker", "site", "organization"
    ).get(pk=appointment_id)
    referral = appointment.referral
    consent = referral.consent
    language = referral.language if referral.language in FAMILY_LANGUAGES else "fi"
    subject, body = _render(kind, appointment, language)
    ics = appointment_ics(appointment) if kind in ("booked", "reminder") else None
    sent = 0
    if referral.contact_email and consent and consent.is_valid_for(Scope.CONTACT_EMAIL):
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [referral.contact_email])
        if ics:
            message.attach("perhelinja.ics", ics, "text/calendar")
        sent += message.send()
    if referral.contact_phone and consent and consent.is_valid_for(Scope.CONTACT_SMS):
        sent += send_sms(referral.contact_phone, _render(kind, appointment, language, "sms")[1])
    worker = appointment.worker
    if worker.email and kind != "reminder":
        subject, body = _render(kind, appointment, worker.language)
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [worker.email])
        if ics:
            message.attach("perhelinja.ics", ics, "text/calendar")
        sent += message.send()
    return sent


@shared_task
def send_appointment_reminders() -> int:
    """Remind of appointments in the next APPOINTMENT_REMINDER_HOURS, each exactly once.

    The reminder is claimed with a conditional UPDATE before it is queued, so two runs (or a
    worker restarting mid-run) cannot remind twice.
    """
    from .models import UPCOMING_STATES, Appointment

    now = timezone.now()
    horizon = now + timezone.timedelta(hours=settings.APPOINTMENT_REMINDER_HOURS)
    due = Appointment.objects.filter(
        Q(reminder_sent_at__isnull=True),
        state__in=UPCOMING_STATES,
        starts_at__gt=now,
        starts_at__lte=horizon,
    ).values_list("pk", flat=True)
    queued = 0
    for pk in list(due):
        claimed = Appointment.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if claimed:
            send_appointment_message.delay(pk, "reminder")
            queued += 1
    return queued
