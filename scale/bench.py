"""`make bench`: how fast the pages people use every day answer at Finland scale.

Every page is requested through Django's in-process test client (the whole middleware,
view, ORM and template stack, without a network socket or a WSGI server), as its heaviest
user: the professional with the most referrals, a worker of the organization with the most
referrals, a coordinator. Each page's latency is divided by that of `/ping/`, the smallest
signed-in page of the site, so the ratio shows what the page itself costs whatever the machine;
and by that of the floor, a bare Django view behind only the session and authentication
middleware (`floor`, through `FloorHandler`), so the ratio also shows what every request of the
site costs on top of what Django itself needs to know who asks.
"""

from __future__ import annotations

import datetime
import math
import os
import platform
import statistics as stats
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from appointments.models import Appointment
from appointments.services import free_slots
from consent.models import Consent
from consent.models import Scope as ConsentScope
from directory.models import Municipality, Role, User
from insight import snapshot
from insight.period import Period, Scope
from perhelinja.celery import app
from referrals.models import AccessRecord, Notification, Referral, ReferralEvent, State

PILOT_AREA = "853"  # Turku, the largest pilot area
BOOKABLE = (State.IN_SERVICE, State.SCHEDULED)
LIST_GOAL = 3.0
DASHBOARD_GOAL = 10.0
# Against the floor (issue 20): /ping/, the lists and pages, the dashboard.
PING_FLOOR_GOAL = 1.5
PAGE_FLOOR_GOAL = 5.0
DASHBOARD_FLOOR_GOAL = 15.0
PDF_GOAL_MS = 1000.0
GENERATION_GOAL_S = 600.0  # a million referrals in under ten minutes


@dataclass
class Case:
    """One page: who asks, how, how often, and what answer is expected."""

    key: str
    label: str
    user: User
    path: str
    method: str = "get"
    data: Callable[[], dict] | None = None
    status: int = 200
    iterations: int = 200
    goal: str = ""  # "ratio:3", "ratio:10", "ms:1000" or "" (measured only)
    call: Callable[[], object] | None = None  # measured instead of a request
    floor_goal: float | None = None  # at most this many times the floor
    handler: type[ClientHandler] | None = None  # FloorHandler, SiteMiddlewareHandler or Django's


@dataclass
class Result:
    case: Case
    median_ms: float
    p95_ms: float
    queries: int
    ratio: float = 0.0
    floor_ratio: float = 0.0

    @property
    def goal_met(self) -> bool | None:
        kind, _sep, bound = self.case.goal.partition(":")
        if kind == "ratio":
            return self.ratio <= float(bound)
        if kind == "ms":
            return self.median_ms < float(bound)
        return None

    @property
    def floor_goal_met(self) -> bool | None:
        if self.case.floor_goal is None:
            return None
        return self.floor_ratio <= self.case.floor_goal


# --- the floor -------------------------------------------------------------------------------

FLOOR_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


@login_required(login_url="/login/")  # a path: the floor's URLconf names no login page
def floor(request):
    """The least a signed-in Django page does: the session, the user, a login check."""
    return HttpResponse("ok", content_type="text/plain")


FLOOR_PATH = "/floor/"
# The floor's own URLconf (this module), so that it resolves nothing else.
urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="floor")]


class SiteMiddlewareHandler(ClientHandler):
    """The test client's handler resolving this module's URLconf only: the floor's view behind
    the site's whole middleware, so that what the middleware adds to a request shows apart
    from what the site's frame (base.html, its context processors) adds."""

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


class FloorHandler(SiteMiddlewareHandler):
    """The floor: only FLOOR_MIDDLEWARE, the same in-process request path as every page's
    otherwise."""

    def load_middleware(self, is_async=False):
        with override_settings(MIDDLEWARE=FLOOR_MIDDLEWARE):
            super().load_middleware(is_async)


@dataclass
class Cast:
    professional: User
    worker: User
    coordinator: User
    organization_id: int
    referral: Referral  # held by the worker's organization, with the most appointments
    consent_referral: Referral  # the professional's newest
    free_slot_ids: list[int] = field(default_factory=list)


def bookable(organization_id: int) -> QuerySet:
    """The organization's referrals its workers may read and book now: a generated consent
    runs out a year after it was given, so the oldest (or the heaviest) referral in a
    bookable state may no longer be shared with it."""
    sharing = Consent.objects.valid_for(ConsentScope.SHARE_REFERRAL).values("pk")
    return Referral.objects.filter(
        organization_id=organization_id, state__in=BOOKABLE, consent__in=sharing
    )


