"""Load the fictional demo: catalogue, users of every role, reception shifts and referrals in
every state, with their appointments, outcome reports and family links.

Referrals are made through the same services as real use, so their audit rows and object
permissions are real: a referral is scheduled by booking its first appointment, starts service
when the family attends and is completed by the outcome report. Only the referrals' timestamps
are moved into the past afterwards, so the demo shows a history; booking needs a future slot,
so the appointments stay in the coming weeks. Running it again updates the catalogue and users
and adds no duplicates.
"""

from __future__ import annotations

import datetime
import random
from base64 import b32decode
from datetime import timedelta

from dateutil.rrule import rrulestr
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from appointments import services as appointment_services
from appointments.models import (
    Appointment,
    NextStep,
    OutcomeReport,
    ServiceGiven,
    Shift,
    Slot,
    SlotOffer,
)
from consent.models import GiverRole, Method, Scope
from consent.services import consent_record
from demo import data as demo_data
from demo import evaluation as evaluation_demo
from demo import packages as packages_demo
from directory.models import (
    Availability,
    Challenge,
    Language,
    Mode,
    ModeCode,
    Municipality,
    Organization,
    OutcomeTheme,
    ReceptionSite,
    Role,
    Service,
    ServiceArea,
    TargetGroup,
    Unit,
    User,
)
from directory.service_areas import ensure_service_areas
from referrals import services as referral_services
from referrals.actions import PATHS as REFERRAL_PATHS
from referrals.models import Referral, ReferralEvent, State
from referrals.timeliness import is_working_day

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
    State.DRAFT,
    State.SUBMITTED,
    State.ASSIGNED,
    State.ACCEPTED,
    State.SCHEDULED,
    State.IN_SERVICE,
    State.COMPLETED,
    State.RETURNED,
    State.DECLINED,
    State.CANCELLED,
    State.WITHDRAWN,
    State.COMPLETED,
    State.IN_SERVICE,
    State.ACCEPTED,
    State.POOLED,
    State.SUBMITTED,
]
# Scheduling, starting and completing go through the appointments, as in real use: booking the
# first appointment schedules the referral, the first attended one starts its service and the
# outcome report completes it.
# The demo walks the registry's paths (referrals/actions.py) as people would: booking the
# first appointment schedules the referral, the first attended one (and the next booking)
# starts its service, and more sessions and the outcome report complete it.
HOW = {
    "schedule": ("book",),
    "start_service": ("attend", "book_next"),
    "complete": ("more_sessions", "report"),
}
PATHS = {
    State(state): [how for step in path for how in HOW.get(step, (step,))]
    for state, path in REFERRAL_PATHS.items()
}
# Attendance is recorded only from an appointment's start, and times are booked only ahead:
# a session the demo records as held was booked ahead and is then moved back by this much, with
# its slot, as `backdate` moves a referral's history. Every demo shift ends within eight weeks,
# so each moved session starts in the past, and moving all by one offset keeps them apart.
REWIND = timedelta(weeks=9)
# Appointments each referral gets on its way to its state (a completed one draws 2-4).
SESSIONS = {State.SCHEDULED: 1, State.IN_SERVICE: 3}
# Accepted referrals that get a family link offering them two times.
OFFERS = 2
# The reception days the sites' own notes give; other sites get an every-other-week day by lot.
SITE_RULES = {
    "Laitilan kirjaston neuvotteluhuone": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "Pihlajamäen lähikirjaston ryhmätila": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
    "Kalannin seurakuntakodin kerhohuone": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    "Västanfjärds församlingshem": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
    "Untamalan kylätalo": "FREQ=MONTHLY;BYDAY=1MO",
}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
# service given, next step, outcome themes, summary in Finnish, summary in Swedish; the last
# one is about a school-age child. Each completes its referral ("more sessions" would not).
OUTCOMES = [
    (
        ServiceGiven.COUNSELLING,
        NextStep.NO_FURTHER_NEED,
        ["family-interaction", "parental-coping"],
        "Keskustelimme arjen kuormittavista tilanteista ja vanhempien keinoista rauhoittaa "
        "iltoja. Perhe kertoo riitojen vähentyneen, eikä lisätuelle ole nyt tarvetta.",
        "Vi talade om det som belastar vardagen och om hur föräldrarna kan lugna kvällarna. "
        "Familjen berättar att grälen har minskat och behöver inget mer stöd just nu.",
    ),
    (
        ServiceGiven.GUIDANCE,
        NextStep.MUNICIPAL_SERVICES,
        ["knowledge-understanding", "referred-onwards"],
        "Selvitimme yhdessä perheen tilannetta ja tukimahdollisuuksia. Perhe ohjattiin kunnan "
        "perhesosiaalityöhön, johon vanhempi on jo ollut yhteydessä.",
        "Vi gick tillsammans igenom familjens situation och stödet som finns. Familjen "
        "hänvisades till kommunens familjesocialarbete, som föräldern redan har kontaktat.",
    ),
    (
        ServiceGiven.ADVICE,
        NextStep.NO_FURTHER_NEED,
        ["daily-routines", "finances-clarified"],
        "Teimme vanhemman kanssa viikkorytmin ja kävimme läpi kuukauden menot. Arki tuntuu "
        "nyt hallitummalta, ja perhe tietää, mistä saa apua tarvittaessa.",
        "Vi gjorde upp en veckorytm med föräldern och gick igenom månadens utgifter. Vardagen "
        "känns nu mer hanterbar och familjen vet var den får hjälp vid behov.",
    ),
    (
        ServiceGiven.COUNSELLING,
        NextStep.NO_FURTHER_NEED,
        ["child-wellbeing", "school-attendance-stabilised"],
        "Nuori on tullut tapaamisiin säännöllisesti ja käy taas koulua lähes joka päivä. "
        "Viimeisellä tapaamisella oli mukana myös vanhempi, eikä lisätapaamisille ole tarvetta.",
        "Den unga har kommit regelbundet till träffarna och går igen i skolan nästan varje "
        "dag. På den sista träffen var också föräldern med, och fler träffar behövs inte.",
    ),
]


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
            device = self.load_second_factor(users[0])
        # Notifications of the demo's history would only flood the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            shifts = self.load_shifts(users)
            created = self.load_referrals()
            offer, link = self.family_link()
            evaluation = evaluation_demo.load()
            packages_demo.load()  # two service packages: one running, one evaluated
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Organization.objects.count()} organizations, "
                f"{Service.objects.count()} services, {Referral.objects.count()} referrals "
                f"({created} new), {Shift.objects.count()} reception shifts ({shifts} new), "
                f"{Appointment.objects.count()} appointments."
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
            self.stdout.write(
                f"\nThe coordinator logs in with a second factor (TOTP). Add this key to an "
                f"authenticator app:\n  {demo_data.COORDINATOR_TOTP_SECRET}\n  "
                f"{device.config_url}\nor print the current code with "
                f"`manage.py totp_code {device.user.username}`."
            )
        if link:
            expires = timezone.localtime(offer.expires_at)
            self.stdout.write(
                f"\nA family's link to choose a time (referral #{offer.referral_id}, open until "
                f"{expires:%Y-%m-%d %H:%M}; no login):\n  {link}"
            )
        self.stdout.write(
            f"\nEvaluation: {evaluation.activities} outreach activities, {evaluation.answers} "
            f"families' and {evaluation.referrer_answers} referrers' answers added."
        )
        if evaluation.open_link:
            self.stdout.write(
                f"A family's feedback link to try (no login):\n  {evaluation.open_link}"
            )

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
        ensure_service_areas(ServiceArea)  # the family-centre model's list (directory/data)
        for row in demo_data.ORGANIZATIONS:
            Organization.objects.update_or_create(
                slug=row["slug"],
                defaults={k: v for k, v in row.items() if k not in ("slug", "worker")},
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
            service.service_areas.set(ServiceArea.objects.filter(slug__in=row["service_areas"]))
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

    def _user(self, username: str, hashed_password: str, role: Role, **fields) -> User:
        user, _created = User.objects.update_or_create(username=username, defaults=fields)
        user.password = hashed_password
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
        return user

    def load_users(self, password: str) -> list[User]:
        # One hash for all: the same password, and hashing is deliberately slow.
        password = make_password(password)
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
        # A worker is a person with a name: the header shows it in every language alike.
        names = {o["slug"]: o["worker"] for o in demo_data.ORGANIZATIONS}
        for org in Organization.objects.filter(slug__in=names):
            users.append(
                self._user(
                    f"worker.{org.slug}",
                    password,
                    Role.WORKER,
                    first_name=names[org.slug]["first_name"],
                    last_name=names[org.slug]["last_name"],
                    email=f"worker@{org.slug}.invalid",
                    organization=org,
                    language="sv" if org.slug in SWEDISH_FIRST else "fi",
                )
            )
        return users

    def load_second_factor(self, coordinator: User) -> TOTPDevice:
        """The demo coordinator's TOTP device with the published demo key: coordinators must
        use a second factor, and a newcomer must still be able to log in."""
        key = b32decode(demo_data.COORDINATOR_TOTP_SECRET).hex()
        device, _created = TOTPDevice.objects.update_or_create(
            user=coordinator,
            name="demo",
            defaults={"key": key, "confirmed": True, "throttling_failure_count": 0},
        )
        TOTPDevice.objects.filter(user=coordinator).exclude(pk=device.pk).delete()
        return device

    # --- reception shifts --------------------------------------------------------------------

    def load_shifts(self, users: list[User]) -> int:
        """Two or three shifts for each demo worker in the coming four weeks: at a reception
        site in the pilot areas where the organization has services (mostly repeating on the
        site's reception day), on the phone and by video. Skipped when the demo workers already
        have shifts."""
        workers = [u for u in users if u.username.startswith("worker.")]
        if Shift.objects.filter(worker__in=workers).exists():
            return 0
        rng = random.Random(2027)  # reproducible demo, not security
        today = timezone.localdate()
        pilots = list(Municipality.objects.filter(code__in=[p[1] for p in PROFESSIONALS]))
        site_names = [row["name"] for row in demo_data.RECEPTION_SITES]
        created = 0
        with transaction.atomic():
            for index, worker in enumerate(sorted(workers, key=lambda u: u.username)):
                services = Service.objects.filter(organization_id=worker.organization_id)
                # Where it has a local service, or else wherever its services reach.
                areas = [
                    m
                    for m in pilots
                    if services.filter(
                        availability=Availability.MUNICIPALITIES, municipalities=m
                    ).exists()
                ] or [m for m in pilots if services.available_in(m).exists()]
                sites = list(
                    ReceptionSite.objects.filter(
                        municipality__in=areas, name__in=site_names, is_active=True
                    ).order_by("pk")
                )
                days = self.one_off_days(rng, today, 3)
                shifts = []
                if index % 3 != 2:
                    # Repeating on the site's own reception day, or every other week.
                    repeating = []
                    for site in sites:
                        rule = SITE_RULES.get(site.name)
                        rule = rule or f"FREQ=WEEKLY;INTERVAL=2;BYDAY={rng.choice(WEEKDAYS)}"
                        first = self.first_day(rule, today)
                        if first is not None:
                            repeating.append((ModeCode.RECEPTION, site, first, 9, 13, rule))
                    if repeating:
                        shifts.append(rng.choice(repeating))
                else:
                    # One day only, at a site that keeps no fixed reception day.
                    free_sites = [site for site in sites if site.name not in SITE_RULES]
                    if free_sites:
                        site = rng.choice(free_sites)
                        shifts.append((ModeCode.RECEPTION, site, days[0], 9, 15, ""))
                shifts.append((ModeCode.PHONE, None, days[1], 13, 16, ""))
                if index % 2 == 0 or index % 3 == 2 or len(shifts) < 2:
                    shifts.append((ModeCode.VIDEO, None, days[2], 13, 17, ""))
                for mode, site, first_day, start_hour, end_hour, rule in shifts:
                    appointment_services.shift_create(
                        actor=worker,
                        worker=worker,
                        mode=mode,
                        site=site,
                        first_day=first_day,
                        start_time=datetime.time(start_hour),
                        end_time=datetime.time(end_hour),
                        rrule=rule,
                        repeat_until=today + REWIND - timedelta(weeks=1) if rule else None,
                    )
                    created += 1
        return created

    @staticmethod
    def first_day(rule: str, today: datetime.date) -> datetime.date | None:
        """The first working day from tomorrow on which the rule holds, in four weeks."""
        for offset in range(1, 29):
            day = today + timedelta(days=offset)
            start = datetime.datetime.combine(day, datetime.time())
            if (
                is_working_day(day)
                and rrulestr(rule, dtstart=start).after(start, inc=True) == start
            ):
                return day
        return None

    @staticmethod
    def one_off_days(rng: random.Random, today: datetime.date, count: int) -> list[datetime.date]:
        """Distinct working days (no weekends or public holidays) from tomorrow to four weeks
        ahead."""
        days = [today + timedelta(days=offset) for offset in range(1, 29)]
        return sorted(rng.sample([day for day in days if is_working_day(day)], count))

    def pick_slots(
        self, referral: Referral, worker: User, count: int, exclude: set[int] = frozenset()
    ) -> list[Slot]:
        """Up to `count` free slots of the worker on different working days, in time order:
        first those in a way the family prefers (a reception visit in its own municipality),
        then remote ones, a reception elsewhere last. A repeating shift is also held on public
        holidays; the demo books nothing then."""
        preferred = set(referral.preferred_modes.values_list("code", flat=True))

        def fit(slot: Slot) -> int:
            shift = slot.shift
            if shift.mode == ModeCode.RECEPTION:
                here = shift.site.municipality_id == referral.municipality_id
                return 0 if here and shift.mode in preferred else 1 if here else 3
            return 0 if shift.mode in preferred else 2

        free = [
            s
            for s in appointment_services.free_slots(referral.organization).filter(worker=worker)
            if s.pk not in exclude
        ]
        picked, days = [], set()
        for slot in sorted(free, key=lambda s: (fit(s), s.starts_at)):
            day = timezone.localdate(slot.starts_at)
            if day not in days and is_working_day(day):
                picked.append(slot)
                days.add(day)
            if len(picked) == count:
                break
        return sorted(picked, key=lambda s: s.starts_at)

    # --- referrals ---------------------------------------------------------------------------

    def load_referrals(self) -> int:
        usernames = [p[0] for p in PROFESSIONALS]
        if Referral.objects.filter(referrer__username__in=usernames).exists():
            return 0
        rng = random.Random(2026)  # reproducible demo, not security
        # A separate stream for the appointments, so the referrals' organizations and history
        # stay as they were before the demo had appointments.
        session_rng = random.Random(2028)
        coordinator = User.objects.get(username="coordinator")
        pros = {
            u.municipality.code: u
            for u in User.objects.filter(username__in=usernames).select_related("municipality")
        }
        for index, family in enumerate(demo_data.FAMILIES):
            state = STATE_CYCLE[index % len(STATE_CYCLE)]
            with transaction.atomic():
                referral = self.make_referral(family, pros[family["municipality"]])
                self.drive(referral, state, coordinator, family, rng, session_rng)
        # A couple of accepted referrals wait for the family to choose a time through its link.
        offered: set[int] = set()
        offers = 0
        for referral in self.accepted_demo_referrals():
            offer = self.make_offer(referral, offered)
            if offer is not None:
                offered.update(offer.slots.values_list("pk", flat=True))
                offers += 1
                if offers == OFFERS:
                    break
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

    def drive(self, referral, state, coordinator, family, rng, session_rng) -> None:
        s = referral_services
        a = appointment_services
        org = self.matching_organization(referral, rng)
        worker = User.objects.get(username=f"worker.{org.slug}")
        pro = referral.referrer
        plan: list[Slot] = []  # the slots still to book for this referral, in time order
        appointment = None
        attended = 0
        for step in PATHS[state]:
            if step == "submit":
                referral = s.referral_submit(referral=referral, actor=pro)
            elif step == "assign":
                referral = s.referral_assign(referral=referral, actor=coordinator, organization=org)
            elif step == "accept":
                referral = s.referral_accept(referral=referral, actor=worker)
            elif step == "book":
                # Booking the first appointment schedules the referral.
                count = SESSIONS.get(state) or session_rng.randint(2, 4)
                plan = self.pick_slots(referral, referral.handler, count)
                if plan:
                    appointment = a.appointment_book(
                        referral=referral, slot=plan.pop(0), actor=referral.handler
                    )
                    if state == State.SCHEDULED and session_rng.random() < 0.5:
                        appointment = a.appointment_confirm(appointment=appointment, actor=worker)
                else:  # the worker's shifts are full: schedule without a booking
                    self.stderr.write(f"No free time for referral #{referral.pk}.")
                    referral = s.referral_schedule(referral=referral, actor=worker)
            elif step == "attend":
                # The first attended appointment starts the service.
                if appointment is not None:
                    a.appointment_attend(appointment=self.rewind(appointment), actor=worker)
                    attended += 1
                else:
                    referral = s.referral_start_service(referral=referral, actor=worker)
            elif step == "book_next":
                # The next session is ahead; now and then the family has cancelled one first.
                if len(plan) >= 2 and session_rng.random() < 0.4:
                    cancelled = a.appointment_book(
                        referral=referral, slot=plan.pop(0), actor=referral.handler
                    )
                    a.appointment_cancel_by_family(
                        appointment=cancelled,
                        actor=worker,
                        reason="Lapsi sairastui, perhe soitti ja perui ajan.",
                    )
                if plan:
                    a.appointment_book(referral=referral, slot=plan.pop(0), actor=referral.handler)
            elif step == "more_sessions":
                for number, slot in enumerate(plan):
                    later = self.rewind(
                        a.appointment_book(referral=referral, slot=slot, actor=referral.handler)
                    )
                    if number == 0 and len(plan) >= 2 and session_rng.random() < 0.3:
                        a.appointment_no_show(appointment=later, actor=worker)
                    else:
                        a.appointment_attend(appointment=later, actor=worker)
                        attended += 1
                plan = []
            elif step == "report":
                # The outcome report completes the referral.
                referral.refresh_from_db()
                school_age = min(family["children_birth_years"]) <= timezone.now().year - 7
                outcomes = OUTCOMES if school_age else OUTCOMES[:-1]
                service_given, next_step, themes, summary_fi, summary_sv = session_rng.choice(
                    outcomes
                )
                a.outcome_report(
                    referral=referral,
                    actor=worker,
                    service_given=service_given,
                    sessions=attended,
                    next_step=next_step,
                    themes=OutcomeTheme.objects.filter(slug__in=themes),
                    summary_for_referrer=summary_sv if referral.language == "sv" else summary_fi,
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
                referral_services.consent_withdraw(
                    consent=referral.consent, actor=pro, reason="Perhe perui suostumuksensa."
                )
        self.backdate(referral.pk, rng)

    @staticmethod
    def rewind(appointment: Appointment) -> Appointment:
        """Move a session booked ahead back by `REWIND`, with its slot: it has been held."""
        moved = {"starts_at": F("starts_at") - REWIND, "ends_at": F("ends_at") - REWIND}
        Slot.objects.filter(pk=appointment.slot_id).update(**moved)
        Appointment.objects.filter(pk=appointment.pk).update(**moved)
        appointment.refresh_from_db()
        return appointment

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
        # Its state changed at its last event: "waiting since" differs from row to row.
        Referral.objects.filter(pk=referral_id).update(
            state_changed_at=moment,
            submitted_at=times.get(State.SUBMITTED),
            accepted_at=times.get(State.ACCEPTED),
            closed_at=times.get(State.COMPLETED)
            or times.get(State.CANCELLED)
            or times.get(State.WITHDRAWN),
        )
        if State.COMPLETED in times:
            OutcomeReport.objects.filter(referral_id=referral_id).update(
                created_at=times[State.COMPLETED]
            )

    # --- the family's link -------------------------------------------------------------------

    def accepted_demo_referrals(self) -> list[Referral]:
        return list(
            Referral.objects.filter(
                referrer__username__in=[p[0] for p in PROFESSIONALS], state=State.ACCEPTED
            )
            .select_related("organization", "handler")
            .order_by("pk")
        )

    def make_offer(self, referral: Referral, exclude: set[int]) -> SlotOffer | None:
        """Offer the family two free times, none offered to another family already."""
        slots = self.pick_slots(referral, referral.handler, 2, exclude=exclude)
        if len(slots) < 2:
            return None
        offer, _token = appointment_services.offer_create(
            referral=referral, slots=slots, actor=referral.handler
        )
        return offer

    def family_link(self) -> tuple[SlotOffer | None, str]:
        """A demo family's link to an open offer, for a demo user to try. An offer expires in
        SLOT_OFFER_VALID_HOURS; when the demo's have, an accepted referral gets a new one."""
        accepted = self.accepted_demo_referrals()
        open_offers = SlotOffer.objects.filter(
            referral__in=accepted, appointment__isnull=True, expires_at__gt=timezone.now()
        )
        offer = open_offers.order_by("created_at", "pk").first()
        if offer is None:
            taken = set(open_offers.values_list("slots", flat=True))
            offer = next(
                (o for r in accepted if (o := self.make_offer(r, taken)) is not None), None
            )
        if offer is None:
            return None, ""
        token = appointment_services.offer_token(offer)
        # Absolute on SITE_URL, as in the messages to families (`make demo PORT=…` sets it).
        path = reverse("appointments:family_offer", args=[token])
        return offer, settings.SITE_URL.rstrip("/") + path
