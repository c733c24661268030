"""API tokens (django-rest-knox): stored as a hash, expiring (sooner for roles that must use a
second factor), revoked by their owner, and all of them with a password change, turning the
second factor off, or deactivation."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import CoordinatorFactory, ProfessionalFactory, api_token_for
from tests.two_factor import PASSWORD, code, confirmed_device, verified_login

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("api-token")


def obtain(user, **extra) -> str:
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.data
    return response.data["token"]


def status_with(token: str, path: str = "/api/v1/referrals/") -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get(path).status_code


def test_the_old_clear_text_tokens_are_gone():
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    assert "authtoken_token" not in connection.introspection.table_names()


def test_a_token_is_stored_only_as_a_hash():
    user = ProfessionalFactory()
    token = obtain(user)

    row = AuthToken.objects.get(user=user)
    assert token not in (row.digest, row.token_key)
    assert len(row.digest) == 128  # SHA-512
    assert not AuthToken.objects.filter(digest__contains=token).exists()
    assert status_with(token) == 200


def test_a_token_stops_working_after_its_expiry():
    user = ProfessionalFactory()
    token = obtain(user)
    row = AuthToken.objects.get(user=user)
    lifetime = row.expiry - row.created
    assert abs(lifetime - timedelta(hours=8)) < timedelta(minutes=1)
    assert status_with(token) == 200

    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert status_with(token) == 401
    assert not AuthToken.objects.filter(pk=row.pk).exists()  # knox deletes it on sight


def test_the_answer_says_when_the_token_expires():
    response = APIClient().post(
        TOKEN_URL,
        {"username": ProfessionalFactory().username, "password": PASSWORD},
        format="json",
    )
    expiry = response.data["expiry"]
    assert expiry == AuthToken.objects.get().expiry


def test_a_coordinators_token_lasts_an_hour_and_needs_a_code_again_after_it():
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    token = obtain(coordinator, otp_token=code(device))
    row = AuthToken.objects.get(user=coordinator)
    assert abs((row.expiry - row.created) - timedelta(hours=1)) < timedelta(minutes=1)

    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert status_with(token) == 401
    missing = APIClient().post(
        TOKEN_URL, {"username": coordinator.username, "password": PASSWORD}, format="json"
    )
    assert missing.status_code == 400
    assert "otp_token" in missing.data


def test_the_lifetimes_come_from_the_settings(settings):
    settings.API_TOKEN_HOURS = 2
    user = ProfessionalFactory()
    obtain(user)
    row = AuthToken.objects.get(user=user)
    assert abs((row.expiry - row.created) - timedelta(hours=2)) < timedelta(minutes=1)


def test_a_password_change_revokes_every_token(client):
    user = ProfessionalFactory()
    tokens = [obtain(user), obtain(user)]
    client.force_login(user)
    new = "kuusi-kaunista-kuusta-7"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response["Location"] == reverse("account")
    assert [status_with(token) for token in tokens] == [401, 401]
    assert not AuthToken.objects.filter(user=user).exists()


def test_a_password_set_elsewhere_revokes_every_token_too():
    """A reset, the admin or `changepassword`: all end in set_password and save."""
    user = ProfessionalFactory()
    token = obtain(user)
    user.set_password("toinen-salasana-42")
    user.save()
    assert status_with(token) == 401


def test_saving_the_user_without_a_new_password_keeps_the_tokens():
    user = ProfessionalFactory()
    token = obtain(user)
    user.first_name = "Aino"
    user.save()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert status_with(token) == 200


def test_deactivation_revokes_every_token():
    user = ProfessionalFactory()
    token = obtain(user)
    user.is_active = False
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()
    assert status_with(token) == 401


def test_turning_the_second_factor_off_revokes_every_token(client):
    user = ProfessionalFactory()
    device = verified_login(client, user)
    token = obtain(user, otp_token=code(device))

    response = client.post(reverse("two_factor_remove"), {"otp_token": code(device)})
    assert response["Location"] == reverse("account")
    assert status_with(token) == 401


def test_signing_out_through_the_api_revokes_that_token_or_all():
    user = ProfessionalFactory()
    first, second, third = obtain(user), obtain(user), obtain(user)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.delete(TOKEN_URL).status_code == 204
    assert [status_with(t) for t in (first, second, third)] == [401, 200, 200]

    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.delete(TOKEN_URL + "?all=true").status_code == 204
    assert [status_with(t) for t in (second, third)] == [401, 401]


def test_signing_out_needs_a_token():
    assert APIClient().delete(TOKEN_URL).status_code == 401


def test_the_account_page_lists_the_persons_own_tokens_and_revokes_one(client):
    user, other = ProfessionalFactory(), ProfessionalFactory()
    mine, kept, theirs = obtain(user), obtain(user), obtain(other)
    client.force_login(user)

    page = client.get(reverse("account")).content.decode()
    assert f"{mine[:8]}…" in page
    assert f"{kept[:8]}…" in page
    assert theirs[:8] not in page
    assert mine not in page  # never the token itself

    # Another person's token cannot be revoked from here.
    refused = client.post(reverse("account"), {"revoke": theirs[:15]}, follow=True)
    assert "There is no such token" in refused.content.decode()
    assert status_with(theirs) == 200

    response = client.post(reverse("account"), {"revoke": mine[:15]})
    assert response["Location"] == reverse("account")
    assert [status_with(mine), status_with(kept)] == [401, 200]


def test_signing_out_of_all_api_sessions_on_the_account_page(client):
    user = ProfessionalFactory()
    tokens = [obtain(user), obtain(user)]
    other = obtain(ProfessionalFactory())
    client.force_login(user)

    response = client.post(reverse("account"), {"revoke_all": "1"}, follow=True)
    assert "All your API tokens are revoked." in response.content.decode()
    assert "You have no API tokens in use." in response.content.decode()
    assert [status_with(t) for t in tokens] == [401, 401]
    assert status_with(other) == 200


def test_a_person_holds_a_limited_number_of_tokens(settings):
    settings.API_TOKENS_PER_USER = 2
    user = ProfessionalFactory()
    obtain(user)
    obtain(user)
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert "revoke one" in response.data["detail"]


def test_the_test_helper_makes_a_working_expiring_token():
    user = ProfessionalFactory()
    token = api_token_for(user)
    assert status_with(token) == 200
    assert AuthToken.objects.get(user=user).expiry > timezone.now()


@pytest.mark.parametrize(
    "header",
    [b"Token \xe9\xe9\xe9", b"Token", b"Token a b", b"Token " + b"0" * 64],
)
def test_a_malformed_token_header_is_401_never_500(header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header.decode("latin-1"))
    assert api.get("/api/v1/referrals/").status_code == 401


def test_the_fhir_facade_accepts_the_same_tokens():
    user = ProfessionalFactory()
    token = obtain(user)
    assert status_with(token, "/fhir/metadata") == 200
    assert status_with(token, "/fhir/Task") == 200
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    assert status_with(token, "/fhir/Task") == 401
