"""Two-factor authentication (TOTP): offered to everyone, required for coordinators, no way
around it through the API or the admin."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from directory import services, two_factor
from directory.two_factor import check_required_roles
from tests.factories import CoordinatorFactory, ProfessionalFactory, WorkerFactory
from tests.two_factor import code, confirmed_device, verified_login

pytestmark = pytest.mark.django_db

SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")
PASSWORD = "secret-pass-123"  # what tests/factories.py gives every user


def password_login(client, user):
    # The login sets the person's own language; these assertions read English.
    type(user).objects.filter(pk=user.pk).update(language="en")
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def unthrottle(device):
    """Let the next attempt through at once (the wait after a failure is a second or more)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


# --- coordinators must ---------------------------------------------------------------------


def test_a_coordinator_without_a_device_is_sent_to_set_one_up_from_every_page(client):
    coordinator = CoordinatorFactory()
    password_login(client, coordinator)

    for path in ("/", "/triage/", "/palvelut/", "/account/", "/notifications/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{SETUP}?next="), path
    assert client.get(SETUP).status_code == 200


def test_a_coordinator_without_a_device_may_still_log_out_and_switch_language(client):
    password_login(client, CoordinatorFactory())

    response = client.post(reverse("set_language"), {"language": "sv", "next": SETUP})
    assert response["Location"] == SETUP
    client.post(reverse("logout"))
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_setting_up_shows_a_qr_code_and_the_key_and_needs_a_right_code(client):
    coordinator = CoordinatorFactory()
    password_login(client, coordinator)

    page = client.get(SETUP + "?next=/triage/")
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed
    assert page.context["secret"].replace(" ", "") in device.config_url

    wrong = client.post(SETUP, {"otp_token": "000000", "next": "/triage/"})
    assert wrong.status_code == 200
    assert "The code is wrong or has expired" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1

    unthrottle(device)
    right = client.post(SETUP, {"otp_token": code(device), "next": "/triage/"})
    assert right.status_code == 200  # the backup codes, once; then on to /triage/
    assert 'href="/triage/"' in right.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/triage/").status_code == 200


def test_a_coordinator_with_a_device_enters_a_code_after_the_password(client):
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    password_login(client, coordinator)

    response = client.get("/triage/")
    assert response["Location"] == f"{VERIFY}?next=/triage/"
    assert client.get(SETUP)["Location"] == reverse("account")  # no second device meanwhile
    assert client.get(VERIFY).status_code == 200

    wrong = client.post(VERIFY, {"otp_token": "123456", "next": "/triage/"})
    assert wrong.status_code == 200
    assert "The code is wrong or has expired" in wrong.content.decode()
    assert client.get("/triage/").status_code == 302

    unthrottle(device)
    session_key = client.session.session_key
    right = client.post(VERIFY, {"otp_token": code(device), "next": "/triage/"})
    assert right["Location"] == "/triage/"
    assert client.session.session_key != session_key  # a new key for the stronger session
    assert client.get("/triage/").status_code == 200


def test_a_used_code_is_not_accepted_twice(client):
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    password_login(client, coordinator)
    used = code(device)
    client.post(VERIFY, {"otp_token": used})
    client.logout()

    password_login(client, coordinator)
    unthrottle(device)
    response = client.post(VERIFY, {"otp_token": used})
    assert response.status_code == 200
    assert "The code is wrong or has expired" in response.content.decode()


def test_code_attempts_are_throttled(client):
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    password_login(client, coordinator)

    client.post(VERIFY, {"otp_token": "111111"})
    # At once again, even with the right code: refused until the wait is over.
    response = client.post(VERIFY, {"otp_token": code(device)})
    assert "Too many wrong codes. Try again in 1 second." in response.content.decode()
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_the_next_page_after_the_code_stays_on_this_site(client):
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    password_login(client, coordinator)

    response = client.post(VERIFY, {"otp_token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_an_unverified_session_gets_no_api_answers(client):
    coordinator = CoordinatorFactory()
    confirmed_device(coordinator)
    password_login(client, coordinator)

    response = client.get("/api/v1/referrals/")
    assert response.status_code == 403
    assert "Two-factor authentication is required" in response.json()["detail"]


def test_the_required_roles_come_from_the_setting(client, settings):
    settings.OTP_REQUIRED_ROLES = ["municipal_professional"]
    password_login(client, ProfessionalFactory())
    assert client.get("/")["Location"] == f"{SETUP}?next=/"
    client.logout()
    password_login(client, CoordinatorFactory())
    assert client.get("/").status_code == 200


def test_an_unknown_role_in_the_setting_is_a_configuration_error(settings):
    settings.OTP_REQUIRED_ROLES = ["coordinator", "cordinator"]
    [error] = check_required_roles(None)
    assert error.id == "directory.E001"
    assert "cordinator" in error.msg


# --- everyone else may ---------------------------------------------------------------------


@pytest.mark.parametrize("factory", [ProfessionalFactory, WorkerFactory])
def test_other_roles_are_not_forced_but_can_turn_it_on(client, factory):
    user = factory()
    password_login(client, user)
    assert client.get("/").status_code == 200
    page = client.get(reverse("account")).content.decode()
    assert "Two-factor authentication is off" in page

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"otp_token": code(device)})
    assert response.status_code == 200
    assert f'href="{reverse("account")}"' in response.content.decode()
    assert client.get("/").status_code == 200  # this session is verified already

    client.logout()
    password_login(client, user)
    assert client.get("/")["Location"] == f"{VERIFY}?next=/"


