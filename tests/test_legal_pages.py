"""The accessibility statement and the privacy notice: open to everyone in fi/sv/en, linked
from every page's footer; the professionals' child-protection note and the families' help line."""

import re

import pytest
from django.urls import reverse

from appointments import services
from tests.appointments.helpers import accepted_with_shift
from tests.factories import ProfessionalFactory, draft_referral

pytestmark = pytest.mark.django_db

HEADINGS = {
    "accessibility": {
        "fi": "Saavutettavuusseloste",
        "sv": "Tillgänglighetsutlåtande",
        "en": "Accessibility statement",
    },
    "privacy": {"fi": "Tietosuojaseloste", "sv": "Dataskyddsbeskrivning", "en": "Privacy notice"},
}
FOOTER_LINK_TEXTS = {
    "fi": ("Saavutettavuusseloste", "Tietosuojaseloste"),
    "sv": ("Tillgänglighetsutlåtande", "Dataskyddsbeskrivning"),
    "en": ("Accessibility statement", "Privacy notice"),
}


def _footer(body: str) -> str:
    return re.search(r'<footer class="site-footer">(.*?)</footer>', body, re.S).group(1)


@pytest.mark.parametrize("page", ["accessibility", "privacy"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_each_page_answers_in_the_readers_language_without_login(client, page, language):
    response = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{HEADINGS[page][language]}</h1>" in body
    assert f'<html lang="{language}">' in body
    assert response["Content-Language"] == language
    # The other two versions are one link away.
    for other in {"fi", "sv", "en"} - {language}:
        assert f'href="?lang={other}" hreflang="{other}"' in body


def test_another_language_version_by_query(client):
    body = client.get(reverse("privacy") + "?lang=sv", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "<h1>Dataskyddsbeskrivning</h1>" in body and '<html lang="sv">' in body
    # An unknown language falls back to the reader's own.
    body = client.get(reverse("privacy") + "?lang=de", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "<h1>Tietosuojaseloste</h1>" in body


def test_the_privacy_notice_cites_the_configured_retention_and_controller(client, settings):
    settings.RETENTION_DAYS_AFTER_CLOSURE = 731
    settings.RETENTION_DAYS_AFTER_WITHDRAWAL = 31
    settings.REFERRAL_ABANDONED_DAYS = 91
    settings.CONTROLLER_NAME = "Varsinais-Suomen hyvinvointialue"
    settings.CONTROLLER_EMAIL = "tietosuoja@example.invalid"

    body = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for days in ("731 days", "31 days", "91 days"):
        assert days in body
    assert "Varsinais-Suomen hyvinvointialue" in body
    assert 'href="mailto:tietosuoja@example.invalid"' in body
    assert "Data Protection Ombudsman" in body


def test_the_statements_name_the_supervisor_and_a_contact_without_settings(client, settings):
    settings.CONTROLLER_NAME = ""
    settings.CONTROLLER_EMAIL = ""
    body = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "WCAG 2.1" in body and "axe-core" in body
    assert "Etelä-Suomen aluehallintovirasto" in body and "saavutettavuusvaatimukset.fi" in body
    assert "palvelua ylläpitävä hyvinvointialue tai järjestö" in body
    assert "mailto:" not in body


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_normal_page_links_both_in_the_footer(client, language):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    footer = _footer(body)
    assert f'href="{reverse("accessibility")}"' in footer
    assert f'href="{reverse("privacy")}"' in footer
    for text in FOOTER_LINK_TEXTS[language]:
        assert text in footer


def test_a_family_page_links_both_and_offers_the_help_line_not_the_professionals_note(client):
    referral, cast, shift = accepted_with_shift()
    _offer, token = services.offer_create(
        referral=referral, slots=list(shift.slots.all()[:2]), actor=cast.handler
    )
    body = client.get(
        reverse("appointments:family_offer", args=[token]), HTTP_ACCEPT_LANGUAGE="fi"
    ).content.decode()

    footer = _footer(body)
    assert f'href="{reverse("accessibility")}"' in footer
    assert f'href="{reverse("privacy")}"' in footer
    assert 'class="notice help-line"' in body and "112" in body
    assert "lastensuojeluilmoituk" not in footer.lower()


def test_the_referral_page_reminds_the_professional_of_child_protection_notifications(client):
    user = ProfessionalFactory()
    referral = draft_referral(referrer=user)
    client.force_login(user)

    body = client.get(
        reverse("referrals:detail", args=[referral.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert '<p class="notice" role="note">This is not a child-protection notification.' in body
