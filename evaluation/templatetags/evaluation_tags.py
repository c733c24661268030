"""`{% referrer_feedback referral %}`: the referrer's question on a completed referral's page,
so the referral view itself needs no change."""

from django import template

from referrals.models import State

from ..forms import ReferrerFeedbackForm
from ..models import ReferrerFeedbackMark

register = template.Library()


@register.inclusion_tag("evaluation/_referrer_feedback.html", takes_context=True)
def referrer_feedback(context, referral):
    """Only the referrer of a completed referral sees anything: the two questions, or the
    thanks once answered (one query, and none on every other page)."""
    user = context["request"].user
    asked = user.is_active and referral.referrer_id == user.pk and referral.state == State.COMPLETED
    answered = asked and ReferrerFeedbackMark.objects.filter(referral=referral).exists()
    pending = asked and not answered
    return {
        "referral": referral,
        "pending": pending,
        "answered": answered,
        "form": ReferrerFeedbackForm() if pending else None,
        "csrf_token": context.get("csrf_token"),
    }
