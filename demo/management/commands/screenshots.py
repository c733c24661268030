"""Full-page screenshots of each role's main pages, in Finnish and Swedish, on a phone and a
laptop, for review: `<out>/<language>/<width>x<height>/<role>-<page>.png`.

Run on the demo data (`make screenshots` migrates a throwaway database and seeds it first). The
command serves the site itself on a free local port and drives Debian's chromium
(/usr/bin/chromium) through Playwright; it never downloads a browser. Each role logs in once
through the login form (the coordinator with the demo's second factor) and its session is
reused for every language and size.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import (
    ThreadedWSGIServer,
    WSGIRequestHandler,
    is_broken_pipe_error,
)
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import sync_playwright

from appointments.models import SlotOffer
from appointments.services import offer_token
from demo.management.commands.seed_demo import PROFESSIONALS
from directory import two_factor
from directory.models import User
from evaluation.models import FeedbackInvitation
from evaluation.services import feedback_token
from referrals.models import Referral, State

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
LANGUAGES = ("fi", "sv")
SIZES = {"phone": (390, 844), "desktop": (1366, 800)}


@dataclass
class RolePages:
    """One role's pictures: its demo user (none for the anonymous visitor) and its pages,
    each a (name, path) pair."""

    name: str
    username: str = ""
    pages: list[tuple[str, str]] = field(default_factory=list)


class QuietHandler(WSGIRequestHandler):
    """No request log: the command reports what it writes."""

    def log_message(self, format, *args):
        pass


class Server(ThreadedWSGIServer):
    """The site on a free local port, for the browser only."""

    def handle_error(self, request, client_address):
        if not is_broken_pipe_error():  # the browser left a page before its last request
            super().handle_error(request, client_address)


class Command(BaseCommand):
    help = (
        "Write full-page screenshots of each role's main pages in Finnish and Swedish at "
        "390x844 and 1366x800 (refuses to run when DEBUG is off)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default="screenshots", help="The folder to write into.")
        parser.add_argument(
            "--language", action="append", choices=LANGUAGES, help="Only these languages."
        )
        parser.add_argument("--size", action="append", choices=list(SIZES), help="Only these.")
        parser.add_argument(
            "--page",
            action="append",
            metavar="ROLE-PAGE",
            help="Only these pages, e.g. anonymous-login or worker-calendar.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "screenshots only runs with DEBUG=True: it logs in with the demo's passwords."
            )
        roles = self.roles()
        if not CHROMIUM.exists():
            raise CommandError(
                f"{CHROMIUM} is missing: install it with `apt-get install chromium`."
            )
        wanted = set(options["page"] or [])
        if wanted:
            unknown = wanted - {f"{r.name}-{name}" for r in roles for name, _path in r.pages}
            if unknown:
                raise CommandError(f"No such page: {', '.join(sorted(unknown))}.")
            for role in roles:
                role.pages = [p for p in role.pages if f"{role.name}-{p[0]}" in wanted]
            roles = [role for role in roles if role.pages]
        languages = options["language"] or list(LANGUAGES)
        sizes = {name: SIZES[name] for name in options["size"] or SIZES}
        out = Path(options["out"])
        server = Server(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        server.set_app(get_wsgi_application())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        written = 0
        # The site answers on its own address, whatever the settings allow otherwise.
        allowed = override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "127.0.0.1"])
        allowed.enable()
        try:
            # Playwright's sync API runs an event loop in its thread, and Django refuses the ORM
            # in such a thread: the browser gets a thread of its own, the ORM stays here.
            with ThreadPoolExecutor(max_workers=1) as browser_thread:
                for role in roles:
                    code = self.second_factor_code(role.username)
                    written += browser_thread.submit(
                        self.shoot, url, role, code, languages, sizes, out
                    ).result()
        finally:
            server.shutdown()
            server.server_close()
            allowed.disable()
        self.stdout.write(self.style.SUCCESS(f"{written} screenshots written to {out}/."))

    # --- what to take ------------------------------------------------------------------------

    def roles(self) -> list[RolePages]:
        """Each role's main pages on the demo data, found before the browser starts."""
        professional = PROFESSIONALS[0][0]
        coordinator = "coordinator"
        missing = {professional, coordinator} - set(
            User.objects.filter(username__in=[professional, coordinator]).values_list(
                "username", flat=True
            )
        )
        if missing:
            raise CommandError(
                f"The demo users {', '.join(sorted(missing))} are missing: run "
                "`manage.py seed_demo` first."
            )
        offer = (
            SlotOffer.objects.filter(appointment__isnull=True, expires_at__gt=timezone.now())
            .select_related("referral__handler")
            .order_by("pk")
            .first()
        )
        accepted = (
            offer.referral
            if offer
            else Referral.objects.filter(state=State.ACCEPTED, handler__isnull=False)
            .select_related("handler")
            .order_by("pk")
            .first()
        )
        invitation = FeedbackInvitation.objects.filter(used=False).order_by("pk").first()
        mine = (
            Referral.objects.filter(referrer__username=professional)
            .exclude(state=State.DRAFT)
            .order_by("-pk")
            .first()
        )
        waiting = Referral.objects.filter(state=State.SUBMITTED).order_by("pk").first()

        anonymous = RolePages(
            "anonymous",
            pages=[
                ("login", reverse("login")),
                ("catalogue", reverse("catalogue")),
                ("accessibility", reverse("accessibility")),
                ("privacy", reverse("privacy")),
            ],
        )
        if offer:
            anonymous.pages.append(
                ("offer", reverse("appointments:family_offer", args=[offer_token(offer)]))
            )
        if invitation:
            anonymous.pages.append(
                (
                    "feedback",
                    reverse("evaluation:family_feedback", args=[feedback_token(invitation)]),
                )
            )
        pro = RolePages(
            "professional",
            professional,
            [("home", "/"), ("referrals", reverse("referrals:mine"))],
        )
        if mine:
            pro.pages.append(("referral", reverse("referrals:detail", args=[mine.pk])))
        pro.pages.append(("new", reverse("referrals:new")))
        coord = RolePages(
            "coordinator", coordinator, [("home", "/"), ("triage", reverse("referrals:triage"))]
        )
        if waiting:
            coord.pages.append(("referral", reverse("referrals:triage_detail", args=[waiting.pk])))
        coord.pages += [
            ("dashboard", reverse("insight:dashboard")),
            ("comments", reverse("insight:comments")),
        ]
        roles = [anonymous, pro]
        if accepted:
            roles.append(
                RolePages(
                    "worker",
                    accepted.handler.username,
                    [
                        ("home", "/"),
                        ("inbox", reverse("referrals:inbox")),
                        ("referral", reverse("referrals:detail", args=[accepted.pk])),
                        ("calendar", reverse("appointments:week")),
                        ("offer", reverse("appointments:offer", args=[accepted.pk])),
                        ("capacity", reverse("appointments:capacity")),
                        ("outreach", reverse("evaluation:outreach")),
                    ],
                )
            )
        else:
            self.stderr.write("No accepted referral with a worker: no worker pages.")
        return [*roles, coord]

    @staticmethod
    def second_factor_code(username: str) -> str:
        """The current code of the user's second factor, as the demo's authenticator app would
        show it; empty for a user without one."""
        user = User.objects.filter(username=username).first()
        device = two_factor.confirmed_device(user) if user else None
        return two_factor.current_code(device) if device else ""

    # --- taking them (in the browser's thread: no ORM here) ----------------------------------

    def shoot(self, url, role, code, languages, sizes, out) -> int:
        written = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            state = self.log_in(browser, url, role, code) if role.username else None
            for language in languages:
                for width, height in sizes.values():
                    phone = width < 600
                    context = browser.new_context(
                        storage_state=state,
                        viewport={"width": width, "height": height},
                        is_mobile=phone,
                        has_touch=phone,
                        locale="fi-FI" if language == "fi" else "sv-FI",
                        timezone_id="Europe/Helsinki",
                    )
                    context.add_cookies(
                        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
                    )
                    page = context.new_page()
                    folder = out / language / f"{width}x{height}"
                    folder.mkdir(parents=True, exist_ok=True)
                    for name, path in role.pages:
                        response = page.goto(url + path, wait_until="networkidle")
                        if response is None or response.status != 200:
                            status = response.status if response else "no answer"
                            self.stderr.write(f"{role.name}-{name} ({language}): {status}")
                        scroll_width, client_width = page.evaluate(
                            "[document.documentElement.scrollWidth,"
                            " document.documentElement.clientWidth]"
                        )
                        if scroll_width > client_width:
                            self.stderr.write(
                                f"{role.name}-{name} ({language}, {width}x{height}) scrolls "
                                f"sideways: {scroll_width} px wide."
                            )
                        page.screenshot(path=folder / f"{role.name}-{name}.png", full_page=True)
                        written += 1
                    context.close()
            browser.close()
        return written

    @staticmethod
    def log_in(browser, url: str, role: RolePages, code: str) -> dict:
        """Log in through the form once; the session (cookies) for every other context."""
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + reverse("login"))
        page.fill("#id_username", role.username)
        page.fill("#id_password", settings.DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(re.escape(url) + r"/(login/code/\?next=.*)?$"))
        if reverse("two_factor_verify") in page.url:
            page.fill("#id_otp_token", code)
            page.locator("main form button[type=submit]").click()
        page.wait_for_url(url + "/")
        state = context.storage_state()
        context.close()
        return state
