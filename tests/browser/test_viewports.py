"""Each role's journey on a phone (390x844) and a laptop (1366x800): no page scrolls sideways,
axe-core finds no violation of impact moderate or higher, and an invalid submit focuses the
error summary. One test per role and size walks that role's pages and fails once, listing every
page that is wrong, with the elements that stick out or the violations."""

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from appointments.services import offer_create, offer_token, shift_create
from evaluation import services as evaluation_services
from referrals.models import State
from tests.appointments.helpers import tomorrow
from tests.browser.conftest import DESKTOP, PHONE
from tests.evaluation.helpers import completed_referral
from tests.factories import Cast, referral_in_state

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME

# Both sizes in Finnish, and the phone in Swedish too: its longer words break lines first.
SIZES = pytest.mark.parametrize(
    ("viewport", "language"),
    [(PHONE, "fi"), (PHONE, "sv"), (DESKTOP, "fi")],
    ids=["phone-fi", "phone-sv", "desktop-fi"],
)


class World:
    """One organization's cast with a referral in each state a role's pages show: submitted
    (triage), assigned (the worker's inbox), accepted with a shift and an open offer (the
    calendar, the offer pages) and completed (the family's feedback link)."""

    def __init__(self):
        self.cast = Cast()
        self.submitted, _ = referral_in_state(State.SUBMITTED, self.cast)
        self.assigned, _ = referral_in_state(State.ASSIGNED, self.cast)
        self.accepted, _ = referral_in_state(State.ACCEPTED, self.cast)
        shift = shift_create(
            actor=self.cast.handler,
            worker=self.cast.handler,
            mode="phone",
            first_day=tomorrow(),
            start_time=datetime.time(9),
            end_time=datetime.time(13),
        )
        offer, _token = offer_create(
            referral=self.accepted,
            slots=list(shift.slots.order_by("starts_at")[:2]),
            actor=self.cast.handler,
        )
        self.offer_path = f"/f/{offer_token(offer)}/"
        completed, _ = completed_referral(cast=self.cast)
        invitation = evaluation_services.feedback_invitation_create(referral_id=completed.pk)
        self.feedback_path = f"/feedback/{evaluation_services.feedback_token(invitation)}/"


def walk(page, url: str, paths: list[str], page_problems) -> list[str]:
    """Visit the pages in turn; what is wrong with each, as `page_problems` says."""
    language = next(c["value"] for c in page.context.cookies() if c["name"] == LANGUAGE_COOKIE)
    problems = []
    for path in paths:
        # Every request of the page done (htmx fragments too) before the next page's: the
        # live server's SQLite allows one writer at a time.
        response = page.goto(url + path, wait_until="networkidle")
        if response.status != 200:
            problems.append(f"{path}: answered {response.status}")
            continue
        shown = page.evaluate("document.documentElement.lang")
        if shown != language:
            problems.append(f"{path}: in {shown!r}, not {language!r}")
        problems += page_problems(page)
    return problems


def submit_invalid(page, button: str, page_problems) -> list[str]:
    """Click `button` of a form left invalid: the page must come back with the error summary
    focused (and still fit and pass axe)."""
    where = page.url.split("//", 1)[-1].split("/", 1)[-1]
    page.locator(button).click()
    summary = page.locator("#error-summary")
    try:
        expect(summary).to_be_visible(timeout=5000)
    except AssertionError:
        return [f"/{where} (invalid submit): no error summary"]
    focused = page.evaluate("document.activeElement.id")
    problems = page_problems(page)
    if focused != "error-summary":
        problems.append(f"/{where} (invalid submit): the focus is on {focused!r}, not the summary")
    return problems


def speak(page, url: str, language: str) -> None:
    """Show the pages in `language` from now on, as the language switch would (after a login,
    which sets the person's own)."""
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
    )


