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


# What fails a page: every impact but "minor".
AXE_FAILING_IMPACTS = ("moderate", "serious", "critical")


def axe_violations(axe, page) -> list[str]:
    """axe-core's violations of impact moderate or higher on the page, each described."""
    violations = axe.run(page).response["violations"]
    return [_describe(v) for v in violations if v["impact"] in AXE_FAILING_IMPACTS]


@pytest.fixture
def axe_check():
    """Returns `check(page)`: run axe-core on the page, fail on violations of impact moderate,
    serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        bad = axe_violations(axe, page)
        if bad:
            pytest.fail(
                f"axe: {len(bad)} violation(s) of impact moderate or higher on {page.url}\n"
                + "\n".join(bad),
                pytrace=False,
            )

    return check


# What reaches past the right edge of the layout viewport, each as a short CSS path with its
# right edge: the outermost such elements, then the innermost (often the cause: a long word, a
# fixed width), then text that runs out of its box. Those inside a box that scrolls or clips
# them (a .table-scroll) are left out, as they do not make the page scroll.
WIDEST_ELEMENTS = """
() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      parts.unshift(name(e));
    }
    return parts.join(" > ");
  };
  const clipped = (from) => {
    for (let e = from; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") return true;
    }
    return false;
  };
  const right = new Map();
  for (const el of document.body.querySelectorAll("*")) {
    const edge = el.getBoundingClientRect().right;
    if (edge > width + 0.5 && !clipped(el.parentElement)) right.set(el, edge);
  }
  const byRight = (a, b) => right.get(b) - right.get(a);
  const show = (kind) => (el) =>
    `${kind} ${path(el)} (right edge at ${Math.round(right.get(el))} px)`;
  const all = [...right.keys()];
  const outermost = all.filter((el) => !right.has(el.parentElement)).sort(byRight).slice(0, 3);
  const innermost = all.filter((el) => ![...el.children].some((c) => right.has(c)))
    .filter((el) => !outermost.includes(el)).sort(byRight).slice(0, 4);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && texts.length < 3; node = walker.nextNode()) {
    if (!node.textContent.trim() || clipped(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const edge = range.getBoundingClientRect().right;
    if (edge > width + 0.5 && !right.has(node.parentElement)) {
      texts.push(`text in ${path(node.parentElement)} (right edge at ${Math.round(edge)} px): `
        + JSON.stringify(node.textContent.trim().slice(0, 40)));
    }
  }
  return [...outermost.map(show("outermost")), ...innermost.map(show("innermost")), ...texts];
}
"""


def overflow(page) -> list[str]:
    """Empty when the page does not scroll sideways, else what sticks out, widest first.

    The page's width is compared with the layout viewport's (`clientWidth` of the root), not
    with `window.innerWidth`: a mobile browser zooms out to show a page that is too wide, and
    then `innerWidth` grows with the page, so `scrollWidth <= innerWidth` always holds on a
    phone."""
    scroll_width, width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll_width <= width:
        return []
    widest = page.evaluate(WIDEST_ELEMENTS) or ["(no single element: margins or a pseudo-element)"]
    return [
        f"- scrolls sideways: {scroll_width} px wide in a {width} px window; widest:\n"
        + "\n".join(f"    {element}" for element in widest)
    ]


@pytest.fixture
def page_problems():
    """Returns `check(page)`: what is wrong with the page as shown, each line naming the page
    (empty when nothing): it scrolls sideways (with the widest elements) or axe-core finds
    violations of impact moderate or higher. Tests collect these over a journey and fail once,
    so that one run lists every page to fix."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> list[str]:
        found = overflow(page) + axe_violations(axe, page)
        if not found:
            return []
        path = page.url.split("//", 1)[-1].split("/", 1)[-1]
        return [f"/{path}:\n" + "\n".join(found)]

    return check


def log_in(page, url: str, username: str, password: str = PASSWORD) -> None:
    """Log in on `page` through the form, with the code step when the account has a second
    factor (a coordinator is given one, as if set up earlier; the code is computed from the
    device's key like an authenticator app); waits for the home page."""
    from directory.models import User
    from directory.two_factor import two_factor_required
    from tests.two_factor import code, confirmed_device

    user = User.objects.get(username=username)
    if two_factor_required(user):
        confirmed_device(user)
    page.goto(url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(url) + r"/(login/code/\?next=.*)?$"))
    if "/login/code/" in page.url:
        page.fill("#id_otp_token", code(confirmed_device(user)))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(url + "/")


@pytest.fixture
def login(page, live_server):
    """Returns `login(username, password)`: `log_in` on the test's `page`."""

    def do_login(username: str, password: str = PASSWORD) -> None:
        log_in(page, live_server.url, username, password)

    return do_login


@pytest.fixture
def log_in_on(live_server):
    """Returns `log_in_on(page, username, password)`: `log_in` on a page of the test's own
    (one of `sized_page`'s)."""

    def do_login(page, username: str, password: str = PASSWORD) -> None:
        log_in(page, live_server.url, username, password)

    return do_login


# The two sizes every page must fit: a phone and a laptop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}


@pytest.fixture
def sized_page(browser, browser_context_args, csp_violations):
    """Returns `open(viewport)`: a page in a new context of that size (a mobile one, with
    touch, below 600 px), otherwise like `page`; closed at the end of the test."""
    contexts = []

    def open_page(viewport: dict[str, int]):
        phone = viewport["width"] < 600
        context = browser.new_context(
            **{**browser_context_args, "viewport": viewport, "is_mobile": phone, "has_touch": phone}
        )
        watch_csp(context, csp_violations)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    fail_on_csp_violations(csp_violations)
