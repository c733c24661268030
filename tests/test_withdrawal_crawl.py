"""After the family withdraws its consent, the organization's worker finds none of the family's
personal data anywhere: a crawl of every URL pattern of the project (pages, API, PDFs), with
the ids of a rich situation filled in, as that worker. Only the referral's number, state and
dates may stay visible to them.

The crawl enumerates the URL patterns itself, so a page or endpoint added later is crawled
too; one whose path parameters it cannot fill fails `test_the_crawl_fills_every_url_pattern`
until the crawl is taught how (or the pattern is listed in UNFILLED with the reason).
"""

from __future__ import annotations

import datetime
import html
import itertools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.regex_helper import normalize

from appointments import services as appointment_services
from appointments.models import Appointment, AppointmentState, NextStep, ServiceGiven, SlotOffer
from consent.models import Consent
from directory.models import Service
from evaluation import services as evaluation_services
from packages import services as package_services
from packages.actions import PACKAGE_ACTIONS
from referrals import services
from referrals.actions import PATHS
from referrals.models import Referral, State
from tests.appointments.helpers import accepted_with_shift
from tests.factories import ConsentFactory, api_client_for, draft_referral
from tests.two_factor import login

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# --- the family: distinctive values, and how each is looked for in a response ----------------

NAME = "Zelda Crawltest"
GUARDIAN = "Ulla Huoltajatesti"  # who gave the consent
PHONE = "+358 40 123 4567"
EMAIL = "zelda.crawl@example.org"
DESCRIPTION = "Perhe toivoo keskusteluapua; avainsana Quibblewhisk."
PREFERRED_TIMES = "Torstaisin Xanthoroutine-aikaan"
IDENTITY_CODE = "070611A917S"  # a valid check character; pages show it masked: 070611A****
BIRTH_YEARS = [2011, 2014]
OUTCOME_SUMMARY = "Perhe sai kolme tapaamista, avainsana Plumbridge."
REASON = "Perhe perui suostumuksen, avainsana Marrowfield."

FAMILY = {
    "contact_name": NAME,
    "contact_phone": PHONE,
    "contact_email": EMAIL,
    "description": DESCRIPTION,
    "preferred_times": PREFERRED_TIMES,
    "identity_code": IDENTITY_CODE,
}

