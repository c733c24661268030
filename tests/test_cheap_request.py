"""A signed-in request costs little: the session, the user and nothing else most of the time,
no write on a plain GET; yet a session still ends after its idle time, a removed role stops
working at once and the second factor stays enforced."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from directory import services as directory_services
from directory import two_factor
from directory.models import Role, User
from perhelinja.middleware import REFRESHED_SESSION_KEY
from referrals.models import Notification, State
from tests.factories import (
    CoordinatorFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)
from tests.two_factor import login, verified_login

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _get(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries]


def _writes(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if sql.lstrip().upper().startswith(WRITES)]


def _age_session(client, seconds: int) -> None:
    """As if the session had last been refreshed, and its access read, `seconds` ago."""
    session = client.session
    session[REFRESHED_SESSION_KEY] -= seconds
    access = session[two_factor.ACCESS_SESSION_KEY]
    session[two_factor.ACCESS_SESSION_KEY] = {**access, "at": access["at"] - seconds}
    session.save()


@pytest.mark.parametrize("factory", [ProfessionalFactory, WorkerFactory, CoordinatorFactory])
def test_ping_signed_in_reads_at_most_three_times_and_writes_nothing(client, factory):
    user = factory()
    login(client, user)
    assert client.get(reverse("ping")).status_code == 200  # the first request remembers
    response, sqls = _get(client, reverse("ping"))
    assert response.status_code == 200
    assert len(sqls) <= 3, sqls
    assert _writes(sqls) == []
    assert not any("otp_totp" in sql or "auth_group" in sql for sql in sqls)


@pytest.mark.parametrize("factory", [ProfessionalFactory, WorkerFactory, CoordinatorFactory])
def test_the_home_page_writes_nothing_and_reads_no_role_or_device(client, factory):
    login(client, factory())
    client.get(reverse("home"))
    response, sqls = _get(client, reverse("home"))
    assert response.status_code == 200
    assert _writes(sqls) == []
    assert not any("otp_totp" in sql or '"auth_group"."name"' in sql for sql in sqls)


def test_the_idle_expiry_moves_on_once_a_minute_and_ends_an_idle_session(client):
    user = ProfessionalFactory()
    login(client, user)
    client.get(reverse("ping"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    _response, sqls = _get(client, reverse("ping"))
    assert _writes(sqls) == [] and Session.objects.get(session_key=key).expire_date == first
    # A minute later the next request moves the expiry on (and writes, once).
    _age_session(client, settings.SESSION_REFRESH_SECONDS)
    Session.objects.filter(session_key=key).update(
        expire_date=first - datetime.timedelta(minutes=1)
    )
    _response, sqls = _get(client, reverse("ping"))
    moved = Session.objects.get(session_key=key).expire_date
    assert _writes(sqls) and moved >= first
    assert moved <= timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # SESSION_IDLE_SECONDS without a request: the session is over.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    response = client.get(reverse("ping"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_visitor_with_an_expired_session_cookie_gets_no_new_session(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "expired0session0key0that0is0gone"
    response = client.get(reverse("catalogue"))
    assert response.status_code == 200
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    assert cookie is None or cookie.value == ""  # at most the stale one is deleted
    assert not Session.objects.exists()


@pytest.mark.parametrize("how", ["user.groups", "group.user_set"])
def test_a_removed_role_stops_working_on_the_next_request(client, how):
    user = ProfessionalFactory()
    login(client, user)
    assert client.get(reverse("packages:list")).status_code == 200
    group = Group.objects.get(name=Role.PROFESSIONAL)
    if how == "user.groups":
        user.groups.remove(group)
    else:  # the admin's group page
        group.user_set.remove(user)
    assert client.get(reverse("packages:list")).status_code == 404


def test_a_role_changed_unseen_by_this_process_stops_working_within_a_minute(client):
    """Without a shared cache another process's change reaches this one by the recheck."""
    user = ProfessionalFactory()
    login(client, user)
    assert client.get(reverse("packages:list")).status_code == 200
    group = Group.objects.get(name=Role.PROFESSIONAL)
    User.groups.through.objects.filter(user=user, group=group).delete()  # no signal
    assert client.get(reverse("packages:list")).status_code == 200  # remembered
    _age_session(client, two_factor.ACCESS_RECHECK_SECONDS)
    assert client.get(reverse("packages:list")).status_code == 404


