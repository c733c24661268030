"""The demo shows feedback and outreach: made through the services, and only once."""

from io import StringIO

import pytest
from django.core.management import call_command

from evaluation.models import (
    FeedbackAnswer,
    FeedbackInvitation,
    OutreachActivity,
    ReferrerFeedback,
    ReferrerFeedbackMark,
)
from referrals.models import Referral, State

pytestmark = pytest.mark.django_db


def test_the_demo_has_feedback_and_outreach_and_adds_nothing_twice(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--quiet-users", stdout=out)
    completed = Referral.objects.filter(state=State.COMPLETED).count()
    # Completed referrals whose consent covers email got a link; all but one were answered.
    invitations = FeedbackInvitation.objects.count()
    assert invitations >= 2
    assert FeedbackInvitation.objects.filter(used=False).count() == 1
    assert "/feedback/" in out.getvalue()
    assert ReferrerFeedbackMark.objects.count() == completed - 1
    assert OutreachActivity.objects.count() == 15
    counts = (FeedbackAnswer.objects.count(), ReferrerFeedback.objects.count())
    call_command("seed_demo", "--quiet-users", stdout=StringIO())
    assert OutreachActivity.objects.count() == 15
    assert (FeedbackAnswer.objects.count(), ReferrerFeedback.objects.count()) == counts
