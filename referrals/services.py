"""Referral use cases.

Each transition goes through `perhelinja.lifecycle.run` with the action declared in
`actions.py`: check permission → atomic() and lock the row → transition → save → audit row →
effects → outbox. Views and the API call these and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm

from consent.models import WITHDRAWAL_FIELDS, Consent, Scope
from consent.services import may_withdraw
from directory.models import Challenge, Mode, Organization
from perhelinja import lifecycle
from perhelinja.fsm import check_can_proceed, check_permission

from . import routing
from .actions import REFERRAL_ACTIONS, revoke_organization
from .models import (
    ERASED,
    WITHDRAWABLE_STATES,
    DeclineReason,
    Referral,
    ReferralChild,
    ReferralEvent,
    State,
)
from .retention import erase_consent_when_unused
from .validators import normalize_identity_code

REFERRER_PERMS = ("view_referral", "change_referral")
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
AUTO_ASSIGN_NOTE = gettext_lazy(
    "Assigned automatically: the only organization that meets every need."
)
CONSENT_EXPIRED_NOTE = gettext_lazy("The family's consent expired.")
CONTENT_FIELDS = (
    "contact_name",
    "contact_phone",
    "contact_email",
    "language",
    "language_other",
    "interpreter_needed",
    "identity_code",
    "target_group",
    "description",
    "preferred_times",
    "municipality",
)


def _apply_content(
    referral: Referral,
    data: dict[str, Any],
    *,
    challenges: Iterable[Challenge] | None,
    modes: Iterable[Mode] | None,
    children_birth_years: Iterable[int] | None,
) -> None:
    unknown = set(data) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown referral fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(referral, name, value)
    referral.identity_code = normalize_identity_code(referral.identity_code)
    referral.full_clean(exclude=["state", "consent", "referrer"])
    referral.save()
    if challenges is not None:
        referral.challenges.set(challenges)
    if modes is not None:
        referral.preferred_modes.set(modes)
    if children_birth_years is not None:
        referral.children.all().delete()
        ReferralChild.objects.bulk_create(
            ReferralChild(referral=referral, birth_year=y) for y in children_birth_years
        )


@transaction.atomic
def referral_create(
    *,
    actor,
    consent: Consent,
    challenges: Iterable[Challenge] = (),
    modes: Iterable[Mode] = (),
    children_birth_years: Iterable[int] = (),
    **data: Any,
) -> Referral:
    """A draft referral by a municipal professional; the referrer alone may see it until submit."""
    if not actor.is_professional:
        raise PermissionDenied(_("Only municipal professionals can make referrals."))
    if consent.recorded_by_id != actor.pk:
        raise PermissionDenied(_("Use a consent you recorded yourself."))
    data.setdefault("municipality", actor.municipality)
    referral = Referral(consent=consent, referrer=actor, referrer_unit=actor.unit or "other")
    _apply_content(
        referral,
        data,
        challenges=challenges,
        modes=modes,
        children_birth_years=children_birth_years,
    )
    for perm in REFERRER_PERMS:
        assign_perm(f"referrals.{perm}", actor, referral)
    return referral


def referral_update(
    *,
    referral: Referral,
    actor,
    challenges: Iterable[Challenge] | None = None,
    modes: Iterable[Mode] | None = None,
    children_birth_years: Iterable[int] | None = None,
    **data: Any,
) -> Referral:
    """Edit a draft or a returned referral; what was submitted is not changed behind anyone."""
    if not actor.has_perm("referrals.change_referral", referral):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.state not in EDITABLE_STATES:
            raise ValidationError(_("Only drafts and returned referrals can be edited."))
        if locked.erased_at is not None:
            raise ValidationError(str(ERASED))
        _apply_content(
            locked,
            data,
            challenges=challenges,
            modes=modes,
            children_birth_years=children_birth_years,
        )
    return locked


def referral_replace_consent(*, referral: Referral, actor, consent: Consent) -> Referral:
    """Put a draft under a consent its referrer recorded again, e.g. one that covers sharing.

    A consent is never edited, so a wrong one is corrected by recording the right one. Only a
    draft's consent may change: once submitted, the organization relies on what was shared. The
    change is audited as an event of the referral, and the consent left behind, which no
    referral uses any more, loses the giver's name at once.
    """

    if not actor.has_perm("referrals.change_referral", referral):
        raise PermissionDenied(_("You are not allowed to do this."))
    if consent.recorded_by_id != actor.pk:
        raise PermissionDenied(_("Use a consent you recorded yourself."))
    if not consent.is_valid_for(Scope.SHARE_REFERRAL):
        raise ValidationError({"scopes": _("The consent must cover sharing the referral.")})
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.state != State.DRAFT or locked.erased_at is not None:
            raise ValidationError(_("Only a draft's consent can be replaced."))
        old = locked.consent_id
        if old == consent.pk:
            return locked
        locked.consent = consent
        locked.save(update_fields=["consent", "updated_at"])
        ReferralEvent.objects.create(
            referral=locked,
            actor=actor,
            transition="replace_consent",
            from_state=locked.state,
            to_state=locked.state,
            reason=_("Consent #%(old)s replaced by consent #%(new)s.")
            % {"old": old, "new": consent.pk},
        )
        erase_consent_when_unused(old, timezone.now())
    return locked


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    return reason


def _act(referral: Referral, name: str, **kwargs) -> Referral:
    return lifecycle.run(REFERRAL_ACTIONS, referral, name, **kwargs)[0]


def referral_submit(*, referral: Referral, actor) -> Referral:
    """Submit; with REFERRAL_AUTO_ASSIGN a single clear match is assigned at once."""
    with transaction.atomic():
        referral = _act(referral, "submit", actor=actor)
        if settings.REFERRAL_AUTO_ASSIGN:
            match = routing.clear_match(routing.rank(referral))
            if match is not None:
                referral = _act(
                    referral,
                    "assign",
                    actor=None,
                    permission_checked=True,
                    reason=AUTO_ASSIGN_NOTE,
                    args=(match.organization,),
                )
    return referral


def referral_assign(
    *, referral: Referral, actor, organization: Organization, reason: str = ""
) -> Referral:
    """Route to `organization`: its workers' group gets the object permissions."""
    if not organization.is_active:
        raise ValidationError({"organization": _("This organization is not active.")})
    return _act(referral, "assign", actor=actor, reason=reason, args=(organization,))