# How each personal field is looked for in a body (case-insensitively, after HTML unescaping):
# by a distinctive part, so that other renderings ("Crawltest, Zelda", "+358401234567", the
# masked identity code) are caught too.
NEEDLES = {
    "contact_name": ("Crawltest",),
    "contact_phone": ("40 123 4567", "401234567"),
    "contact_email": ("zelda.crawl",),
    "description": ("Quibblewhisk",),
    "preferred_times": ("Xanthoroutine",),
    "identity_code": ("070611",),  # the birth date, which the masked form still shows
    # The project's own rules name these the family's data too: the consent API hides them
    # even from coordinators (consent.api.PERSONAL_FIELDS), and the outcome API records each
    # read of the summary as a read of the family's data.
    "consent.given_by_name": ("Huoltajatesti",),
    "consent.withdrawal_reason": ("Marrowfield",),
    "outcome.summary_for_referrer": ("Plumbridge",),
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


def excerpt(text: str, at: int, length: int, around: int = 80) -> str:
    return " ".join(text[max(0, at - around) : at + length + around].split())


def pdftotext(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


# --- the situation ---------------------------------------------------------------------------


@dataclass
class Situation:
    referral: Referral  # the family's open referral: accepted, a booked time, an open offer
    completed: Referral  # the same family's earlier referral under the same consent
    other: Referral  # an unrelated family's, accepted by the same worker: stays shared
    worker: object  # the organization's worker who handles all three
    referrer: object
    appointment: Appointment
    offer: SlotOffer
    offer_token: str  # the family's link to the offered times
    feedback_token: str  # the family's feedback link of the completed referral
    outcome_id: int
    shift_id: int
    service_id: int
    package_id: int  # a running service package that counts the family's referral

    @property
    def consent(self) -> Consent:
        return Consent.objects.get(pk=self.referral.consent_id)


def family_referral(cast, consent, state: State) -> Referral:
    """A referral of the family with every personal field filled in, taken to `state` the way
    people do."""
    referral = draft_referral(
        referrer=cast.referrer,
        consent=consent,
        target_group=cast.target_group,
        challenges=[cast.challenge],
        **FAMILY,
    )
    referral = services.referral_update(
        referral=referral, actor=cast.referrer, children_birth_years=BIRTH_YEARS
    )
    for step in PATHS[state]:
        referral = cast.run(referral, step)
    return referral


@pytest.fixture
def situation() -> Situation:
    """The family's accepted referral with a booked appointment and an open time offer, and
    its earlier referral under the same consent, completed with an outcome report and a
    feedback invitation; beside them an unrelated family's accepted referral of the same
    organization and worker, so that the lists are not empty after the withdrawal."""
    other, cast, shift = accepted_with_shift()
    consent = ConsentFactory(
        recorded_by=cast.referrer, given_by_name=GUARDIAN, scope_contact_email=True
    )
    completed = family_referral(cast, consent, State.IN_SERVICE)
    outcome = appointment_services.outcome_report(
        referral=completed,
        actor=cast.handler,
        service_given=ServiceGiven.COUNSELLING,
        sessions=3,
        next_step=NextStep.NO_FURTHER_NEED,
        summary_for_referrer=OUTCOME_SUMMARY,
    )
    invitation = evaluation_services.feedback_invitation_create(referral_id=completed.pk)
    referral = family_referral(cast, consent, State.ACCEPTED)
    slots = list(shift.slots.order_by("starts_at"))
    appointment = appointment_services.appointment_book(
        referral=referral, slot=slots[0], actor=cast.handler
    )
    offer, offer_token = appointment_services.offer_create(
        referral=referral, slots=slots[1:3], actor=cast.handler
    )
    return Situation(
        referral=Referral.objects.get(pk=referral.pk),
        completed=Referral.objects.get(pk=completed.pk),
        other=other,
        worker=cast.handler,
        referrer=cast.referrer,
        appointment=appointment,
        offer=offer,
        offer_token=offer_token,
        feedback_token=evaluation_services.feedback_token(invitation),
        outcome_id=outcome.pk,
        shift_id=shift.pk,
        service_id=Service.objects.filter(organization=cast.organization).first().pk,
        package_id=running_package(cast, referral),
    )


def running_package(cast, referral: Referral) -> int:
    """A service package of the referrer's municipality, the organization contributing, that
    counts the family's referral: its pages must not keep the family after the withdrawal."""
    service = Service.objects.filter(organization=cast.organization).first()
    package = package_services.package_create(
        actor=cast.referrer, title="Tuki", description="Kuvaus", challenges=[cast.challenge]
    )
    data = {
        "organizations": [cast.organization],
        "services": [service],
        "planned_hours": 10,
        "plan": "Vertaisryhmä keväällä.",
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate() + datetime.timedelta(days=60),
        "referral": referral.pk,
    }
    actors = {"answer": cast.handler, "approve": cast.referrer, "attribute": cast.handler}
    for step in ("invite", "answer", "compose", "approve", "start", "attribute"):
        package = PACKAGE_ACTIONS.call(step, package, actors.get(step, cast.coordinator), data)
    return package.pk


def withdraw(situation: Situation, capture) -> None:
    """The referrer records the family's withdrawal of its consent."""
    with capture(execute=True):
        services.consent_withdraw(
            consent=situation.consent, actor=situation.referrer, reason=REASON
        )
    # The crawl means something only if the withdrawal did what it should.
    assert situation.consent.is_withdrawn
    assert Referral.objects.get(pk=situation.referral.pk).state == State.WITHDRAWN
    assert Referral.objects.get(pk=situation.completed.pk).state == State.COMPLETED
    assert (
        Appointment.objects.get(pk=situation.appointment.pk).state
        == AppointmentState.CANCELLED_BY_FAMILY
    )
    assert SlotOffer.objects.get(pk=situation.offer.pk).is_expired


# --- the crawl -------------------------------------------------------------------------------

# URL patterns whose parameters the situation has nothing for, and why.
UNFILLED = {
    # A family's feedback answer (coordinators only, POST only): none was given.
    "evaluation:comment_remove",
    # A coordinator's own insight report: there is none, and it holds aggregates only.
    "insight:report",
    "insight:report_pdf",
    # Outreach activities: there is none, and they hold no family's data.
    "evaluation:outreach_edit",
    "evaluation:outreach_delete",
    # A FHIR Location is a reception site: the situation has none, and a site holds no
    # family's data.
    "fhir:Location",
}

# Which objects a `pk` stands for, by the path segment before it.
PK_SEGMENTS = {
    "referrals": "referral",
    "for-referral": "referral",
    "triage": "referral",
    "pool": "referral",
    "appointments": "appointment",
    "shifts": "shift",
    "consents": "consent",
    "organizations": "organization",
    "services": "service",
    "outcomes": "outcome",
    "offers": "offer",
    "packages": "package",
    "package-reports": "package",
    # the FHIR facade, by resource type
    "ServiceRequest": "referral",
    "Task": "referral",
    "Patient": "referral",
    "Consent": "consent",
    "Appointment": "appointment",
    "Organization": "organization",
    "HealthcareService": "service",
}


def ids_of(s: Situation) -> dict[str, list]:
    return {
        "referral": [s.referral.pk, s.completed.pk],
        "appointment": [s.appointment.pk],
        "shift": [s.shift_id],
        "consent": [s.referral.consent_id],
        "organization": [s.referral.organization_id],
        "service": [s.service_id],
        "outcome": [s.outcome_id],
        "offer": [s.offer.pk],
        "package": [s.package_id],
    }


@dataclass
class Pattern:
    regex: str  # the whole path's regex, joined as Django's reverse() joins it
    name: str | None  # namespaced
    callback: object
    params: list[str] = field(default_factory=list)
    converters: dict = field(default_factory=dict)  # path converters by parameter

    @property
    def is_admin(self) -> bool:
        return self.regex.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.regex.startswith("api/")


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, through every include."""

    def walk(resolver, prefix: str, namespace: str | None, converters: dict):
        for p in resolver.url_patterns:
            regex = prefix + p.pattern.regex.pattern.removeprefix("^")
            converters_here = {**converters, **getattr(p.pattern, "converters", {})}
            if isinstance(p, URLResolver):
                inner = namespace
                if p.namespace:
                    inner = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p, regex, inner, converters_here)
            else:
                name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
                params = list(p.pattern.regex.groupindex)
                yield Pattern(regex, name, p.callback, params, converters_here)

    return list(walk(get_resolver(), "", None, {}))


def segments_before(regex: str, param: str) -> list[str]:
    before = regex[: regex.index(f"(?P<{param}>")].replace("\\", "")  # re.escape()d routes
    return [part for part in before.split("/") if part]


def admin_object(regex: str, param: str) -> list:
    """The newest row of the admin page's model (pk 1 where it has none: the admin refuses a
    worker before it looks anything up)."""
    app_label, model_name = segments_before(regex, param)[-2:]
    row = apps.get_model(app_label, model_name)._default_manager.order_by("-pk").first()
    return [row.pk if row else 1]


def param_values(pattern: Pattern, param: str, s: Situation) -> list:
    """What to put in a path parameter: every object of the situation it can stand for."""
    regex = pattern.regex
    if param == "format":
        return ["json"]
    if param in ("action", "name"):
        return ["withdraw"]  # every such URL takes POST only; a GET must not leak either
    if param == "token":
        return {"f": [s.offer_token], "feedback": [s.feedback_token]}.get(regex.split("/")[0], [])
    if param == "app_label":
        return ["referrals"]
    if param == "content_type_id":
        return [ContentType.objects.get_for_model(Referral).pk]
    if param == "url":  # the admin's catch-all
        return [f"referrals/no-such-page/{s.referral.pk}/"]
    if param == "object_id" and "content_type_id" in pattern.params:  # the admin's view-on-site
        return ids_of(s)["referral"]
    if pattern.is_admin:
        return admin_object(regex, param)
    if segments_before(regex, param)[-1] == "CodeSystem":  # public terminology
        return ["challenge"]
    return ids_of(s).get(PK_SEGMENTS.get(segments_before(regex, param)[-1]), [])


def fill(pattern: Pattern, s: Situation) -> list[str]:
    """The pattern's paths with the situation's ids in; none when it cannot be filled."""
    choices = [param_values(pattern, p, s) for p in pattern.params]
    urls = []
    for combination in itertools.product(*choices):
        values = dict(zip(pattern.params, combination, strict=True))
        values = {  # as reverse() does
            p: pattern.converters[p].to_url(v) if p in pattern.converters else str(v)
            for p, v in values.items()
        }
        template = next(t for t, names in normalize(pattern.regex) if set(names) == set(values))
        urls.append("/" + template % values)
    return urls


def query_variants(s: Situation) -> list[str]:
    """What the pages and endpoints without parameters (the lists) are also asked with: the
    withdrawn state, the family's referral, the calendar week of its (cancelled) time."""
    year, week, _day = timezone.localtime(s.appointment.starts_at).isocalendar()
    return [
        "",
        "?state=withdrawn",
        f"?referral={s.referral.pk}",
        f"?week={year}-W{week:02d}",
        f"?state=withdrawn&state=completed&state=cancelled_by_family&referral={s.referral.pk}",
    ]


@dataclass
class Fetched:
    url: str
    via: str  # "session", "session+htmx", "session+html" (the browsable API) or "token"
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


def as_fetched(url: str, via: str, response) -> Fetched:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Fetched(
        url=url,
        via=via,
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=body,
        headers="\n".join(f"{k}: {v}" for k, v in response.items()),
    )


def crawl(s: Situation, *, only=lambda pattern: True) -> list[Fetched]:
    """GET every URL pattern (but UNFILLED's) with every id of the situation, as the worker:
    with a logged-in session (plain, and as htmx asks), the API's also asking for the browsable
    HTML and with the worker's token. Errors come back as 500 responses, not exceptions."""
    session = Client(raise_request_exception=False)
    login(session, s.worker)
    token = api_client_for(s.worker)
    token.raise_request_exception = False
    cache.clear()  # the API's throttle counts live in the cache; this crawl is not about them

    fetched = []
    for pattern in url_patterns():
        if not only(pattern):
            continue
        for url in fill(pattern, s):
            assert resolve(url).func == pattern.callback, (url, pattern.regex)
            queries = [""] if pattern.params or pattern.is_admin else query_variants(s)
            ways = [("session", {})]
            if not pattern.is_admin:
                ways += [("session+htmx", {"HTTP_HX_REQUEST": "true"})]
            if pattern.is_api:
                ways += [("session+html", {"HTTP_ACCEPT": "text/html"}), ("token", None)]
            for query, (via, headers) in itertools.product(queries, ways):
                if via == "token":
                    response = token.get(url + query)
                else:
                    if session.session.get("_auth_user_id") != str(s.worker.pk):
                        login(session, s.worker)  # a crawled page ended the session
                    response = session.get(url + query, **headers)
                fetched.append(as_fetched(url + query, via, response))
    return fetched


def problems_in(fetched: list[Fetched], text=Fetched.text) -> list[str]:
    """Every leak (url, field and an excerpt) and every server error, one line each, with the
    ways of asking that got it."""
    found: dict[str, list[str]] = {}
    for f in fetched:
        if f.status >= 500 or f.status == 429:  # a failure, or a throttle that hid the body
            found.setdefault(f"{f.status} GET {f.url}", []).append(f.via)
        for name, seen in personal_fields_in(text(f)).items():
            found.setdefault(f"LEAK GET {f.url} [{f.status}] {name}: …{seen}…", []).append(f.via)
    return [f"{problem} ({', '.join(ways)})" for problem, ways in found.items()]


# --- the tests -------------------------------------------------------------------------------


def test_the_crawl_fills_every_url_pattern(situation):
    """A pattern the crawl cannot fill is a page it never looks at: each must be known."""
    unfilled = {p.name or p.regex for p in url_patterns() if not fill(p, situation)}
    assert unfilled == UNFILLED, (
        "Teach the crawl to fill these URL patterns, or list them in UNFILLED with the reason"
    )


def test_the_worker_sees_the_family_while_the_consent_shares_it(situation, client):
    """The positive control: before the withdrawal the worker's page and API detail show the
    family, and the crawl's detector finds each field somewhere (so that a rendering it does
    not recognize cannot pass the crawl unnoticed)."""
    login(client, situation.worker)
    api = api_client_for(situation.worker)
    page = client.get(reverse("referrals:detail", args=[situation.referral.pk]))
    detail = api.get(f"/api/v1/referrals/{situation.referral.pk}/")
    outcomes = api.get("/api/v1/outcomes/")
    assert page.status_code == detail.status_code == outcomes.status_code == 200
    assert NAME in page.content.decode()
    assert detail.json()["contact_name"] == NAME

    found = {}
    for response in (page, detail, outcomes):
        found |= personal_fields_in(as_fetched("", "", response).text())
    # Nobody has withdrawn anything yet, and the organization never sees who gave the consent.
    unseen = {"consent.withdrawal_reason", "consent.given_by_name"}
    assert set(found) == {*NEEDLES, "children_birth_years"} - unseen


def test_after_the_withdrawal_no_page_or_api_shows_the_family_to_the_worker(
    situation, django_capture_on_commit_callbacks
):
    """Every page and endpoint, with every id of the situation, as the organization's worker:
    no body (nor header) has any of the family's values, and nothing fails with a 500. PDFs
    are searched as bytes here; their text is compressed (the next test reads it)."""
    withdraw(situation, django_capture_on_commit_callbacks)

    fetched = crawl(situation)

    assert len({f.url for f in fetched}) > 300  # it did crawl
    # The lists were not empty: the unrelated family's referral is still shared with the
    # worker, while the withdrawn one is listed by number and state.
    [listed] = [f for f in fetched if f.url == "/api/v1/referrals/" and f.via == "token"]
    rows = {row["id"]: row for row in json.loads(listed.body)["results"]}
    assert rows[situation.other.pk]["contact_name"] == "Maija Meikäläinen"
    assert rows[situation.referral.pk]["state"] == State.WITHDRAWN
    problems = problems_in(fetched)
    assert not problems, "\n".join(problems)


def test_after_the_withdrawal_no_pdf_the_worker_can_fetch_has_the_family_in_its_text(
    situation, client, django_capture_on_commit_callbacks
):
    """The PDFs' text, read with poppler's pdftotext: their bytes alone hide it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("PDF text not checked: needs poppler-utils (apt-get install poppler-utils)")
    login(client, situation.worker)
    summary = client.get(reverse("documents:summary", args=[situation.referral.pk]))
    assert summary.status_code == 200
    assert NAME in pdftotext(summary.content)  # the control: the text can be read

    withdraw(situation, django_capture_on_commit_callbacks)
    fetched = crawl(situation, only=lambda pattern: ".pdf" in pattern.regex)

    pdfs = [f for f in fetched if f.is_pdf]
    problems = problems_in(pdfs, text=lambda f: pdftotext(f.body))
    assert not problems, "\n".join(problems)


def test_the_withdrawn_referral_keeps_its_number_state_and_dates_for_the_worker(
    situation, django_capture_on_commit_callbacks
):
    """What may stay: the API list still gives the worker the referral's number, its state
    and its dates, with the family's fields blank."""
    withdraw(situation, django_capture_on_commit_callbacks)
    response = api_client_for(situation.worker).get("/api/v1/referrals/?state=withdrawn")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["state"]) == (situation.referral.pk, State.WITHDRAWN)
    assert row["created_at"] and row["submitted_at"] and row["accepted_at"] and row["closed_at"]
    assert all(row[name] == "" for name in FAMILY)
