"""Reading packages: who sees which, the list, and the organizations to invite.

`get_package_for_user` raises 404, never 403: a person who may not see a package must not
learn that it exists. Coordinators see every package; a municipality's contact person those
they recorded or are named contact of; an organization's workers the packages their
organization was invited to (a package holds no family's data, and a worker sees only their
own organization's answer).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from directory.models import Mode, Organization
from referrals import routing

from .models import Answer, Invitation, ServicePackage


def visible_packages(user) -> QuerySet[ServicePackage]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ServicePackage.objects.none()
    if user.is_coordinator:
        return ServicePackage.objects.all()
    visible = Q(pk__in=[])
    if user.is_professional:
        visible |= Q(created_by=user) | Q(contact=user)
    if user.is_worker:
        invited = Invitation.objects.filter(organization_id=user.organization_id)
        visible |= Q(pk__in=invited.values("package_id"))
    return ServicePackage.objects.filter(visible)


def get_package_for_user(user, pk) -> ServicePackage:
    try:
        return visible_packages(user).select_related("municipality", "target_group").get(pk=pk)
    except (ServicePackage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def package_list(user) -> QuerySet[ServicePackage]:
    """The packages the person sees, newest first, each with its counts (one query)."""
    return (
        visible_packages(user)
        .select_related("municipality")
        .annotate(
            contributors=Count(
                "invitations", filter=Q(invitations__answer=Answer.ACCEPTED), distinct=True
            ),
            invited=Count("invitations", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def invitations(package: ServicePackage, user) -> list[Invitation]:
    """Every answer for coordinators and the municipality's contact, a worker's own only."""
    rows = package.invitations.select_related("organization", "contact_person").prefetch_related(
        "services"
    )
    if not (user.is_coordinator or user.pk in (package.created_by_id, package.contact_id)):
        rows = rows.filter(organization_id=getattr(user, "organization_id", None))
    return list(rows)


def own_invitation(package: ServicePackage, user) -> Invitation | None:
    if not getattr(user, "is_worker", False):
        return None
    return package.invitations.filter(organization_id=user.organization_id).first()


@dataclass(frozen=True)
class _Need:
    """What routing reads of a referral, taken from a package: its area, target group,
    challenges and language; a package has no preferred way to meet."""

    package: ServicePackage

    @property
    def challenges(self):
        return self.package.challenges

    @property
    def preferred_modes(self):
        return Mode.objects.none()

    @property
    def municipality(self):
        return self.package.municipality

    @property
    def target_group_id(self):
        return self.package.target_group_id

    @property
    def language(self) -> str:
        return self.package.language


def candidates(package: ServicePackage) -> list[routing.Candidate]:
    """The organizations to invite, ranked as referral routing ranks them, with reasons."""
    return routing.rank(_Need(package))


def organizations_to_invite(package: ServicePackage) -> list[Organization]:
    return [c.organization for c in candidates(package)]
