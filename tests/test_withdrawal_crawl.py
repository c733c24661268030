"""After the family withdraws its consent, the organization's worker finds none of the family's
personal data anywhere: a crawl of every URL pattern of the project (pages, API, PDFs), with
the ids of a rich situation filled in, as that worker. Only the referral's number, state and
dates may stay visible to them.

The crawl enumerates the URL patterns itself, so a page or endpoint added later is crawled
too; one whose path parameters the crawl cannot fill fails `test_the_crawl_reaches_every_url
_pattern` until it is taught how (or listed in UNFILLED with the reason).
"""

from __future__ import annotations

import datetime
import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.regex_helper import normalize

from appointments import services as appointment_services
from appointments.models import Appointment, AppointmentState, SlotOffer
from consent.models import Consent
from directory.models import Service
from referrals import services
from referrals.actions import PATHS
from referrals.models import Referral, State
from tests.appointments.helpers import accepted_with_shift
from tests.factories import ConsentFactory, api_client_for, draft_referral
from tests.two_factor import login

pytestmark = pytest.mark.django_db

# --- the family: distinctive values, and how each is looked for in a response ----------------

NAME = "Zelda Crawltest"
GUARDIAN = "Ulla Huoltajatesti"  # who gave the consent: also the family's name
PHONE = "+358 40 123 4567"
EMAIL = "zelda.crawl@example.org"
DESCRIPTION = "Perhe toivoo keskusteluapua; avainsana Quibblewhisk."
PREFERRED_TIMES = "Torstaisin Xanthoroutine-aikaan"
IDENTITY_CODE = "070611A917S"  # valid check character; pages show it masked as 070611A****
BIRTH_YEARS = [2011, 2014]
REASON = "Perhe perui suostumuksen puhelimessa"

# What each personal field looks like in a body (compared case-insensitively, after HTML
# unescaping): a distinctive part, so other renderings ("Crawltest, Zelda", "+358401234567",
# the masked identity code) are caught too.
NEEDLES = {
    "contact_name": ("Crawltest",),
    "consent.given_by_name": ("Huoltajatesti",),
    "contact_phone": ("40 123 4567", "401234567"),
    "contact_email": ("zelda.crawl",),
    "description": ("Quibblewhisk",),
    "preferred_times": ("Xanthoroutine",),
    "identity_code": ("070611",),  # the birth date part, which the masked form still shows
}
# "2011, 2014" on pages and in PDFs, [2011, 2014] in JSON, or a {"birth_year": 2011} row.
BIRTH_YEARS_PATTERN = re.compile(r"\b2011\b\W{1,6}\b2014\b|birth_year\W{1,6}201[14]\b")


def personal_fields_in(text: str) -> dict[str, str]:
    """The family's fields found in `text`, each with an excerpt around its first match."""
    text = html.unescape(text)
    lowered = text.lower()
    found = {}
    for name, needles in NEEDLES.items():
        for needle in needles:
            at = lowered.find(needle.lower())
            if at >= 0:
                found[name] = excerpt(text, at, len(needle))
                break
    match = BIRTH_YEARS_PATTERN.search(text)
    if match:
        found["children_birth_years"] = excerpt(text, match.start(), len(match[0]))
    return found


def excerpt(text: str, at: int, length: int, around: int = 70) -> str:
    return " ".join(text[max(0, at - around) : at + length + around].split())


