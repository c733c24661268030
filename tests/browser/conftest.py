"""Browser tests: pytest-playwright driving Debian's chromium against pytest-django's live_server.

Nothing is downloaded: the browser is /usr/bin/chromium (`apt-get install chromium`; CI's
`.ci/run` installs it), never one from `playwright install`.
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread from the first
# browser test until the end of the session, and Django refuses ORM calls from a thread with a
# running loop. The loop outlives this folder (the `playwright` fixture is session-scoped), so
# the switch has to be process-wide, not a per-test monkeypatch.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "secret-pass-123"  # what tests/factories.py gives every user
HERE = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Skip (before any fixture launches a browser) when chromium is not installed.

    This hook sees the items of the whole session, so it touches only those in this folder.
    Under PERHELINJA_NO_SKIP=1 (CI) tests/conftest.py turns these skips into failures.
    """
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install it with `apt-get install chromium` "
        "(CI's .ci/run does); never `playwright install`"
    )
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, headless (unless --headed), with no calls home."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url():
    """Overrides pytest-playwright's: tests go to `live_server.url + path`. (Also spares the
    PytestRemovedIn10Warning that the plugin's method-style fixture raises on pytest 9.)"""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Finnish desktop browser."""
    return {
        **browser_context_args,
        "locale": "fi-FI",
        "timezone_id": "Europe/Helsinki",
        "viewport": {"width": 1280, "height": 800},
    }


# Chromium logs every CSP refusal to the console ("... violates the following Content Security
# Policy directive ..."); the listener adds the event's own report, which also names the page.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `Content Security Policy violation on ${location.pathname}: ${event.violatedDirective} `
  + `refused ${event.blockedURI || "inline code"}`));
"""


def watch_csp(context, violations: list[str]) -> None:
    context.add_init_script(CSP_LISTENER)
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )


def fail_on_csp_violations(violations: list[str]) -> None:
    if violations:
        pytest.fail(
            f"{len(violations)} Content Security Policy violation(s):\n" + "\n".join(violations),
            pytrace=False,
        )


@pytest.fixture
def csp_violations() -> list[str]:
    """The CSP violations the browser reported in this test; any left at the end fail it."""
    return []


@pytest.fixture
def context(context, csp_violations):
    """pytest-playwright's context (behind `page`), watched for CSP violations on every page."""
    watch_csp(context, csp_violations)
    yield context
    fail_on_csp_violations(csp_violations)


@pytest.fixture
def phone_page(browser, browser_context_args, csp_violations):
    """A page in a phone-sized context (390x844, mobile), otherwise like `page`."""
    context = browser.new_context(
        **{
            **browser_context_args,
            "viewport": {"width": 390, "height": 844},
            "is_mobile": True,
            "has_touch": True,
        }
    )
    watch_csp(context, csp_violations)
    yield context.new_page()
    context.close()
    fail_on_csp_violations(csp_violations)


@pytest.fixture(autouse=True)
def _english():
    """Overrides tests/conftest.py's fixture of the same name: the live server must render with
    the project's real LANGUAGE_CODE (fi), as a user sees it; tests assert the UI text."""
    yield


def _describe(violation) -> str:
    lines = [f"- {violation['id']} [{violation['impact']}]: {violation['help']}"]
    for node in violation["nodes"][:3]:
        lines.append(f"    {node['target']}")
    if len(violation["nodes"]) > 3:
        lines.append(f"    ... and {len(violation['nodes']) - 3} more")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """Returns `check(page)`: run axe-core on the page, fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        violations = axe.run(page).response["violations"]
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        if bad:
            pytest.fail(
                f"axe: {len(bad)} serious/critical violation(s) on {page.url}\n"
                + "\n".join(_describe(v) for v in bad),
                pytrace=False,
            )

    return check


@pytest.fixture
def login(page, live_server):
    """Returns `login(username, password)`: log in through the form, with the code step when
    the account has a second factor (a coordinator is given one, as if set up earlier; the code
    is computed from the device's key like an authenticator app); waits for the home page."""
    from directory.models import User
    from directory.two_factor import two_factor_required
    from tests.two_factor import code, confirmed_device

    def do_login(username: str, password: str = PASSWORD) -> None:
        user = User.objects.get(username=username)
        if two_factor_required(user):
            confirmed_device(user)
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(login/code/\?next=.*)?$"))
        if "/login/code/" in page.url:
            page.fill("#id_otp_token", code(confirmed_device(user)))
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(live_server.url + "/")

    return do_login
