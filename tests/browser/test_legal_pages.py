"""The accessibility statement and the privacy notice in a real browser: reached from the
footer, readable on a phone, and passing axe-core."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_footer_leads_to_both_legal_pages(page, live_server, axe_check):
    page.goto(live_server.url + "/login/")

    page.locator("footer").get_by_role("link", name="Saavutettavuusseloste").click()
    expect(page.locator("h1")).to_have_text("Saavutettavuusseloste")
    axe_check(page)

    page.locator("footer").get_by_role("link", name="Tietosuojaseloste").click()
    expect(page.locator("h1")).to_have_text("Tietosuojaseloste")
    axe_check(page)

    page.get_by_role("link", name="På svenska").click()
    expect(page.locator("h1")).to_have_text("Dataskyddsbeskrivning")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    axe_check(page)


@pytest.mark.parametrize("path", ["/accessibility/?lang=en", "/privacy/?lang=en"])
def test_the_legal_pages_fit_a_phone(phone_page, live_server, axe_check, path):
    phone_page.goto(live_server.url + path)

    expect(phone_page.locator("h1")).to_be_visible()
    assert phone_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    axe_check(phone_page)
