"""The family's feedback link: made when a referral completes, sent once. Tasks take ids."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from perhelinja.sms import send_sms

from .models import FeedbackInvitation
from .services import feedback_channels, feedback_invitation_create, feedback_token

FAMILY_LANGUAGES = ("fi", "sv", "en")


@shared_task
def invite_family_feedback(referral_id: int) -> int | None:
    """Queued when a referral completes; makes the invitation if the consent allows it."""

    invitation = feedback_invitation_create(referral_id=referral_id)
    return invitation.pk if invitation else None


def _render(context: dict, language: str, channel: str) -> tuple[str, str]:
    with translation.override(language):
        context = {**context, "channel": channel}
        subject = render_to_string("emails/feedback_invitation_subject.txt", context).strip()
        body = render_to_string("emails/feedback_invitation_body.txt", context)
    return subject, body


@shared_task(acks_late=True)
def send_feedback_invitation(invitation_id: int) -> int:
    """Send the link in the family's language, in the ways its consent covers now.

    The send is claimed with a conditional UPDATE first, so a repeated task sends nothing
    twice (a worker lost between the claim and the send loses the message rather than
    repeating it). Returns the number of messages sent.
    """

    claimed = FeedbackInvitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return 0
    invitation = FeedbackInvitation.objects.select_related(
        "referral__consent", "referral__organization"
    ).get(pk=invitation_id)
    referral = invitation.referral
    language = referral.language if referral.language in FAMILY_LANGUAGES else "fi"
    context = {
        "organization": referral.organization,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("evaluation:family_feedback", args=[feedback_token(invitation)]),
        "expires_at": invitation.expires_at,
    }
    sent = 0
    channels = feedback_channels(referral)
    if "email" in channels:
        subject, body = _render(context, language, "email")
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [referral.contact_email])
        sent += message.send()
    if "sms" in channels:
        sent += send_sms(referral.contact_phone, _render(context, language, "sms")[1])
    return sent
