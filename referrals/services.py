"""Referral use cases.

Each transition service runs in one order: check permission → atomic() and lock the row →
transition → save → audit row → notification on commit. Views and the API call these and
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from consent.models import Consent
from directory.models import Challenge, Mode, Organization
from evaluation.tasks import invite_family_feedback
from perhelinja.fsm import TransitionRefused, check_can_proceed, check_permission

from . import routing
from .models import (
    WITHDRAWABLE_STATES,
    DeclineReason,
    Referral,
    ReferralChild,
    ReferralEvent,
    State,
)
from .tasks import notify_referral_event
from .validators import normalize_identity_code

REFERRER_PERMS = ("view_referral", "change_referral")
ORGANIZATION_PERMS = ("view_referral", "handle_referral")
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
AUTO_ASSIGN_NOTE = gettext_lazy(
    "Assigned automatically: the only organization that meets every need."
)
CONTENT_FIELDS = (
    "contact_name", "contact_phone", "contact_email", "language", "language_other",
    "interpreter_needed", "identity_code", "target_group", "description", "preferred_times",
    "municipality",
)  # fmt: skip


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
        referral, data, challenges=challenges, modes=modes,
        children_birth_years=children_birth_years,
    )  # fmt: skip
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
        _apply_content(
            locked, data, challenges=challenges, modes=modes,
            children_birth_years=children_birth_years,
        )  # fmt: skip
    return locked


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    return reason


def _grant(organization: Organization, referral: Referral) -> None:
    for perm in ORGANIZATION_PERMS:
        assign_perm(f"referrals.{perm}", organization.group, referral)


def _revoke(organization: Organization | None, referral: Referral) -> None:
    if organization is not None:
        for perm in ORGANIZATION_PERMS:
            remove_perm(f"referrals.{perm}", organization.group, referral)


def _run(
    referral: Referral,
    name: str,
    *,
    actor,
    reason: str = "",
    reason_code: str = "",
    args: tuple = (),
    permission_checked: bool = False,
    after: Callable[[Referral, Organization | None], None] | None = None,
) -> tuple[Referral, ReferralEvent]:
    """Run one transition: permission → lock → transition → save → audit → notify on commit.

    `after(locked, previous_organization)` runs inside the transaction, after the save, for
    what must change together with the state (object permissions, the claim pool).
    """
    if not permission_checked:
        check_permission(getattr(referral, name), actor)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        method = getattr(locked, name)
        check_can_proceed(method)
        source = locked.state
        previous_organization = locked.organization
        method(*args)
        locked.state_changed_at = timezone.now()
        locked.save()
        if after is not None:
            after(locked, previous_organization)
        event = ReferralEvent.objects.create(
            referral=locked,
            actor=actor,
            transition=name,
            from_state=source,
            to_state=locked.state,
            reason=reason,
            reason_code=reason_code,
            organization=locked.organization or previous_organization,
        )
        notify_referral_event.delay_on_commit(event.pk)
    return locked, event


def referral_submit(*, referral: Referral, actor) -> Referral:
    """Submit; with REFERRAL_AUTO_ASSIGN a single clear match is assigned at once."""
    with transaction.atomic():
        referral, _event = _run(referral, "submit", actor=actor)
        if settings.REFERRAL_AUTO_ASSIGN:
            match = routing.clear_match(routing.rank(referral))
            if match is not None:
                referral, _event = _run(
                    referral,
                    "assign",
                    actor=None,
                    permission_checked=True,
                    reason=AUTO_ASSIGN_NOTE,
                    args=(match.organization,),
                    after=lambda r, _prev: _grant(r.organization, r),
                )
    return referral


def referral_assign(
    *, referral: Referral, actor, organization: Organization, reason: str = ""
) -> Referral:
    """Route to `organization`: its workers' group gets the object permissions."""
    if not organization.is_active:
        raise ValidationError({"organization": _("This organization is not active.")})
    return _run(
        referral, "assign", actor=actor, reason=reason, args=(organization,),
        after=lambda r, _prev: _grant(organization, r),
    )[0]  # fmt: skip


