"""`make serve` end to end: one referral from draft to completed through the API alone.

`bin/serve` (what `make serve` runs) is started as it would be on a server: gunicorn with
WhiteNoise, a Celery worker and beat, against a database of its own on PostgreSQL and Redis,
DEBUG off. Then only HTTP: tokens per role, consent, draft, submit, assign, accept, a shift, a
free slot, the booking, attendance, the outcome → completed. The web process has a broker, so
it only queues the notifications; the test waits for the worker to have written them (rows in
the database, mails in a folder through the file email backend, the family's text message in
the worker's output).
"""

from __future__ import annotations

import datetime
import email
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/14")
CACHE_URL = os.environ.get("E2E_CACHE_URL", "redis://127.0.0.1:6379/13")
DATABASE = f"perhelinja_e2e_{os.getpid()}"
PASSWORD = "secret-pass-123"  # tests.factories' password
FAMILY_EMAIL = "perhe.e2e@example.invalid"
FAMILY_PHONE = "+358 40 123 4567"  # as typed; stored and texted as E.164
FAMILY_PHONE_E164 = "+358401234567"
STARTUP_SECONDS = 120  # a fresh database: every migration runs first
WORKER_SECONDS = 30

# Run inside the served project with `manage.py shell`: the people and catalogue the journey
# needs, made with the test factories; prints what the test needs to know as JSON.
SETUP = """
import json
from django.apps import apps
from directory.models import OutcomeTheme
from tests.factories import Cast
cast = Cast()
OutcomeTheme.objects.create(
    slug="e2e-theme", name_fi="Arki", name_sv="Vardag", name_en="Daily life"
)
totp_key = ""
if apps.is_installed("django_otp.plugins.otp_totp"):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    totp_key = TOTPDevice.objects.create(user=cast.coordinator, name="e2e", confirmed=True).key
print(json.dumps({
    "professional": cast.referrer.username, "coordinator": cast.coordinator.username,
    "worker": cast.handler.username, "organization": cast.organization.pk,
    "target_group": cast.target_group.slug, "challenge": cast.challenge.slug,
    "emails": {"professional": cast.referrer.email, "coordinator": cast.coordinator.email,
               "worker": cast.handler.email},
    "totp_key": totp_key,
}))
"""


def postgres_server_url() -> str:
    """The server of DATABASE_URL when it is PostgreSQL, else the local default."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


def services_or_skip() -> None:
    import psycopg
    import redis

    try:
        psycopg.connect(f"{postgres_server_url()}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"needs PostgreSQL at {postgres_server_url()} ({exc})")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL} ({exc}): `redis-server --daemonize yes`")


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres_server_url()}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, token: str = "", body=None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def ok(self, method: str, path: str, token: str = "", body=None, status: int = 200) -> dict:
        got, data = self.call(method, path, token, body)
        assert got == status, f"{method} {path} → {got} {data}"
        return data


def totp(key_hex: str) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def read_mails(folder: Path) -> list[Message]:
    separator = b"\n" + b"-" * 79 + b"\n"
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(separator):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk))
    return messages


def notifications(referral_id: int) -> set[tuple[str, str]]:
    """(transition, recipient) of the referral's event notifications, read from the database."""
    import psycopg

    with psycopg.connect(f"{postgres_server_url()}/{DATABASE}") as conn:
        rows = conn.execute(
            "SELECT e.transition, u.username FROM referrals_notification n"
            " JOIN referrals_referralevent e ON e.id = n.event_id"
            " JOIN directory_user u ON u.id = n.user_id"
            " WHERE n.referral_id = %s AND n.kind = 'event'",
            [referral_id],
        ).fetchall()
    return set(rows)


def wait_for(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.5)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
    pytest.fail(f"{what} within {seconds} s; the end of the serve output:\n{tail}")