def test_removing_the_device_needs_a_current_code(client):
    user = ProfessionalFactory()
    device = verified_login(client, user)
    remove = reverse("two_factor_remove")

    response = client.post(remove, {"otp_token": "000000"})
    assert response.status_code == 200
    assert "The code is wrong or has expired" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()

    unthrottle(device)
    response = client.post(remove, {"otp_token": code(device)})
    assert response["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/").status_code == 200
    client.logout()
    password_login(client, user)
    assert client.get("/").status_code == 200  # no code asked any more


def test_a_coordinator_who_removes_the_device_must_set_up_a_new_one(client):
    coordinator = CoordinatorFactory()
    device = verified_login(client, coordinator)

    client.post(reverse("two_factor_remove"), {"otp_token": code(device)})
    assert client.get("/")["Location"] == f"{SETUP}?next=/"


def test_removing_is_only_by_post(client):
    verified_login(client, ProfessionalFactory())
    assert client.get(reverse("two_factor_remove")).status_code == 405


# --- the API token endpoint ----------------------------------------------------------------


def token(data):
    return APIClient().post(reverse("api-token"), data, format="json")


def test_a_token_without_a_code_for_people_without_a_second_factor():
    user = ProfessionalFactory()
    response = token({"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert response.data["token"]


def test_a_coordinator_without_a_device_gets_no_token():
    coordinator = CoordinatorFactory()
    response = token({"username": coordinator.username, "password": PASSWORD, "otp_token": "1"})
    assert response.status_code == 400
    assert "Set it up on your account page first" in response.data["otp_token"][0]


def test_a_token_for_an_account_with_a_device_needs_its_current_code():
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    credentials = {"username": coordinator.username, "password": PASSWORD}

    missing = token(credentials)
    assert missing.status_code == 400
    assert "send the current code" in missing.data["otp_token"][0]

    wrong = token({**credentials, "otp_token": "000000"})
    assert wrong.status_code == 400
    assert "The code is wrong or has expired" in wrong.data["otp_token"][0]

    throttled = token({**credentials, "otp_token": code(device)})
    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "1"

    unthrottle(device)
    right = token({**credentials, "otp_token": code(device)})
    assert right.status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {right.data['token']}")
    assert api.get("/api/v1/referrals/").status_code == 200


def test_a_wrong_password_says_nothing_about_the_second_factor():
    coordinator = CoordinatorFactory()
    confirmed_device(coordinator)
    response = token({"username": coordinator.username, "password": "wrong-password"})
    assert response.status_code == 400
    assert "otp_token" not in response.data


# --- demo ----------------------------------------------------------------------------------


def test_totp_code_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    coordinator = CoordinatorFactory()
    confirmed_device(coordinator)
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("totp_code", coordinator.username, stdout=StringIO())


def test_totp_code_prints_a_code_the_login_accepts(client, settings):
    settings.DEBUG = True
    coordinator = CoordinatorFactory()
    confirmed_device(coordinator)
    out = StringIO()
    call_command("totp_code", coordinator.username, stdout=out)
    password_login(client, coordinator)

    response = client.post(VERIFY, {"otp_token": out.getvalue().strip()})
    assert response["Location"] == reverse("home")


def test_totp_code_needs_a_device(settings):
    settings.DEBUG = True
    user = ProfessionalFactory()
    with pytest.raises(CommandError, match="no confirmed two-factor device"):
        call_command("totp_code", user.username, stdout=StringIO())


# --- the wait after wrong codes has a ceiling ----------------------------------------------


def test_the_wait_after_wrong_codes_stops_doubling_at_the_ceiling(client, settings):
    """Without a ceiling, forty wrong codes (anyone's who knows the password) would make the
    owner wait 2**39 seconds."""
    settings.OTP_THROTTLE_MAX_SECONDS = 300
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    password_login(client, coordinator)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=40, throttling_failure_timestamp=timezone.now()
    )

    response = client.post(VERIFY, {"otp_token": code(device)})
    assert "Try again in 256 seconds." in response.content.decode()

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=257)
    )
    response = client.post(VERIFY, {"otp_token": code(device), "next": "/triage/"})
    assert response["Location"] == "/triage/"


