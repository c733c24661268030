"""Outreach figures a coordinator can trust: a head count and a date that a person could
have meant, refused with a clear message otherwise, in the form, in the service and in the
database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from directory.models import Municipality
from evaluation import services
from evaluation.models import EARLIEST_OUTREACH, MAX_HEAD_COUNT, OutreachActivity
from tests.factories import WorkerFactory
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def _values(worker, **kwargs) -> dict:
    values = {
        "date": timezone.localdate() - datetime.timedelta(days=1),
        "municipality": Municipality.objects.get(code="853"),
        "organizations": [worker.organization],
        "kind": "lecture",
        "audience": "professionals",
        "head_count": 40,
    }
    values.update(kwargs)
    return values


def _post(client, worker, **kwargs):
    data = {
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "municipality": Municipality.objects.get(code="853").pk,
        "organizations": [worker.organization.pk],
        "kind": "lecture",
        "audience": "professionals",
        "head_count": "40",
        **kwargs,
    }
    return client.post(reverse("evaluation:outreach_new"), data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("head_count", "1000000000", "at most 2000"),
        ("date", "1900-01-01", "Give a date between the years 2000 and 2100."),
        ("date", "2019-12-31", "not before 1 January 2020"),
        ("date", "9999-12-31", "Give a date between the years 2000 and 2100."),
    ],
)
def test_the_form_refuses_figures_that_would_skew_the_reports(client, field, value, message):
    worker = WorkerFactory()
    login(client, worker)
    response = _post(client, worker, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OutreachActivity.objects.exists()


def test_the_bounds_themselves_are_accepted(client):
    worker = WorkerFactory()
    login(client, worker)
    response = _post(
        client, worker, date=EARLIEST_OUTREACH.isoformat(), head_count=str(MAX_HEAD_COUNT)
    )
    assert response.status_code == 302
    assert OutreachActivity.objects.get().head_count == MAX_HEAD_COUNT


@pytest.mark.parametrize(
    ("field", "value"),
    [("head_count", 1_000_000_000), ("date", datetime.date(1900, 1, 1))],
)
def test_the_service_refuses_them_too(field, value):
    worker = WorkerFactory()
    with pytest.raises(ValidationError) as caught:
        services.outreach_create(actor=worker, **_values(worker, **{field: value}))
    assert field in caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [("head_count", 1_000_000_000), ("date", datetime.date(1900, 1, 1))],
)
def test_the_database_refuses_them_whatever_writes(field, value):
    worker = WorkerFactory()
    activity = services.outreach_create(actor=worker, **_values(worker))
    with pytest.raises(IntegrityError):
        OutreachActivity.objects.filter(pk=activity.pk).update(**{field: value})
