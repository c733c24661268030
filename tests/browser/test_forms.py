"""An invalid form opens with its error summary focused: each message links its field."""

import pytest
from playwright.sync_api import expect

from tests.factories import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_invalid_step_focuses_the_error_summary_and_its_links_reach_the_fields(
    page, live_server, login, axe_check
):
    cast = Cast()
    login(cast.referrer.username)
    page.goto(live_server.url + "/referrals/new/")
    page.check("input[name=given_by_role][value=guardian]")
    page.check("input[name=scopes][value=contact_phone]")  # no sharing: refused at step 1
    page.locator("main form button[type=submit]").last.click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(summary.locator('a[href="#id_scopes_0"]')).to_be_visible()  # the missing sharing
    axe_check(page)
    summary.locator('a[href="#id_given_by_name"]').click()
    assert page.evaluate("document.activeElement.id") == "id_given_by_name"
