"""API reads of a family's data leave access records, and the art. 15 report lists them."""

import pytest

from appointments.services import outcome_report
from consent.services import consent_record
from referrals.audit import access_report
from referrals.models import AccessRecord, State
from tests.factories import (
    Cast,
    ConsentFactory,
    api_client_for,
    draft_referral,
    referral_in_state,
)

pytestmark = pytest.mark.django_db


def records():
    return list(
        AccessRecord.objects.order_by("referral_id").values_list(
            "referral_id", "user_id", "channel", "route"
        )
    )


def test_the_api_list_records_one_access_per_referral_shown_in_bounded_queries(
    django_assert_max_num_queries,
):
    cast = Cast()
    shown = [draft_referral(referrer=cast.referrer) for _ in range(26)]
    api = api_client_for(cast.referrer)
    with django_assert_max_num_queries(10):  # as for 12 rows: no query per row
        page = api.get("/api/v1/referrals/").data
    assert len(page["results"]) == 25
    expected = sorted(r["id"] for r in page["results"])
    assert records() == [(pk, cast.referrer.pk, "api", "referral-list") for pk in expected]
    api.get(page["next"])
    assert AccessRecord.objects.count() == 26
    assert set(AccessRecord.objects.values_list("referral_id", flat=True)) == {r.pk for r in shown}


def test_an_empty_api_list_records_nothing():
    cast = Cast()
    referral_in_state(State.SUBMITTED, cast)
    assert api_client_for(cast.handler).get("/api/v1/referrals/").data["results"] == []
    assert not AccessRecord.objects.exists()


def test_a_consent_read_records_one_access_per_referral_of_the_family():
    cast = Cast()
    consent = ConsentFactory(recorded_by=cast.referrer)
    family = [draft_referral(referrer=cast.referrer, consent=consent) for _ in range(2)]
    draft_referral(referrer=cast.referrer)  # another family
    response = api_client_for(cast.referrer).get(f"/api/v1/consents/{consent.pk}/")
    assert response.status_code == 200 and response.data["given_by_name"]
    assert records() == [(r.pk, cast.referrer.pk, "api", "consent-detail") for r in family]
    for referral in family:
        assert access_report(referral).count() == 2


def test_a_consent_with_no_referral_yet_records_nothing_when_its_recorder_reads_it():
    cast = Cast()
    consent = consent_record(
        actor=cast.referrer,
        given_by_role="guardian",
        given_by_name="Maija",
        method="verbal",
        scopes=["share_referral"],
    )
    assert api_client_for(cast.referrer).get(f"/api/v1/consents/{consent.pk}/").status_code == 200
    assert not AccessRecord.objects.exists()


def test_a_withdrawal_answered_with_the_givers_name_records_the_read():
    referral, cast = referral_in_state(State.ASSIGNED)
    response = api_client_for(cast.handler).post(
        f"/api/v1/consents/{referral.consent_id}/withdraw/", {"reason": "Puhelimessa"}
    )
    assert response.status_code == 200 and response.data["given_by_name"]
    assert records() == [(referral.pk, cast.handler.pk, "api", "consent-withdraw")]


def reported(cast):
    referral, _cast = referral_in_state(State.IN_SERVICE, cast)
    report = outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="counselling",
        sessions=1,
        next_step="no_further_need",
        summary_for_referrer="Perhe sai avun.",
    )
    return referral, report


def test_outcome_reads_record_an_access_for_their_referral():
    cast = Cast()
    referral, report = reported(cast)
    api = api_client_for(cast.handler)
    assert api.get(f"/api/v1/outcomes/{report.pk}/").status_code == 200
    assert records() == [(referral.pk, cast.handler.pk, "api", "outcome-detail")]
    AccessRecord.objects.all().delete()
    assert api.get("/api/v1/outcomes/").data["count"] == 1
    assert records() == [(referral.pk, cast.handler.pk, "api", "outcome-list")]


def test_the_outcome_list_records_its_page_in_bounded_queries(django_assert_max_num_queries):
    cast = Cast()
    referrals = [reported(cast)[0] for _ in range(4)]
    api = api_client_for(cast.handler)
    with django_assert_max_num_queries(7):
        data = api.get("/api/v1/outcomes/").data
    assert data["count"] == 4
    assert sorted(AccessRecord.objects.values_list("referral_id", flat=True)) == sorted(
        r.pk for r in referrals
    )


def test_the_art_15_report_lists_the_api_reads():
    cast = Cast()
    referral, report = reported(cast)
    api_client_for(cast.handler).get("/api/v1/referrals/")
    api_client_for(cast.handler).get(f"/api/v1/consents/{referral.consent_id}/")
    api_client_for(cast.handler).get(f"/api/v1/outcomes/{report.pk}/")
    assert list(access_report(referral).values_list("user", "channel", "route")) == [
        (cast.handler.pk, "api", "referral-list"),
        (cast.handler.pk, "api", "consent-detail"),
        (cast.handler.pk, "api", "outcome-detail"),
    ]
