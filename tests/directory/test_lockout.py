"""Login throttling that cannot be turned on others: behind the reverse proxy every request
comes from the proxy's address, so the lock must follow the client's own address, read from
X-Forwarded-For only as far as the configured proxies wrote it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from directory.lockout import client_ip
from tests.factories import ProfessionalFactory
from tests.two_factor import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"
LOGIN = reverse("login")


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def login(client, username, password, forwarded_for=None, remote=PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def test_an_attackers_wrong_passwords_through_the_proxy_do_not_lock_out_the_victim(
    client, behind_proxy
):
    victim = ProfessionalFactory()
    attacker = type(client)()
    statuses = [
        login(attacker, victim.username, "wrong", forwarded_for=ATTACKER).status_code
        for _ in range(7)
    ]
    assert statuses[-1] == 429  # the attacker's own address is locked

    response = login(client, victim.username, PASSWORD, forwarded_for=VICTIM)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_the_attacker_cannot_dodge_the_lock_by_writing_the_header(client, behind_proxy):
    """The proxy appends the address it saw; whatever the client wrote stays on the left."""
    victim = ProfessionalFactory()
    for n in range(5):
        login(client, victim.username, "wrong", forwarded_for=f"192.0.2.{n}, {ATTACKER}")
    response = login(client, victim.username, "wrong", forwarded_for=f"192.0.2.99, {ATTACKER}")
    assert response.status_code == 429


def test_without_a_configured_proxy_the_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    victim = ProfessionalFactory()
    for n in range(5):
        login(client, victim.username, "wrong", forwarded_for=f"192.0.2.{n}", remote=ATTACKER)
    response = login(client, victim.username, PASSWORD, forwarded_for=VICTIM, remote=ATTACKER)
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", PROXY),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", PROXY),  # fewer entries than proxies: not through them all
        (1, "", PROXY),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_guessing_one_username_from_many_addresses_locks_it_at_the_higher_limit(
    client, behind_proxy, settings
):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    victim = ProfessionalFactory()
    for address in ("192.0.2.1", "192.0.2.2"):
        for _ in range(4):
            assert login(client, victim.username, "wrong", forwarded_for=address).status_code in (
                200,
                429,
            )
    response = login(type(client)(), victim.username, PASSWORD, forwarded_for=VICTIM)
    assert response.status_code == 429


def test_attempts_while_locked_do_not_count_towards_the_username_limit(
    client, behind_proxy, settings
):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    victim = ProfessionalFactory()
    for _ in range(20):
        login(client, victim.username, "wrong", forwarded_for=ATTACKER)
    response = login(type(client)(), victim.username, PASSWORD, forwarded_for=VICTIM)
    assert response.status_code == 302


def test_the_victims_login_does_not_clear_the_attackers_lock(client, behind_proxy):
    victim = ProfessionalFactory()
    attacker = type(client)()
    for _ in range(5):
        login(attacker, victim.username, "wrong", forwarded_for=ATTACKER)
    assert login(client, victim.username, PASSWORD, forwarded_for=VICTIM).status_code == 302
    response = login(attacker, victim.username, "wrong", forwarded_for=ATTACKER)
    assert response.status_code == 429


def test_the_token_endpoint_is_locked_by_the_same_rule(behind_proxy):
    victim = ProfessionalFactory()
    url = reverse("api-token")
    attacker = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    statuses = [
        attacker.post(url, {"username": victim.username, "password": "wrong"}).status_code
        for _ in range(6)
    ]
    assert statuses[:4] == [400] * 4
    assert statuses[-1] == 429
    locked = attacker.post(url, {"username": victim.username, "password": PASSWORD})
    assert locked.status_code == 429  # even the right password, from the locked address
    assert locked["Content-Type"] == "application/json"
    assert "too many login attempts" in locked.json()["detail"]
    assert locked["Retry-After"] == "3600"

    own = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM)
    response = own.post(url, {"username": victim.username, "password": PASSWORD})
    assert response.status_code == 200
