"""The people around one service package, and `package_in_state`, which reaches a state the way
people do: through the registry's actions."""

from __future__ import annotations

import datetime

from packages import services
from packages.actions import PACKAGE_ACTIONS, PATHS
from packages.models import ServicePackage
from tests.factories import (
    ChallengeFactory,
    CoordinatorFactory,
    MunicipalityFactory,
    OrganizationFactory,
    ProfessionalFactory,
    ServiceFactory,
    TargetGroupFactory,
    WorkerFactory,
)

START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 5, 31)


class PackageCast:
    """A municipality's contact person, a coordinator, two organizations whose services match
    (A contributes, B is invited and has not answered) and people with no part in it."""

    def __init__(self):
        self.municipality = MunicipalityFactory()
        self.coordinator = CoordinatorFactory()
        self.contact = ProfessionalFactory(municipality=self.municipality)
        self.colleague = ProfessionalFactory(municipality=self.municipality)  # no part in it
        self.target_group = TargetGroupFactory()
        self.challenge = ChallengeFactory()
        self.organization_a = OrganizationFactory(name="Aaltoperhe ry")
        self.organization_b = OrganizationFactory(name="Bertta ry")
        self.outsider_organization = OrganizationFactory(name="Muu ry")
        self.worker_a = WorkerFactory(organization=self.organization_a)
        self.worker_b = WorkerFactory(organization=self.organization_b)
        self.outsider = WorkerFactory(organization=self.outsider_organization)
        self.service_a = ServiceFactory(organization=self.organization_a)
        self.service_a.challenges.add(self.challenge)
        self.service_a.target_groups.add(self.target_group)
        self.service_b = ServiceFactory(organization=self.organization_b)
        self.service_b.challenges.add(self.challenge)

    def draft(self, **data) -> ServicePackage:
        data.setdefault("title", "Vanhemmuuden tuki")
        data.setdefault("target_group", self.target_group)
        data.setdefault("description", "Lapsiperheiden arjen kuormitus on kasvanut.")
        return services.package_create(actor=self.contact, challenges=[self.challenge], **data)

    def actor(self, step: str):
        return {
            "answer": self.worker_a,
            "decline_invitation": self.worker_b,
            "report_hours": self.worker_a,
            "approve": self.contact,
            "request_changes": self.contact,
        }.get(step, self.coordinator)

    def run(self, package: ServicePackage, step: str) -> ServicePackage:
        """Take one action of the registry as the person whose part it is."""
        data = {
            "organizations": [self.organization_a, self.organization_b],
            "services": [self.service_a],
            "group_sessions": 4,
            "lectures": 2,
            "outreach_events": 1,
            "planned_hours": 40,
            "capacity": 12,
            "plan": "Vertaisryhmä ja luennot kevään aikana.",
            "starts_on": START,
            "ends_on": END,
            "reason": "Arvioitu yhdessä kunnan kanssa.",
            "hours": 36,
        }
        return PACKAGE_ACTIONS.call(step, package, self.actor(step), data)


def package_in_state(state: str, cast: PackageCast | None = None):
    cast = cast or PackageCast()
    package = cast.draft()
    for step in PATHS[state]:
        package = cast.run(package, step)
    assert package.state == state
    return package, cast
