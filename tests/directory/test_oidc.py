"""Single sign-on for staff (directory/oidc.py): who is matched, who is refused, and when the
provider's sign-in counts as the second factor. The whole journey through a real provider is
tests/browser/test_oidc_sign_in.py."""

import time

import jwt
import pytest
from django.core.exceptions import SuspiciousOperation
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from directory import oidc, two_factor
from directory.models import Role, User
from tests.factories import CoordinatorFactory, ProfessionalFactory, UserFactory, WorkerFactory
from tests.oidc_provider.rp import CLIENT_ID, CLIENT_SECRET, single_sign_on
from tests.two_factor import confirmed_device

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")


@pytest.fixture
def sso():
    with single_sign_on():
        yield


def sign_in(subject: str, **claims) -> User | None:
    """What the backend makes of a verified ID token with these claims (no user info endpoint)."""
    with override_settings(OIDC_OP_USER_ENDPOINT=""):
        return oidc.OIDCBackend().get_or_create_user("access", "id", {"sub": subject, **claims})


def sso_session(client, user, *, strong: bool) -> None:
    """The session as CallbackView leaves it after the provider's sign-in."""
    client.force_login(user, backend="directory.oidc.OIDCBackend")
    session = client.session
    session[oidc.ACR_SESSION_KEY] = "substantial" if strong else "low"
    if strong:
        session[two_factor.IDP_VERIFIED_SESSION_KEY] = user.pk
    session.save()


# --- matching ------------------------------------------------------------------------------


def test_a_professional_and_a_worker_are_matched_by_their_identifier(sso):
    professional = ProfessionalFactory(oidc_subject="county-1")
    worker = WorkerFactory(oidc_subject="county-2")

    assert sign_in("county-1") == professional
    assert sign_in("county-2") == worker


def test_a_configured_claim_other_than_sub_can_identify_the_person(sso):
    professional = ProfessionalFactory(oidc_subject="E1234")

    with override_settings(OIDC_SUBJECT_CLAIM="employee_id"):
        assert sign_in("opaque-sub", employee_id="E1234") == professional
        assert sign_in("E1234") is None


def test_nobody_is_created_from_claims(sso):
    ProfessionalFactory(email="anna@example.invalid")
    users = User.objects.count()

    assert sign_in("county-new", email="new@example.invalid", email_verified=True) is None
    assert sign_in("county-anna", email="anna@example.invalid", email_verified=True) is None
    assert oidc.OIDCBackend().create_user({"sub": "county-new"}) is None
    assert User.objects.count() == users


def test_a_deactivated_user_cannot_sign_in_nor_stay_signed_in(sso):
    professional = ProfessionalFactory(oidc_subject="county-1", is_active=False)

    assert sign_in("county-1") is None
    assert oidc.OIDCBackend().get_user(professional.pk) is None


def test_only_the_roles_allowed_single_sign_on_may_use_it(sso):
    coordinator = CoordinatorFactory(oidc_subject="county-c")
    UserFactory(oidc_subject="county-none")  # an account without any role

    assert sign_in("county-c") is None
    assert sign_in("county-none") is None
    with override_settings(OIDC_ROLES=[Role.COORDINATOR.value]):
        assert sign_in("county-c") == coordinator


def test_email_never_links_unless_configured_and_then_only_a_verified_one(sso):
    worker = WorkerFactory(email="Wera@Example.invalid")
    UserFactory(email="norole@example.invalid")
    ProfessionalFactory(email="twin@example.invalid")
    ProfessionalFactory(email="twin@example.invalid")

    assert sign_in("county-w", email="wera@example.invalid", email_verified=True) is None
    with override_settings(OIDC_LINK_BY_EMAIL=True):
        assert sign_in("county-w", email="wera@example.invalid") is None
        assert sign_in("county-w", email="wera@example.invalid", email_verified="true") is None
        assert sign_in("county-x", email="norole@example.invalid", email_verified=True) is None
        assert sign_in("county-t", email="twin@example.invalid", email_verified=True) is None

        assert sign_in("county-w", email="wera@example.invalid", email_verified=True) == worker
    worker.refresh_from_db()
    assert worker.oidc_subject == "county-w"
    # From now on the identifier alone matches, and the email links nobody else.
    assert sign_in("county-w") == worker
    with override_settings(OIDC_LINK_BY_EMAIL=True):
        assert sign_in("county-v", email="wera@example.invalid", email_verified=True) is None


def test_user_info_about_another_subject_is_refused(sso, monkeypatch):
    ProfessionalFactory(oidc_subject="county-1")
    backend = oidc.OIDCBackend()
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: {"sub": "county-2"})

    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("access", "id", {"sub": "county-1"})