def test_the_ceiling_follows_the_setting_and_the_throttle_factor(settings):
    settings.OTP_THROTTLE_MAX_SECONDS = 60
    settings.OTP_TOTP_THROTTLE_FACTOR = 3
    user = ProfessionalFactory()
    device = confirmed_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=25, throttling_failure_timestamp=timezone.now()
    )
    with pytest.raises(ValidationError) as error:
        services.totp_device_verify(user=user, token="000000")
    assert error.value.params["wait"] == 48  # 3 * 2**4: the last doubling within 60 s


# --- backup codes --------------------------------------------------------------------------


def set_up(client, user, next_url="/"):
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"otp_token": code(device), "next": next_url})
    return device, response


def test_setting_up_shows_ten_backup_codes_once(client):
    coordinator = CoordinatorFactory()
    password_login(client, coordinator)
    _device, response = set_up(client, coordinator)

    codes = response.context["backup_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    html = response.content.decode()
    assert all(f"{c[:4]} {c[4:]}" in html for c in codes)
    assert two_factor.backup_codes_left(coordinator) == 10

    account = client.get(reverse("account")).content.decode()
    assert "You have 10 unused backup codes." in account
    assert not any(c[:4] + " " + c[4:] in account for c in codes)  # never shown again


def test_a_backup_code_passes_the_code_step_once(client):
    coordinator = CoordinatorFactory()
    password_login(client, coordinator)
    _device, response = set_up(client, coordinator)
    backup = response.context["backup_codes"][0]
    client.logout()

    password_login(client, coordinator)
    typed = f"{backup[:4]}-{backup[4:]}".upper()  # as people copy it
    response = client.post(VERIFY, {"otp_token": typed, "next": "/triage/"})
    assert response["Location"] == "/triage/"
    triage = client.get("/triage/")
    assert triage.status_code == 200
    assert "You logged in with a backup code. 9 codes are left" in triage.content.decode()
    assert two_factor.backup_codes_left(coordinator) == 9
    client.logout()

    password_login(client, coordinator)
    again = client.post(VERIFY, {"otp_token": backup, "next": "/triage/"})
    assert again.status_code == 200
    assert "The code is wrong or has expired" in again.content.decode()
    assert client.get("/triage/").status_code == 302


def test_a_backup_code_gets_an_api_token_once():
    coordinator = CoordinatorFactory()
    confirmed_device(coordinator)
    backup = services.backup_codes_generate(user=coordinator)[3]
    credentials = {"username": coordinator.username, "password": PASSWORD, "otp_token": backup}
    assert token(credentials).status_code == 200
    StaticDevice.objects.filter(user=coordinator).update(throttling_failure_timestamp=None)
    assert token(credentials).status_code == 400


def test_new_backup_codes_replace_the_old_ones(client):
    user = ProfessionalFactory()
    verified_login(client, user)
    old = services.backup_codes_generate(user=user)

    response = client.post(reverse("account"), {"backup_codes": "1"})
    new = response.context["backup_codes"]
    assert len(new) == 10
    assert not set(old) & set(new)
    assert f"{new[0][:4]} {new[0][4:]}" in response.content.decode()
    assert two_factor.backup_codes_left(user) == 10
    with pytest.raises(ValidationError):
        services.backup_code_verify(user=user, code=old[0])


def test_backup_codes_need_a_second_factor_first(client):
    user = ProfessionalFactory()
    client.force_login(user)
    response = client.post(reverse("account"), {"backup_codes": "1"}, follow=True)
    assert "Set up two-factor authentication first." in response.content.decode()
    assert not StaticDevice.objects.filter(user=user).exists()


def test_turning_the_second_factor_off_removes_the_backup_codes(client):
    user = ProfessionalFactory()
    device = verified_login(client, user)
    services.backup_codes_generate(user=user)
    client.post(reverse("two_factor_remove"), {"otp_token": code(device)})
    assert not StaticDevice.objects.filter(user=user).exists()
