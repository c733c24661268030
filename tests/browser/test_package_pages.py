"""The service package pages on a phone (390x844) and a laptop: no page scrolls sideways,
axe-core finds no violation of impact moderate or higher, and an invalid submit focuses the
error summary."""

import pytest

from packages import services
from packages.models import State
from referrals.models import State as ReferralState
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_viewports import fail_on, speak, submit_invalid, walk
from tests.factories import Cast, referral_in_state
from tests.packages.helpers import package_in_state

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(PHONE, "fi"), (PHONE, "sv"), (DESKTOP, "fi")],
    ids=["phone-fi", "phone-sv", "desktop-fi"],
)
def test_the_package_pages_fit_and_pass_axe(
    sized_page, live_server, log_in_on, page_problems, viewport, language
):
    running, cast = package_in_state(State.RUNNING)
    referral, _people = referral_in_state(ReferralState.SUBMITTED, Cast())
    services.package_attribute(package=running, actor=cast.coordinator, referral=referral.pk)
    inviting, _cast = package_in_state(State.INVITING, cast)
    draft = cast.draft()
    page = sized_page(viewport)
    log_in_on(page, cast.coordinator.username)
    speak(page, live_server.url, language)
    problems = walk(
        page,
        live_server.url,
        [
            "/packages/",
            f"/packages/{draft.pk}/",
            f"/packages/{inviting.pk}/",
            f"/packages/{running.pk}/",
            f"/package-reports/{running.pk}/",
            "/packages/new/",
        ],
        page_problems,
    )
    problems += submit_invalid(page, "main form button[type=submit] >> nth=-1", page_problems)
    fail_on(problems)
