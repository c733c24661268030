"""The evaluation pages in a real browser: the family's questionnaire on a phone, the
referrer's question with htmx, outreach records and the coordinator's tables; each passes
axe-core and the Content Security Policy."""

import datetime

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import FeedbackAnswer, OutreachActivity, ReferrerFeedback
from referrals.models import State
from tests.evaluation.helpers import completed_referral
from tests.factories import CoordinatorFactory, WorkerFactory, referral_in_state

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_family_answers_on_a_phone(phone_page, live_server, axe_check):
    referral, _cast = completed_referral()
    invitation = services.feedback_invitation_create(referral_id=referral.pk)
    url = live_server.url + f"/feedback/{services.feedback_token(invitation)}/"
    phone_page.goto(url)
    expect(phone_page.locator("html")).to_have_attribute("lang", "fi")
    expect(phone_page.locator("fieldset legend")).to_have_count(3)
    assert _fits(phone_page)
    axe_check(phone_page)
    for name, value in (("useful", "5"), ("easy_to_reach", "4"), ("would_recommend", "5")):
        phone_page.locator(f"input[name={name}][value='{value}']").check()
    phone_page.locator("main form button[type=submit]").click()
    expect(phone_page.locator("#feedback-state")).to_have_attribute("data-state", "answered")
    axe_check(phone_page)
    assert FeedbackAnswer.objects.get().useful == 5


def test_the_referrer_answers_in_place(page, live_server, login, axe_check):
    referral, cast = referral_in_state(State.COMPLETED)
    login(cast.referrer.username)
    page.goto(live_server.url + f"/referrals/{referral.pk}/")
    section = page.locator("#referrer-feedback")
    expect(section.locator("fieldset")).to_have_count(2)
    axe_check(page)
    section.locator("input[name=reached][value=yes]").check()
    section.locator("input[name=speed][value='4']").check()
    section.locator("button[type=submit]").click()
    expect(page.locator("#referrer-feedback [role=status]")).to_be_visible()
    assert page.url == live_server.url + f"/referrals/{referral.pk}/"  # swapped by htmx
    axe_check(page)
    assert ReferrerFeedback.objects.get().reached == "yes"


def test_a_worker_records_outreach(page, live_server, login, axe_check):
    worker = WorkerFactory()
    login(worker.username)
    page.goto(live_server.url + "/outreach/new/")
    axe_check(page)
    page.fill("#id_date", (datetime.date.today() - datetime.timedelta(days=2)).isoformat())
    page.select_option("#id_municipality", label="Laitila")
    page.locator("input[name=kind][value=lecture]").check()
    page.locator("input[name=audience][value=both]").check()
    page.fill("#id_head_count", "23")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/outreach/")
    expect(page.get_by_role("cell", name="23", exact=True)).to_be_visible()
    axe_check(page)
    activity = OutreachActivity.objects.get()
    assert list(activity.organizations.all()) == [worker.organization]


def test_the_coordinator_reads_the_tables_and_the_own_words(page, live_server, login, axe_check):
    coordinator = CoordinatorFactory()
    referral, _cast = completed_referral()
    invitation = services.feedback_invitation_create(referral_id=referral.pk)
    services.feedback_answer_submit(
        invitation=invitation, useful=4, easy_to_reach=4, would_recommend=5, comment="Hyvä"
    )
    login(coordinator.username)
    page.goto(live_server.url + "/insight/")
    expect(page.locator("#evaluation-heading")).to_be_visible()
    axe_check(page)
    page.goto(live_server.url + "/insight/comments/")
    expect(page.locator("#comments blockquote")).to_have_text("Hyvä")
    axe_check(page)
