"""Notifications and the timeliness sweep. Tasks take ids and send no personal data."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import IntegrityError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from consent.models import Consent
from directory.models import Role
from perhelinja.outbox import enqueue

from .actions import REFERRAL_ACTIONS
from .models import Notification, ReferralEvent, TimelinessFlag
from .retention import due_for_erasure, erase_referral
from .services import consent_expire
from .timeliness import overdue


def _users():
    return get_user_model().objects.filter(is_active=True)


def recipients(event) -> list:
    """Active users who should hear of `event`, never the one who acted."""
    users = _users()
    audience = REFERRAL_ACTIONS.by_transition(event.transition).audience
    found = []
    if "referrer" in audience:
        found += users.filter(pk=event.referral.referrer_id)
    if "organization" in audience and event.organization_id:
        found += users.filter(organization_id=event.organization_id, groups__name=Role.WORKER)
    if "pool" in audience:
        found += users.filter(
            organization__in=event.referral.pool_organizations.all(), groups__name=Role.WORKER
        )
    if "coordinators" in audience:
        found += users.filter(groups__name=Role.COORDINATOR)
    unique = {u.pk: u for u in found if u.pk != event.actor_id}
    return list(unique.values())


def deliver(users, *, referral_id: int, kind: str, event=None, template: str) -> int:
    """Write the in-app notifications and email those with an address, each in their language."""

    Notification.objects.bulk_create(
        Notification(user=u, referral_id=referral_id, kind=kind, event=event) for u in users
    )
    url = settings.SITE_URL.rstrip("/") + reverse("referrals:notifications")
    messages = []
    for user in users:
        if not user.email:
            continue
        with translation.override(user.language):
            context = {"event": event, "referral_id": referral_id, "url": url, "user": user}
            subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
            body = render_to_string(f"emails/{template}_body.txt", context)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_referral_event(event_id: int) -> int:
    """Tell the parties of one transition; returns how many emails were sent.

    The notification rows and the emails go in one transaction: a failed send rolls the rows
    back and the retry tries again; once the rows exist a redelivered task sends nothing.
    """

    event = ReferralEvent.objects.select_related("referral").get(pk=event_id)
    if Notification.objects.filter(event=event).exists():
        return 0
    with transaction.atomic():
        return deliver(
            recipients(event),
            referral_id=event.referral_id,
            kind=Notification.Kind.EVENT,
            event=event,
            template="referral_event",
        )


@shared_task
def end_expired_consents() -> int:
    """End the referrals under consents whose validity ended, as a withdrawal would; returns
    how many referrals ended. Each consent is handled once, however often this runs."""
    expired = Consent.objects.filter(
        valid_until__lte=timezone.now(), withdrawn_at__isnull=True, expiry_notified_at__isnull=True
    )
    return sum(consent_expire(consent=c) for c in expired.only("pk"))


@shared_task
def sweep_timeliness() -> int:
    """Flag referrals that wait too long; each flag is told once, however often this runs.
    Returns how many flags were raised."""

    return sum(_flag(*found) for found in overdue(timezone.now()))


def _flag(referral, kind, organization) -> int:
    """The flag and its message are written together: a broker outage delays the message."""

    try:
        with transaction.atomic():
            flag = TimelinessFlag.objects.create(
                referral=referral,
                kind=kind,
                state_changed_at=referral.state_changed_at,
                organization=organization,
            )
            enqueue(notify_timeliness_flag, flag.pk)
    except IntegrityError:
        return 0  # flagged by an earlier run
    return 1


@shared_task(acks_late=True)
def notify_timeliness_flag(flag_id: int) -> int:
    """Remind the organization's workers, or escalate to the coordinators; returns emails sent."""

    flag = TimelinessFlag.objects.get(pk=flag_id)
    if flag.kind == TimelinessFlag.Kind.NOT_ACCEPTED_REMINDER:
        users = _users().filter(organization=flag.organization_id, groups__name=Role.WORKER)
        notification_kind = Notification.Kind.REMINDER
    else:
        users = _users().filter(groups__name=Role.COORDINATOR)
        notification_kind = Notification.Kind.ESCALATION
    return deliver(
        list(users),
        referral_id=flag.referral_id,
        kind=notification_kind,
        template=f"timeliness_{flag.kind}",
    )


@shared_task
def erase_expired_personal_data() -> int:
    """Erase the personal data of referrals whose retention period has ended."""

    return sum(erase_referral(pk) for pk in list(due_for_erasure().values_list("pk", flat=True)))