def test_an_id_token_for_another_client_or_from_another_issuer_is_refused(sso):
    """mozilla-django-oidc checks the signature, expiry and nonce; the backend adds the
    audience and the issuer."""

    def token(**claims):
        payload = {"iss": "http://idp.invalid/o", "aud": CLIENT_ID, "sub": "county-1"}
        payload |= {"exp": int(time.time()) + 60, "nonce": "n", **claims}
        return jwt.encode(payload, CLIENT_SECRET, algorithm="HS256")

    with override_settings(OIDC_RP_SIGN_ALGO="HS256"):
        backend = oidc.OIDCBackend()
        assert backend.verify_token(token(), nonce="n")["sub"] == "county-1"
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token(aud="another-client"), nonce="n")
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(token(iss="http://elsewhere.invalid/o"), nonce="n")
        with pytest.raises(jwt.ExpiredSignatureError):
            backend.verify_token(token(exp=int(time.time()) - 60), nonce="n")


def test_a_password_login_never_reaches_the_provider(sso, rf, monkeypatch):
    """Only the callback passes a nonce; a login posted with `code` and `state` in its URL
    asks the provider nothing."""
    monkeypatch.setattr(oidc.OIDCBackend, "get_token", lambda *args: pytest.fail("asked"))
    request = rf.post("/login/?code=c&state=s")

    assert oidc.OIDCBackend().authenticate(request, username="u", password="p") is None


# --- the second factor ---------------------------------------------------------------------


@override_settings(
    OIDC_STRONG_ACR_VALUES=["http://ftn.ficora.fi/2017/loa3", "substantial", "high"],
    OIDC_STRONG_AMR_VALUES=["mfa", "hwk"],
)
def test_strong_authentication_is_what_the_acr_or_amr_claim_says():
    assert oidc.strong_authentication({"acr": "http://ftn.ficora.fi/2017/loa3"})
    assert oidc.strong_authentication({"acr": "high"})
    assert oidc.strong_authentication({"amr": ["pwd", "mfa"]})
    assert not oidc.strong_authentication({})
    assert not oidc.strong_authentication({"acr": "low", "amr": ["pwd"]})
    assert not oidc.strong_authentication({"acr": ["high"], "amr": "mfa"})


@override_settings(OIDC_STRONG_ACR_VALUES=["substantial"], OIDC_ROLES=["coordinator"])
def test_the_matched_user_carries_the_acr_and_its_strength(sso):
    CoordinatorFactory(oidc_subject="county-c")

    strong = sign_in("county-c", acr="substantial")
    weak = sign_in("county-c", acr="low")

    assert (strong.oidc_acr, strong.oidc_strong) == ("substantial", True)
    assert (weak.oidc_acr, weak.oidc_strong) == ("low", False)


def test_a_strong_sign_in_at_the_provider_counts_as_the_second_factor(client):
    coordinator = CoordinatorFactory()
    confirmed_device(coordinator)
    sso_session(client, coordinator, strong=True)

    assert client.get("/").status_code == 200


def test_without_a_strong_sign_in_the_code_is_still_asked(client):
    coordinator = CoordinatorFactory()
    confirmed_device(coordinator)
    sso_session(client, coordinator, strong=False)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


def test_the_providers_word_never_vouches_for_another_account(client):
    coordinator, other = CoordinatorFactory(), CoordinatorFactory()
    confirmed_device(coordinator)
    client.force_login(coordinator)
    session = client.session
    session[two_factor.IDP_VERIFIED_SESSION_KEY] = other.pk
    session.save()

    assert client.get("/")["Location"].startswith(f"{VERIFY}?next=")


# --- the pages -----------------------------------------------------------------------------


def test_without_configuration_there_is_no_sign_in_url_nor_button(client):
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    assert client.get("/oidc/authenticate/").status_code == 404
    assert render_to_string("registration/_oidc.html", {"next": "/"}).strip() == ""


def test_the_button_starts_the_sign_in_and_keeps_where_the_person_was_going(sso):
    html = render_to_string("registration/_oidc.html", {"next": "/referrals/?page=2"})

    assert "Sign in with your organization's account" in html
    assert 'href="/oidc/authenticate/?next=%2Freferrals%2F%3Fpage%3D2"' in html
    assert 'href="/oidc/authenticate/"' in render_to_string("registration/_oidc.html", {})


def test_the_start_url_sends_the_person_to_the_provider(client, sso):
    response = client.get("/oidc/authenticate/?next=/triage/")

    assert response.status_code == 302
    assert response["Location"].startswith("http://idp.invalid/o/authorize/?")
    assert f"client_id={CLIENT_ID}" in response["Location"]
    assert "code_challenge=" in response["Location"]


@pytest.mark.parametrize("query", ["?code=c&state=forged", "?error=access_denied&state=s"])
def test_a_failed_or_forged_answer_returns_to_the_login_page_with_a_message(client, sso, query):
    client.get("/oidc/authenticate/")  # a sign-in was started, with a state of its own

    response = client.get("/oidc/callback/" + query, follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "did not succeed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_organizations_account_only_when_configured(client):
    """Needs `{% include "registration/_oidc.html" %}` in templates/registration/login.html."""
    label = "Sign in with your organization's account"
    assert label not in client.get("/login/?next=/triage/").content.decode()

    with single_sign_on():
        html = client.get("/login/?next=/triage/").content.decode()

    assert label in html
    assert 'href="/oidc/authenticate/?next=%2Ftriage%2F"' in html
