"""The whole journey in a real browser, every page checked with axe-core: a professional
makes and sends a referral, a coordinator routes it, a worker accepts it and offers times, the
family picks one through its link, the worker records attendance and the outcome, and the
professional sees the referral completed with the summary."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from appointments.services import shift_create
from referrals.models import Referral, State
from tests.appointments.helpers import started, tomorrow
from tests.factories import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page, form_selector="main form") -> None:
    page.locator(f"{form_selector} button[type=submit]").last.click()


def test_referral_journey_from_professional_to_worker_and_back(page, live_server, login, axe_check):
    cast = Cast()
    url = live_server.url

    # 1. The municipal professional records the consent and writes the referral.
    login(cast.referrer.username)
    page.goto(url + "/referrals/new/")
    expect(page.locator(".notice")).to_be_visible()  # not a child-protection channel
    axe_check(page)
    page.check("input[name=given_by_role][value=guardian]")
    page.fill("input[name=given_by_name]", "Maija Meikäläinen")
    page.check("input[name=method][value=written]")
    page.check("input[name=scopes][value=share_referral]")
    page.check("input[name=scopes][value=contact_phone]")
    page.check("input[name=scopes][value=return_outcome]")
    submit(page)

    page.wait_for_url(re.compile(r"/referrals/\d+/family/$"))
    axe_check(page)
    page.fill("input[name=contact_name]", "Maija Meikäläinen")
    page.fill("input[name=contact_phone]", "+358 40 000 0001")
    page.fill("input[name=children_birth_years]", "2019, 2022")
    page.check(f"input[name=target_group][value='{cast.target_group.pk}']")
    page.check(f"input[name=challenges][value='{cast.challenge.pk}']")
    page.fill("textarea[name=description]", "Perhe toivoo keskusteluapua arjen kuormitukseen.")
    submit(page)

    page.wait_for_url(re.compile(r"/referrals/\d+/preferences/$"))
    axe_check(page)
    page.check("input[name=modes][value=phone]")
    page.fill("input[name=preferred_times]", "arki-iltapäivät")
    submit(page)

    page.wait_for_url(re.compile(r"/referrals/\d+/review/$"))
    axe_check(page)
    expect(page.locator("main")).to_contain_text("Maija Meikäläinen")
    submit(page)

    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    expect(page.locator("#referral-state")).to_have_attribute("data-state", "submitted")
    axe_check(page)
    referral = Referral.objects.get(referrer=cast.referrer)
    page.context.clear_cookies()

    # 2. The coordinator routes it from the triage queue.
    login(cast.coordinator.username)
    page.goto(url + "/triage/")
    axe_check(page)
    page.get_by_role("link", name=f"#{referral.pk}").click()
    page.wait_for_url(re.compile(rf"/triage/{referral.pk}/$"))
    expect(page.locator(".candidates")).to_contain_text(cast.organization.name)
    axe_check(page)
    assign = f"form[action$='/triage/{referral.pk}/assign/']"
    page.select_option(f"{assign} select[name=organization]", str(cast.organization.pk))
    page.fill(f"{assign} textarea[name=reason]", "Sopii järjestön palveluihin.")
    page.locator(f"{assign} button[type=submit]").click()
    page.wait_for_url(re.compile(r"/triage/$"))
    axe_check(page)
    page.context.clear_cookies()

    # 3. A worker of the organization accepts it.
    login(cast.handler.username)
    page.goto(url + "/inbox/")
    axe_check(page)
    page.locator(f"a[href='/referrals/{referral.pk}/']").click()
    page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/$"))
    expect(page.locator("main")).to_contain_text("Maija Meikäläinen")
    axe_check(page)
    page.locator(f"form[action$='/referrals/{referral.pk}/accept/'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/$"))
    expect(page.locator("#referral-state")).to_have_attribute("data-state", "accepted")
    page.context.clear_cookies()

    # 4. The professional sees the status come back.
    login(cast.referrer.username)
    page.goto(url + "/referrals/")
    axe_check(page)
    page.goto(url + f"/referrals/{referral.pk}/")
    expect(page.locator("#referral-state")).to_have_attribute("data-state", "accepted")
    expect(page.locator(".timeline li")).to_have_count(3)  # submitted, assigned, accepted
    axe_check(page)
    page.goto(url + "/notifications/")
    axe_check(page)

    referral.refresh_from_db()
    assert referral.state == State.ACCEPTED and referral.handler == cast.handler
    page.context.clear_cookies()

    # 5. The worker offers two times; the family picks one through its link.
    shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=tomorrow(),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
    )
    login(cast.handler.username)
    page.goto(url + f"/referrals/{referral.pk}/")
    page.locator(f"a[href$='/for-referral/{referral.pk}/offer/']").click()
    axe_check(page)
    boxes = page.locator("input[name=slots]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    submit(page)
    link = page.locator("#family-link").input_value()
    axe_check(page)
    page.context.clear_cookies()

    page.goto(link)  # the family: no login
    axe_check(page)
    expect(page.locator("main")).not_to_contain_text("Maija Meikäläinen")
    page.locator("input[name=slot]").nth(1).check()
    submit(page)
    expect(page.locator("#family-appointment")).to_have_attribute("data-state", "confirmed")
    axe_check(page)

    # 6. The worker records attendance and reports the outcome.
    login(cast.handler.username)
    appointment = started(referral.appointments.get())  # attendance only from the start
    page.goto(url + f"/appointments/{appointment.pk}/")
    axe_check(page)
    page.locator(f"form[action$='/appointments/{appointment.pk}/attend/'] button").click()
    expect(page.locator("#appointment-state")).to_have_attribute("data-state", "attended")
    page.goto(url + f"/appointments/for-referral/{referral.pk}/outcome/")
    axe_check(page)
    page.check("input[name=service_given][value=counselling]")
    page.fill("input[name=sessions]", "1")
    page.check("input[name=next_step][value=no_further_need]")
    page.fill("textarea[name=summary_for_referrer]", "Perhe sai keinoja arjen kuormitukseen.")
    submit(page)
    page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/$"))
    page.context.clear_cookies()

    # 7. The professional sees "completed" and the summary (the consent covers returning it).
    login(cast.referrer.username)
    page.goto(url + f"/referrals/{referral.pk}/")
    expect(page.locator("#referral-state")).to_have_attribute("data-state", "completed")
    expect(page.locator(".timeline")).to_contain_text("Perhe sai keinoja arjen kuormitukseen.")
    axe_check(page)
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED


def test_the_wizard_works_on_a_phone(phone_page, live_server, axe_check):
    from tests.factories import ProfessionalFactory

    user = ProfessionalFactory()
    page = phone_page
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "secret-pass-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/referrals/new/")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    axe_check(page)