def heaviest_cast(bookings: int = 0) -> Cast:
    """The people with the most data behind their pages, so the numbers are honest."""
    top = (
        Referral.objects.values("referrer").annotate(n=Count("pk")).order_by("-n", "referrer")
    ).first()
    if top is None:
        raise LookupError("No referrals: generate data first.")
    professional = User.objects.get(pk=top["referrer"])
    org = (
        Referral.objects.filter(organization__isnull=False)
        .values("organization")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization")
        .first()
    )["organization"]
    worker = (
        User.objects.filter(organization_id=org, groups__name=Role.WORKER)
        .annotate(n=Count("referrals_handled"))
        .order_by("-n", "pk")
        .first()
    )
    coordinator = User.objects.filter(groups__name=Role.COORDINATOR).order_by("pk").first()
    referral = bookable(org).annotate(n=Count("appointments")).order_by("-n", "pk").first()
    if referral is None:
        raise LookupError("The organization holds no referral that can be booked.")
    consent_referral = (
        Referral.objects.filter(referrer=professional, consent__isnull=False)
        .order_by("-created_at")
        .first()
    )
    slots = list(
        free_slots(referral.organization)
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:bookings]
    )
    return Cast(
        professional=professional,
        worker=worker,
        coordinator=coordinator,
        organization_id=org,
        referral=referral,
        consent_referral=consent_referral,
        free_slot_ids=slots,
    )


