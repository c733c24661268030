"""In a real browser: the Content Security Policy holds on the pages, the API docs work under
it, and a coordinator sets up and uses the second factor like a person with an app would."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.factories import CoordinatorFactory, ProfessionalFactory
from tests.two_factor import code, confirmed_device

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"


def test_the_csp_watch_reports_a_blocked_inline_script(page, live_server, csp_violations):
    """The harness itself: an inline script on one of our pages is refused and reported."""
    page.goto(live_server.url + "/login/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.inlineRan = true"; document.body.append(s); }"""
        )

    assert page.evaluate("window.inlineRan") is None
    assert any("script-src" in v for v in csp_violations)
    csp_violations.clear()  # seen; the test itself must not fail on it


def test_htmx_adds_no_inline_style(page, live_server):
    page.goto(live_server.url + "/palvelut/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.wait_for_function("() => window.htmx !== undefined")

    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("head style").count() == 0


def test_the_api_docs_render_swagger_ui_under_the_policy(page, live_server):
    response = page.goto(live_server.url + "/api/docs/")

    assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Perhelinja API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()


def _password_step(page, live_server, username):
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_a_coordinator_sets_up_the_second_factor_at_the_first_login(page, live_server, axe_check):
    coordinator = CoordinatorFactory()
    _password_step(page, live_server, coordinator.username)

    expect(page).to_have_url(live_server.url + "/account/two-factor/?next=/")
    expect(page.locator("img.qr")).to_be_visible()
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 100
    axe_check(page)
    # Like an authenticator app given the key by hand.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.fill("#id_otp_token", f"{totp(b32decode(secret)):06d}")
    page.locator("main form button[type=submit]").click()

    # The backup codes, shown this once, then on to where the login was going.
    expect(page.locator("#backup-code-list li")).to_have_count(10)
    expect(page.get_by_role("status")).to_be_visible()  # "two-factor authentication is on"
    axe_check(page)
    page.locator("main a.hds-button[href='/']").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("h1")).to_have_text(f"Tervetuloa, {coordinator.first_name}")


def test_the_code_step_refuses_a_wrong_code_and_accepts_the_right_one(page, live_server, axe_check):
    coordinator = CoordinatorFactory()
    device = confirmed_device(coordinator)
    _password_step(page, live_server, coordinator.username)

    expect(page).to_have_url(live_server.url + "/login/code/?next=/")
    axe_check(page)
    page.fill("#id_otp_token", "000000")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".errorlist")).to_be_visible()
    axe_check(page)

    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # no wait in a test
    device.save()
    page.fill("#id_otp_token", code(device))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/")


def test_the_account_page(page, live_server, login, axe_check):
    professional = ProfessionalFactory()
    login(professional.username)
    page.locator("a.who").click()

    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.locator("main a[href='/account/two-factor/']")).to_be_visible()
    axe_check(page)
    page.goto(live_server.url + "/account/password/")
    axe_check(page)
