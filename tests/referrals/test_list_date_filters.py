"""The API lists' date filters keep to the service's one window of dates (perhelinja.dates)."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from perhelinja.filters import UTCDateTimeField
from referrals.models import State
from tests.factories import referral_in_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment",
    [
        "1999-12-31T23:59:59+00:00",
        "1900-01-01T00:00:00Z",
        "2101-01-01T00:00:00Z",
        "2200-06-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_a_moment_outside_the_window_is_refused_with_the_shared_message(moment):
    with pytest.raises(ValidationError) as caught:
        UTCDateTimeField().clean(moment)
    assert caught.value.messages == ["Give a date between the years 2000 and 2100."]


@pytest.mark.parametrize("moment", ["2000-01-01T00:00:00+02:00", "2100-12-31T23:59:59Z"])
def test_the_ends_of_the_window_are_accepted(moment):
    assert UTCDateTimeField().clean(moment).utcoffset().total_seconds() == 0


@pytest.mark.parametrize("param", ["submitted_after", "submitted_before"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_the_referral_list_answers_extreme_filters_with_a_400(param, moment):
    _referral, cast = referral_in_state(State.SUBMITTED)
    api = APIClient()
    api.force_authenticate(cast.referrer)
    response = api.get("/api/v1/referrals/", {param: moment})
    assert response.status_code == 400
    assert response.data[param] == ["Give a date between the years 2000 and 2100."]
