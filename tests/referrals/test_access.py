import pytest
from django.urls import reverse

from referrals.audit import access_report
from referrals.models import AccessRecord, State
from tests.factories import referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def test_each_page_read_writes_exactly_one_access_record(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    client.force_login(cast.handler)
    client.get(reverse("referrals:detail", args=[referral.pk]))
    [record] = AccessRecord.objects.all()
    assert (record.user, record.referral, record.channel, record.route) == (
        cast.handler,
        referral,
        "page",
        "referrals:detail",
    )
    client.force_login(cast.referrer)
    client.get(reverse("referrals:detail", args=[referral.pk]))
    assert AccessRecord.objects.count() == 2
    assert list(access_report(referral).values_list("user", flat=True)) == [
        cast.handler.pk,
        cast.referrer.pk,
    ]


def test_the_wizard_pages_record_their_reads_but_saving_does_not(client):
    referral, cast = referral_in_state(State.DRAFT)
    client.force_login(cast.referrer)
    client.get(reverse("referrals:family", args=[referral.pk]))
    client.get(reverse("referrals:review", args=[referral.pk]))
    assert list(AccessRecord.objects.values_list("route", flat=True)) == [
        "referrals:family",
        "referrals:review",
    ]
    client.post(reverse("referrals:review", args=[referral.pk]))
    assert AccessRecord.objects.count() == 2


def test_lists_and_refused_reads_record_nothing(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    client.force_login(cast.referrer)
    client.get(reverse("referrals:mine"))
    login(client, cast.coordinator)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    client.get(reverse("referrals:triage_detail", args=[referral.pk]))
    assert not AccessRecord.objects.exists()
