"""Views translate HTTP into one service call each; who may do what lives in the services
and selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from perhelinja.forms import add_service_errors
from perhelinja.fsm import TransitionRefused
from referrals import selectors as referral_selectors

from . import selectors, services
from .forms import (
    FamilyFeedbackForm,
    OutreachFilterForm,
    OutreachForm,
    ReferrerFeedbackForm,
)
from .tasks import FAMILY_LANGUAGES

OUTREACH_PER_PAGE = 25


def _page(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- the family's questionnaire (no login) ---------------------------------------------------


@never_cache
def family_feedback(request, token: str):
    """Opening the link changes nothing; only the POST of the form stores an answer."""
    invitation, expired = services.get_invitation_for_token(token)
    referral = invitation.referral
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or (
        referral.language if referral.language in FAMILY_LANGUAGES else "fi"
    )
    status = 200
    with translation.override(language):
        form = FamilyFeedbackForm()
        error = None
        if request.method == "POST":
            form = FamilyFeedbackForm(request.POST)
            if invitation.used or expired:
                error = str(services.ALREADY_ANSWERED) if invitation.used else None
                status = 409 if invitation.used else 410
            elif form.is_valid():
                try:
                    services.feedback_answer_submit(invitation=invitation, **form.cleaned_data)
                except TransitionRefused as exc:
                    error, status = " ".join(exc.messages), 409
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return redirect("evaluation:family_feedback", token=token)
            invitation.refresh_from_db()
        context = {
            "organization": referral.organization,
            "form": form,
            "used": invitation.used,
            "expired": expired,
            "error": error,
            "LANGUAGE_CODE": language,
        }
        response = render(request, "evaluation/family_feedback.html", context, status=status)
    # Never leak the link to other sites; same-origin keeps the form POST's Origin header valid.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the referrer's feedback -----------------------------------------------------------------


@require_POST
@login_required
def referrer_feedback(request, pk: int):
    referral = referral_selectors.get_referral_for_user(request.user, pk)
    form = ReferrerFeedbackForm(request.POST)
    context = {"referral": referral, "form": form, "pending": True}
    if form.is_valid():
        try:
            services.referrer_feedback_give(
                referral=referral, actor=request.user, **form.cleaned_data
            )
        except TransitionRefused as exc:
            context.update(pending=False, refused=" ".join(exc.messages))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.htmx:
                context["pending"] = False
                context["thanks"] = True
                return render(request, "evaluation/_referrer_feedback.html", context)
            messages.success(request, _("Thank you for your feedback."))
            return redirect("referrals:detail", pk=pk)
    if request.htmx:
        return render(request, "evaluation/_referrer_feedback.html", context)
    if context.get("refused"):
        messages.error(request, context["refused"])
        return redirect("referrals:detail", pk=pk)
    return render(request, "evaluation/referrer_feedback.html", context)


# --- coordinators: the families' own words -----------------------------------------------


@require_POST
@login_required
def feedback_comment_remove(request, pk):
    answer = selectors.get_answer_for_coordinator(request.user, pk)
    services.feedback_comment_remove(answer=answer, actor=request.user)
    messages.success(request, _("The text was removed; the scores stay in the figures."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("insight:comments")
    return redirect(back)


# --- outreach ----------------------------------------------------------------------------


@login_required
def outreach_list(request):
    filters = OutreachFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    activities = selectors.outreach_for_user(
        request.user, area=data.get("area"), year=data.get("year")
    )
    context = {
        "filters": filters,
        "page": _page(request, activities, OUTREACH_PER_PAGE),
        "query": _query_without_page(request),
    }
    template = "evaluation/_outreach_list.html" if request.htmx else "evaluation/outreach_list.html"
    return render(request, template, context)


def _outreach_form(request, *, activity=None):
    if activity is None and not services.may_record_outreach(request.user):
        raise Http404
    initial = {}
    if activity is not None:
        initial = {
            "date": activity.date,
            "municipality": activity.municipality,
            "organizations": list(activity.organizations.all()),
            "kind": activity.kind,
            "audience": activity.audience,
            "head_count": activity.head_count,
            "target_groups": list(activity.target_groups.all()),
            "challenges": list(activity.challenges.all()),
        }
    form = OutreachForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                services.outreach_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The activity was recorded."))
            else:
                services.outreach_update(activity=activity, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The activity was updated."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("evaluation:outreach")
    return render(request, "evaluation/outreach_form.html", {"form": form, "activity": activity})


@login_required
def outreach_new(request):
    return _outreach_form(request)


@login_required
def outreach_edit(request, pk: int):
    return _outreach_form(request, activity=selectors.get_outreach_for_user(request.user, pk))


@login_required
def outreach_delete(request, pk: int):
    activity = selectors.get_outreach_for_user(request.user, pk)
    if request.method == "POST":
        services.outreach_delete(activity=activity, actor=request.user)
        messages.success(request, _("The activity was deleted."))
        return redirect("evaluation:outreach")
    return render(request, "evaluation/outreach_delete.html", {"activity": activity})
