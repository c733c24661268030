"""One 404 for what does not exist and for what the caller may not see: the answer must not
tell the two apart, on the API and on the pages, in the caller's language."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from appointments import services as appointment_services
from consent.models import Consent
from referrals.models import Referral, State
from tests.appointments.helpers import accepted_with_shift
from tests.factories import (
    ConsentFactory,
    ProfessionalFactory,
    WorkerFactory,
    api_client_for,
    referral_in_state,
)

pytestmark = pytest.mark.django_db

DETAIL = {"fi": "Ei löytynyt.", "en": "Not found."}


def missing_and_hidden_bodies(api, url, model, hidden_pk, language):
    missing_pk = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    missing = api.get(url.format(missing_pk), HTTP_ACCEPT_LANGUAGE=language)
    hidden = api.get(url.format(hidden_pk), HTTP_ACCEPT_LANGUAGE=language)
    assert (missing.status_code, hidden.status_code) == (404, 404)
    return missing.content, hidden.content


@pytest.mark.parametrize("language", ["fi", "en"])
def test_an_api_referral_that_is_missing_or_hidden_gets_the_same_404(language):
    referral, _cast = referral_in_state(State.SUBMITTED)
    api = api_client_for(ProfessionalFactory())
    missing, hidden = missing_and_hidden_bodies(
        api, "/api/v1/referrals/{}/", Referral, referral.pk, language
    )
    assert missing == hidden
    assert json.loads(missing) == {"detail": DETAIL[language]}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_an_api_appointment_that_is_missing_or_hidden_gets_the_same_404(language):
    referral, cast, shift = accepted_with_shift()
    appointment = appointment_services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    api = api_client_for(WorkerFactory())  # another organization's worker
    missing, hidden = missing_and_hidden_bodies(
        api, "/api/v1/appointments/{}/", type(appointment), appointment.pk, language
    )
    assert missing == hidden
    assert json.loads(missing) == {"detail": DETAIL[language]}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_an_api_consent_that_is_missing_or_hidden_gets_the_same_404(language):
    consent = ConsentFactory()
    api = api_client_for(ProfessionalFactory())
    missing, hidden = missing_and_hidden_bodies(
        api, "/api/v1/consents/{}/", Consent, consent.pk, language
    )
    assert missing == hidden
    assert json.loads(missing) == {"detail": DETAIL[language]}


def page_without_per_request_parts(response) -> str:
    """The page without what differs between any two requests: CSRF tokens and the path."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return body.replace(response.wsgi_request.get_full_path(), "")


@pytest.mark.parametrize(
    ("language", "heading"), [("fi", "Sivua ei löytynyt"), ("en", "Page not found")]
)
def test_a_referral_page_that_is_missing_or_hidden_gets_the_same_404(client, language, heading):
    referral, _cast = referral_in_state(State.SUBMITTED)
    client.force_login(ProfessionalFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # as set at login
    missing_pk = Referral.objects.order_by("-pk").first().pk + 1000
    missing = client.get(reverse("referrals:detail", args=[missing_pk]))
    hidden = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert (missing.status_code, hidden.status_code) == (404, 404)
    assert page_without_per_request_parts(missing) == page_without_per_request_parts(hidden)
    assert heading in missing.content.decode()
    assert f'lang="{language}"' in missing.content.decode()
