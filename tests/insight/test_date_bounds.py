"""A custom period is bounded to the years the service can mean: an extreme date is a clear
error on the dashboard and in the statistics API, never a 500."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insight.forms import InsightForm
from insight.period import Period
from tests.factories import Cast
from tests.two_factor import login, token_request

pytestmark = pytest.mark.django_db

EXTREMES = [
    ("0001-01-01", "9999-12-31"),
    ("1999-12-31", "2026-01-01"),
    ("2026-01-01", "2101-01-01"),
]


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_the_dashboard_refuses_a_custom_period_outside_the_window(client, start, end):
    cast = Cast()
    login(client, cast.coordinator)
    response = client.get(
        reverse("insight:dashboard"), {"period": "custom", "start": start, "end": end}
    )
    assert response.status_code == 200
    assert "Give a date between the years 2000 and 2100." in response.content.decode()


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_the_statistics_api_answers_an_extreme_period_with_a_400(start, end):
    cast = Cast()
    api = APIClient()
    token = api.post(reverse("api-token"), token_request(cast.coordinator)).data["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get(reverse("api-throughput"), {"start": start, "end": end})
    assert response.status_code == 400
    assert "Give a date between the years 2000 and 2100." in str(response.json())


def test_the_window_itself_is_a_valid_custom_period():
    form = InsightForm({"period": "custom", "start": "2000-01-01", "end": "2100-12-31"})
    assert form.is_valid(), form.errors


def test_a_period_outside_the_window_cannot_be_made():
    """Stored snapshots and queued reports build periods without a form."""
    with pytest.raises(ValueError):
        Period(datetime.date(1, 1, 1), datetime.date(2026, 1, 1))
    with pytest.raises(ValueError):
        Period(datetime.date(2026, 1, 1), datetime.date(9999, 12, 31))