def referral_open_pool(*, referral: Referral, actor, reason: str = "") -> Referral:
    """Let every organization whose services match claim the referral; the first one gets it."""
    return _act(referral, "open_pool", actor=actor, reason=reason)


def referral_claim(*, referral: Referral, actor) -> Referral:
    """A worker claims a pooled referral for their organization; exactly one claim wins."""
    return _act(referral, "claim", actor=actor, args=(actor.organization,))


def referral_accept(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _act(referral, "accept", actor=actor, reason=reason, args=(actor,))


def referral_decline(
    *, referral: Referral, actor, reason: str = "", reason_code: str = DeclineReason.OTHER
) -> Referral:
    """Decline with a reason from the list (and text for "other"); access goes with it."""
    if reason_code not in DeclineReason.values:
        raise ValidationError({"reason_code": _("Choose a reason from the list.")})
    reason = (reason or "").strip()
    if reason_code == DeclineReason.OTHER:
        reason = _require_reason(reason)
    return _act(referral, "decline", actor=actor, reason=reason, reason_code=reason_code)


def referral_return(*, referral: Referral, actor, reason: str = "") -> Referral:
    """Send back to the referrer with a question; the reason is the question."""
    return _act(referral, "return", actor=actor, reason=_require_reason(reason))


def referral_schedule(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _act(referral, "schedule", actor=actor, reason=reason)


def referral_start_service(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _act(referral, "start_service", actor=actor, reason=reason)


def referral_complete(*, referral: Referral, actor, reason: str = "") -> Referral:
    """Complete; the family is asked for feedback if its consent allows contact."""
    return _act(referral, "complete", actor=actor, reason=reason)


def referral_cancel(*, referral: Referral, actor, reason: str = "") -> Referral:
    """Cancel for good: sharing ends and the family's booked times are cancelled."""
    return _act(referral, "cancel", actor=actor, reason=_require_reason(reason))


def referral_withdraw(*, referral: Referral, actor, reason: str = "") -> Referral:
    """The family withdrew its consent: recorded on the consent, so that every referral made
    under it ends (`consent_withdraw`). A referral without a consent ends alone."""
    check_permission(referral.withdraw, actor)
    check_can_proceed(referral.withdraw)
    reason = _require_reason(reason)
    if referral.consent_id is None or referral.consent.is_withdrawn:
        return _act(referral, "withdraw", actor=actor, reason=reason)
    consent_withdraw(consent=referral.consent, actor=actor, reason=reason, permission_checked=True)
    return Referral.objects.get(pk=referral.pk)


def consent_withdraw(
    *, consent: Consent, actor, reason: str, permission_checked: bool = False
) -> Consent:
    """Record the family's withdrawal of its consent; every referral made under it ends.

    Open referrals are withdrawn (their appointments cancelled, the organization's access
    gone); completed ones stay completed, but the organization that held them can no longer
    read them. Erasure follows after RETENTION_DAYS_AFTER_WITHDRAWAL.
    """
    if not (permission_checked or may_withdraw(consent, actor)):
        raise PermissionDenied(_("You are not allowed to do this."))
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.is_withdrawn:
            raise ValidationError(_("This consent has already been withdrawn."))
        locked.withdrawn_at = timezone.now()
        locked.withdrawal_reason = reason
        locked.withdrawn_by = actor
        locked.save(update_fields=WITHDRAWAL_FIELDS)
        _end_referrals_of(locked, actor=actor, reason=reason)
    return locked


def consent_expire(*, consent: Consent) -> int:
    """The consent's validity ended: its referrals end as after a withdrawal, by the system.
    Returns how many referrals ended; a second call ends none."""
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.expiry_notified_at is not None or locked.is_withdrawn:
            return 0
        locked.expiry_notified_at = timezone.now()
        locked.save(update_fields=["expiry_notified_at"])
        return _end_referrals_of(locked, actor=None, reason=str(CONSENT_EXPIRED_NOTE))


def _end_referrals_of(consent: Consent, *, actor, reason: str) -> int:
    ended = 0
    for referral in consent.referrals.select_related("organization"):
        if referral.state in WITHDRAWABLE_STATES:
            _act(referral, "withdraw", actor=actor, reason=reason, permission_checked=True)
            ended += 1
        else:  # completed or cancelled: nothing to end, but nobody else reads it any more
            revoke_organization(referral.organization, referral)
    return ended


def referral_onward(*, source: Referral, organization: Organization, actor) -> Referral:
    """Continue the family's help at another organization under the same consent.

    Called from the outcome report, which has checked that the consent covers sharing; the new
    referral keeps the original referrer, who sees it come back like any other.
    """
    onward = Referral(
        consent=source.consent, referrer=source.referrer, referrer_unit=source.referrer_unit
    )
    _apply_content(
        onward,
        {name: getattr(source, name) for name in CONTENT_FIELDS},
        challenges=source.challenges.all(),
        modes=source.preferred_modes.all(),
        children_birth_years=[c.birth_year for c in source.children.all()],
    )
    for perm in REFERRER_PERMS:
        assign_perm(f"referrals.{perm}", source.referrer, onward)
    note = _("Onward from referral #%(pk)s") % {"pk": source.pk}
    onward = _act(onward, "submit", actor=actor, reason=note, permission_checked=True)
    return _act(
        onward, "assign", actor=actor, reason=note, args=(organization,), permission_checked=True
    )
