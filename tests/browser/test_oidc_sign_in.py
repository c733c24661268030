"""Single sign-on through a real OpenID Connect provider: django-oauth-toolkit's, a small
Django project of its own (tests/oidc_provider/) that this module starts on a free port of
127.0.0.1, with its own SQLite database. The browser signs in there and comes back signed in."""

import json
import re
import socket
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

import pytest
import requests
from django.conf import settings

from directory import two_factor
from tests.factories import CoordinatorFactory, WorkerFactory
from tests.oidc_provider.rp import CLIENT_ID, CLIENT_SECRET, single_sign_on
from tests.two_factor import confirmed_device

pytestmark = pytest.mark.django_db(transaction=True)

SERVE = Path(__file__).resolve().parents[1] / "oidc_provider" / "serve.py"
ROOT = SERVE.parents[2]
# The provider's people: a worker who signs in with a password only, and a coordinator who
# signs in with a second factor there (its `acr` and `amr` say so).
PEOPLE = [
    {"username": "wera", "password": "county-pass-1", "sub": "county-wera", "email": "w@x.invalid"},
    {
        "username": "cecilia",
        "password": "county-pass-2",
        "sub": "county-cecilia",
        "email": "c@x.invalid",
        "acr": "substantial",
        "amr": ["pwd", "otp", "mfa"],
    },
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the OIDC provider stopped:\n{log.read_text()}", pytrace=False)
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the OIDC provider did not answer at {url}:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The provider's URL, serving until the module's tests are done."""
    folder = tmp_path_factory.mktemp("oidc_provider")
    config = folder / "config.json"
    config.write_text(
        json.dumps(
            {
                "database": str(folder / "provider.sqlite3"),
                "redirect_uri": f"{live_server.url}/oidc/callback/",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "people": PEOPLE,
            }
        )
    )
    port = free_port()
    log = folder / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, str(SERVE), str(config), str(port)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        with pytest.MonkeyPatch.context() as env:
            # The application calls the provider with requests, which would honour a proxy.
            env.setenv("NO_PROXY", "127.0.0.1,localhost")
            env.setenv("no_proxy", "127.0.0.1,localhost")
            wait_until_answering(f"{url}/o/.well-known/openid-configuration", process, log)
            yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def session_of(page, live_server) -> dict:
    """What the application's session holds for the browser."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies(live_server.url)}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store(session_key=cookies[settings.SESSION_COOKIE_NAME]).load()


def sign_in_at_the_provider(page, live_server, provider, username: str, password: str) -> None:
    """Start at this service's sign-in URL, sign in on the provider's own page, come back."""
    page.goto(f"{live_server.url}/oidc/authenticate/?next=/")
    page.wait_for_url(re.compile(re.escape(provider) + r"/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()


def test_a_worker_signs_in_with_the_organizations_account(page, live_server, provider):
    worker = WorkerFactory(oidc_subject="county-wera", first_name="Wera")

    with single_sign_on(provider):
        sign_in_at_the_provider(page, live_server, provider, "wera", "county-pass-1")
        page.wait_for_url(live_server.url + "/")

        session = session_of(page, live_server)
        assert session["_auth_user_id"] == str(worker.pk)
        assert session["_auth_user_backend"] == "directory.oidc.OIDCBackend"
        assert two_factor.IDP_VERIFIED_SESSION_KEY not in session


def test_a_coordinator_whose_provider_sign_in_was_strong_is_not_asked_for_a_code(
    page, live_server, provider
):
    coordinator = CoordinatorFactory(oidc_subject="county-cecilia")
    confirmed_device(coordinator)

    with single_sign_on(
        provider, OIDC_ROLES=["coordinator"], OIDC_STRONG_ACR_VALUES=["substantial"]
    ):
        sign_in_at_the_provider(page, live_server, provider, "cecilia", "county-pass-2")
        page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + "/triage/")

        assert page.url == live_server.url + "/triage/"
        session = session_of(page, live_server)
        assert session["_auth_user_id"] == str(coordinator.pk)
        assert session["oidc_acr"] == "substantial"


def test_a_coordinator_whose_provider_sign_in_was_not_strong_enters_the_code(
    page, live_server, provider
):
    coordinator = CoordinatorFactory(oidc_subject="county-cecilia")
    confirmed_device(coordinator)

    with single_sign_on(provider, OIDC_ROLES=["coordinator"], OIDC_STRONG_ACR_VALUES=["high"]):
        sign_in_at_the_provider(page, live_server, provider, "cecilia", "county-pass-2")

        page.wait_for_url(re.compile(re.escape(live_server.url) + r"/login/code/\?next=/$"))
