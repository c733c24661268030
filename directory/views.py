from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from referrals.models import Referral, State


@login_required
def home(request):
    """Each role's starting point: what waits for this person now."""
    user = request.user
    context = {"user": user}
    if user.is_professional:
        context["my_referrals"] = Referral.objects.filter(referrer=user).select_related(
            "organization"
        )[:20]
    if user.is_worker:
        context["inbox"] = (
            Referral.objects.filter(organization_id=user.organization_id)
            .exclude(state__in=[State.COMPLETED, State.CANCELLED, State.WITHDRAWN])
            .select_related("municipality")[:20]
        )
    if user.is_coordinator:
        context["triage_count"] = Referral.objects.filter(
            state__in=[State.SUBMITTED, State.DECLINED]
        ).count()
    return render(request, "directory/home.html", context)
