"""The PDF documents: what each shows, who may get it, what it records, and that rendering
stays off the network and fast."""

import datetime
import re
import shutil
import subprocess
import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from appointments.services import appointment_book, appointment_cancel_by_family, shift_create
from consent.models import Consent, Scope
from directory.models import ReceptionSite
from perhelinja import pdf
from referrals.models import AccessRecord, Referral, State
from tests.appointments.helpers import accepted_with_shift, tomorrow
from tests.factories import (
    Cast,
    CoordinatorFactory,
    MunicipalityFactory,
    ProfessionalFactory,
    WorkerFactory,
    draft_referral,
    referral_in_state,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db

GIVEN = (Scope.SHARE_REFERRAL, Scope.CONTACT_PHONE, Scope.RETURN_OUTCOME)  # ConsentFactory's
NOT_GIVEN = (Scope.CONTACT_SMS, Scope.CONTACT_EMAIL)


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace collapsed to single spaces."""
    if shutil.which("pdftotext") is None:
        pytest.skip("needs poppler-utils: apt-get install poppler-utils")
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout
    return " ".join(out.decode().split())


def fetch_pdf(client, user, url: str, filename: str) -> str:
    login(client, user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{filename}"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    return pdf_text(response.content)


def label(choice, lang: str) -> str:
    with translation.override(lang):
        return str(choice.label)


def routed_with_identity_code():
    cast = Cast()
    referral = draft_referral(
        referrer=cast.referrer,
        target_group=cast.target_group,
        challenges=[cast.challenge],
        identity_code="131052-308T",
    )
    for step in ("submit", "assign"):
        referral = cast.run(referral, step)
    return referral, cast


def booked_appointment():
    referral, cast, shift = accepted_with_shift()
    appointment = appointment_book(referral=referral, slot=shift.slots.first(), actor=cast.handler)
    return appointment, referral, cast


# --- the consent form ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_consent_form_shows_the_giver_and_every_scope_in_the_language(client, lang):
    referral = draft_referral()
    url = reverse("documents:consent_form", args=[referral.pk]) + f"?lang={lang}"
    text = fetch_pdf(client, referral.referrer, url, f"consent-{referral.pk}.pdf")

    assert referral.consent.given_by_name in text
    for scope in GIVEN:
        assert re.search(rf"☑ ?{re.escape(label(scope, lang))}", text), scope
    for scope in NOT_GIVEN:
        assert re.search(rf"☐ ?{re.escape(label(scope, lang))}", text), scope
    assert label(Scope.SHARE_REFERRAL, lang) != label(Scope.SHARE_REFERRAL, "en")


def test_consent_form_defaults_to_the_family_language(client):
    referral = draft_referral(language="sv")
    url = reverse("documents:consent_form", args=[referral.pk])
    text = fetch_pdf(client, referral.referrer, url, f"consent-{referral.pk}.pdf")
    assert label(Scope.CONTACT_PHONE, "sv") in text
    assert label(Scope.CONTACT_PHONE, "fi") not in text


def test_consent_form_renders_in_under_a_second(client):
    referral = draft_referral()
    client.force_login(referral.referrer)
    url = reverse("documents:consent_form", args=[referral.pk])
    assert client.get(url).status_code == 200  # warm-up: loads WeasyPrint and its fonts

    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started

    print(f"consent form: {elapsed:.3f} s")
    assert response.status_code == 200
    assert elapsed < 1.0


# --- the referral summary -----------------------------------------------------------------


def test_referral_summary_shows_the_contact_and_only_the_masked_identity_code(client):
    referral, cast = routed_with_identity_code()
    url = reverse("documents:summary", args=[referral.pk])
    text = fetch_pdf(client, cast.handler, url, f"referral-{referral.pk}.pdf")

    assert referral.contact_name in text
    assert referral.contact_phone in text
    assert "131052-****" in text
    assert "308T" not in text
    assert referral.description in text


def test_referral_summary_is_refused_once_the_consent_has_expired(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    now = timezone.now()
    Consent.objects.filter(pk=referral.consent_id).update(
        given_at=now - datetime.timedelta(days=400), valid_until=now - datetime.timedelta(days=1)
    )
    client.force_login(cast.handler)
    response = client.get(reverse("documents:summary", args=[referral.pk]))
    assert response.status_code == 404
    assert not AccessRecord.objects.filter(referral=referral, channel="pdf").exists()


# --- the appointment letter ---------------------------------------------------------------


def test_appointment_letter_gives_time_place_and_how_to_cancel(client):
    appointment, _referral, cast = booked_appointment()
    organization = appointment.organization
    organization.phone = "+358 2 123 4567"
    organization.email = "info@perhetuki.invalid"
    organization.save()
    url = reverse("documents:appointment_letter", args=[appointment.pk]) + "?lang=en"
    text = fetch_pdf(client, cast.handler, url, f"appointment-{appointment.pk}.pdf")

    local = timezone.localtime(appointment.starts_at, timezone.get_default_timezone())
    with translation.override("en"):
        assert date_format(local, "TIME_FORMAT") in text
        assert date_format(local, "DATE_FORMAT") in text
        assert str(organization) in text
        assert str(appointment.get_mode_display()) in text
    assert "The service is free of charge." in text
    assert "+358 2 123 4567" in text
    assert "info@perhetuki.invalid" in text


def test_appointment_letter_names_the_reception_site_in_the_family_language(client):
    cast = Cast()
    site = ReceptionSite.objects.create(
        municipality=MunicipalityFactory(), name="Pääkirjasto", address="Linnankatu 2, Turku"
    )
    referral, cast = referral_in_state(State.ACCEPTED, cast)
    Referral.objects.filter(pk=referral.pk).update(language="sv")
    shift = shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="reception",
        site=site,
        first_day=tomorrow(),
        start_time=datetime.time(9),
        end_time=datetime.time(10),
    )
    appointment = appointment_book(referral=referral, slot=shift.slots.first(), actor=cast.handler)
    url = reverse("documents:appointment_letter", args=[appointment.pk])
    text = fetch_pdf(client, cast.handler, url, f"appointment-{appointment.pk}.pdf")

    assert "Pääkirjasto" in text
    assert "Linnankatu 2, Turku" in text
    local = timezone.localtime(appointment.starts_at, timezone.get_default_timezone())
    with translation.override("sv"):
        assert date_format(local, "DATE_FORMAT") in text  # the family's language: Swedish


def test_no_letter_for_a_cancelled_appointment(client):
    appointment, _referral, cast = booked_appointment()
    appointment_cancel_by_family(appointment=appointment, actor=cast.handler)
    client.force_login(cast.handler)
    url = reverse("documents:appointment_letter", args=[appointment.pk])
    assert client.get(url).status_code == 404


# --- the access report --------------------------------------------------------------------


def test_access_report_lists_who_read_the_family_data_and_nothing_of_the_family(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    for person, last_name in ((cast.referrer, "Lähettäjä"), (cast.handler, "Työntekijä")):
        person.last_name = last_name
        person.save()
    client.force_login(cast.referrer)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    client.force_login(cast.handler)
    assert client.get(reverse("documents:summary", args=[referral.pk])).status_code == 200

    url = reverse("documents:access_report", args=[referral.pk])
    text = fetch_pdf(client, cast.coordinator, url, f"access-report-{referral.pk}.pdf")

    assert cast.referrer.get_full_name() in text
    assert cast.handler.get_full_name() in text
    assert str(cast.organization) in text
    assert "referrals:detail" in text
    assert "documents:summary" in text
    assert f"#{referral.pk}" in text
    assert referral.contact_name not in text
    assert referral.consent.given_by_name not in text


# --- access records -----------------------------------------------------------------------


def test_each_document_with_family_data_records_exactly_one_pdf_access(client):
    appointment, referral, cast = booked_appointment()
    reads = [
        (cast.referrer, "documents:consent_form", referral.pk),
        (cast.handler, "documents:summary", referral.pk),
        (cast.handler, "documents:appointment_letter", appointment.pk),
    ]
    for user, route, pk in reads:
        before = AccessRecord.objects.count()
        login(client, user)
        assert client.get(reverse(route, args=[pk])).status_code == 200
        assert AccessRecord.objects.count() == before + 1
        record = AccessRecord.objects.latest("pk")
        assert (record.referral_id, record.user_id, record.channel, record.route) == (
            referral.pk,
            user.pk,
            "pdf",
            route,
        )

    before = AccessRecord.objects.count()
    login(client, cast.coordinator)
    assert client.get(reverse("documents:access_report", args=[referral.pk])).status_code == 200
    assert AccessRecord.objects.count() == before


# --- outsiders ----------------------------------------------------------------------------


def test_outsiders_get_404_for_every_document(client):
    appointment, referral, cast = booked_appointment()
    urls = {
        "consent": reverse("documents:consent_form", args=[referral.pk]),
        "summary": reverse("documents:summary", args=[referral.pk]),
        "letter": reverse("documents:appointment_letter", args=[appointment.pk]),
        "access": reverse("documents:access_report", args=[referral.pk]),
    }
    outsiders = {
        "other professional": (ProfessionalFactory(), urls),
        "other organization's worker": (WorkerFactory(), urls),
        "coordinator": (CoordinatorFactory(), {k: v for k, v in urls.items() if k != "access"}),
        # Each party gets only its own documents.
        "referrer": (cast.referrer, {k: urls[k] for k in ("summary", "letter", "access")}),
        "worker": (cast.handler, {k: urls[k] for k in ("consent", "access")}),
    }
    for who, (user, refused) in outsiders.items():
        login(client, user)
        for name, url in refused.items():
            assert client.get(url).status_code == 404, (who, name)
    assert not AccessRecord.objects.filter(channel="pdf").exists()

    client.logout()
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- links ---------------------------------------------------------------------------------


def test_the_pages_link_to_their_documents(client):
    appointment, referral, cast = booked_appointment()
    consent_pdf = reverse("documents:consent_form", args=[referral.pk])
    summary_pdf = reverse("documents:summary", args=[referral.pk])
    pages = [
        (cast.referrer, reverse("referrals:detail", args=[referral.pk]), consent_pdf, summary_pdf),
        (cast.handler, reverse("referrals:detail", args=[referral.pk]), summary_pdf, consent_pdf),
        (
            cast.handler,
            reverse("appointments:detail", args=[appointment.pk]),
            reverse("documents:appointment_letter", args=[appointment.pk]),
            None,
        ),
    ]
    for user, page, linked, not_linked in pages:
        login(client, user)
        html = client.get(page).content.decode()
        assert f'href="{linked}' in html, page
        assert not_linked is None or not_linked not in html, page

    submitted, cast = referral_in_state(State.SUBMITTED)
    login(client, cast.coordinator)
    html = client.get(reverse("referrals:triage_detail", args=[submitted.pk])).content.decode()
    assert reverse("documents:access_report", args=[submitted.pk]) in html


# --- rendering stays off the network ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/x.css",
        "ftp://example.org/x.png",
        "data:text/plain,hello",
        "file:///etc/passwd",
        "file:///static/../../../etc/passwd",
        "file://example.org/static/css/site.css",
        "file:///static/css/missing.css",
    ],
)
def test_url_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(pdf.ResourceRefused):
        pdf.url_fetcher().fetch(url)


def test_url_fetcher_serves_static_files_from_disk():
    on_disk = (pdf.STATIC_DIR / "css" / "site.css").read_bytes()
    for url in ("file:///static/css/site.css", (pdf.STATIC_DIR / "css" / "site.css").as_uri()):
        response = pdf.url_fetcher().fetch(url)
        assert response.read() == on_disk
        assert response.content_type == "text/css"
        response.close()


def test_pdf_response_refuses_a_filename_with_anything_but_numbers_and_words():
    with pytest.raises(ValueError):
        pdf.pdf_response(b"%PDF-", "Maija Meikäläinen.pdf")
    with pytest.raises(ValueError):
        pdf.pdf_response(b"%PDF-", 'x.pdf"\r\nSet-Cookie: a=b')
