"""The demo's tailored service packages, loaded by `seed_demo` after the evaluation data.

Two packages go the whole way people take them, through the package's action registry
(`packages/actions.py`): one in Turku that is running now, with referrals and outreach
activities counted in it and one organization's hours reported so far; and one in Laitila that
ran earlier, closed with its report and was evaluated. The organizations invited are the ones
routing ranks first for the challenge, as the coordinator's page offers them; the outreach
counted in a package is the demo's own outreach held in its municipality within its period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from directory.models import Challenge, TargetGroup, User
from evaluation.models import OutreachActivity
from packages import selectors, services
from packages.actions import PACKAGE_ACTIONS
from packages.models import PackageEvent, ServicePackage, State
from referrals.models import Referral
from referrals.models import State as ReferralState

# title, municipality's professional, target group, challenges, description, days from today
# to the first and the last day, the state it ends in, referrals to count in it
PACKAGES = [
    (
        "Jaksava vanhemmuus Turussa",
        "pro.turku",
        "families-with-babies",
        ["parental-exhaustion", "parenting"],
        "Neuvoloissa on kevään aikana noussut esiin vauvaperheiden vanhempien uupuminen. "
        "Kunta toivoo vertaistukea, luentoja ja nopeaa keskusteluapua.",
        (-30, 60),
        State.RUNNING,
        6,
    ),
    (
        "Eroperheiden tuki Laitilassa",
        "pro.laitila",
        "separated-families",
        ["divorce-separation", "family-conflicts"],
        "Koulujen ja neuvolan kautta on tullut esiin eroperheiden riitoja lasten asioista. "
        "Kunta toivoo eroryhmää ja vanhemmille luentoa yhteistyövanhemmuudesta.",
        (-200, -100),
        State.EVALUATED,
        4,
    ),
]
INVITED = 3  # the best-ranked organizations are invited; the last declines
PLAN = (
    "Vertaisryhmä kahdeksan kertaa, kaksi luentoa vanhemmille ja keskusteluapua puhelimessa. "
    "Kunnan yhteyshenkilö ohjaa perheitä palveluun neuvoloista ja perhekeskuksesta."
)


@dataclass
class Loaded:
    packages: int = 0


def _act(package: ServicePackage, name: str, actor, **data) -> ServicePackage:
    return PACKAGE_ACTIONS.call(name, package, actor, data)


def load() -> Loaded:
    """Load once: a second run finds the demo's packages and adds nothing."""
    loaded = Loaded()
    if ServicePackage.objects.filter(created_by__username__startswith="pro.").exists():
        return loaded
    coordinator = User.objects.get(username="coordinator")
    today = timezone.localdate()
    with transaction.atomic():
        for row in PACKAGES:
            title, username, group, challenges, description, days, state, referrals = row
            contact = User.objects.get(username=username)
            package = services.package_create(
                actor=contact,
                title=title,
                target_group=TargetGroup.objects.get(slug=group),
                description=description,
                challenges=Challenge.objects.filter(slug__in=challenges),
            )
            organizations = selectors.organizations_to_invite(package)[:INVITED]
            package = _act(package, "invite", coordinator, organizations=organizations)
            workers = [
                User.objects.filter(organization=o, username__startswith="worker.").first()
                for o in organizations
            ]
            for index, worker in enumerate(workers[:-1]):
                package = _act(
                    package,
                    "answer",
                    worker,
                    services=list(worker.organization.services.filter(is_active=True)[:2]),
                    group_sessions=8 if index == 0 else 0,
                    lectures=1,
                    outreach_events=1 if index == 0 else 0,
                    planned_hours=Decimal(40 - 15 * index),
                    capacity=10 - 4 * index,
                )
            package = _act(
                package, "decline_invitation", workers[-1], reason="Ei resursseja tälle kaudelle."
            )
            starts_on = today + datetime.timedelta(days=days[0])
            ends_on = today + datetime.timedelta(days=days[1])
            package = _act(
                package, "compose", coordinator, plan=PLAN, starts_on=starts_on, ends_on=ends_on
            )
            package = _act(package, "approve", contact, reason="Hyväksytty perhepalveluissa.")
            package = _act(package, "start", coordinator)
            _attribute(package, coordinator, referrals)
            hours = Decimal(22 if state == State.RUNNING else 42)
            package = _act(package, "report_hours", workers[0], hours=hours)
            if state != State.RUNNING:
                package = _act(package, "report_hours", workers[1], hours=Decimal(21))
                package = _act(package, "close", coordinator)
                package = _act(
                    package,
                    "evaluate",
                    coordinator,
                    reason="Ryhmä täyttyi ja luennoilla oli hyvin väkeä; eroryhmälle on "
                    "tarvetta myös syksyllä.",
                )
            _backdate(package, starts_on - datetime.timedelta(days=30), min(ends_on, today))
            loaded.packages += 1
    return loaded


def _backdate(package: ServicePackage, first: datetime.date, last: datetime.date) -> None:
    """Spread the package's history between two days, in its order, so that the demo shows
    when it was invited, composed, approved and closed rather than the moment it was loaded."""
    events = list(PackageEvent.objects.filter(package=package).order_by("created_at", "pk"))
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time(9)))
    step = (last - first) / max(len(events) - 1, 1)
    for index, event in enumerate(events):
        event.created_at = start + step * index
    PackageEvent.objects.bulk_update(events, ["created_at"])
    at = {event.transition: event.created_at for event in events}
    ServicePackage.objects.filter(pk=package.pk).update(
        created_at=start - datetime.timedelta(days=3),
        state_changed_at=events[-1].created_at,
        approved_at=at.get("approve"),
        closed_at=at.get("close"),
    )


def _attribute(package, coordinator, count: int) -> None:
    """Count the municipality's first sent referrals in the package, and the outreach
    activities held in the municipality within its period."""
    referrals = Referral.objects.filter(municipality=package.municipality).exclude(
        state=ReferralState.DRAFT
    )
    for referral in referrals.order_by("pk")[:count]:
        _act(package, "attribute", coordinator, referral=referral.pk)
    activities = OutreachActivity.objects.filter(
        municipality=package.municipality,
        date__gte=package.starts_on,
        date__lte=min(package.ends_on, timezone.localdate()),
    )
    for activity in activities.order_by("date", "pk"):
        _act(package, "attribute", coordinator, activity=activity.pk)