def cases(cast: Cast, iterations: int = 200) -> list[Case]:
    heavy = max(5, iterations // 5)
    slots = iter(cast.free_slot_ids)
    year = timezone.localdate().year - 1
    return [
        Case(
            "baseline",
            "Baseline: /ping/ (signed in, tiny page)",
            cast.professional,
            reverse("ping"),
            iterations=iterations,
            floor_goal=PING_FLOOR_GOAL,
        ),
        Case(
            "floor",
            "Floor: bare Django view (session and authentication middleware, login required)",
            cast.professional,
            FLOOR_PATH,
            iterations=iterations,
            handler=FloorHandler,
        ),
        Case(
            "middleware",
            "The floor's view behind the site's whole middleware (no frame)",
            cast.professional,
            FLOOR_PATH,
            iterations=iterations,
            floor_goal=PING_FLOOR_GOAL,
            handler=SiteMiddlewareHandler,
        ),
        Case(
            "my_referrals",
            "Professional: my referrals",
            cast.professional,
            reverse("referrals:mine"),
            iterations=iterations,
            goal=f"ratio:{LIST_GOAL}",
            floor_goal=PAGE_FLOOR_GOAL,
        ),
        Case(
            "inbox",
            "Worker: inbox",
            cast.worker,
            reverse("referrals:inbox"),
            iterations=iterations,
            goal=f"ratio:{LIST_GOAL}",
            floor_goal=PAGE_FLOOR_GOAL,
        ),
        Case(
            "triage",
            "Coordinator: triage queue",
            cast.coordinator,
            reverse("referrals:triage"),
            iterations=iterations,
            goal=f"ratio:{LIST_GOAL}",
            floor_goal=PAGE_FLOOR_GOAL,
        ),
        Case(
            "detail",
            "Worker: referral detail",
            cast.worker,
            reverse("referrals:detail", args=[cast.referral.pk]),
            iterations=iterations,
            goal=f"ratio:{LIST_GOAL}",
            floor_goal=PAGE_FLOOR_GOAL,
        ),
        Case(
            "dashboard",
            f"Coordinator: dashboard, year {year}, area {PILOT_AREA}",
            cast.coordinator,
            f"{reverse('insight:dashboard')}?period=custom&start={year}-01-01&end={year}-12-31"
            f"&area={PILOT_AREA}",
            iterations=heavy,
            goal=f"ratio:{DASHBOARD_GOAL}",
            floor_goal=DASHBOARD_FLOOR_GOAL,
        ),
        Case(
            "dashboard_live",
            "Dashboard figures computed live (the statistics job; first view of an unusual choice)",
            cast.coordinator,
            "",
            iterations=3,
            call=lambda: snapshot.compute(Period.year(year), _area_scope()),
        ),
        Case(
            "free_slots",
            "Worker: free-slot search (booking page)",
            cast.worker,
            reverse("appointments:book", args=[cast.referral.pk]),
            iterations=iterations,
            goal=f"ratio:{LIST_GOAL}",
            floor_goal=PAGE_FLOOR_GOAL,
        ),
        Case(
            "api_list",
            "API: GET /api/v1/referrals/ (worker)",
            cast.worker,
            "/api/v1/referrals/",
            iterations=iterations,
            goal=f"ratio:{LIST_GOAL}",
            floor_goal=PAGE_FLOOR_GOAL,
        ),
        Case(
            "booking",
            "Worker: book a free slot (POST)",
            cast.worker,
            reverse("appointments:book", args=[cast.referral.pk]),
            method="post",
            data=lambda: {"slot": next(slots)},
            status=302,
            iterations=heavy,
        ),
        Case(
            "consent_pdf",
            "Professional: consent form PDF",
            cast.professional,
            reverse("documents:consent_form", args=[cast.consent_referral.pk]),
            iterations=heavy,
            goal=f"ms:{PDF_GOAL_MS:.0f}",
        ),
    ]


def _area_scope() -> Scope:
    return Scope(
        municipalities=tuple(
            Municipality.objects.filter(code=PILOT_AREA).values_list("pk", flat=True)
        )
    )


def bookings_needed(iterations: int) -> int:
    """Free slots the booking case uses up: its warm-up, one counted run and its samples."""
    return max(5, iterations // 5) + 8


def signed_in(user: User, *, handler: type[ClientHandler] | None = None) -> Client:
    """A client with `user` signed in and past the second factor (django-otp), requesting
    through `handler` when given (the floor's)."""
    client = Client()
    if handler is not None:
        client.handler = handler()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def request(client: Client, case: Case):
    if case.call is not None:
        return case.call()
    if case.method == "post":
        response = client.post(case.path, case.data() if case.data else {})
    else:
        response = client.get(case.path)
    if response.status_code != case.status:
        raise AssertionError(f"{case.key}: {case.path} answered {response.status_code}")
    return response


def client_for(case: Case) -> Client:
    return signed_in(case.user, handler=case.handler)


def count_queries(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        request(client, case)
    return len(queries)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


ROUNDS = 20


def shares(total: int, rounds: int) -> list[int]:
    """`total` requests spread as evenly as possible over `rounds`."""
    return [total // rounds + (1 if r < total % rounds else 0) for r in range(rounds)]


def measure(cases: list[Case], *, rounds: int = ROUNDS, warmup: int = 5) -> list[Result]:
    """Measure the pages interleaved: each round requests every page, the baseline included,
    its share of the iterations, starting from a different page each round. A moment of load
    on a shared machine then falls on the baseline and the pages alike, so the ratios compare
    like with like instead of one page's quiet minute with another's busy one."""
    clients, queries, samples = {}, {}, {case.key: [] for case in cases}
    for case in cases:
        clients[case.key] = client = client_for(case)
        for _ in range(min(warmup, 1) if case.call is not None else warmup):
            request(client, case)
        queries[case.key] = count_queries(client, case)
    plan = {case.key: shares(case.iterations, rounds) for case in cases}
    for r in range(rounds):
        for case in cases[r % len(cases) :] + cases[: r % len(cases)]:
            client = clients[case.key]
            for _ in range(plan[case.key][r]):
                began = time.perf_counter()
                request(client, case)
                samples[case.key].append((time.perf_counter() - began) * 1000)
    return [
        Result(
            case,
            stats.median(samples[case.key]),
            percentile(samples[case.key], 0.95),
            queries[case.key],
        )
        for case in cases
    ]


def run(iterations: int = 200, log: Callable[[str], None] = print) -> list[Result]:
    """Measure every case; afterwards remove what the requests wrote (bookings, access
    records), so the data set stays the same from run to run."""
    started = timezone.now()
    _load_at_start[:] = os.getloadavg()
    cast = heaviest_cast(bookings=bookings_needed(iterations))
    log(
        f"as professional #{cast.professional.pk}, worker #{cast.worker.pk} of organization "
        f"#{cast.organization_id}, coordinator #{cast.coordinator.pk}; referral "
        f"#{cast.referral.pk}"
    )
    try:
        results = measure(cases(cast, iterations))
        for result in results:
            log(f"{result.case.label}: median {result.median_ms:.1f} ms, {result.queries} queries")
    finally:
        _clean_up(started)
    set_ratios(results)
    return results


def set_ratios(results: list[Result]) -> None:
    """Each result's ratio to the baseline (`/ping/`) and to the floor, when measured."""
    by_key = {result.case.key: result.median_ms for result in results}
    baseline = by_key.get("baseline", results[0].median_ms)
    floor_ms = by_key.get("floor")
    for result in results:
        result.ratio = result.median_ms / baseline
        if floor_ms:
            result.floor_ratio = result.median_ms / floor_ms


def _clean_up(since: datetime.datetime) -> None:
    Appointment.objects.filter(created_at__gte=since).delete()  # their events go with them
    Notification.objects.filter(created_at__gte=since).delete()
    ReferralEvent.objects.filter(created_at__gte=since).delete()
    AccessRecord.objects.filter(created_at__gte=since).delete()


# --- the report ------------------------------------------------------------------------------

_load_at_start: list[float] = []  # set by run(): the report is written after the measuring


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown"
    database, shared = connection.vendor, ""
    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute("SHOW shared_buffers")
            shared = cursor.fetchone()[0]
    load = ", ".join(f"{v:.2f}" for v in (_load_at_start or os.getloadavg()))
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Memory": memory,
        "Database": database + (f" (shared_buffers {shared}, default settings)" if shared else ""),
        "Python / Django": f"{platform.python_version()} / {django.get_version()}",
        "Load average at the start (1, 5, 15 min)": load,
    }


def data_summary() -> dict[str, str]:
    counts = {
        "Referrals": Referral.objects.count(),
        "Appointments": Appointment.objects.count(),
        "Municipalities": Municipality.objects.count(),
        "Users": User.objects.count(),
    }
    return {k: f"{v:,}".replace(",", " ") for k, v in counts.items()}


def table(results: list[Result]) -> list[str]:
    lines = [
        "| Page | Median (ms) | p95 (ms) | Queries | × baseline | Goal | Met "
        "| × floor | Goal | Met |",
        "|---|---:|---:|---:|---:|---|---|---:|---|---|",
    ]
    verdict = {True: "yes", False: "**no**", None: "–"}
    for r in results:
        kind, _sep, bound = r.case.goal.partition(":")
        goal = {"ratio": f"≤ {bound} ×", "ms": f"< {bound} ms"}.get(kind, "–")
        floor_goal = "–" if r.case.floor_goal is None else f"≤ {r.case.floor_goal:g} ×"
        floor_ratio = f"{r.floor_ratio:.2f}" if r.floor_ratio else "–"
        lines.append(
            f"| {r.case.label} | {r.median_ms:.2f} | {r.p95_ms:.2f} | {r.queries} | "
            f"{r.ratio:.2f} | {goal} | {verdict[r.goal_met]} | {floor_ratio} | {floor_goal} | "
            f"{verdict[r.floor_goal_met]} |"
        )
    return lines


def write_results(
    path: Path, results: list[Result], *, scale: float, generation: dict | None, notes: list[str]
) -> None:
    now = timezone.localtime()
    lines = [
        "# `make bench` results",
        "",
        f"Measured {now:%Y-%m-%d %H:%M} (Europe/Helsinki) at scale {scale:g}.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in machine().items()],
        "",
        "## Data",
        "",
        *[f"- {k}: {v}" for k, v in data_summary().items()],
    ]
    if generation:
        seconds = generation.get("seconds")
        verdict = ""
        if isinstance(seconds, int | float) and scale == 1:
            met = "met" if seconds < GENERATION_GOAL_S else "**not met**"
            verdict = f"; goal under {GENERATION_GOAL_S:.0f} s: {met}"
        lines.append(
            f"- Generated by `generate_scale_data` in {seconds if seconds is not None else '?'} s "
            f"(rows, indexes, VACUUM ANALYZE) on this machine{verdict}"
        )
    lines += [
        "",
        "## Pages",
        "",
        f"Medians of {results[0].case.iterations} requests (heavy pages fewer, see notes), "
        f"interleaved in {ROUNDS} rounds that each request every page, the baseline and the floor "
        "included; in-process Django test client, same database server; queries of one request. "
        "× baseline: the page's median over `/ping/`'s; × floor: over the floor's, a bare Django "
        "view behind only the session and authentication middleware.",
        "",
        *table(results),
        "",
        "## Notes",
        "",
        *[f"- {note}" for note in notes],
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


def settings_for_measuring() -> list[str]:
    """Make side effects cheap and local: mail and text messages stay in memory; tasks go
    to a Redis broker nobody consumes (as they would leave the request in production), or
    run in the request when no Redis answers. Returns notes for the report."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
    try:
        with app.connection_for_write(broker) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception:  # no broker: say so in the report
        return ["No Redis answered: Celery tasks ran inside the requests (eager)."]
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    return [f"Celery tasks were queued to {broker} (not run), as a request would in production."]


def purge_broker() -> None:
    if not app.conf.task_always_eager:
        app.control.purge()
