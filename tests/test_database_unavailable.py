"""A database that refuses connections for a moment: a clear 503, nothing half-written."""

import logging
import socket
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.urls import reverse

from consent.models import Consent
from referrals.models import Referral
from tests.databases import postgresql_only
from tests.factories import Cast, api_client_for

CONSENT_STEP = {
    "given_by_role": "guardian",
    "given_by_name": "Maija Meikäläinen",
    "method": "written",
    "scopes": ["share_referral", "contact_phone"],
}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def database_refusing_connections():
    """Every new connection is refused until the block ends (a port nothing listens on)."""
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = closed_port()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


def assert_unavailable_page(response, text="Service temporarily unavailable"):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert text in response.content.decode()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_wizard_answers_503_when_the_database_refuses_connections(client):
    cast = Cast()
    client.force_login(cast.referrer)
    client.raise_request_exception = False  # the session's user is read before the view
    with database_refusing_connections():
        response = client.post(reverse("referrals:new"), CONSENT_STEP)
    assert_unavailable_page(response)
    assert not Consent.objects.filter(recorded_by=cast.referrer).exists()
    assert not Referral.objects.filter(referrer=cast.referrer).exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_json_when_the_database_refuses_connections():
    cast = Cast()
    api = api_client_for(cast.referrer)
    with database_refusing_connections():
        response = api.post("/api/v1/consents/", CONSENT_STEP, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is temporarily unavailable. Try again in a minute."
    }
    assert int(response["Retry-After"]) > 0
    assert not Consent.objects.filter(recorded_by=cast.referrer).exists()


@pytest.mark.django_db
def test_losing_the_database_halfway_through_the_wizard_writes_nothing(client, caplog):
    """The consent is written, then the database goes: the consent must not stay alone."""
    cast = Cast()
    client.force_login(cast.referrer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    lost = OperationalError("server closed the connection unexpectedly")
    with (
        mock.patch("referrals.services.referral_create", side_effect=lost),
        caplog.at_level(logging.ERROR, logger="perhelinja.views"),
    ):
        response = client.post(reverse("referrals:new"), CONSENT_STEP)
    assert_unavailable_page(response, text="Palvelu on tilapäisesti poissa käytöstä")
    assert not Consent.objects.filter(recorded_by=cast.referrer).exists()
    assert not Referral.objects.filter(referrer=cast.referrer).exists()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "referrals:new" in logged and "503" in logged
    assert "Maija" not in logged


@pytest.mark.django_db
def test_a_database_failure_before_the_view_answers_503_too(client):
    cast = Cast()
    client.force_login(cast.referrer)
    client.raise_request_exception = False
    refused = OperationalError("connection refused")
    with mock.patch("directory.middleware.two_factor.pending_step", side_effect=refused):
        response = client.get(reverse("referrals:mine"))
    assert_unavailable_page(response)


@pytest.mark.django_db
def test_other_failures_are_still_500(client):
    cast = Cast()
    client.force_login(cast.referrer)
    client.raise_request_exception = False
    with mock.patch("directory.middleware.two_factor.pending_step", side_effect=RuntimeError):
        response = client.get(reverse("referrals:mine"))
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
