"""What a referrer types about the family: a phone number people can write as they say it and
that is stored in E.164, and an identity code whose policy is explicit (no future births; a
temporary number only when the referrer says it is one), on the page and in the API alike."""

import datetime
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from perhelinja import sms
from referrals.models import Referral
from tests.factories import Cast, ConsentFactory, draft_referral
from tests.referrals.test_validators import code_for

pytestmark = pytest.mark.django_db

TEMPORARY_CODE = code_for(datetime.date(2019, 5, 2), 902)
FUTURE_CODE = code_for(datetime.date(2099, 5, 2), 202)


def _family(cast, **extra) -> dict:
    return {
        "contact_name": "Maija Meikäläinen",
        "contact_phone": "040 123 4567",
        "language": "fi",
        "municipality": cast.referrer.municipality_id,
        "target_group": cast.target_group.pk,
        "challenges": [cast.challenge.pk],
        "description": "Arjen kuormitus.",
        **extra,
    }


def _post_family(client, cast, **extra):
    referral = draft_referral(
        referrer=cast.referrer, target_group=cast.target_group, challenges=[cast.challenge]
    )
    client.force_login(cast.referrer)
    response = client.post(reverse("referrals:family", args=[referral.pk]), _family(cast, **extra))
    return response, Referral.objects.get(pk=referral.pk)


def test_a_finnish_number_as_people_write_it_is_stored_in_e164(client):
    response, referral = _post_family(client, Cast(), contact_phone="040 123 4567")
    assert response.status_code == 302
    assert str(referral.contact_phone) == "+358401234567"


@pytest.mark.parametrize("junk", ["=1+1", "soita iltaisin", "123"])
def test_text_that_is_no_phone_number_is_refused_with_an_example(client, junk):
    response, referral = _post_family(client, Cast(), contact_phone=junk)
    assert response.status_code == 200
    assert "Enter a phone number, for example 041 234 5678" in response.content.decode()
    assert str(referral.contact_phone) == "+358400000001"  # unchanged


def test_the_form_shows_the_temporary_code_flag_next_to_the_code(client):
    cast = Cast()
    referral = draft_referral(
        referrer=cast.referrer, target_group=cast.target_group, challenges=[cast.challenge]
    )
    client.force_login(cast.referrer)
    body = client.get(reverse("referrals:family", args=[referral.pk])).content.decode()
    fields = re.findall(r'name="(identity_code\w*)"', body)
    assert fields == ["identity_code", "identity_code_temporary"]
    assert 'type="checkbox" name="identity_code_temporary"' in body


def test_a_temporary_code_needs_the_flag(client):
    cast = Cast()
    response, referral = _post_family(client, cast, identity_code=TEMPORARY_CODE)
    assert response.status_code == 200
    assert "temporary identity codes" in response.content.decode()
    assert referral.identity_code == ""
    response, referral = _post_family(
        client, cast, identity_code=TEMPORARY_CODE, identity_code_temporary="on"
    )
    assert response.status_code == 302
    assert referral.identity_code == TEMPORARY_CODE


def test_the_flag_stays_ticked_when_the_step_is_opened_again(client):
    cast = Cast()
    _response, referral = _post_family(
        client, cast, identity_code=TEMPORARY_CODE, identity_code_temporary="on"
    )
    body = client.get(reverse("referrals:family", args=[referral.pk])).content.decode()
    assert re.search(r'name="identity_code_temporary"[^>]*checked', body)


def test_a_birth_date_in_the_future_is_refused(client):
    response, referral = _post_family(client, Cast(), identity_code=FUTURE_CODE)
    assert response.status_code == 200
    assert "in the future" in response.content.decode()
    assert referral.identity_code == ""


def _api(cast) -> APIClient:
    api = APIClient()
    api.force_authenticate(cast.referrer)
    return api


def _draft_body(cast, **extra) -> dict:
    return {
        "consent": ConsentFactory(recorded_by=cast.referrer).pk,
        "target_group": cast.target_group.slug,
        "challenges": [cast.challenge.slug],
        "contact_name": "Maija Meikäläinen",
        "contact_phone": "040 123 4567",
        "language": "fi",
        "description": "Perhe toivoo keskusteluapua.",
        **extra,
    }


def test_the_api_stores_phones_in_e164_and_refuses_text():
    cast = Cast()
    api = _api(cast)
    response = api.post("/api/v1/referrals/", _draft_body(cast), format="json")
    assert response.status_code == 201, response.data
    assert response.data["contact_phone"] == "+358401234567"
    response = api.post(
        "/api/v1/referrals/", _draft_body(cast, contact_phone="=1+1"), format="json"
    )
    assert response.status_code == 400
    assert "Enter a phone number, for example 041 234 5678" in str(response.data["contact_phone"])


def test_the_api_takes_a_temporary_code_only_with_the_same_flag():
    cast = Cast()
    api = _api(cast)
    body = _draft_body(cast, identity_code=TEMPORARY_CODE)
    response = api.post("/api/v1/referrals/", body, format="json")
    assert response.status_code == 400 and "identity_code" in response.data
    response = api.post(
        "/api/v1/referrals/", {**body, "identity_code_temporary": True}, format="json"
    )
    assert response.status_code == 201, response.data
    assert Referral.objects.get(pk=response.data["id"]).identity_code == TEMPORARY_CODE
    response = api.post(
        "/api/v1/referrals/", _draft_body(cast, identity_code=FUTURE_CODE), format="json"
    )
    assert response.status_code == 400 and "identity_code" in response.data


def test_a_text_message_goes_only_to_an_e164_number(settings):
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    sms.outbox.clear()
    assert sms.send_sms("=1+1", "Hei") == 0
    assert sms.send_sms("", "Hei") == 0
    assert sms.send_sms("040 123 4567", "Hei") == 1
    assert [m.to for m in sms.outbox] == ["+358401234567"]


def test_a_legacy_unparseable_number_is_kept_but_gets_no_text_message(settings):
    """Rows from before the phone field keep what was typed (see the migration)."""
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    sms.outbox.clear()
    referral = draft_referral()
    Referral.objects.filter(pk=referral.pk).update(contact_phone="=1+1")
    referral = Referral.objects.get(pk=referral.pk)
    assert sms.send_sms(referral.contact_phone, "Hei") == 0
    assert not sms.outbox
