"""Service package use cases.

Each goes through `perhelinja.lifecycle.run` with the action declared in `actions.py`: check
permission → atomic() and lock the row → transition → save → audit row → outbox. What an
action records beside the state (the invitations, an answer, an attribution, the hours) is
written in the same transaction. Views and the API call these and nothing else.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Challenge, Organization, Service
from evaluation.models import OutreachActivity
from perhelinja import lifecycle
from perhelinja.fsm import check_permission
from referrals.models import Referral
from referrals.models import State as ReferralState

from . import selectors
from .actions import PACKAGE_ACTIONS
from .models import (
    Answer,
    Invitation,
    PackageOutreach,
    PackageReferral,
    ServicePackage,
)

CONTENT_FIELDS = (
    "title",
    "municipality",
    "target_group",
    "description",
    "language",
    "wished_start",
    "wished_end",
    "contact",
)


def _act(package: ServicePackage, name: str, **kwargs) -> ServicePackage:
    return lifecycle.run(PACKAGE_ACTIONS, package, name, **kwargs)[0]


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    return reason


@transaction.atomic
def package_create(*, actor, challenges: Iterable[Challenge] = (), **data: Any) -> ServicePackage:
    """A draft package for a municipality's challenge, by its contact person or a coordinator.

    A professional records it for their own municipality and is its contact unless another
    professional of the municipality is named."""
    unknown = set(data) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown package fields: {sorted(unknown)}")
    if not (actor.is_coordinator or actor.is_professional):
        raise PermissionDenied(_("Only coordinators and municipal professionals can do this."))
    if actor.is_professional and not actor.is_coordinator:
        data["municipality"] = actor.municipality
        data["contact"] = data.get("contact") or actor
    contact = data.get("contact")
    if contact is not None and not (
        contact.is_professional
        and contact.municipality_id == getattr(data.get("municipality"), "pk", None)
    ):
        raise ValidationError(
            {"contact": _("The contact person must be a professional of the municipality.")}
        )
    package = ServicePackage(created_by=actor, **data)
    package.full_clean(exclude=["state", "created_by"])
    package.save()
    package.challenges.set(challenges)
    return package


def package_invite(
    *, package: ServicePackage, actor, organizations: Iterable[Organization], reason: str = ""
) -> ServicePackage:
    """Invite organizations; each keeps the points and reasons routing gave it."""
    organizations = list(organizations)
    if not organizations:
        raise ValidationError({"organizations": _("Choose at least one organization.")})
    ranked = {c.organization.pk: c for c in selectors.candidates(package)}
    with transaction.atomic():
        package = _act(package, "invite", actor=actor, reason=reason)
        invited = set(package.invitations.values_list("organization_id", flat=True))
        Invitation.objects.bulk_create(
            Invitation(
                package=package,
                organization=organization,
                score=ranked[organization.pk].score if organization.pk in ranked else 0,
                reasons=[
                    {"text": r.text, "points": r.points}
                    for r in (ranked[organization.pk].reasons if organization.pk in ranked else [])
                ],
            )
            for organization in organizations
            if organization.pk not in invited
        )
    return package


def _own_invitation(package: ServicePackage, actor) -> Invitation:
    return Invitation.objects.select_for_update().get(
        package=package, organization_id=actor.organization_id
    )


def package_answer(
    *,
    package: ServicePackage,
    actor,
    services: Iterable[Service] = (),
    group_sessions: int = 0,
    lectures: int = 0,
    outreach_events: int = 0,
    planned_hours: Decimal | int = 0,
    capacity: int = 0,
    reason: str = "",
) -> ServicePackage:
    """The actor's organization contributes (or changes what it contributes)."""
    check_permission(package.answer, actor)
    services = list(services)
    if any(s.organization_id != getattr(actor, "organization_id", None) for s in services):
        raise ValidationError({"services": _("Choose your own organization's services.")})
    if not (services or group_sessions or lectures or outreach_events or planned_hours):
        raise ValidationError(
            _("Name a service, group sessions, lectures, outreach or hours you can give.")
        )
    with transaction.atomic():
        package = _act(package, "answer", actor=actor, reason=reason)
        invitation = _own_invitation(package, actor)
        invitation.answer = Answer.ACCEPTED
        invitation.group_sessions = group_sessions
        invitation.lectures = lectures
        invitation.outreach_events = outreach_events
        invitation.planned_hours = planned_hours
        invitation.capacity = capacity
        invitation.note = reason
        invitation.contact_person = actor
        invitation.answered_at = timezone.now()
        invitation.save()
        invitation.services.set(services)
    return package