@pytest.fixture
def served(tmp_path):
    """`bin/serve` on a free port with its own database, mail folder and static files."""
    services_or_skip()
    # Two runs on one machine would share the Redis queues: take turns.
    lock = (Path(tempfile.gettempdir()) / "perhelinja-e2e.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    import redis
    from cryptography.fernet import Fernet

    redis.Redis.from_url(REDIS_URL).flushdb()
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    port = free_port()
    mails = tmp_path / "mails"
    log = tmp_path / "serve.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "STATIC_MANIFEST")
    }
    env.update(
        PORT=str(port),
        DATABASE_URL=f"{postgres_server_url()}/{DATABASE}",
        CELERY_BROKER_URL=REDIS_URL,
        CACHE_URL=CACHE_URL,
        SECRET_KEY="e2e-" + Fernet.generate_key().decode(),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mails),
        STATIC_ROOT=str(tmp_path / "static"),
        SMS_BACKEND="perhelinja.sms.ConsoleBackend",
        REFERRAL_AUTO_ASSIGN="False",
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "bin/serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    api = Api(f"http://127.0.0.1:{port}")

    def answers():
        if process.poll() is not None:
            pytest.fail(f"bin/serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(api.base + "/login/", timeout=2) as response:  # noqa: S310
                return response.status == 200 and response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    try:
        page = wait_for(answers, STARTUP_SECONDS, "the server did not answer", log)
        yield api, env, mails, log, page
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


# Run inside the served project: the booked session's time comes (moved back three days, with
# its slot), as attendance is recorded only from an appointment's start.
HELD = """
import datetime
from django.db.models import F
from appointments.models import Appointment, Slot
back = datetime.timedelta(days=3)
moved = {"starts_at": F("starts_at") - back, "ends_at": F("ends_at") - back}
appointment = Appointment.objects.get(pk=%d)
Slot.objects.filter(pk=appointment.slot_id).update(**moved)
Appointment.objects.filter(pk=appointment.pk).update(**moved)
"""


def test_make_serve_takes_a_referral_from_draft_to_completed_through_the_api(served):
    api, env, mails, log, login_page = served

    # Production static files: hashed names from the manifest, served by WhiteNoise.
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', login_page)
    assert css, "the page should link the hashed stylesheet"
    with urllib.request.urlopen(api.base + css.group(1).decode(), timeout=5) as response:  # noqa: S310
        assert "immutable" in response.headers["Cache-Control"]

    setup = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETUP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    cast = json.loads(setup.stdout.strip().splitlines()[-1])

    def token(role: str) -> str:
        body = {"username": cast[role], "password": PASSWORD}
        if role == "coordinator" and cast["totp_key"]:
            body["otp_token"] = totp(cast["totp_key"])
        return api.ok("POST", "/api/v1/auth/token/", body=body)["token"]

    professional, coordinator, worker = (
        token(r) for r in ("professional", "coordinator", "worker")
    )

    consent = api.ok(
        "POST",
        "/api/v1/consents/",
        professional,
        {
            "given_by_role": "guardian",
            "given_by_name": "Maija Meikäläinen",
            "method": "verbal",
            "scopes": [
                "share_referral",
                "contact_phone",
                "contact_sms",
                "contact_email",
                "return_outcome",
            ],
        },
        status=201,
    )
    referral = api.ok(
        "POST",
        "/api/v1/referrals/",
        professional,
        {
            "consent": consent["id"],
            "municipality": "853",
            "target_group": cast["target_group"],
            "challenges": [cast["challenge"]],
            "preferred_modes": ["phone"],
            "preferred_times": "aamupäivisin",
            "contact_name": "Maija Meikäläinen",
            "contact_phone": FAMILY_PHONE,
            "contact_email": FAMILY_EMAIL,
            "language": "fi",
            "interpreter_needed": False,
            "identity_code": "",
            "description": "Perhe toivoo keskusteluapua arjen kuormitukseen.",
            "children_birth_years": [2019, 2022],
        },
        status=201,
    )
    assert referral["state"] == "draft"
    pk = referral["id"]

    def transition(who: str, name: str, body=None) -> str:
        return api.ok("POST", f"/api/v1/referrals/{pk}/transitions/{name}/", who, body or {})[
            "state"
        ]

    assert transition(professional, "submit") == "submitted"
    assert transition(coordinator, "assign", {"organization": cast["organization"]}) == "assigned"
    assert transition(worker, "accept", {"reason": "Otamme perheen asiakkaaksi."}) == "accepted"

    day = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()  # past the reminders
    api.ok(
        "POST",
        "/api/v1/shifts/",
        worker,
        {
            "mode": "phone",
            "first_day": day,
            "start_time": "09:00",
            "end_time": "11:00",
            "slot_minutes": 45,
            "buffer_minutes": 15,
        },
        status=201,
    )
    slots = api.ok("GET", f"/api/v1/slots/?organization={cast['organization']}&date={day}", worker)
    slot = slots["results"][0]
    appointment = api.ok(
        "POST", "/api/v1/appointments/", worker, {"slot": slot["id"], "referral": pk}, status=201
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", HELD % appointment["id"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    attended = api.ok(
        "POST", f"/api/v1/appointments/{appointment['id']}/transitions/attend/", worker, {}
    )
    assert attended["state"] == "attended"
    api.ok(
        "POST",
        "/api/v1/outcomes/",
        worker,
        {
            "referral": pk,
            "service_given": "counselling",
            "sessions": 1,
            "next_step": "no_further_need",
            "themes": ["e2e-theme"],
            "summary_for_referrer": "Perhe sai keskusteluapua; ei jatkotarvetta.",
        },
        status=201,
    )
    final = api.ok("GET", f"/api/v1/referrals/{pk}/", professional)
    assert final["state"] == "completed"

    # Each party heard of what concerns it, through the worker.
    expected = {
        ("submit", cast["coordinator"]),
        ("assign", cast["worker"]),
        ("assign", cast["professional"]),
        ("accept", cast["professional"]),
        ("schedule", cast["professional"]),
        ("start_service", cast["professional"]),
        ("complete", cast["professional"]),
    }
    wait_for(
        lambda: notifications(pk) >= expected,
        WORKER_SECONDS,
        "the worker did not write every notification",
        log,
    )
    assert notifications(pk) == expected

    def delivered():
        sent = read_mails(mails) if mails.exists() else []
        to = [m["To"] for m in sent]
        wanted = [cast["emails"]["coordinator"], cast["emails"]["worker"], FAMILY_EMAIL]
        wanted += [cast["emails"]["professional"]] * 5 + [cast["emails"]["worker"]]
        return sent if all(to.count(a) >= wanted.count(a) for a in set(wanted)) else None

    sent = wait_for(delivered, WORKER_SECONDS, "the worker did not send every email", log)
    family = [m for m in sent if m["To"] == FAMILY_EMAIL]
    assert any(part.get_content_type() == "text/calendar" for m in family for part in m.walk()), (
        "the family's booking confirmation carries the .ics file"
    )
    for message in sent:  # the emails name the referral number or the time, never the family
        for part in message.walk():
            text = part.get_payload(decode=True) or b""
            assert "Meikäläinen".encode() not in text and b"Meik" not in text
    wait_for(
        lambda: re.search(  # the worker's stdout goes through its logger
            rf"^worker +\| .*SMS to {re.escape(FAMILY_PHONE_E164)}:$",
            log.read_text(errors="replace"),
            re.MULTILINE,
        ),
        WORKER_SECONDS,
        "the worker did not send the family's text message",
        log,
    )