def pdftotext(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


# --- the situation ---------------------------------------------------------------------------


@dataclass
class Situation:
    referral: Referral  # the family's, to be withdrawn
    other: Referral  # an unrelated family's, accepted by the same worker: stays shared
    worker: object  # the organization's worker handling both
    referrer: object
    appointment: Appointment
    offer: SlotOffer
    token: str  # the family's link to the offer
    shift: object
    service: Service


@pytest.fixture
def situation() -> Situation:
    """An accepted referral with every personal field filled in, a booked appointment and an
    open time offer; beside it an unrelated accepted referral of the same organization and
    worker, so that lists are not empty after the withdrawal."""
    other, cast, shift = accepted_with_shift()
    consent = ConsentFactory(
        recorded_by=cast.referrer, given_by_name=GUARDIAN, scope_contact_email=True
    )
    referral = draft_referral(
        referrer=cast.referrer, consent=consent, target_group=cast.target_group,
        challenges=[cast.challenge], contact_name=NAME, contact_phone=PHONE, contact_email=EMAIL,
        description=DESCRIPTION, preferred_times=PREFERRED_TIMES, identity_code=IDENTITY_CODE,
    )  # fmt: skip
    referral = services.referral_update(
        referral=referral, actor=cast.referrer, children_birth_years=BIRTH_YEARS
    )
    for step in PATHS[State.ACCEPTED]:
        referral = cast.run(referral, step)
    slots = list(shift.slots.order_by("starts_at"))
    appointment = appointment_services.appointment_book(
        referral=referral, slot=slots[0], actor=cast.handler
    )
    offer, token = appointment_services.offer_create(
        referral=referral, slots=slots[1:3], actor=cast.handler
    )
    return Situation(
        referral=Referral.objects.get(pk=referral.pk), other=other, worker=cast.handler,
        referrer=cast.referrer, appointment=appointment, offer=offer, token=token, shift=shift,
        service=Service.objects.filter(organization=cast.organization).first(),
    )  # fmt: skip


def withdraw(situation: Situation, capture) -> None:
    with capture(execute=True):
        services.consent_withdraw(
            consent=situation.referral.consent, actor=situation.referrer, reason=REASON
        )
    # The crawl below means something only if the withdrawal did what it should.
    assert Consent.objects.get(pk=situation.referral.consent_id).is_withdrawn
    assert Referral.objects.get(pk=situation.referral.pk).state == State.WITHDRAWN
    assert (
        Appointment.objects.get(pk=situation.appointment.pk).state
        == AppointmentState.CANCELLED_BY_FAMILY
    )
    assert SlotOffer.objects.get(pk=situation.offer.pk).is_expired


# --- the crawl -------------------------------------------------------------------------------

# URL patterns whose parameters the situation has nothing for, and why.
UNFILLED = {
    # The family's feedback link: an invitation is made when a referral completes.
    "evaluation:family_feedback",
    # A family's feedback answer (coordinators only, POST only): there is none.
    "evaluation:comment_remove",
    # A coordinator's own insight report: there is none, and it holds aggregates only.
    "referrals:insight_report",
    "referrals:insight_report_pdf",
    # Outreach activities: there is none, and they hold no family's data.
    "evaluation:outreach_edit",
    "evaluation:outreach_delete",
    # Outcome reports: the referral was withdrawn before any service was given.
    "outcome-detail",
}

# Which object a `pk` stands for, by the path segment before it.
PK_SEGMENTS = {
    "referrals": "referral", "for-referral": "referral", "triage": "referral",
    "pool": "referral", "appointments": "appointment", "shifts": "shift",
    "consents": "consent", "organizations": "organization", "services": "service",
}  # fmt: skip


@dataclass
class Pattern:
    regex: str  # the whole path's regex, as Django's reverse() joins it
    name: str | None  # namespaced
    callback: object
    params: list[str] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return self.regex.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.regex.startswith("api/")


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, through every include."""

    def walk(resolver, prefix: str, namespace: str | None):
        for p in resolver.url_patterns:
            regex = prefix + p.pattern.regex.pattern.removeprefix("^")
            if isinstance(p, URLResolver):
                inner = namespace
                if p.namespace:
                    inner = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p, regex, inner)
            else:
                name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
                yield Pattern(regex, name, p.callback, list(p.pattern.regex.groupindex))

    return list(walk(get_resolver(), "", None))


def objects_of(s: Situation) -> dict[str, int]:
    return {
        "referral": s.referral.pk, "appointment": s.appointment.pk, "shift": s.shift.pk,
        "consent": s.referral.consent_id, "organization": s.referral.organization_id,
        "service": s.service.pk,
    }  # fmt: skip


def segments_before(regex: str, param: str) -> list[str]:
    before = regex[: regex.index(f"(?P<{param}>")].replace("\\", "")  # re.escape()d routes
    return [part for part in before.split("/") if part]


def admin_object(regex: str, param: str) -> str:
    """The newest row of the admin page's model (the admin refuses a worker before it looks
    anything up, so pk 1 does where the model has no rows)."""
    app_label, model_name = segments_before(regex, param)[-2:]
    model = apps.get_model(app_label, model_name)
    row = model._default_manager.order_by("-pk").first()
    return str(row.pk if row else 1)


def param_value(pattern: Pattern, param: str, s: Situation) -> str | None:
    regex = pattern.regex
    if param == "format":
        return "json"
    if param in ("action", "name"):
        return "withdraw"  # every such URL takes POST only; a GET must still not leak
    if param == "token":
        return s.token if regex.startswith("f/") else None
    if param == "app_label":
        return "referrals"
    if param == "content_type_id":
        return str(ContentType.objects.get_for_model(Referral).pk)
    if param == "url":  # the admin's catch-all
        return f"referrals/referral/{s.referral.pk}/"
    if param == "object_id" and "content_type_id" in pattern.params:  # the admin's view-on-site
        return str(s.referral.pk)
    if pattern.is_admin:
        return admin_object(regex, param)
    kind = PK_SEGMENTS.get(segments_before(regex, param)[-1])
    return None if kind is None else str(objects_of(s)[kind])


def fill(pattern: Pattern, s: Situation) -> str | None:
    """The pattern's path with the situation's ids in, or None when it cannot be filled."""
    values = {p: param_value(pattern, p, s) for p in pattern.params}
    if None in values.values():
        return None
    for template, names in normalize(pattern.regex):
        if set(names) == set(values):
            return "/" + template % values
    return None


def query_variants(s: Situation) -> list[str]:
    """What the list pages and endpoints are also asked with: the withdrawn state, one
    referral's appointments, and the calendar week of the (cancelled) appointment."""
    year, week, _day = timezone.localtime(s.appointment.starts_at).isocalendar()
    return [
        "", "?state=withdrawn", f"?referral={s.referral.pk}", f"?week={year}-W{week:02d}",
        f"?state=withdrawn&state={State.SCHEDULED}&referral={s.referral.pk}",
    ]  # fmt: skip


