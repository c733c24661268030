"""`{% referrer_feedback referral %}`: the referrer's question on a completed referral's page,
so the referral view itself needs no change."""

from django import template

from ..forms import ReferrerFeedbackForm
from ..models import ReferrerFeedbackMark
from ..services import referrer_feedback_pending

register = template.Library()


@register.inclusion_tag("evaluation/_referrer_feedback.html", takes_context=True)
def referrer_feedback(context, referral):
    user = context["request"].user
    pending = referrer_feedback_pending(referral, user)
    answered = (
        not pending
        and referral.referrer_id == user.pk
        and ReferrerFeedbackMark.objects.filter(referral=referral).exists()
    )
    return {
        "referral": referral,
        "pending": pending,
        "answered": answered,
        "form": ReferrerFeedbackForm() if pending else None,
        "csrf_token": context.get("csrf_token"),
    }
