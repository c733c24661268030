"""Project-wide promises: migrations, the state diagram in docs, settings, demo, login, admin."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from demo.data import COORDINATOR_TOTP_SECRET
from directory.models import Municipality, Organization, Service, User
from referrals.diagram import mermaid, readme_block
from referrals.models import Referral, State
from tests.two_factor import login

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_documented_state_diagram_matches_the_state_machine():
    block = readme_block((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert block is not None, "docs/architecture.md lost its state diagram block"
    assert block == mermaid(), "docs/architecture.md diagram drifted: run `make diagram`"


def test_diagram_contains_every_state():
    diagram = mermaid()
    for state in State:
        assert f" {state.value} " in diagram or f" {state.value}\n" in diagram + "\n"


def test_secret_key_is_required_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["FIELD_ENCRYPTION_KEYS"] = "x"
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "perhelinja.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_defaults(settings):
    assert settings.TIME_ZONE == "Europe/Helsinki"
    assert [code for code, _name in settings.LANGUAGES] == ["fi", "sv", "en"]
    assert settings.CELERY_TASK_ALWAYS_EAGER  # tests run without a broker


@pytest.mark.django_db
def test_reference_data_has_the_27_municipalities_and_four_pilots():
    assert Municipality.objects.count() == 27
    pilots = set(Municipality.objects.filter(is_pilot=True).values_list("name_fi", flat=True))
    assert pilots == {"Uusikaupunki", "Laitila", "Kemiönsaari", "Turku"}
    assert Municipality.objects.get(name_fi="Kemiönsaari").swedish_majority


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def demo(settings, django_db_blocker):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_a_living_system_and_is_idempotent(demo, settings):
    assert Organization.objects.count() == 13
    assert 35 <= Service.objects.count() <= 45
    referrals = Referral.objects.count()
    assert referrals >= 60
    assert set(Referral.objects.values_list("state", flat=True)) == set(State.values)
    assert set(Referral.objects.values_list("municipality__name_fi", flat=True)) == {
        "Uusikaupunki",
        "Laitila",
        "Kemiönsaari",
        "Turku",
    }
    # every referral was made through transitions: one audit row per step
    for referral in Referral.objects.exclude(state=State.DRAFT):
        assert referral.events.exists()
    call_command("seed_demo", stdout=StringIO())
    assert Referral.objects.count() == referrals
    assert Organization.objects.count() == 13
    assert "perhelinja-demo" in demo


@pytest.mark.django_db
def test_every_demo_user_can_log_in_and_sees_their_start_page(demo, client, settings):
    usernames = ["coordinator", "pro.turku", "pro.laitila", "pro.uusikaupunki", "pro.kemionsaari"]
    usernames += [f"worker.{slug}" for slug in Organization.objects.values_list("slug", flat=True)]
    for username in usernames:
        assert username in demo
        response = client.post(
            reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        if username == "coordinator":
            # Coordinators enter a code: the demo prints the key and `totp_code` the code.
            assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
            out = StringIO()
            call_command("totp_code", "coordinator", stdout=out)
            client.post(reverse("two_factor_verify"), {"otp_token": out.getvalue().strip()})
        assert client.get(reverse("home")).status_code == 200
        client.logout()


@pytest.mark.django_db
def test_the_demo_prints_absolute_links_on_the_served_port(settings):
    # `make demo PORT=8123` passes SITE_URL=http://127.0.0.1:8123.
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8123/"
    out = StringIO()
    call_command("seed_demo", "--quiet-users", stdout=out)
    printed = out.getvalue()
    offer = re.search(r"choose a time .*\n  (\S+)", printed)
    feedback = re.search(r"feedback link to try .*\n  (\S+)", printed)
    assert offer and feedback, printed
    assert offer[1].startswith("http://127.0.0.1:8123/f/")
    assert feedback[1].startswith("http://127.0.0.1:8123/feedback/")
    assert ":8000" not in printed


@pytest.mark.django_db
def test_the_demo_prints_the_coordinators_second_factor(demo):
    assert COORDINATOR_TOTP_SECRET in demo
    assert f"otpauth://totp/Perhelinja%3Acoordinator?secret={COORDINATOR_TOTP_SECRET}" in demo
    assert "manage.py totp_code coordinator" in demo


@pytest.mark.django_db
def test_the_coordinator_can_maintain_the_catalogue_in_the_admin(demo, client):
    login(client, User.objects.get(username="coordinator"))
    assert client.get(reverse("admin:index")).status_code == 200
    service = Service.objects.first()
    assert client.get(reverse("admin:directory_service_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:directory_service_change", args=[service.pk])).status_code == 200
    )
    # personal data is not for the admin: referrals stay out of the coordinator's reach
    assert client.get(reverse("admin:referrals_referral_changelist")).status_code == 403


@pytest.mark.django_db
def test_home_lists_do_not_grow_queries_with_the_data(demo, client, django_assert_max_num_queries):
    worker = User.objects.filter(username__startswith="worker.").first()
    client.force_login(worker)
    # Session and user, the unread count, then one read each for assignments, the overdue,
    # unanswered offers and today's appointments, and the organization's list.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200
    client.force_login(User.objects.get(username="pro.turku"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_login_shows_the_persons_language_and_a_switch_is_remembered(client, settings):
    from tests.factories import WorkerFactory

    worker = WorkerFactory(language="sv")
    response = client.post(
        reverse("login"), {"username": worker.username, "password": "secret-pass-123"}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    client.post(reverse("set_language"), {"language": "fi", "next": "/"})
    worker.refresh_from_db()
    assert worker.language == "fi"


def test_encryption_keys_are_required_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in ("FIELD_ENCRYPTION_KEYS", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "perhelinja.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off" in result.stderr


def test_deploy_checks_are_clean_with_production_settings():
    # (the browser tests allow async-unsafe ORM calls in this process; production does not)
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DEBUG": "False",
        "HTTPS": "True",
        "SECRET_KEY": "a-long-random-production-secret-" + "k3y!" * 12,
        "ALLOWED_HOSTS": "perhelinja.example.fi",
        "DJANGO_SETTINGS_MODULE": "perhelinja.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_logins_are_throttled_after_five_failures(client):
    from tests.factories import ProfessionalFactory

    user = ProfessionalFactory()
    for _ in range(4):
        response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 429  # the fifth failure locks
    response = client.post(
        reverse("login"), {"username": user.username, "password": "secret-pass-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_inactivity(settings):
    """Idle sessions end after half an hour; the expiry moves on at most once a minute, not
    with a write on every request (tests/test_cheap_request.py shows both)."""
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_REFRESH_SECONDS == 60
