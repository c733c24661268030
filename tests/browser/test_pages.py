"""The pages that exist today, in a real browser: they render, work and pass axe-core."""

import re

import pytest
from playwright.sync_api import expect

from referrals.models import State
from tests.factories import (
    Cast,
    CoordinatorFactory,
    ProfessionalFactory,
    ServiceFactory,
    WorkerFactory,
    draft_referral,
    referral_in_state,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_axe_check_fails_on_serious_violations(page, axe_check):
    """The harness itself: a page without lang and an image without alt must not pass."""
    page.set_content('<html><body><main><img src="data:,"></main></body></html>')

    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    assert "image-alt [critical]" in str(failure.value)
    assert "html-has-lang [serious]" in str(failure.value)


def test_login_page(page, live_server, axe_check):
    page.goto(live_server.url + "/login/")

    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("h1")).to_have_text("Kirjaudu sisään")
    axe_check(page)


def test_wrong_password_shows_an_error(page, live_server, axe_check):
    ProfessionalFactory(username="pro")
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "pro")
    page.fill("#id_password", "not-the-password")
    page.locator("main form button[type=submit]").click()

    expect(page.get_by_role("alert")).to_be_visible()
    assert page.url == live_server.url + "/login/"
    axe_check(page)


def test_home_needs_login(page, live_server):
    page.goto(live_server.url + "/")

    expect(page).to_have_url(live_server.url + "/login/?next=/")


def _professional():
    """A professional with one draft, so the home page shows the referral table."""
    user = ProfessionalFactory()
    draft_referral(referrer=user)
    return user


def _worker():
    """A worker whose organization has a referral assigned to it."""
    user = WorkerFactory()
    referral_in_state(State.ASSIGNED, Cast(organization=user.organization))
    return user


def _coordinator():
    """A coordinator with one referral waiting for routing."""
    user = CoordinatorFactory()
    referral_in_state(State.SUBMITTED)
    return user


@pytest.mark.parametrize(
    ("make_user", "role", "heading"),
    [
        (
            _professional,
            "Kunnan ammattilainen",
            "Keskeneräiset luonnokset viimeisteltäviksi ja lähetettäviksi (1)",
        ),
        (_worker, "Järjestön työntekijä", "Uudet lähetteet hyväksyttäviksi tai hylättäviksi (1)"),
        (_coordinator, "Koordinaattori", "Odottaa ohjausta (1)"),
    ],
    ids=["professional", "worker", "coordinator"],
)
def test_home_page_of_each_role(page, live_server, login, axe_check, make_user, role, heading):
    user = make_user()
    login(user.username)

    expect(page.locator("h1")).to_have_text(f"Tervetuloa, {user.first_name}")
    expect(page.locator("main")).to_contain_text(role)
    # What needs the person comes first; the section of their one referral counts it.
    expect(page.get_by_role("heading", level=2).first).to_have_text("Vaatii toimiani")
    expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
    axe_check(page)


def test_switch_to_swedish(page, live_server, axe_check):
    page.goto(live_server.url + "/login/")
    expect(page.locator("h1")).to_have_text("Kirjaudu sisään")

    form = page.locator("form:has(#language-select)")
    form.locator("#language-select").select_option(label="Svenska")
    form.get_by_role("button", name="Vaihda").click()

    expect(page.locator("h1")).to_have_text("Logga in")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(live_server.url + "/login/")
    axe_check(page)


def test_login_page_fits_a_phone(phone_page, live_server, axe_check):
    phone_page.goto(live_server.url + "/login/")

    expect(phone_page.locator("h1")).to_be_visible()
    assert phone_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    axe_check(phone_page)


def test_catalogue_as_anonymous(page, live_server, axe_check):
    """The public catalogue (/palvelut/), with results on the page."""
    services = ServiceFactory.create_batch(2)
    response = page.goto(live_server.url + "/palvelut/")

    assert response.status == 200
    expect(page.get_by_role("search")).to_be_visible()
    for service in services:
        expect(page.get_by_text(service.name_fi)).to_be_visible()
    axe_check(page)


def test_calendar_and_capacity_pages(page, live_server, login, axe_check):
    from appointments.services import appointment_book
    from tests.appointments.helpers import accepted_with_shift

    referral, cast, shift = accepted_with_shift()
    appointment_book(referral=referral, slot=shift.slots.first(), actor=cast.handler)
    login(cast.handler.username)
    for path in ("/calendar/", "/capacity/", "/shifts/new/"):
        page.goto(live_server.url + path)
        axe_check(page)
    page.goto(live_server.url + "/calendar/")
    page.locator("#week-next").click()
    expect(page).to_have_url(re.compile(r"/calendar/\?week=\d{4}-W\d{2}$"))
    axe_check(page)


def test_the_throughput_dashboard(page, live_server, login, axe_check):
    cast = Cast()
    for _ in range(6):
        referral_in_state(State.SUBMITTED, cast)
    login(cast.coordinator.username)
    page.goto(live_server.url + "/insight/?area=all")
    # The page opens with the key figures of the last 12 months, the main charts below.
    first = page.locator(".key-figure").first
    expect(first).to_be_visible()
    expect(first.locator(".key-figure__value")).to_have_text("6")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    # The secondary tables are folded under their headings until asked for.
    waits = page.locator("#table-waits")
    expect(waits).to_be_hidden()
    page.locator("summary", has=page.locator("#section-decisions")).click()
    expect(waits).to_be_visible()
    axe_check(page)
    page.locator("form[action$='/insight/reports/'] button").click()
    expect(page.locator("#report-status a")).to_be_visible()  # eager Celery: ready at once
    axe_check(page)
