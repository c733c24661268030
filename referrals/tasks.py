"""Notifications about referral events. Tasks take ids and send no personal data."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from directory.models import Role

# Who hears of each transition: the referrer, the organization's workers, the coordinators.
AUDIENCE = {
    "submit": {"coordinators"},
    "assign": {"organization", "referrer"},
    "accept": {"referrer"},
    "decline": {"coordinators", "referrer"},
    "return_to_referrer": {"referrer"},
    "schedule": {"referrer"},
    "start_service": {"referrer"},
    "complete": {"referrer"},
    "cancel": {"organization", "referrer", "coordinators"},
    "withdraw": {"organization", "referrer"},
}


def recipients(event) -> list:
    """Active users with an email who should hear of `event`, never the one who acted."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    audience = AUDIENCE.get(event.transition, set())
    found = []
    if "referrer" in audience:
        found += users.filter(pk=event.referral.referrer_id)
    if "organization" in audience and event.organization_id:
        found += users.filter(organization_id=event.organization_id, groups__name=Role.WORKER)
    if "coordinators" in audience:
        found += users.filter(groups__name=Role.COORDINATOR)
    unique = {u.pk: u for u in found if u.pk != event.actor_id}
    return list(unique.values())


@shared_task(acks_late=True)
def notify_referral_event(event_id: int) -> int:
    """Email the parties of one transition; returns how many messages were sent."""
    from .models import ReferralEvent

    event = ReferralEvent.objects.select_related("referral").get(pk=event_id)
    url = settings.SITE_URL.rstrip("/") + reverse("home")
    messages = []
    for user in recipients(event):
        with translation.override(user.language):
            context = {"event": event, "referral_id": event.referral_id, "url": url, "user": user}
            subject = render_to_string("emails/referral_event_subject.txt", context).strip()
            body = render_to_string("emails/referral_event_body.txt", context)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
