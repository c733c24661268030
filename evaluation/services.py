"""Evaluation use cases: the family's feedback link and answer, the referrer's feedback, and
the outreach activities.

The family's answer is written without anything that leads back to the family, the referral
or the link: the invitation only learns that it was used. The referrer's answer is kept the
same way, with a separate mark on the referral that it was given.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consent.models import Scope
from directory.models import Challenge, Municipality, Organization, TargetGroup
from perhelinja.fsm import TransitionRefused
from perhelinja.outbox import enqueue
from referrals.models import Referral, State

from .models import (
    COMMENT_MAX_LENGTH,
    EARLIEST_OUTREACH,
    MAX_HEAD_COUNT,
    Audience,
    FeedbackAnswer,
    FeedbackInvitation,
    OutreachActivity,
    OutreachKind,
    Reached,
    ReferrerFeedback,
    ReferrerFeedbackMark,
    first_of_month,
)

FEEDBACK_SALT = "evaluation.feedback-link"
SCALE = range(1, 6)
ALREADY_ANSWERED = gettext_lazy("An answer has already been given through this link. Thank you!")


def is_coordinator(user) -> bool:
    return user.is_active and user.has_perm("referrals.triage_referral")


# --- the family's feedback -----------------------------------------------------------------


def feedback_channels(referral: Referral) -> list[str]:
    """The ways the family may be sent its link now: only those its consent covers and for
    which there is an address. A phone call cannot carry a link, so CONTACT_PHONE is not one."""
    consent = referral.consent
    if consent is None:
        return []
    channels = []
    if referral.contact_email and consent.is_valid_for(Scope.CONTACT_EMAIL):
        channels.append("email")
    if referral.contact_phone and consent.is_valid_for(Scope.CONTACT_SMS):
        channels.append("sms")
    return channels


def feedback_invitation_create(*, referral_id: int) -> FeedbackInvitation | None:
    """Ask the family of a completed referral for feedback, once.

    Run by the system when the referral completes. Nothing is made unless the consent covers
    contacting the family by email or text message; a second call returns the first
    invitation and sends nothing (the one-to-one key backs this up under a race).
    """
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("consent")
            .get(pk=referral_id)
        )
        existing = FeedbackInvitation.objects.filter(referral=referral).first()
        if existing is not None:
            return existing
        if referral.state != State.COMPLETED or referral.erased_at is not None:
            return None
        if not feedback_channels(referral):
            return None
        try:
            with transaction.atomic():
                invitation = FeedbackInvitation.objects.create(
                    referral=referral,
                    expires_at=timezone.now()
                    + datetime.timedelta(days=settings.FEEDBACK_LINK_VALID_DAYS),
                )
                enqueue("evaluation.tasks.send_feedback_invitation", invitation.pk)
        except IntegrityError:
            return FeedbackInvitation.objects.get(referral=referral)
    return invitation


def feedback_token(invitation: FeedbackInvitation) -> str:
    return signing.dumps(invitation.pk, salt=FEEDBACK_SALT)


def get_invitation_for_token(token: str) -> tuple[FeedbackInvitation, bool]:
    """The invitation behind a family's link and whether the link has expired; 404 for a
    forged or unknown link. An expired link still finds its invitation, so that the page can
    say so in the family's language."""
    expired = False
    try:
        pk = signing.loads(
            token, salt=FEEDBACK_SALT, max_age=settings.FEEDBACK_LINK_VALID_DAYS * 86400
        )
    except signing.SignatureExpired:
        pk = signing.loads(token, salt=FEEDBACK_SALT)
        expired = True
    except signing.BadSignature:
        raise Http404 from None
    invitation = get_object_or_404(FeedbackInvitation.objects.select_related("referral"), pk=pk)
    return invitation, expired or invitation.is_expired


def _scale(name: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in SCALE:
        raise ValidationError({name: _("Choose a number from 1 to 5.")})
    return number


def feedback_answer_submit(
    *,
    invitation: FeedbackInvitation,
    useful: int,
    easy_to_reach: int,
    would_recommend: int,
    comment: str = "",
) -> None:
    """Store the family's answer and mark the link used; a second answer is refused.

    The invitation row is locked, so of two submissions racing through one link exactly one
    is stored. The answer gets only the area, organization, service given and month; nothing
    is returned that could tie it to the link.
    """
    comment = (comment or "").strip()
    values = {
        "useful": _scale("useful", useful),
        "easy_to_reach": _scale("easy_to_reach", easy_to_reach),
        "would_recommend": _scale("would_recommend", would_recommend),
    }
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Write at most %(n)s characters.") % {"n": COMMENT_MAX_LENGTH}}
        )
    with transaction.atomic():
        locked = FeedbackInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used:
            raise TransitionRefused([str(ALREADY_ANSWERED)])
        if locked.is_expired:
            raise TransitionRefused([_("This link has expired. Thank you all the same.")])
        referral = Referral.objects.select_related("outcome").get(pk=locked.referral_id)
        outcome = getattr(referral, "outcome", None)
        FeedbackAnswer.objects.create(
            municipality_id=referral.municipality_id,
            organization_id=referral.organization_id,
            service_given=outcome.service_given if outcome else "",
            month=first_of_month(referral.closed_at or timezone.now()),
            comment=comment,
            **values,
        )
        locked.used = True
        locked.save(update_fields=["used"])