@dataclass
class Fetched:
    url: str
    via: str  # how: "session", "session+htmx", "session+html", "token"
    status: int
    content_type: str
    body: bytes
    headers: str

    @property
    def is_pdf(self) -> bool:
        return self.content_type.startswith("application/pdf") or self.body[:5] == b"%PDF-"

    def text(self) -> str:
        body = self.body.decode("latin-1" if self.is_pdf else "utf-8", errors="replace")
        return f"{self.headers}\n{body}"


def crawl(s: Situation, *, only=lambda pattern: True) -> list[Fetched]:
    """GET every fillable URL pattern (see UNFILLED for the others) as the worker: with a
    logged-in session (plain, and as htmx asks), the API's also asking for the browsable HTML
    and with the worker's token."""
    from django.test import Client

    session = Client(raise_request_exception=False)
    login(session, s.worker)
    token = api_client_for(s.worker)
    token.raise_request_exception = False
    cache.clear()  # the API's throttle counts live in the cache; this crawl is not about them

    fetched = []
    for pattern in url_patterns():
        url = fill(pattern, s) if only(pattern) else None
        if url is None:
            continue
        assert resolve(url.split("?")[0]).func == pattern.callback, (url, pattern.regex)
        queries = [""] if pattern.params or pattern.is_admin else query_variants(s)
        for query in queries:
            ways = [("session", {})]
            if not pattern.is_admin:
                ways += [("session+htmx", {"HTTP_HX_REQUEST": "true"})]
            if pattern.is_api:
                ways += [("session+html", {"HTTP_ACCEPT": "text/html"}), ("token", None)]
            for via, headers in ways:
                if via == "token":
                    response = token.get(url + query)
                else:
                    if session.session.get("_auth_user_id") != str(s.worker.pk):
                        login(session, s.worker)  # a crawled page (logout?) ended the session
                    response = session.get(url + query, **headers)
                fetched.append(as_fetched(url + query, via, response))
    return fetched


def as_fetched(url: str, via: str, response) -> Fetched:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Fetched(
        url=url, via=via, status=response.status_code,
        content_type=response.get("Content-Type", ""), body=body,
        headers="\n".join(f"{k}: {v}" for k, v in response.items()),
    )  # fmt: skip


def problems_in(fetched: list[Fetched], text=Fetched.text) -> list[str]:
    """Every leak ((url, field) with an excerpt) and every server error, one line each."""
    problems = []
    for f in fetched:
        if f.status >= 500 or f.status == 429:  # a failure, or a throttle that hid the body
            body = f.body.decode(errors="replace")
            problems.append(f"{f.status} {f.via} GET {f.url}: {excerpt(body, 0, 0, 200)}")
        for name, seen in personal_fields_in(text(f)).items():
            problems.append(f"LEAK {f.via} GET {f.url} [{f.status}] {name}: …{seen}…")
    return problems


