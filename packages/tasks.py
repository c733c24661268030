"""Telling the parties of a package's transition. Tasks take ids and send no personal data."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import OperationalError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from directory.models import Role

from .actions import PACKAGE_ACTIONS
from .models import Answer, PackageEvent


def recipients(event: PackageEvent) -> list:
    """Active users who should hear of `event`, never the one who acted."""
    users = get_user_model().objects.filter(is_active=True)
    package = event.package
    audience = PACKAGE_ACTIONS.by_transition(event.transition).audience
    found = []
    if "coordinators" in audience:
        found += users.filter(groups__name=Role.COORDINATOR)
    if "contact" in audience:
        found += users.filter(pk__in=[package.created_by_id, package.contact_id])
    if "invited" in audience:
        open_answers = package.invitations.exclude(answer=Answer.DECLINED)
        found += users.filter(
            organization__in=open_answers.values("organization_id"), groups__name=Role.WORKER
        )
    if "contributors" in audience:
        contributing = package.invitations.filter(answer=Answer.ACCEPTED)
        found += users.filter(
            organization__in=contributing.values("organization_id"), groups__name=Role.WORKER
        )
    unique = {u.pk: u for u in found if u.pk != event.actor_id}
    return list(unique.values())


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_package_event(event_id: int) -> int:
    """Email the parties of one transition, each in their language; returns how many were
    sent. The message names only the package's number and its state. The outbox delivers
    each event once."""
    event = PackageEvent.objects.select_related("package").get(pk=event_id)
    url = settings.SITE_URL.rstrip("/") + reverse("packages:detail", args=[event.package_id])
    messages = []
    for user in recipients(event):
        if not user.email:
            continue
        with translation.override(user.language):
            context = {"event": event, "package_id": event.package_id, "url": url, "user": user}
            subject = render_to_string("emails/package_event_subject.txt", context).strip()
            body = render_to_string("emails/package_event_body.txt", context)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