def feedback_comment_remove(*, answer: FeedbackAnswer, actor) -> FeedbackAnswer:
    """A coordinator blanks a free-text answer that names or points at someone; the scale
    answers stay in the figures."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        locked = FeedbackAnswer.objects.select_for_update().get(pk=answer.pk)
        locked.comment = ""
        locked.save(update_fields=["comment"])
    return locked


# --- the referrer's feedback ---------------------------------------------------------------


def referrer_feedback_give(*, referral: Referral, actor, reached: str, speed: int) -> None:
    """The referring professional's view of a completed referral, once per referral.

    Stored by area, organization and month only; the referral keeps just a mark that the
    referrer answered.
    """
    if not (actor.is_active and referral.referrer_id == actor.pk):
        raise PermissionDenied(_("Only the referrer can give this feedback."))
    if reached not in Reached.values:
        raise ValidationError({"reached": _("Choose one of the answers.")})
    speed = _scale("speed", speed)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.state != State.COMPLETED:
            raise TransitionRefused([_("Feedback can be given once the referral is completed.")])
        try:
            with transaction.atomic():
                ReferrerFeedbackMark.objects.create(referral=locked)
        except IntegrityError:
            raise TransitionRefused(
                [_("You have already given feedback on this referral. Thank you!")]
            ) from None
        ReferrerFeedback.objects.create(
            municipality_id=locked.municipality_id,
            organization_id=locked.organization_id,
            month=first_of_month(locked.closed_at or timezone.now()),
            reached=reached,
            speed=speed,
        )


# --- outreach --------------------------------------------------------------------------------


def may_record_outreach(user) -> bool:
    return is_coordinator(user) or (user.is_active and getattr(user, "is_worker", False))


def may_edit_outreach(user, activity: OutreachActivity) -> bool:
    """Coordinators edit every activity; a worker those their organization organized."""
    if is_coordinator(user):
        return True
    return (
        user.is_active
        and getattr(user, "is_worker", False)
        and activity.organizations.filter(pk=user.organization_id).exists()
    )


def _outreach_values(
    actor,
    *,
    date: datetime.date,
    municipality: Municipality,
    organizations: Iterable[Organization],
    kind: str,
    audience: str,
    head_count: int,
) -> list[Organization]:
    organizations = list(organizations)
    errors = {}
    if date > timezone.localdate():
        errors["date"] = _("Record an activity once it has taken place.")
    elif date < EARLIEST_OUTREACH:
        errors["date"] = _("Give a date not before 1 January 2020.")
    if municipality is None:
        errors["municipality"] = _("Choose the area.")
    if not organizations:
        errors["organizations"] = _("Choose at least one organization.")
    elif not is_coordinator(actor) and actor.organization_id not in {o.pk for o in organizations}:
        errors["organizations"] = _("Include your own organization among the organizers.")
    if kind not in OutreachKind.values:
        errors["kind"] = _("Choose one of the kinds.")
    if audience not in Audience.values:
        errors["audience"] = _("Choose one of the audiences.")
    if not isinstance(head_count, int) or head_count < 1:
        errors["head_count"] = _("Give the number of people who took part.")
    elif head_count > MAX_HEAD_COUNT:
        errors["head_count"] = _(
            "A head count is at most %(limit_value)s people; check the number."
        ) % {"limit_value": MAX_HEAD_COUNT}
    if errors:
        raise ValidationError(errors)
    return organizations


def outreach_create(
    *,
    actor,
    date: datetime.date,
    municipality: Municipality,
    organizations: Iterable[Organization],
    kind: str,
    audience: str,
    head_count: int,
    target_groups: Iterable[TargetGroup] = (),
    challenges: Iterable[Challenge] = (),
) -> OutreachActivity:
    """Record a delivered activity: counts and themes only, never who came."""
    if not may_record_outreach(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    organizations = _outreach_values(
        actor,
        date=date,
        municipality=municipality,
        organizations=organizations,
        kind=kind,
        audience=audience,
        head_count=head_count,
    )
    with transaction.atomic():
        activity = OutreachActivity.objects.create(
            date=date,
            municipality=municipality,
            kind=kind,
            audience=audience,
            head_count=head_count,
            recorded_by=actor,
        )
        activity.organizations.set(organizations)
        activity.target_groups.set(target_groups)
        activity.challenges.set(challenges)
    return activity


def outreach_update(
    *,
    activity: OutreachActivity,
    actor,
    date: datetime.date,
    municipality: Municipality,
    organizations: Iterable[Organization],
    kind: str,
    audience: str,
    head_count: int,
    target_groups: Iterable[TargetGroup] = (),
    challenges: Iterable[Challenge] = (),
) -> OutreachActivity:
    """Correct an activity; a worker cannot hand it over to organizations not their own."""
    if not may_edit_outreach(actor, activity):
        raise PermissionDenied(_("You are not allowed to do this."))
    organizations = _outreach_values(
        actor,
        date=date,
        municipality=municipality,
        organizations=organizations,
        kind=kind,
        audience=audience,
        head_count=head_count,
    )
    with transaction.atomic():
        locked = OutreachActivity.objects.select_for_update().get(pk=activity.pk)
        locked.date, locked.municipality, locked.kind = date, municipality, kind
        locked.audience, locked.head_count = audience, head_count
        locked.save()
        locked.organizations.set(organizations)
        locked.target_groups.set(target_groups)
        locked.challenges.set(challenges)
    return locked


def outreach_delete(*, activity: OutreachActivity, actor) -> None:
    if not may_edit_outreach(actor, activity):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        OutreachActivity.objects.select_for_update().filter(pk=activity.pk).delete()
