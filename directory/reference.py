"""Reference data every installation needs: municipalities, modes, languages, role groups.

Kept idempotent and run after every `migrate` (and after test flushes), so it is always there;
existing rows are never overwritten, so changes made in the admin stay.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import (
    Language,
    LanguageCode,
    Mode,
    ModeCode,
    Municipality,
    Role,
    ServiceArea,
    ServiceLanguage,
)
from .service_areas import ensure_service_areas

FI, SV, BI = ServiceLanguage.FINNISH, ServiceLanguage.SWEDISH, ServiceLanguage.BILINGUAL

# The 27 municipalities of Varsinais-Suomi: (code, Finnish, Swedish, language, Swedish majority).
MUNICIPALITIES = [
    ("019", "Aura", "Aura", FI, False),
    ("202", "Kaarina", "S:t Karins", FI, False),
    ("322", "Kemiönsaari", "Kimitoön", BI, True),
    ("284", "Koski Tl", "Koskis", FI, False),
    ("304", "Kustavi", "Gustavs", FI, False),
    ("400", "Laitila", "Letala", FI, False),
    ("423", "Lieto", "Lundo", FI, False),
    ("430", "Loimaa", "Loimaa", FI, False),
    ("480", "Marttila", "S:t Mårtens", FI, False),
    ("481", "Masku", "Masko", FI, False),
    ("503", "Mynämäki", "Virmo", FI, False),
    ("529", "Naantali", "Nådendal", FI, False),
    ("538", "Nousiainen", "Nousis", FI, False),
    ("561", "Oripää", "Oripää", FI, False),
    ("577", "Paimio", "Pemar", FI, False),
    ("445", "Parainen", "Pargas", BI, True),
    ("631", "Pyhäranta", "Pyhäranta", FI, False),
    ("636", "Pöytyä", "Pöytyä", FI, False),
    ("680", "Raisio", "Reso", FI, False),
    ("704", "Rusko", "Rusko", FI, False),
    ("734", "Salo", "Salo", FI, False),
    ("738", "Sauvo", "Sagu", FI, False),
    ("761", "Somero", "Somero", FI, False),
    ("833", "Taivassalo", "Tövsala", FI, False),
    ("853", "Turku", "Åbo", BI, False),
    ("895", "Uusikaupunki", "Nystad", FI, False),
    ("918", "Vehmaa", "Vemo", FI, False),
]
PILOT_CODES = {"895", "400", "322", "853"}

CATALOGUE_MODELS = [
    "service",
    "organization",
    "receptionsite",
    "targetgroup",
    "challenge",
    "outcometheme",
    "servicearea",
]
ROLE_PERMISSIONS = {
    Role.COORDINATOR: [
        "referrals.triage_referral",
        *(
            f"directory.{action}_{model}"
            for model in CATALOGUE_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        "directory.view_municipality",
        "directory.change_municipality",
    ],
    Role.PROFESSIONAL: ["directory.view_service"],
    Role.WORKER: ["directory.view_service"],
}


def ensure_reference_data() -> None:
    with transaction.atomic():
        for code in ModeCode.values:
            Mode.objects.get_or_create(code=code)
        for code in LanguageCode.values:
            Language.objects.get_or_create(code=code)
        for code, name_fi, name_sv, language, swedish_majority in MUNICIPALITIES:
            Municipality.objects.get_or_create(
                code=code,
                defaults={
                    "name_fi": name_fi,
                    "name_sv": name_sv,
                    "language": language,
                    "swedish_majority": swedish_majority,
                    "is_pilot": code in PILOT_CODES,
                },
            )
        ensure_service_areas(ServiceArea)
        ensure_role_groups()


def ensure_role_groups() -> None:
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*wanted)


def on_post_migrate(sender, **kwargs) -> None:
    ensure_reference_data()
