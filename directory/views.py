from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from referrals.models import Referral, State

from .filters import ServiceFilter


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


def catalogue(request):
    """The public service catalogue (palvelupaketti): anyone may search it, no login, no
    personal data. An htmx request gets only the results; a plain GET the whole page."""
    filterset = ServiceFilter(request.GET, request=request)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "services": list(filterset.qs),
    }
    # htmx asks for the whole page when it restores history it has not cached.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "directory/_catalogue_results.html" if partial else "directory/catalogue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response