def fail_on(problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{len(problems)} page(s) to fix:\n" + "\n".join(problems), pytrace=False)


@SIZES
def test_a_family_and_a_visitor_see_fitting_pages(
    sized_page, live_server, page_problems, viewport, language
):
    world = World()
    page = sized_page(viewport)
    speak(page, live_server.url, language)

    problems = walk(
        page,
        live_server.url,
        [
            "/login/",
            "/palvelut/",
            "/accessibility/",
            "/privacy/",
            world.offer_path,
            world.feedback_path,
        ],
        page_problems,
    )
    # The family's feedback sent with no answer.
    problems += submit_invalid(page, "main form button[type=submit]", page_problems)
    fail_on(problems)


@SIZES
def test_a_professional_sees_fitting_pages(
    sized_page, live_server, log_in_on, page_problems, viewport, language
):
    world = World()
    page = sized_page(viewport)
    log_in_on(page, world.cast.referrer.username)
    speak(page, live_server.url, language)
    problems = walk(
        page,
        live_server.url,
        ["/", "/referrals/", f"/referrals/{world.submitted.pk}/", "/referrals/new/"],
        page_problems,
    )

    # An invalid first step of the wizard: the error summary takes the focus.
    page.check("input[name=given_by_role][value=guardian]")
    page.check("input[name=scopes][value=contact_phone]")  # no sharing: refused
    problems += submit_invalid(page, "main form button[type=submit] >> nth=-1", page_problems)
    fail_on(problems)


@SIZES
def test_a_worker_sees_fitting_pages(
    sized_page, live_server, log_in_on, page_problems, viewport, language
):
    world = World()
    page = sized_page(viewport)
    log_in_on(page, world.cast.handler.username)
    speak(page, live_server.url, language)

    offer = f"/appointments/for-referral/{world.accepted.pk}/offer/"
    problems = walk(
        page,
        live_server.url,
        [
            "/",
            "/inbox/",
            f"/referrals/{world.assigned.pk}/",
            f"/referrals/{world.accepted.pk}/",
            "/calendar/",
            "/capacity/",
            "/outreach/",
            offer,
        ],
        page_problems,
    )
    # Offering no time at all.
    problems += submit_invalid(page, "main form button[type=submit] >> nth=-1", page_problems)
    fail_on(problems)


@SIZES
def test_a_coordinator_sees_fitting_pages(
    sized_page, live_server, log_in_on, page_problems, viewport, language
):
    world = World()
    page = sized_page(viewport)
    log_in_on(page, world.cast.coordinator.username)
    speak(page, live_server.url, language)

    triage = f"/triage/{world.submitted.pk}/"
    problems = walk(
        page,
        live_server.url,
        ["/", "/triage/", "/insight/", "/insight/comments/", triage],
        page_problems,
    )
    # Asking the referrer a question, with no question (the action may be folded away).
    if page.locator("details:has(#action-return)").count():
        page.locator("#action-return").click()
    ask = f"form[action$='{triage}return/'] button[type=submit]"
    problems += submit_invalid(page, ask, page_problems)
    fail_on(problems)


def test_the_overflow_check_names_the_widest_element(sized_page, page_problems):
    """The harness itself: a page wider than a phone is reported with what sticks out, though
    the phone zooms out to show it all."""
    page = sized_page(PHONE)
    page.set_content(
        '<html lang="fi"><head><title>t</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body><main><h1>Otsikko</h1><p id="wide" style="width: 900px">Teksti</p>'
        '<div style="overflow-x: auto"><p style="width: 2000px">Rullaa</p></div>'
        f'<p id="narrow" style="width: 100px">{"Lasten" * 30}</p>'
        f'<p style="width: 100px; overflow: hidden">{"Piilossa" * 30}</p>'
        "</main></body></html>"
    )

    problems = page_problems(page)

    assert page.evaluate("window.innerWidth") > PHONE["width"]  # zoomed out: innerWidth lies
    assert len(problems) == 1
    assert "px wide in a 390 px window" in problems[0]
    assert "outermost main > p#wide (right edge at 9" in problems[0]
    assert "text in main > p#narrow (right edge at " in problems[0]  # a word too long
    assert "2000" not in problems[0]  # the one in its own scrolling box is not to blame
    assert "Piilossa" not in problems[0]  # clipped by its own box


def test_axe_check_fails_on_moderate_violations(sized_page, axe_check):
    """The harness itself: a skipped heading level (impact moderate) fails."""
    page = sized_page(DESKTOP)
    page.set_content(
        '<html lang="fi"><head><title>t</title></head>'
        "<body><main><h1>Otsikko</h1><h3>Alaotsikko</h3></main></body></html>"
    )

    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    assert "heading-order [moderate]" in str(failure.value)
