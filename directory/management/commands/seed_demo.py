"""Load the fictional demo: catalogue, users of every role and referrals in every state.

Referrals are made through the same services as real use, so their audit rows and object
permissions are real; only their timestamps are moved into the past afterwards, so the demo
shows a history. Running it again updates the catalogue and users and adds no duplicates.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from consent.models import GiverRole, Method, Scope
from consent.services import consent_record, consent_withdraw
from directory import demo_data
from directory.models import (
    Challenge,
    Language,
    Mode,
    Municipality,
    Organization,
    OutcomeTheme,
    ReceptionSite,
    Role,
    Service,
    TargetGroup,
    Unit,
    User,
)
from referrals import services as referral_services
from referrals.models import Referral, ReferralEvent, State

PROFESSIONALS = [
    # username, municipality code, unit, first name, last name, language
    ("pro.turku", "853", Unit.FAMILY_CENTRE, "Tiina", "Turunen", "fi"),
    ("pro.laitila", "400", Unit.CHILD_HEALTH_CLINIC, "Leena", "Laaksonen", "fi"),
    ("pro.uusikaupunki", "895", Unit.SCHOOL_WELFARE, "Ulla", "Uotila", "fi"),
    ("pro.kemionsaari", "322", Unit.EARLY_FAMILY_WORK, "Kristina", "Karlsson", "sv"),
]
SWEDISH_FIRST = {"skargardens-familjeforum"}
# The states the demo referrals end in, in turn, so every state is present several times.
STATE_CYCLE = [
    State.DRAFT, State.SUBMITTED, State.ASSIGNED, State.ACCEPTED, State.SCHEDULED,
    State.IN_SERVICE, State.COMPLETED, State.RETURNED, State.DECLINED, State.CANCELLED,
    State.WITHDRAWN, State.COMPLETED, State.IN_SERVICE, State.ACCEPTED, State.POOLED,
    State.SUBMITTED,
]  # fmt: skip
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: ["submit"],
    State.POOLED: ["submit", "open_pool"],
    State.ASSIGNED: ["submit", "assign"],
    State.ACCEPTED: ["submit", "assign", "accept"],
    State.SCHEDULED: ["submit", "assign", "accept", "schedule"],
    State.IN_SERVICE: ["submit", "assign", "accept", "schedule", "start_service"],
    State.COMPLETED: ["submit", "assign", "accept", "schedule", "start_service", "complete"],
    State.RETURNED: ["submit", "return"],
    State.DECLINED: ["submit", "assign", "decline"],
    State.CANCELLED: ["submit", "cancel"],
    State.WITHDRAWN: ["submit", "assign", "withdraw"],
}


class Command(BaseCommand):
    help = "Load fictional demo data (refuses to run when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-users", action="store_true", help="Do not print the users.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG=True: it creates known passwords.")
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            self.load_catalogue()
            users = self.load_users(password)
        # Notifications of the demo's history would only flood the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = self.load_referrals()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Organization.objects.count()} organizations, "
                f"{Service.objects.count()} services, {Referral.objects.count()} referrals "
                f"({created} new)."
            )
        )
        if not options["quiet_users"]:
            self.stdout.write(f"\nDemo users (password: {password}):")
            for user in users:
                role = ", ".join(
                    user.groups.exclude(name__startswith="organization:").values_list(
                        "name", flat=True
                    )
                )
                self.stdout.write(f"  {user.username:<42} {role}")

    # --- catalogue ---------------------------------------------------------------------------

    def load_catalogue(self) -> None:
        for model, rows in [
            (TargetGroup, demo_data.TARGET_GROUPS),
            (Challenge, demo_data.CHALLENGES),
            (OutcomeTheme, demo_data.OUTCOME_THEMES),
        ]:
            for position, (slug, fi, sv, en) in enumerate(rows):
                model.objects.update_or_create(
                    slug=slug,
                    defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "position": position},
                )
        for row in demo_data.ORGANIZATIONS:
            Organization.objects.update_or_create(
                slug=row["slug"], defaults={k: v for k, v in row.items() if k != "slug"}
            )
        orgs = {o.slug: o for o in Organization.objects.all()}
        municipalities = {m.code: m for m in Municipality.objects.all()}
        for row in demo_data.SERVICES:
            service, _created = Service.objects.update_or_create(
                organization=orgs[row["organization"]],
                name_fi=row["name_fi"],
                defaults={
                    key: row[key]
                    for key in (
                        "name_sv",
                        "name_en",
                        "description_fi",
                        "description_sv",
                        "description_en",
                        "availability",
                    )
                },
            )
            service.target_groups.set(TargetGroup.objects.filter(slug__in=row["target_groups"]))
            service.challenges.set(Challenge.objects.filter(slug__in=row["challenges"]))
            service.municipalities.set([municipalities[c] for c in row["municipalities"]])
            service.modes.set(Mode.objects.filter(code__in=row["modes"]))
            service.languages.set(Language.objects.filter(code__in=row["languages"]))
        for row in demo_data.RECEPTION_SITES:
            ReceptionSite.objects.update_or_create(
                municipality=municipalities[row["municipality"]],
                name=row["name"],
                defaults={"address": row["address"], "notes": row["notes"]},
            )

    # --- users -------------------------------------------------------------------------------

    def _user(self, username: str, password: str, role: Role, **fields) -> User:
        user, _created = User.objects.update_or_create(username=username, defaults=fields)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
        return user

    def load_users(self, password: str) -> list[User]:
        users = [
            self._user(
                "coordinator",
                password,
                Role.COORDINATOR,
                first_name="Kaisa",
                last_name="Koordinaattori",
                email="coordinator@perhelinja.invalid",
                is_staff=True,
            )
        ]
        municipalities = {m.code: m for m in Municipality.objects.all()}
        for username, code, unit, first, last, language in PROFESSIONALS:
            users.append(
                self._user(
                    username,
                    password,
                    Role.PROFESSIONAL,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@municipality.invalid",
                    municipality=municipalities[code],
                    unit=unit,
                    language=language,
                )
            )
        for org in Organization.objects.filter(
            slug__in=[o["slug"] for o in demo_data.ORGANIZATIONS]
        ):
            users.append(
                self._user(
                    f"worker.{org.slug}",
                    password,
                    Role.WORKER,
                    first_name="Työntekijä",
                    last_name=org.name[:100],
                    email=f"worker@{org.slug}.invalid",
                    organization=org,
                    language="sv" if org.slug in SWEDISH_FIRST else "fi",
                )
            )
        return users

    # --- referrals ---------------------------------------------------------------------------

    def load_referrals(self) -> int:
        usernames = [p[0] for p in PROFESSIONALS]
        if Referral.objects.filter(referrer__username__in=usernames).exists():
            return 0
        rng = random.Random(2026)  # reproducible demo, not security
        coordinator = User.objects.get(username="coordinator")
        pros = {
            u.municipality.code: u
            for u in User.objects.filter(username__in=usernames).select_related("municipality")
        }
        for index, family in enumerate(demo_data.FAMILIES):
            state = STATE_CYCLE[index % len(STATE_CYCLE)]
            with transaction.atomic():
                referral = self.make_referral(family, pros[family["municipality"]])
                self.drive(referral, state, coordinator, family, rng)
        return len(demo_data.FAMILIES)

    def make_referral(self, family: dict, pro: User) -> Referral:
        scopes = [Scope.SHARE_REFERRAL, Scope.CONTACT_PHONE, Scope.RETURN_OUTCOME]
        if family["email"]:
            scopes.append(Scope.CONTACT_EMAIL)
        consent = consent_record(
            actor=pro,
            given_by_role=GiverRole(family["giver"]),
            given_by_name=family["contact_name"],
            method=Method.WRITTEN if len(family["contact_name"]) % 2 else Method.VERBAL,
            scopes=scopes,
            given_at=timezone.now() - timedelta(days=200),
        )
        return referral_services.referral_create(
            actor=pro,
            consent=consent,
            challenges=Challenge.objects.filter(slug__in=family["challenges"]),
            modes=Mode.objects.filter(code__in=family["modes"]),
            children_birth_years=family["children_birth_years"],
            contact_name=family["contact_name"],
            contact_phone=family["phone"],
            contact_email=family["email"],
            language=family["language"],
            language_other=family["language_other"],
            interpreter_needed=family["interpreter_needed"],
            target_group=TargetGroup.objects.get(slug=family["target_group"]),
            description=family["description"],
            preferred_times=family["preferred_times"],
        )

    def matching_organization(self, referral: Referral, rng: random.Random) -> Organization:
        """An organization with a service for this family's challenges, area and language."""
        language = referral.language if referral.language in ("fi", "sv", "en") else "fi"
        candidates = (
            Service.objects.available_in(referral.municipality)
            .filter(challenges__in=referral.challenges.all(), languages__code=language)
            .values_list("organization_id", flat=True)
            .distinct()
        )
        ids = sorted(set(candidates)) or sorted(Organization.objects.values_list("pk", flat=True))
        return Organization.objects.get(pk=rng.choice(ids))

    def drive(self, referral, state, coordinator, family, rng) -> None:
        s = referral_services
        org = self.matching_organization(referral, rng)
        worker = User.objects.get(username=f"worker.{org.slug}")
        pro = referral.referrer
        for step in PATHS[state]:
            if step == "submit":
                referral = s.referral_submit(referral=referral, actor=pro)
            elif step == "assign":
                referral = s.referral_assign(referral=referral, actor=coordinator, organization=org)
            elif step == "accept":
                referral = s.referral_accept(referral=referral, actor=worker)
            elif step == "schedule":
                referral = s.referral_schedule(referral=referral, actor=worker)
            elif step == "start_service":
                referral = s.referral_start_service(referral=referral, actor=worker)
            elif step == "complete":
                referral = s.referral_complete(
                    referral=referral, actor=worker, reason="Neljä keskustelukertaa pidetty."
                )
            elif step == "return":
                referral = s.referral_return(
                    referral=referral,
                    actor=coordinator,
                    reason="Toivooko perhe tapaamista kotona vai vastaanotolla?",
                )
            elif step == "open_pool":
                referral = s.referral_open_pool(referral=referral, actor=coordinator)
            elif step == "decline":
                referral = s.referral_decline(
                    referral=referral,
                    actor=worker,
                    reason_code="no_capacity",
                    reason="Ei vapaita aikoja tällä alueella.",
                )
            elif step == "cancel":
                referral = s.referral_cancel(
                    referral=referral, actor=pro, reason="Perhe sai apua muualta."
                )
            elif step == "withdraw":
                consent_withdraw(
                    consent=referral.consent, actor=pro, reason="Perhe perui suostumuksensa."
                )
        self.backdate(referral.pk, rng)

    def backdate(self, referral_id: int, rng: random.Random) -> None:
        """Move a fresh referral's history into the past months, keeping its order."""
        start = timezone.now() - timedelta(days=rng.randint(5, 170), hours=rng.randint(0, 8))
        moment = start
        Referral.objects.filter(pk=referral_id).update(created_at=start)
        times = {}
        for event in ReferralEvent.objects.filter(referral_id=referral_id).order_by("pk"):
            moment += timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6))
            ReferralEvent.objects.filter(pk=event.pk).update(created_at=moment)
            times.setdefault(event.to_state, moment)
        Referral.objects.filter(pk=referral_id).update(
            submitted_at=times.get(State.SUBMITTED),
            accepted_at=times.get(State.ACCEPTED),
            closed_at=times.get(State.COMPLETED)
            or times.get(State.CANCELLED)
            or times.get(State.WITHDRAWN),
        )
