from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import check_for_language
from django.views.i18n import set_language as django_set_language

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


class LoginView(auth_views.LoginView):
    """Log in, and show the interface in the language the person chose last time."""

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.get_user().language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response


def set_language(request):
    """Django's language switch; a logged-in person's choice is also kept for emails."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and check_for_language(language)
        and language in dict(settings.LANGUAGES)
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
