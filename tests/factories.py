"""factory-boy factories, and `referral_in_state`, which reaches a state the way users do."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from consent.models import Consent, GiverRole, Method
from directory import services as directory_services
from directory.models import (
    Availability,
    Challenge,
    Municipality,
    Organization,
    Role,
    Service,
    TargetGroup,
    Unit,
    User,
)
from referrals import services
from referrals.actions import PATHS, REFERRAL_ACTIONS
from referrals.models import Referral, State


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = "853"
    name_fi = "Turku"
    name_sv = "Åbo"
    language = "bilingual"
    is_pilot = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Perhetuki {n} ry")
    slug = factory.Sequence(lambda n: f"perhetuki-{n}")


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"group-{n}")
    name_fi = factory.Sequence(lambda n: f"Kohderyhmä {n}")
    name_sv = factory.Sequence(lambda n: f"Målgrupp {n}")
    name_en = factory.Sequence(lambda n: f"Target group {n}")


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"challenge-{n}")
    name_fi = factory.Sequence(lambda n: f"Haaste {n}")
    name_sv = factory.Sequence(lambda n: f"Utmaning {n}")
    name_en = factory.Sequence(lambda n: f"Challenge {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name_fi = factory.Sequence(lambda n: f"Keskusteluapu {n}")
    name_sv = factory.Sequence(lambda n: f"Samtalsstöd {n}")
    description_fi = "Maksutonta keskusteluapua."
    description_sv = "Avgiftsfritt samtalsstöd."
    availability = Availability.REGION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    first_name = "Testi"
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        add_roles(self, create, extracted)


def add_roles(user: User, create: bool, roles) -> None:
    if create and roles:
        user.groups.add(*(Group.objects.get(name=Role(r).value) for r in roles))
        user.__dict__.pop("_groups_by_name", None)


class ProfessionalFactory(UserFactory):
    municipality = factory.SubFactory(MunicipalityFactory)
    unit = Unit.FAMILY_CENTRE

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        add_roles(self, create, [Role.PROFESSIONAL] if extracted is None else extracted)


class WorkerFactory(UserFactory):
    organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        add_roles(self, create, [Role.WORKER] if extracted is None else extracted)


class CoordinatorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        add_roles(self, create, [Role.COORDINATOR] if extracted is None else extracted)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    given_by_role = GiverRole.GUARDIAN
    given_by_name = "Maija Meikäläinen"
    method = Method.WRITTEN
    given_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    valid_until = factory.LazyAttribute(lambda c: c.given_at + datetime.timedelta(days=365))
    scope_share_referral = True
    scope_contact_phone = True
    scope_return_outcome = True
    recorded_by = factory.SubFactory(ProfessionalFactory)


def draft_referral(referrer: User | None = None, consent: Consent | None = None, **data):
    """A complete draft, made through the service as a professional would."""
    referrer = referrer or ProfessionalFactory()
    consent = consent or ConsentFactory(recorded_by=referrer)
    data.setdefault("contact_name", "Maija Meikäläinen")
    data.setdefault("contact_phone", "+358 40 000 0001")
    data.setdefault("target_group", TargetGroupFactory())
    data.setdefault("description", "Perhe toivoo keskusteluapua arjen kuormitukseen.")
    challenges = data.pop("challenges", None) or [ChallengeFactory()]
    return services.referral_create(
        actor=referrer,
        consent=consent,
        challenges=challenges,
        children_birth_years=[2019],
        **data,
    )


# What people write when an action asks for a reason.
REASONS = {
    "return": "Mikä on perheen toive?",
    "decline": "Ei kapasiteettia",
    "cancel": "Perhe sai apua muualta",
    "withdraw": "Perhe perui suostumuksen",
}


class Cast:
    """The people around one referral: its referrer, a coordinator and a worker of the
    organization it is (or will be) routed to."""

    def __init__(self, organization: Organization | None = None):
        self.organization = organization or OrganizationFactory()
        self.referrer = ProfessionalFactory()
        self.coordinator = CoordinatorFactory()
        self.handler = WorkerFactory(organization=self.organization)
        # The organization's catalogue meets this cast's referrals, so routing finds it.
        self.target_group = TargetGroupFactory()
        self.challenge = ChallengeFactory()
        service = ServiceFactory(organization=self.organization)
        service.target_groups.add(self.target_group)
        service.challenges.add(self.challenge)

    def run(self, referral: Referral, step: str) -> Referral:
        """Take one action of the registry as the person whose part it is."""
        actor = {
            "submit": self.referrer,
            "cancel": self.referrer,
            "withdraw": self.referrer,
            "assign": self.coordinator,
            "open_pool": self.coordinator,
            "return": self.coordinator,
        }.get(step, self.handler)
        data = {
            "organization": self.organization,
            "reason_code": "no_capacity",
            "reason": REASONS.get(step, ""),
        }
        return REFERRAL_ACTIONS.call(step, referral, actor, data)


def referral_in_state(state: State, cast: Cast | None = None) -> tuple[Referral, Cast]:
    cast = cast or Cast()
    referral = draft_referral(
        referrer=cast.referrer, target_group=cast.target_group, challenges=[cast.challenge]
    )
    for step in PATHS[State(state)]:  # the registry's path
        referral = cast.run(referral, step)
    assert referral.state == state
    return referral, cast


def api_token_for(user) -> str:
    """A new API token of `user`, made the way the token endpoint makes it (no password, no
    second factor: the endpoint has tests of its own)."""
    _instance, token = directory_services.api_token_create(user=user)
    return token


def api_client_for(user):
    """An API client that authenticates as `user` with a token of `api_token_for`."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return api