def test_a_coordinator_with_an_unverified_session_is_still_sent_to_the_code(client):
    coordinator = CoordinatorFactory()
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    client.force_login(coordinator)
    for _attempt in range(2):  # and still so once the session remembers
        response = client.get(reverse("ping"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify"))


def test_a_removed_device_no_longer_verifies_the_session(client):
    coordinator = CoordinatorFactory()
    device = verified_login(client, coordinator)
    assert client.get(reverse("ping")).status_code == 200
    device.delete()  # as the admin would
    response = client.get(reverse("ping"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_another_persons_device_in_the_session_verifies_nothing(client):
    coordinator, other = CoordinatorFactory(), CoordinatorFactory()
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    verified_login(client, other)
    client.force_login(coordinator)  # the same session, another person
    response = client.get(reverse("ping"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_the_unread_count_is_read_once_and_follows_new_and_read_notifications(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    login(client, cast.handler)
    Notification.objects.filter(user=cast.handler).delete()
    client.get(reverse("ping"))
    _response, sqls = _get(client, reverse("ping"))
    assert not any("referrals_notification" in sql for sql in sqls)
    Notification.objects.bulk_create([Notification(user=cast.handler, referral=referral)])
    response = client.get(reverse("ping"))
    entry = next(e for e in response.context["navigation"] if "count" in e)
    assert entry["count"] == 1
    client.get(reverse("referrals:notifications"))  # reads them
    response = client.get(reverse("ping"))
    entry = next(e for e in response.context["navigation"] if "count" in e)
    assert entry["count"] == 0


def test_an_api_token_request_does_not_sweep_the_persons_other_tokens():
    worker = WorkerFactory()
    old, _old_token = directory_services.api_token_create(user=worker)
    _instance, token = directory_services.api_token_create(user=worker)
    type(old).objects.filter(pk=old.pk).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/referrals/").status_code == 200
    assert _writes([q["sql"] for q in queries.captured_queries]) == []
    assert type(old).objects.filter(pk=old.pk).exists()  # left for api_token_create


def test_an_expired_token_is_refused_and_removed():
    worker = WorkerFactory()
    instance, token = directory_services.api_token_create(user=worker)
    type(instance).objects.filter(pk=instance.pk).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/referrals/").status_code == 401
    assert not type(instance).objects.filter(pk=instance.pk).exists()


def test_with_a_shared_cache_sessions_are_read_from_it():
    env = {
        **os.environ,
        "DEBUG": "True",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "DJANGO_SETTINGS_MODULE": "perhelinja.settings",
    }
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "django.contrib.sessions.backends.cached_db"


def test_a_cached_session_costs_only_the_users_query(client, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    login(client, CoordinatorFactory())
    client.get(reverse("ping"))
    response, sqls = _get(client, reverse("ping"))
    assert response.status_code == 200
    assert len(sqls) == 1 and "directory_user" in sqls[0]


def test_the_inbox_looks_permissions_up_by_the_remembered_group_keys(client):
    """Joined through the person's groups, PostgreSQL scanned all of an organization's
    permissions to name the families of one page (issue 20): the keys come from the session."""
    referral, cast = referral_in_state(State.ACCEPTED)
    login(client, cast.handler)
    client.get(reverse("referrals:inbox"))
    response, sqls = _get(client, reverse("referrals:inbox"))
    assert response.status_code == 200
    assert referral.contact_name in response.content.decode()
    assert not any("directory_user_groups" in sql for sql in sqls), sqls


def test_a_session_remembering_group_names_only_reads_the_groups_again(client):
    """Sessions from before the group keys were remembered hold a list of names."""
    worker = WorkerFactory()
    login(client, worker)
    client.get(reverse("ping"))
    session = client.session
    access = session[two_factor.ACCESS_SESSION_KEY]
    session[two_factor.ACCESS_SESSION_KEY] = {**access, "groups": sorted(access["groups"])}
    session.save()
    response, sqls = _get(client, reverse("referrals:inbox"))
    assert response.status_code == 200
    assert any("auth_group" in sql for sql in sqls)
    assert isinstance(client.session[two_factor.ACCESS_SESSION_KEY]["groups"], dict)


def _permission_reads(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if '"auth_permission"' in sql]


def test_a_coordinators_pages_ask_the_permissions_once_per_session(client):
    """`has_perm("referrals.triage_referral")` read the person's and the groups' permissions on
    every request of the triage queue and the dashboard (issue 20)."""
    coordinator = CoordinatorFactory()
    verified_login(client, coordinator)
    for name in ("referrals:triage", "insight:dashboard"):
        client.get(reverse(name))
        response, sqls = _get(client, reverse(name))
        assert response.status_code == 200
        assert _permission_reads(sqls) == [], name


@pytest.mark.parametrize("how", ["group", "reverse"])
def test_a_permission_taken_from_a_group_stops_working_on_the_next_request(client, how):
    coordinator = CoordinatorFactory()
    verified_login(client, coordinator)
    assert client.get(reverse("referrals:triage")).status_code == 200
    group = Group.objects.get(name=Role.COORDINATOR)
    permission = Permission.objects.get(codename="triage_referral")
    if how == "group":
        group.permissions.remove(permission)
    else:
        permission.group_set.clear()
    assert client.get(reverse("referrals:triage")).status_code == 404


def test_a_permission_given_to_the_person_works_on_the_next_request(client):
    worker = WorkerFactory()
    login(client, worker)
    assert client.get(reverse("referrals:triage")).status_code == 404
    worker.user_permissions.add(Permission.objects.get(codename="triage_referral"))
    response, sqls = _get(client, reverse("referrals:triage"))
    assert response.status_code == 200
    assert _permission_reads(sqls)  # read anew, once
    assert _permission_reads(_get(client, reverse("referrals:triage"))[1]) == []


def test_a_person_made_superuser_or_no_longer_one_is_asked_anew(client):
    coordinator = CoordinatorFactory()
    verified_login(client, coordinator)
    client.get(reverse("referrals:triage"))
    User.objects.filter(pk=coordinator.pk).update(is_superuser=True)
    assert client.get(reverse("referrals:triage")).status_code == 200
    User.objects.filter(pk=coordinator.pk).update(is_superuser=False)
    coordinator.groups.remove(Group.objects.get(name=Role.COORDINATOR))
    assert client.get(reverse("referrals:triage")).status_code == 404
