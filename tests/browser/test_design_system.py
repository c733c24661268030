"""The page frame and the design system in a real browser: the phone header and its menu,
tables that stack on a phone, and the notifications after an action."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from directory.models import Municipality
from evaluation import services
from tests.browser.conftest import overflow
from tests.factories import OrganizationFactory, ProfessionalFactory, WorkerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_phone_header_is_compact_and_its_menu_opens_and_closes(
    phone_page, live_server, log_in_on, axe_check
):
    user = ProfessionalFactory()
    log_in_on(phone_page, user.username)
    header = phone_page.locator(".site-header")
    button = phone_page.locator("header button[aria-controls=site-menu]")
    catalogue = phone_page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Palveluhakemisto"
    )

    assert header.bounding_box()["height"] <= 80
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(catalogue).to_be_hidden()

    button.focus()
    phone_page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(catalogue).to_be_visible()
    expect(phone_page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    expect(phone_page.locator("#language-select")).to_be_visible()
    axe_check(phone_page)

    phone_page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(catalogue).to_be_hidden()


def test_the_wide_header_shows_the_navigation_without_a_menu_button(page, live_server, login):
    user = ProfessionalFactory()
    login(user.username)

    expect(page.locator("header button[aria-controls=site-menu]")).to_be_hidden()
    expect(
        page.get_by_role("navigation", name="Päävalikko").get_by_role(
            "link", name="Palveluhakemisto"
        )
    ).to_be_visible()


def test_a_stacked_table_fits_a_phone_with_each_cell_labelled(
    phone_page, live_server, log_in_on, axe_check
):
    worker = WorkerFactory()
    long_name = "Lounaisrannikon-perheiden-kohtaamispaikka-ja-vertaistukiyhdistys ry"
    services.outreach_create(
        actor=worker,
        date=timezone.localdate() - datetime.timedelta(days=1),
        municipality=Municipality.objects.get(code="853"),
        organizations=[worker.organization, OrganizationFactory(name=long_name)],
        kind="lecture",
        audience="professionals",
        head_count=40,
    )
    log_in_on(phone_page, worker.username)
    phone_page.goto(live_server.url + "/outreach/")

    cell = phone_page.locator("table.stacked td[data-label='Osallistujamäärä']")
    expect(cell).to_have_text("40")
    label = cell.evaluate("(td) => getComputedStyle(td, '::before').content")
    assert label == '"Osallistujamäärä"'
    expect(phone_page.locator("table.stacked thead th").first).not_to_be_in_viewport()
    assert overflow(phone_page) == []
    axe_check(phone_page)


def test_a_success_message_is_a_design_system_notification(page, live_server, login, axe_check):
    worker = WorkerFactory()
    login(worker.username)
    page.goto(live_server.url + "/outreach/new/")
    page.select_option("#id_municipality", label="Turku")
    page.locator("input[name=kind][value=lecture]").check()
    page.locator("input[name=audience][value=families]").check()
    page.fill("#id_head_count", "12")
    page.locator("main form button[type=submit]").click()

    notification = page.locator(".messages .hds-notification--success")
    expect(notification).to_have_attribute("role", "status")
    expect(notification).to_contain_text("Tilaisuus on kirjattu.")
    axe_check(page)