def package_decline_invitation(*, package: ServicePackage, actor, reason: str) -> ServicePackage:
    reason = _require_reason(reason)
    with transaction.atomic():
        package = _act(package, "decline_invitation", actor=actor, reason=reason)
        invitation = _own_invitation(package, actor)
        invitation.answer = Answer.DECLINED
        invitation.note = reason
        invitation.contact_person = actor
        invitation.answered_at = timezone.now()
        invitation.planned_hours = 0
        invitation.save()
        invitation.services.clear()
    return package


def package_compose(
    *,
    package: ServicePackage,
    actor,
    plan: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> ServicePackage:
    plan = (plan or "").strip()
    if not plan:
        raise ValidationError({"plan": _("Write the plan.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first.")})
    return _act(package, "compose", actor=actor, args=(plan, starts_on, ends_on))


def package_approve(*, package: ServicePackage, actor, reason: str = "") -> ServicePackage:
    return _act(package, "approve", actor=actor, reason=reason)


def package_request_changes(*, package: ServicePackage, actor, reason: str) -> ServicePackage:
    return _act(package, "request_changes", actor=actor, reason=_require_reason(reason))


def package_start(*, package: ServicePackage, actor, reason: str = "") -> ServicePackage:
    return _act(package, "start", actor=actor, reason=reason)


def _attributable_referral(package: ServicePackage, actor, pk: int) -> Referral:
    """A referral of the package's municipality that the actor has a part in: a
    coordinator any, a worker those their organization holds, a professional their own."""
    found = Referral.objects.filter(pk=pk, municipality_id=package.municipality_id).exclude(
        state=ReferralState.DRAFT
    )
    if not actor.is_coordinator:
        mine = Referral.objects.none()
        if actor.is_worker:
            mine = found.filter(organization_id=actor.organization_id)
        if actor.is_professional:
            mine = mine | found.filter(referrer=actor)
        found = mine
    referral = found.first()
    if referral is None:
        raise ValidationError(
            {"referral": _("No referral of yours in this municipality has this number.")}
        )
    return referral


def _attributable_activity(package: ServicePackage, actor, pk: int) -> OutreachActivity:
    found = OutreachActivity.objects.filter(pk=pk, municipality_id=package.municipality_id)
    if not actor.is_coordinator:
        found = found.filter(organizations=getattr(actor, "organization_id", None))
    activity = found.first()
    if activity is None:
        raise ValidationError(
            {"activity": _("No outreach activity of yours in this municipality has this number.")}
        )
    if (
        package.starts_on
        and package.ends_on
        and not (package.starts_on <= activity.date <= package.ends_on)
    ):
        raise ValidationError({"activity": _("The activity was not held in the package's period.")})
    return activity


def package_attribute(
    *, package: ServicePackage, actor, referral: int | None = None, activity: int | None = None
) -> ServicePackage:
    """Count a referral or an outreach activity (by its number) as the package's."""
    check_permission(package.attribute, actor)
    if not referral and not activity:
        raise ValidationError(_("Give a referral number or an outreach activity number."))
    notes = []
    with transaction.atomic():
        if referral:
            found = _attributable_referral(package, actor, referral)
            if PackageReferral.objects.filter(referral=found).exists():
                raise ValidationError({"referral": _("This referral is already in a package.")})
            notes.append(_("Referral #%(pk)s") % {"pk": found.pk})
        if activity:
            held = _attributable_activity(package, actor, activity)
            if PackageOutreach.objects.filter(activity=held).exists():
                raise ValidationError({"activity": _("This activity is already in a package.")})
            notes.append(_("Outreach activity #%(pk)s") % {"pk": held.pk})
        package = _act(package, "attribute", actor=actor, reason=", ".join(notes))
        if referral:
            PackageReferral.objects.create(package=package, referral=found)
        if activity:
            PackageOutreach.objects.create(package=package, activity=held)
    return package


def package_report_hours(*, package: ServicePackage, actor, hours: Decimal | int) -> ServicePackage:
    check_permission(package.report_hours, actor)
    if hours is None or Decimal(hours) < 0:
        raise ValidationError({"hours": _("Give the hours as a number, 0 or more.")})
    with transaction.atomic():
        package = _act(package, "report_hours", actor=actor, reason=str(hours))
        invitation = _own_invitation(package, actor)
        invitation.reported_hours = hours
        invitation.save(update_fields=["reported_hours"])
    return package


def package_close(*, package: ServicePackage, actor, reason: str = "") -> ServicePackage:
    return _act(package, "close", actor=actor, reason=reason)


def package_evaluate(*, package: ServicePackage, actor, reason: str) -> ServicePackage:
    reason = _require_reason(reason)
    return _act(package, "evaluate", actor=actor, reason=reason, args=(reason,))


def package_cancel(*, package: ServicePackage, actor, reason: str) -> ServicePackage:
    return _act(package, "cancel", actor=actor, reason=_require_reason(reason))
