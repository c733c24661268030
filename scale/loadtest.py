"""`make loadtest`: the everyday pages under concurrent load, over HTTP, against gunicorn.

The bench (scale/bench.py) measures one request at a time in-process; this measures what the
production stack does with many people at once: two gunicorn instances serving the load test's
WSGI application (the site plus the bench's floor, scale/wsgi.py), two Celery workers, one
Redis for the broker, the cache and the sessions, PostgreSQL, and, when DATABASE_REPLICA_URL is
set, its read-only replica (`make bench-replica`). locust (scale/locustfile.py) plays workers,
professionals, coordinators, families and, as a yardstick, a few people on the floor view, all
signed in through the real login form; each person keeps one of the two web instances.
Everything listens on 127.0.0.1 only and stops after the run.

The results: requests per second, the median, p95 and p99 of each page and the error rate,
next to the floor's under the same load, as a "Load test" section of the results file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Count, Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from appointments.models import SlotOffer
from appointments.services import free_slots, offer_create
from directory import two_factor
from directory.models import Role, User
from referrals.models import Referral
from scale import bench

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
HOST = "127.0.0.1"
FLOOR_USERS = 2  # the Floor class's fixed count of simulated people (scale/locustfile.py)
FLOOR_PREFIX = "Floor"
SIGN_IN_PREFIX = "Sign in"
# The goals of issue 20 for the load test.
P95_GOAL_MS = 250.0
THROUGHPUT_GOAL = 0.25  # the mix's throughput per person over the floor's, at least


# --- the accounts and their data ---------------------------------------------------------------


def _key(user: User, name: str = "loadtest") -> str:
    """The hex key of the person's authenticator, made when their role needs one and they have
    none; "" when they sign in with the password alone."""
    device = two_factor.confirmed_device(user)
    if device is None and two_factor.two_factor_required(user):
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
    return device.key if device is not None else ""


def prepare(*, people: int, password: str, slots_per_worker: int, offers: int) -> dict:
    """The plan locust reads: up to `people` accounts per role from the generated data (the
    ones with the most data behind their pages, as in the bench), signed in with `password`,
    and the links of `offers` offers of free times to families."""
    orgs = [
        row["organization"]
        for row in Referral.objects.filter(organization__isnull=False, state__in=bench.BOOKABLE)
        .values("organization")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization")[:people]
    ]
    workers, tokens = [], []
    for org in orgs:
        worker = (
            User.objects.filter(organization_id=org, groups__name=Role.WORKER, is_active=True)
            .order_by("pk")
            .first()
        )
        referrals = list(bench.bookable(org).order_by("pk").values_list("pk", flat=True)[:2])
        if worker is None or not referrals:
            continue
        free = iter(free_slots(worker.organization).order_by("-starts_at"))
        if len(tokens) < offers and len(referrals) > 1:
            slots = [slot for slot, _ in zip(free, range(2), strict=False)]
            if len(slots) == 2:
                referral = Referral.objects.get(pk=referrals[1])
                tokens.append(offer_create(referral=referral, slots=slots, actor=worker)[1])
        slots = [slot.pk for slot, _ in zip(free, range(slots_per_worker), strict=False)]
        workers.append((worker, {"referral": referrals[0], "slots": slots}))
    professionals = [
        (User.objects.get(pk=row["referrer"]), {"referral": row["newest"]})
        for row in Referral.objects.values("referrer")
        .annotate(n=Count("pk"), newest=Max("pk"))
        .order_by("-n", "referrer")[:people]
    ]
    coordinators = [
        (user, {})
        for user in User.objects.filter(groups__name=Role.COORDINATOR, is_active=True).order_by(
            "pk"
        )[:people]
    ]
    accounts = {"worker": workers, "professional": professionals, "coordinator": coordinators}
    User.objects.filter(
        pk__in=[user.pk for group in accounts.values() for user, _ in group]
    ).update(password=make_password(password))
    return {
        "password": password,
        "offers": tokens,
        "accounts": {
            role: [
                {"username": user.get_username(), "totp": _key(user), **data}
                for user, data in group
            ]
            for role, group in accounts.items()
        },
    }


def clean_up(since: datetime.datetime) -> None:
    """Remove what the run wrote (bookings, offers, events, access records)."""
    SlotOffer.objects.filter(created_at__gte=since).delete()
    bench._clean_up(since)


# --- the results -------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


def read_stats(path: Path) -> tuple[list[Row], Row]:
    """locust's `<prefix>_stats.csv`: one row per page, then the aggregate."""
    rows, total = [], None
    with path.open(encoding="utf-8", newline="") as f:
        for record in csv.DictReader(f):
            row = Row(
                name=record["Name"],
                requests=int(record["Request Count"]),
                failures=int(record["Failure Count"]),
                rps=float(record["Requests/s"]),
                p50=float(record["50%"] or 0),
                p95=float(record["95%"] or 0),
                p99=float(record["99%"] or 0),
            )
            if record["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    if total is None:
        raise ValueError(f"{path}: no Aggregated row")
    return sorted(rows, key=lambda r: r.name), total


@dataclass
class Summary:
    users: int
    seconds: int
    rows: list[Row]
    total: Row
    floor: Row | None
    mix_rps: float
    throughput_ratio: float | None  # the mix's requests per second per person over the floor's

    @property
    def p95_met(self) -> bool:
        return all(r.p95 <= P95_GOAL_MS for r in self.pages)

    @property
    def pages(self) -> list[Row]:
        return [r for r in self.rows if not r.name.startswith((FLOOR_PREFIX, SIGN_IN_PREFIX))]


def summarize(rows: list[Row], total: Row, *, users: int, seconds: int) -> Summary:
    floor = next((r for r in rows if r.name.startswith(FLOOR_PREFIX)), None)
    mix_rps = sum(r.rps for r in rows if not r.name.startswith((FLOOR_PREFIX, SIGN_IN_PREFIX)))
    ratio = None
    if floor is not None and floor.rps and users > FLOOR_USERS:
        ratio = (mix_rps / (users - FLOOR_USERS)) / (floor.rps / FLOOR_USERS)
    return Summary(users, seconds, rows, total, floor, mix_rps, ratio)


def table(summary: Summary) -> list[str]:
    floor_p50 = summary.floor.p50 if summary.floor and summary.floor.p50 else None
    lines = [
        "| Page | Requests | Errors | req/s | p50 (ms) | p95 (ms) | p99 (ms) | p50 × floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*summary.rows, summary.total]:
        times_floor = f"{r.p50 / floor_p50:.1f}" if floor_p50 else "–"
        name = "All requests" if r is summary.total else r.name
        lines.append(
            f"| {name} | {r.requests} | {r.failures} | {r.rps:.1f} | {r.p50:.0f} | {r.p95:.0f} "
            f"| {r.p99:.0f} | {times_floor} |"
        )
    return lines


def think_seconds() -> float:
    """The mean pause between a person's requests (LOADTEST_THINK, read by the locustfile too);
    0: none, the machine saturated."""
    return float(os.environ.get("LOADTEST_THINK", "0") or 0)


def heading(think: float) -> str:
    """Each kind of run has a section of its own: saturated, or people who pause."""
    return f"## Load test with think time ({think:g} s)" if think else "## Load test"


def section(summary: Summary, *, scale: float, notes: list[str], think: float = 0.0) -> list[str]:
    verdict = {True: "met", False: "**not met**", None: "–"}
    ratio = summary.throughput_ratio
    ratio_text = f"{ratio:.0%}" if ratio is not None else "–"
    error_rate = summary.total.error_rate
    return [
        heading(think),
        "",
        f"`make loadtest` at scale {scale:g}: {summary.users} simulated people for "
        f"{summary.seconds} s against two gunicorn instances (see docs/scale.md#load-test); "
        "percentiles are locust's, over the whole run.",
        "",
        *table(summary),
        "",
        f"- Error rate: {error_rate:.2%} (goal 0: {verdict[error_rate == 0]}).",
        f"- p95 of every page ≤ {P95_GOAL_MS:.0f} ms: {verdict[summary.p95_met]}.",
        f"- Throughput of the mix: {summary.mix_rps:.1f} req/s from "
        f"{summary.users - FLOOR_USERS} people; per person {ratio_text} of the floor's "
        f"({FLOOR_USERS} people on the floor view at the same time; goal ≥ "
        f"{THROUGHPUT_GOAL:.0%}: {verdict[None if ratio is None else ratio >= THROUGHPUT_GOAL]}).",
        *[f"- {note}" for note in notes],
        "",
    ]


def write_section(path: Path, lines: list[str]) -> None:
    """Put the section into the results file in place of an earlier one, or at its end."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    old = text.split("\n")
    if lines[0] in old:  # the same heading, as a whole line (one is a prefix of another)
        start = old.index(lines[0])
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith("## ")), len(old))
        rest = "\n".join(old[end:])
        text = "\n".join([*old[:start], *lines]) + ("\n" + rest if rest else "")
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "") + "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- the processes -----------------------------------------------------------------------------


class Stack:
    """Two gunicorn instances and two Celery workers on 127.0.0.1, stopped together."""

    def __init__(self, env: dict[str, str], ports: tuple[int, int], log_dir: Path):
        self.env, self.ports, self.log_dir = env, ports, log_dir
        self.processes: list[subprocess.Popen] = []

    @property
    def hosts(self) -> list[str]:
        return [f"http://{HOST}:{port}" for port in self.ports]

    def _start(self, name: str, argv: list[str]) -> None:
        log = (self.log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 (our own argv)
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)

    def start(self, web_workers: int) -> None:
        python = sys.executable
        for index, port in enumerate(self.ports, start=1):
            self._start(f"web{index}", [
                python, "-m", "gunicorn", "scale.wsgi:application", "--bind", f"{HOST}:{port}",
                "--workers", str(web_workers), "--graceful-timeout", "5", "--no-control-socket",
            ])  # fmt: skip
            self._start(f"worker{index}", [
                python, "-m", "celery", "-A", "perhelinja", "worker", "--loglevel", "warning",
                "--concurrency", "1", "--hostname", f"loadtest{index}-{port}@%h",
            ])  # fmt: skip

    def wait_until_serving(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for host in self.hosts:
            while True:
                try:
                    with urllib.request.urlopen(host + "/login/", timeout=2):  # noqa: S310
                        break
                except (urllib.error.URLError, OSError) as exc:
                    dead = [p.args[2] for p in self.processes if p.poll() is not None]
                    if dead or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"{host} did not start ({exc}); see the logs in {self.log_dir}"
                        ) from exc
                    time.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def locust(plan_path: Path, csv_prefix: Path, *, users: int, seconds: int, host: str) -> int:
    argv = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "-u", str(users), "-r", str(users), "--run-time", f"{seconds}s", "--stop-timeout", "5",
        "--csv", str(csv_prefix), "--host", host, "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOADTEST_PLAN": str(plan_path)}
    return subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def child_env(ports: tuple[int, int]) -> dict[str, str]:
    """The web and worker processes' environment: this one's (the database, the keys), DEBUG
    off, the tools on (the floor's WSGI application), 127.0.0.1 only."""
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DEBUG="False",
        TOOLS="True",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}:{ports[0]}",
        DJANGO_SETTINGS_MODULE="perhelinja.settings",
        PYTHONUNBUFFERED="1",
    )
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/11")
    env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/12")
    # As in production behind gunicorn's sync workers (docs/operations.md): a connection kept
    # between requests, not a new PostgreSQL backend for each one.
    env.setdefault("DB_CONN_MAX_AGE", "60")
    return env


def run(
    *,
    users: int,
    seconds: int,
    ports: tuple[int, int] = (8101, 8102),
    web_workers: int = 2,
    log: Callable[[str], None] = print,
) -> Summary:
    started = timezone.now()
    people = max(2, users // 4)
    work = Path(tempfile.mkdtemp(prefix="perhelinja-loadtest-"))
    plan = prepare(
        people=people, password=secrets.token_urlsafe(16), slots_per_worker=seconds, offers=people
    )
    stack = Stack(child_env(ports), ports, work)
    plan["hosts"] = stack.hosts
    plan_path = work / "plan.json"
    fd = os.open(plan_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(plan, f)
    log(
        f"{sum(len(a) for a in plan['accounts'].values())} accounts, {len(plan['offers'])} "
        f"offers; logs and CSV in {work}"
    )
    try:
        stack.start(web_workers)
        stack.wait_until_serving()
        log(f"serving on {', '.join(stack.hosts)}; {users} people for {seconds} s")
        locust(plan_path, work / "run", users=users, seconds=seconds, host=stack.hosts[0])
    finally:
        stack.stop()
        plan_path.unlink(missing_ok=True)  # the password and the keys
        clean_up(started)
    rows, total = read_stats(work / "run_stats.csv")
    return summarize(rows, total, users=users, seconds=seconds)


def notes(*, web_workers: int, think: float = 0.0) -> list[str]:
    replica = settings.DATABASES.get("replica")
    pace = (
        f"Think time: each simulated person pauses {think / 2:g} to {think * 1.5:g} s between "
        "requests (LOADTEST_THINK), as people reading a page do; the floor's two people too."
        if think
        else "No think time: each simulated person sends the next request when the last "
        "answered (LOADTEST_THINK sets one), so the numbers show what the machine does when "
        "saturated."
    )
    return [
        f"Stack: two gunicorn instances of {web_workers} workers each (scale/wsgi.py: the site "
        "and the floor), two Celery workers, one Redis (broker, cache, sessions), PostgreSQL"
        + (f" with a read-only replica on port {replica['PORT']}" if replica else "")
        + "; locust in its own process on the same machine, every person keeping one of the "
        "two instances.",
        pace,
        "Mix (weights): workers 4 (inbox, referral page, free slots, a booking), professionals 3 "
        "(my referrals, referral page, the wizard), families 2 (offer page), coordinators 1 "
        "(triage, dashboard); sign-in once per person through the login form and the second "
        "factor where the account has one.",
    ]