def referral_open_pool(*, referral: Referral, actor, reason: str = "") -> Referral:
    """Let every organization whose services match claim the referral; the first one gets it."""

    def snapshot_candidates(locked: Referral, _prev) -> None:
        candidates = routing.rank(locked)
        if not candidates:
            raise TransitionRefused([_("No organization's services match this referral.")])
        locked.pool_organizations.set([c.organization for c in candidates])

    return _run(referral, "open_pool", actor=actor, reason=reason, after=snapshot_candidates)[0]


def referral_claim(*, referral: Referral, actor) -> Referral:
    """A worker claims a pooled referral for their organization; exactly one claim wins."""
    organization = actor.organization

    def take(locked: Referral, _prev) -> None:
        locked.pool_organizations.clear()
        _grant(organization, locked)

    return _run(referral, "claim", actor=actor, args=(organization,), after=take)[0]


def referral_accept(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _run(referral, "accept", actor=actor, reason=reason, args=(actor,))[0]


def referral_decline(
    *, referral: Referral, actor, reason: str = "", reason_code: str = DeclineReason.OTHER
) -> Referral:
    """Decline with a reason from the list (and text for "other"); access goes with it."""
    if reason_code not in DeclineReason.values:
        raise ValidationError({"reason_code": _("Choose a reason from the list.")})
    reason = (reason or "").strip()
    if reason_code == DeclineReason.OTHER:
        reason = _require_reason(reason)
    return _run(
        referral, "decline", actor=actor, reason=reason, reason_code=reason_code,
        after=lambda r, previous: _revoke(previous, r),
    )[0]  # fmt: skip


def referral_return(*, referral: Referral, actor, reason: str) -> Referral:
    """Send back to the referrer with a question; the reason is the question."""
    return _run(
        referral, "return_to_referrer", actor=actor, reason=_require_reason(reason),
        after=lambda r, previous: (_revoke(previous, r), r.pool_organizations.clear()),
    )[0]  # fmt: skip


def referral_schedule(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _run(referral, "schedule", actor=actor, reason=reason)[0]


def referral_start_service(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _run(referral, "start_service", actor=actor, reason=reason)[0]


def referral_complete(*, referral: Referral, actor, reason: str = "") -> Referral:
    """Complete; on commit the family is asked for feedback if its consent allows contact."""
    return _run(
        referral, "complete", actor=actor, reason=reason,
        after=lambda r, _prev: invite_family_feedback.delay_on_commit(r.pk),
    )[0]  # fmt: skip


def referral_cancel(*, referral: Referral, actor, reason: str) -> Referral:
    return _run(referral, "cancel", actor=actor, reason=_require_reason(reason))[0]


def referral_withdraw(*, referral: Referral, actor, reason: str) -> Referral:
    """The family withdrew its consent: the referral ends for good."""
    return _run(referral, "withdraw", actor=actor, reason=_require_reason(reason))[0]


def referrals_withdraw_for_consent(*, consent: Consent, actor, reason: str) -> list[Referral]:
    """End every open referral made under a withdrawn consent.

    The caller has checked that `actor` may withdraw the consent; that right covers every
    referral made under it, also those routed to organizations the actor does not work for.
    """
    return [
        _run(r, "withdraw", actor=actor, reason=reason, permission_checked=True)[0]
        for r in consent.referrals.filter(state__in=WITHDRAWABLE_STATES)
    ]


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
    onward, _event = _run(onward, "submit", actor=actor, reason=note, permission_checked=True)
    onward, _event = _run(
        onward, "assign", actor=actor, reason=note, args=(organization,),
        permission_checked=True, after=lambda r, _prev: _grant(organization, r),
    )  # fmt: skip
    return onward
