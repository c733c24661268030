import random

import pytest

from demo.management.commands.seed_demo import Command
from referrals.models import Referral, ReferralEvent, State
from tests.factories import Cast, referral_in_state

pytestmark = pytest.mark.django_db


def test_waiting_since_is_each_rows_own_time_in_the_demo():
    """The demo moves a referral's history into the past; its state changed when its last
    event happened, not when the demo ran: otherwise every "waiting since" is the same."""
    cast = Cast()
    referral, _c = referral_in_state(State.SUBMITTED, cast)
    Command().backdate(referral.pk, random.Random(1))
    last = ReferralEvent.objects.filter(referral=referral).latest("pk").created_at
    assert Referral.objects.get(pk=referral.pk).state_changed_at == last
