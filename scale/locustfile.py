"""`make loadtest`: the people of a working day, concurrently, against gunicorn (issue 20).

Run by scale/loadtest.py (`manage.py loadtest`), which prepares the accounts and writes the plan
this file reads from the JSON file named by LOADTEST_PLAN: the hosts (two gunicorn instances;
each simulated person keeps one of them, alternately, so the two share the load and a person's
session lives in the shared cache and database, not in a process), each role's accounts (a
load-test password, the key of the person's authenticator when they have one), the referrals
and free slots of the workers and the signed links of the families' offers. No Django here:
locust runs in its own (gevent) process.

Every request is named by its page, never by its URL: no referral number or offer link reaches
locust's statistics or logs.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import re
import struct
import time

from locust import HttpUser, between, constant, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())  # noqa: SIM115
THINK = float(os.environ.get("LOADTEST_THINK", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOTP_STEP = 30

_hosts = itertools.cycle(PLAN["hosts"])
_accounts = {role: itertools.cycle(accounts) for role, accounts in PLAN["accounts"].items()}
_offers = itertools.cycle(PLAN["offers"] or [""])
_last_step: dict[str, int] = {}  # per account: the authenticator step its last code came from


def totp(key_hex: str, step: int) -> str:
    """RFC 6238 with django-otp's defaults (SHA-1, 6 digits, 30 s)."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def next_code(username: str, key_hex: str) -> str:
    """A code the device accepts: django-otp takes the steps next to now (tolerance 1) but each
    step once, so people sharing an account take consecutive steps, waiting when none is left."""
    while True:
        now = int(time.time()) // TOTP_STEP
        step = max(now - 1, _last_step.get(username, now - 2) + 1)
        if step <= now + 1:
            _last_step[username] = step
            return totp(key_hex, step)
        time.sleep(TOTP_STEP - time.time() % TOTP_STEP + 0.1)


def wait():
    return between(THINK / 2, THINK * 1.5) if THINK else constant(0)


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = wait()

    def __init__(self, environment):
        self.host = next(_hosts)  # this person's gunicorn instance
        super().__init__(environment)
        self.account = next(_accounts[self.role]) if self.role else None

    def on_start(self):
        if self.account:
            self.sign_in()

    def csrf(self, path: str, name: str) -> str:
        response = self.client.get(path, name=name)
        found = CSRF.search(response.text)
        return found.group(1) if found else ""

    def sign_in(self) -> None:
        account = self.account
        token = self.csrf("/login/", "Sign in: form")
        response = self.client.post(
            "/login/",
            {
                "username": account["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token,
            },
            name="Sign in: password",
        )
        if "/login/code/" in response.url:
            token = CSRF.search(response.text).group(1)
            self.client.post(
                "/login/code/",
                {
                    "otp_token": next_code(account["username"], account["totp"]),
                    "csrfmiddlewaretoken": token,
                },
                name="Sign in: second factor",
            )

    def page(self, path: str, name: str) -> None:
        self.client.get(path, name=name)


class Worker(Person):
    role = "worker"
    weight = 4

    @task(4)
    def inbox(self):
        self.page("/inbox/", "Worker: inbox")

    @task(3)
    def referral(self):
        self.page(f"/referrals/{self.account['referral']}/", "Worker: referral page")

    @task(2)
    def booking_page(self):
        self.page(
            f"/appointments/for-referral/{self.account['referral']}/book/",
            "Worker: booking page (free slots)",
        )

    @task(1)
    def book(self):
        slots = self.account["slots"]
        if not slots:
            return
        path = f"/appointments/for-referral/{self.account['referral']}/book/"
        token = self.csrf(path, "Worker: booking page (free slots)")
        with self.client.post(
            path,
            {"slot": slots.pop(), "csrfmiddlewaretoken": token},
            name="Worker: book a slot (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"answered {response.status_code}")


class Professional(Person):
    role = "professional"
    weight = 3

    @task(4)
    def mine(self):
        self.page("/referrals/", "Professional: my referrals")

    @task(2)
    def referral(self):
        self.page(f"/referrals/{self.account['referral']}/", "Professional: referral page")

    @task(1)
    def wizard(self):
        self.page("/referrals/new/", "Professional: new referral (wizard)")


class Coordinator(Person):
    role = "coordinator"
    weight = 1

    @task(3)
    def triage(self):
        self.page("/triage/", "Coordinator: triage queue")

    @task(1)
    def dashboard(self):
        self.page("/insight/", "Coordinator: dashboard")


class Family(Person):
    weight = 2

    @task
    def offer(self):
        token = next(_offers)
        if token:
            self.page(f"/f/{token}/", "Family: offer page")


class Floor(Person):
    """The floor under the same load: a bare Django view (scale/bench.py, served over HTTP by
    scale/wsgi.py for the load test only), signed in as a professional."""

    role = "professional"
    fixed_count = int(os.environ.get("LOADTEST_FLOOR_USERS", "2"))

    @task
    def floor(self):
        self.page("/floor/", "Floor: bare Django view")