# --- the tests -------------------------------------------------------------------------------


def test_the_crawl_reaches_every_url_pattern(situation):
    """A pattern the crawl cannot fill is a page it never looks at: each must be known."""
    unfilled = {p.name or p.regex for p in url_patterns() if fill(p, situation) is None}
    assert unfilled == UNFILLED, (
        "Teach the crawl to fill these URL patterns' parameters, or list them in UNFILLED "
        "with the reason"
    )


def test_the_worker_sees_the_family_before_the_withdrawal(situation, client):
    """The positive control: while the consent shares the referral, the worker's page and
    API detail show the family, and the crawl's detector finds each field there (so a
    rendering it does not recognize cannot pass the crawl silently)."""
    login(client, situation.worker)
    page = client.get(reverse("referrals:detail", args=[situation.referral.pk]))
    api = api_client_for(situation.worker).get(f"/api/v1/referrals/{situation.referral.pk}/")
    assert page.status_code == api.status_code == 200
    assert NAME in page.content.decode()
    assert api.json()["contact_name"] == NAME

    found = {}
    for response in (page, api):
        found |= personal_fields_in(as_fetched("", "", response).text())
    # The consent's giver is not shown to the organization even now.
    assert set(found) == {*NEEDLES, "children_birth_years"} - {"consent.given_by_name"}


def test_after_the_withdrawal_no_page_or_api_shows_the_family_to_the_worker(
    situation, django_capture_on_commit_callbacks
):
    """Every page and endpoint, with every id of the situation, as the organization's worker:
    no body (nor header) has any of the family's values, and nothing fails with a 500. PDFs are
    searched as bytes here (their text is compressed: the next test reads it)."""
    withdraw(situation, django_capture_on_commit_callbacks)

    fetched = crawl(situation)

    assert len({f.url for f in fetched}) > 100  # the crawl did crawl
    # The lists were not empty: the unrelated family's referral is still shared with the
    # worker and shows, while the withdrawn one is listed by number and state only.
    [listed] = [f for f in fetched if f.url == "/api/v1/referrals/" and f.via == "token"]
    rows = {row["id"]: row for row in json.loads(listed.body)["results"]}
    assert rows[situation.other.pk]["contact_name"] == "Maija Meikäläinen"
    assert rows[situation.referral.pk]["state"] == State.WITHDRAWN
    problems = problems_in(fetched)
    assert not problems, "\n".join(problems)


def test_after_the_withdrawal_no_pdf_the_worker_can_fetch_has_the_family_in_its_text(
    situation, client, django_capture_on_commit_callbacks
):
    """The PDFs' text, read with poppler's pdftotext: the bytes alone hide it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("PDF text not checked: needs poppler-utils (apt-get install poppler-utils)")
    login(client, situation.worker)
    summary = client.get(reverse("documents:summary", args=[situation.referral.pk]))
    assert summary.status_code == 200
    assert NAME in pdftotext(summary.content)  # the control: the text is readable

    withdraw(situation, django_capture_on_commit_callbacks)
    fetched = crawl(situation, only=lambda pattern: ".pdf" in pattern.regex)

    pdfs = [f for f in fetched if f.is_pdf]
    problems = problems_in(pdfs, text=lambda f: pdftotext(f.body))
    assert not problems, "\n".join(problems)


def test_the_withdrawn_referral_keeps_its_number_state_and_dates_for_the_worker(
    situation, django_capture_on_commit_callbacks
):
    """What may stay: the API list still tells the worker the referral's number, its state and
    its dates, with the personal fields blank."""
    withdraw(situation, django_capture_on_commit_callbacks)
    response = api_client_for(situation.worker).get("/api/v1/referrals/?state=withdrawn")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["state"]) == (situation.referral.pk, State.WITHDRAWN)
    assert row["created_at"] and row["accepted_at"] and row["closed_at"]
    assert datetime.datetime.fromisoformat(row["closed_at"]) <= timezone.now()
    blanks = ("contact_name", "contact_phone", "contact_email", "identity_code", "description")
    assert all(row[name] == "" for name in blanks)
