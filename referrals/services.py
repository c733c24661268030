"""Referral use cases.

Each transition service runs in one order: check permission → atomic() and lock the row →
transition → save → audit row → notification on commit. Views and the API call these and
nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from consent.models import Consent
from directory.models import Challenge, Mode, Organization
from perhelinja.fsm import check_can_proceed, check_permission

from .models import WITHDRAWABLE_STATES, Referral, ReferralChild, ReferralEvent, State
from .tasks import notify_referral_event
from .validators import normalize_identity_code

REFERRER_PERMS = ("view_referral", "change_referral")
ORGANIZATION_PERMS = ("view_referral", "handle_referral")
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
CONTENT_FIELDS = (
    "contact_name", "contact_phone", "contact_email", "language", "language_other",
    "interpreter_needed", "identity_code", "target_group", "description", "preferred_times",
    "municipality",
)  # fmt: skip


def get_referral_for_user(user, pk: int) -> Referral:
    """The referral if `user` may see its personal data, else 404 (its existence stays hidden)."""
    referral = get_object_or_404(
        Referral.objects.select_related("consent", "municipality", "organization", "target_group"),
        pk=pk,
    )
    if not user.has_perm("referrals.view_referral", referral):
        raise Http404
    return referral


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


def _run(
    referral: Referral,
    name: str,
    *,
    actor,
    reason: str = "",
    args: tuple = (),
    permission_checked: bool = False,
) -> tuple[Referral, ReferralEvent]:
    if not permission_checked:
        check_permission(getattr(referral, name), actor)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        method = getattr(locked, name)
        check_can_proceed(method)
        source = locked.state
        previous_organization = locked.organization
        method(*args)
        locked.save()
        event = ReferralEvent.objects.create(
            referral=locked,
            actor=actor,
            transition=name,
            from_state=source,
            to_state=locked.state,
            reason=reason,
            organization=locked.organization or previous_organization,
        )
        notify_referral_event.delay_on_commit(event.pk)
    return locked, event


def referral_submit(*, referral: Referral, actor) -> Referral:
    return _run(referral, "submit", actor=actor)[0]


def referral_assign(
    *, referral: Referral, actor, organization: Organization, reason: str = ""
) -> Referral:
    """Route to `organization`: its workers' group gets the object permissions."""
    if not organization.is_active:
        raise ValidationError({"organization": _("This organization is not active.")})
    referral, _event = _run(referral, "assign", actor=actor, reason=reason, args=(organization,))
    for perm in ORGANIZATION_PERMS:
        assign_perm(f"referrals.{perm}", organization.group, referral)
    return referral


def referral_accept(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _run(referral, "accept", actor=actor, reason=reason, args=(actor,))[0]


def referral_decline(*, referral: Referral, actor, reason: str) -> Referral:
    """Decline with a reason; the organization loses access to the family's data."""
    reason = _require_reason(reason)
    referral, event = _run(referral, "decline", actor=actor, reason=reason)
    for perm in ORGANIZATION_PERMS:
        remove_perm(f"referrals.{perm}", event.organization.group, referral)
    return referral


def referral_return(*, referral: Referral, actor, reason: str) -> Referral:
    """Send back to the referrer with a question; the reason is the question."""
    return _run(referral, "return_to_referrer", actor=actor, reason=_require_reason(reason))[0]


def referral_schedule(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _run(referral, "schedule", actor=actor, reason=reason)[0]


def referral_start_service(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _run(referral, "start_service", actor=actor, reason=reason)[0]


def referral_complete(*, referral: Referral, actor, reason: str = "") -> Referral:
    return _run(referral, "complete", actor=actor, reason=reason)[0]


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
