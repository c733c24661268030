"""Security headers, the Content Security Policy, the admin and passwords."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from directory.middleware import ContentSecurityPolicyMiddleware
from tests.factories import CoordinatorFactory, ProfessionalFactory, ServiceFactory, UserFactory
from tests.two_factor import confirmed_device, verified_login

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PASSWORD = "secret-pass-123"  # what tests/factories.py gives every user
POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    directives = [d.split() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {name: set(values) for name, *values in directives}


@pytest.mark.parametrize("path", ["/login/", "/palvelut/", "/api/docs/", "/api/v1/services/"])
def test_every_response_has_the_strict_policy(client, path):
    ServiceFactory()
    response = client.get(path)

    assert response.status_code == 200
    assert policy(response) == POLICY


def test_security_headers(client):
    verified_login(client, CoordinatorFactory())
    response = client.get("/")

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert policy(response) == POLICY


def test_pdf_responses_let_chromes_viewer_embed_them():
    """Chrome shows a PDF through an <embed> of the same URL: object-src 'none' would block it."""
    middleware = ContentSecurityPolicyMiddleware(lambda request: None)
    request = RequestFactory().get("/referrals/1/summary.pdf")
    middleware.process_request(request)

    pdf = middleware.process_response(request, HttpResponse(b"%PDF", "application/pdf"))
    html = middleware.process_response(request, HttpResponse(b"<p>", "text/html"))

    assert policy(pdf) == {**POLICY, "object-src": {"'self'"}}
    assert policy(html) == POLICY


# Markup the policy refuses: inline scripts, inline event handlers, inline styles, js: URLs.
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    """Every template a browser renders; the PDF templates go to WeasyPrint, not a browser."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "pdf":
            continue
        text = path.read_text(encoding="utf-8")
        found += [
            f"{path.relative_to(TEMPLATES)}: {what}" for rx, what in INLINE if rx.search(text)
        ]
    assert found == []


def test_the_api_docs_load_their_script_as_a_file(client):
    page = client.get("/api/docs/").content.decode()
    assert not INLINE[0][0].search(page)
    assert not INLINE[1][0].search(page)
    [script_url] = re.findall(r'<script src="([^"]*script=[^"]*)"', page)

    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    page = client.get("/login/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false""" in page
    css = (TEMPLATES.parent / "static/css/site.css").read_text(encoding="utf-8")
    assert ".htmx-request .htmx-indicator" in css


# --- the admin ----------------------------------------------------------------------------


def test_the_admin_sends_anonymous_people_to_the_sites_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('login')}?next=/admin/"
    assert "Site administration" not in response.content.decode()


def test_people_who_are_not_staff_never_see_the_admin(client):
    user = ProfessionalFactory()
    verified_login(client, user)

    for path in ("/admin/", "/admin/directory/service/", "/admin/login/"):
        response = client.get(path, follow=True)
        assert response.status_code == 403, path
        assert "Site administration" not in response.content.decode()


def test_staff_need_a_verified_second_factor_for_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('two_factor_setup')}?next=/admin/"

    confirmed_device(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('two_factor_verify')}?next=/admin/"
    assert "Site administration" not in response.content.decode()

    verified_login(client, staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


def test_the_admin_never_shows_a_second_factors_key(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    device = verified_login(client, staff)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert device.key not in response.content.decode()


def test_the_admin_has_no_login_form_of_its_own(client):
    """Its form would log in with the password alone."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


# --- passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("password1", "This password is too common."),
        ("Xy7!", "This password is too short."),
        ("84736291057", "This password is entirely numeric."),
    ],
)
def test_a_weak_new_password_is_refused(client, weak, reason):
    user = ProfessionalFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )

    assert response.status_code == 200
    assert reason in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changing_the_password_keeps_the_verified_session(client):
    user = CoordinatorFactory()
    verified_login(client, user)
    new = "kuusi-kaunista-kuusta-7"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response["Location"] == reverse("account")
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get("/").status_code == 200


def test_the_account_page_links_the_password_change(client):
    verified_login(client, ProfessionalFactory())
    page = client.get(reverse("account")).content.decode()
    assert reverse("password_change") in page
