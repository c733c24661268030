"""The referral's page lists the times offered to the family and where each stands, so a
family that said no time suits is seen where the worker works, not only in an email."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import SlotOffer
from tests.appointments.helpers import accepted_with_shift

pytestmark = pytest.mark.django_db


def test_the_page_shows_each_offer_with_its_status_and_link(client):
    referral, cast, shift = accepted_with_shift(start=(9, 0), end=(13, 0))
    slots = list(shift.slots.order_by("starts_at"))
    waiting, _t = services.offer_create(referral=referral, slots=slots[:2], actor=cast.handler)
    refused, _t = services.offer_create(referral=referral, slots=slots[2:4], actor=cast.handler)
    services.offer_none_suit(offer=refused)
    expired, _t = services.offer_create(referral=referral, slots=slots[:2], actor=cast.handler)
    SlotOffer.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(cast.handler)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    for offer in (waiting, refused, expired):
        assert reverse("appointments:offer_detail", args=[offer.pk]) in page
    assert "Waiting for the family" in page
    assert "None of the times suit the family" in page
    assert "Expired without a choice" in page


def test_the_referrer_sees_no_offers(client):
    referral, cast, shift = accepted_with_shift(start=(9, 0), end=(11, 0))
    services.offer_create(referral=referral, slots=shift.slots.all(), actor=cast.handler)
    client.force_login(cast.referrer)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Times offered to the family" not in page
