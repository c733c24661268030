"""Erasure of a referral's personal data when its retention period ends or it is abandoned.

What stays is what statistics need and nothing that identifies a family: the municipality,
the dates, the states and transitions, the organization and services, the modes, target group
and challenges, and the outcome codes. Erasure is idempotent and logs only ids.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from appointments.models import AppointmentEvent, OutcomeReport, SlotOfferEvent
from consent.models import Consent
from evaluation.models import FeedbackInvitation

from .models import Referral, ReferralEvent, State

logger = logging.getLogger(__name__)

ERASED_FIELDS = {
    "contact_name": "",
    "contact_phone": "",
    "contact_email": "",
    "language_other": "",
    "identity_code": "",
    "description": "",
    "preferred_times": "",
}


# Waiting for a person who may never come back: nothing closes these by itself.
ABANDONABLE_STATES = (State.DRAFT, State.RETURNED, State.DECLINED)


def due_for_erasure(now: datetime.datetime | None = None):
    """Referrals whose personal data may go: closed or withdrawn ones after their retention
    period, and abandoned ones.

    A referral is abandoned when it is a draft, returned or declined and had neither a state
    change nor an edit for REFERRAL_ABANDONED_DAYS. A declined referral waits in the triage
    queue for a coordinator's new routing decision; when none comes in that time it is
    abandoned like the others, while a submitted or pooled one is still waiting and is kept.
    An erased referral stays in its state; only its personal data goes.
    """
    now = now or timezone.now()
    closed_before = now - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSURE)
    withdrawn_before = now - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_WITHDRAWAL)
    idle_since = now - datetime.timedelta(days=settings.REFERRAL_ABANDONED_DAYS)
    return Referral.objects.filter(
        Q(state__in=[State.COMPLETED, State.CANCELLED], closed_at__lte=closed_before)
        | Q(state=State.WITHDRAWN, closed_at__lte=withdrawn_before)
        | Q(
            state__in=ABANDONABLE_STATES,
            state_changed_at__lte=idle_since,
            updated_at__lte=idle_since,
        ),
        erased_at__isnull=True,
    )


def erase_referral(referral_id: int) -> bool:
    """Erase one referral's personal data; False when it was erased already."""

    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.erased_at is not None:
            return False
        now = timezone.now()
        Referral.objects.filter(pk=referral.pk).update(**ERASED_FIELDS, erased_at=now)
        referral.children.all().delete()
        ReferralEvent.objects.filter(referral=referral).update(reason="")
        AppointmentEvent.objects.filter(appointment__referral=referral).update(reason="")
        OutcomeReport.objects.filter(referral=referral).update(summary_for_referrer="")
        SlotOfferEvent.objects.filter(offer__referral=referral).update(message="")
        # The family's feedback link goes; its anonymous answer stays for statistics.
        FeedbackInvitation.objects.filter(referral=referral).delete()
        erase_consent_when_unused(referral.consent_id, now)
    logger.info("erased the personal data of referral %s", referral_id)
    return True


def erase_consent_when_unused(consent_id: int | None, now: datetime.datetime) -> None:
    """The giver's name goes once no referral made under the consent keeps personal data."""

    if consent_id is None:
        return
    if Referral.objects.filter(consent_id=consent_id, erased_at__isnull=True).exists():
        return
    consent = Consent.objects.select_for_update().get(pk=consent_id)
    if consent.erased_at is None:
        consent.given_by_name = ""
        consent.withdrawal_reason = ""
        consent.erased_at = now
        consent.save(update_fields=["given_by_name", "withdrawal_reason", "erased_at"])
