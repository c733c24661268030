"""Views translate HTTP into one service call each; permission rules live in the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consent.models import Scope
from consent.services import consent_record
from perhelinja.forms import add_service_errors
from perhelinja.fsm import ReadOnlyAsker, TransitionRefused, refusal_reasons

from . import routing, selectors, services
from .actions import REFERRAL_ACTIONS
from .audit import record_access
from .forms import (
    ConsentForm,
    FamilyForm,
    PreferencesForm,
    StateFilterForm,
)
from .models import AccessRecord, Notification, Referral, State
from .paging import cursor_from, keyset_page
from .rows import ReferralRow, appointment_rows, referral_rows

EDITABLE = (State.DRAFT, State.RETURNED)
BOOKABLE = (State.ACCEPTED, State.SCHEDULED, State.IN_SERVICE)


def _professional(request) -> None:
    if not request.user.is_professional:
        raise Http404


# --- the professional's referrals ------------------------------------------------------------


@login_required
def my_referrals(request):
    _professional(request)
    filters = StateFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    referrals = keyset_page(
        selectors.referrals_of_referrer(request.user, state),
        "created_at",
        after=cursor_from(request.GET.get("after")),
        newest_first=True,
        columns=ReferralRow.COLUMNS,
        rows=referral_rows,
    )
    template = "referrals/_my_list.html" if request.htmx else "referrals/my_referrals.html"
    return render(request, template, {"referrals": referrals, "filters": filters, "state": state})


def _record_consent(request, form):
    data = form.cleaned_data
    return consent_record(
        actor=request.user,
        given_by_role=data["given_by_role"],
        given_by_name=data["given_by_name"],
        method=data["method"],
        scopes=data["scopes"],
        valid_until=data["valid_until"],
    )


def _consent_step(request, form, referral=None):
    context = {
        "form": form,
        "referral": referral,
        "step": 1,
        "step_title": _("The family's consent"),
        "back_url": reverse("referrals:review", args=[referral.pk]) if referral else None,
    }
    return render(request, "referrals/wizard_step.html", context)


@login_required
def referral_new(request):
    """Step 1: the family's consent. A draft exists from here on, so nothing is lost."""
    _professional(request)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Both or neither: a consent without its draft would be left behind.
            with transaction.atomic():
                consent = _record_consent(request, form)
                referral = services.referral_create(actor=request.user, consent=consent)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("referrals:family", pk=referral.pk)
    return _consent_step(request, form)


@login_required
def referral_consent(request, pk: int):
    """Step 1 again for a draft: its consent is recorded anew when the first one was wrong
    (a consent is never edited), e.g. when it does not cover sharing the referral."""
    referral = _editable(request, pk)
    if referral.state != State.DRAFT:
        raise Http404
    if request.method == "GET":
        record_access(request, referral, AccessRecord.Channel.PAGE)
    old = referral.consent
    initial = (
        {
            "given_by_role": old.given_by_role,
            "given_by_name": old.given_by_name,
            "method": old.method,
            "scopes": [s.value for s in old.scopes],
        }
        if old is not None
        else None
    )
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                consent = _record_consent(request, form)
                services.referral_replace_consent(
                    referral=referral, actor=request.user, consent=consent
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The consent was recorded again."))
            return redirect("referrals:review", pk=referral.pk)
    return _consent_step(request, form, referral)


def _editable(request, pk: int) -> Referral:
    referral = selectors.get_referral_for_user(request.user, pk)
    if referral.referrer_id != request.user.pk or referral.state not in EDITABLE:
        raise Http404
    return referral


@login_required
def referral_family(request, pk: int):
    """Step 2: the family and the concern."""
    referral = _editable(request, pk)
    if request.method == "GET":
        record_access(request, referral, AccessRecord.Channel.PAGE)
    form = FamilyForm(request.POST or None, initial=FamilyForm.initial_from(referral))
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(referral=referral, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("referrals:preferences", pk=referral.pk)
    context = {"form": form, "referral": referral, "step": 2, "step_title": _("Family and concern")}
    return render(request, "referrals/wizard_step.html", context)


@login_required
def referral_preferences(request, pk: int):
    """Step 3: how and when the family would like to meet."""
    referral = _editable(request, pk)
    initial = {
        "modes": list(referral.preferred_modes.values_list("pk", flat=True)),
        "preferred_times": referral.preferred_times,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.referral_update(
            referral=referral,
            actor=request.user,
            modes=form.cleaned_data["modes"],
            preferred_times=form.cleaned_data["preferred_times"],
        )
        return redirect("referrals:review", pk=referral.pk)
    context = {
        "form": form,
        "referral": referral,
        "step": 3,
        "step_title": _("Ways and times"),
        "back_url": reverse("referrals:family", args=[referral.pk]),
    }
    return render(request, "referrals/wizard_step.html", context)


@login_required
def referral_review(request, pk: int):
    """Step 4: read it through, then submit."""
    referral = _editable(request, pk)
    if request.method == "GET":
        record_access(request, referral, AccessRecord.Channel.PAGE)
    missing = refusal_reasons(referral.submit)
    if request.method == "POST":
        try:
            referral = services.referral_submit(referral=referral, actor=request.user)
        except TransitionRefused as exc:
            missing = exc.messages
        else:
            messages.success(request, _("The referral was sent."))
            return redirect("referrals:detail", pk=referral.pk)
    context = {
        "referral": referral,
        "summary": selectors.summary(referral),
        "missing": missing,
        "step": 4,
        "submit": REFERRAL_ACTIONS.get("submit"),
    }
    return render(request, "referrals/wizard_review.html", context)


# --- one referral, for its referrer and the organization holding it --------------------------


def _forms(actions, bound: dict | None = None, initial: dict | None = None) -> dict:
    """Each action's form (None when it asks nothing): the one bound to what was sent, else
    an empty one."""
    bound, initial = bound or {}, initial or {}
    return {
        a: bound.get(a.name) or (a.form(initial=initial.get(a.name)) if a.form else None)
        for a in actions
    }


def _detail_context(
    request, referral: Referral, bound: dict | None = None, asker: ReadOnlyAsker | None = None
) -> dict:
    user = request.user
    actions = REFERRAL_ACTIONS.available(
        referral, asker or user, REFERRAL_ACTIONS.in_place("detail")
    )
    forms = _forms(actions, bound)
    is_referrer = referral.referrer_id == user.pk
    works_on_it = user.is_worker and referral.organization_id == user.organization_id
    return {
        "works_on_it": works_on_it,
        "can_read_summary": works_on_it
        and referral.consent is not None
        and referral.consent.is_valid_for(Scope.SHARE_REFERRAL),
        "can_book": works_on_it and referral.state in BOOKABLE,
        "appointments": appointment_rows(referral.appointments.all()) if works_on_it else [],
        "referral": referral,
        "summary": selectors.summary(referral),
        "forms": forms,
        "is_referrer": is_referrer,
        "editable": is_referrer and referral.state in EDITABLE,
        "timeline": selectors.timeline(referral, for_referrer=is_referrer),
    }


@login_required
def referral_detail(request, pk: int):
    # Reading only: one read of this person's permissions on the referral answers them all.
    asker = ReadOnlyAsker(request.user)
    referral = selectors.get_referral_for_user(asker, pk, prefetch=())
    record_access(request, referral, AccessRecord.Channel.PAGE)
    context = _detail_context(request, referral, asker=asker)
    return render(request, "referrals/detail.html", context)


def _perform(request, referral, action: str, form, redirect_to, rerender):
    if not form.is_valid():
        return rerender(form)
    try:
        REFERRAL_ACTIONS.call(action, referral, request.user, form.cleaned_data)
    except PermissionDenied:
        raise
    except TransitionRefused as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect_to
    except ValidationError as exc:
        add_service_errors(form, exc)
        return rerender(form)
    return None


@require_POST
@login_required
def referral_action(request, pk: int, action: str):
    referral = selectors.get_referral_for_user(request.user, pk)
    offered = REFERRAL_ACTIONS.get(action, place="detail")
    if offered is None:
        raise Http404
    form = offered.form(request.POST)

    def rerender(bound):
        context = _detail_context(request, referral, {action: bound})
        return render(request, "referrals/detail.html", context, status=400)

    failed = _perform(
        request, referral, action, form, redirect("referrals:detail", pk=pk), rerender
    )
    if failed is not None:
        return failed
    messages.success(request, _("Saved."))
    if request.user.has_perm("referrals.view_referral", Referral.objects.get(pk=pk)):
        return redirect("referrals:detail", pk=pk)
    return redirect("referrals:inbox" if request.user.is_worker else "home")


# --- coordinators ------------------------------------------------------------------------------


def _coordinator(request) -> None:
    if not request.user.has_perm("referrals.triage_referral"):
        raise Http404


@login_required
def triage(request):
    _coordinator(request)
    referrals = keyset_page(
        selectors.triage_queue(),
        "state_changed_at",
        after=cursor_from(request.GET.get("after")),
        newest_first=False,
        columns=ReferralRow.OWN_COLUMNS,
        rows=selectors.triage_rows,
    )
    return render(request, "referrals/triage.html", {"referrals": referrals})


def _triage_context(request, referral, bound=None):
    candidates = (
        routing.rank(referral)
        if referral.state in (State.SUBMITTED, State.DECLINED, State.POOLED)
        else []
    )
    actions = REFERRAL_ACTIONS.available(
        referral, request.user, REFERRAL_ACTIONS.in_place("triage")
    )
    initial = {"assign": {"organization": candidates[0].organization.pk}} if candidates else {}
    forms = _forms(actions, bound, initial)
    return {
        "referral": referral,
        "summary": selectors.summary(referral),
        "candidates": candidates,
        "clear_match": routing.clear_match(candidates),
        "forms": forms,
        "waiting_since": referral.state_changed_at,
        "now": timezone.now(),
    }


@login_required
def triage_detail(request, pk: int):
    _coordinator(request)
    referral = selectors.get_referral_for_triage(request.user, pk, prefetch=())
    return render(request, "referrals/triage_detail.html", _triage_context(request, referral))


@require_POST
@login_required
def triage_action(request, pk: int, action: str):
    _coordinator(request)
    referral = selectors.get_referral_for_triage(request.user, pk)
    offered = REFERRAL_ACTIONS.get(action, place="triage")
    if offered is None:
        raise Http404
    form = offered.form(request.POST)

    def rerender(bound):
        context = _triage_context(request, referral, {action: bound})
        return render(request, "referrals/triage_detail.html", context, status=400)

    failed = _perform(
        request, referral, action, form, redirect("referrals:triage_detail", pk=pk), rerender
    )
    if failed is not None:
        return failed
    messages.success(request, _("Saved."))
    return redirect("referrals:triage")


# --- organization workers ----------------------------------------------------------------------


@login_required
def worker_inbox(request):
    if not request.user.is_worker:
        raise Http404
    user, params = request.user, request.GET
    # The organization's own lists: its name would repeat on every line.
    own = {"columns": ReferralRow.OWN_COLUMNS, "rows": referral_rows}
    context = {
        "inbox": keyset_page(
            selectors.inbox(user),
            "state_changed_at",
            after=cursor_from(params.get("inbox_after")),
            newest_first=False,
            **own,
        ),
        "clients": keyset_page(
            selectors.clients(user),
            "accepted_at",
            after=cursor_from(params.get("clients_after")),
            newest_first=True,
            **own,
        ),
        "pool": keyset_page(
            selectors.claim_pool(user),
            "state_changed_at",
            after=cursor_from(params.get("pool_after")),
            newest_first=False,
            columns=ReferralRow.OWN_COLUMNS,
            rows=pool_rows,
        ),
    }
    return render(request, "referrals/inbox.html", context)


def pool_rows(values: list[dict]) -> list[ReferralRow]:
    return referral_rows(values, link="referrals:pool_detail")


@login_required
def pool_detail(request, pk: int):
    referral = selectors.get_pooled_referral_for_user(request.user, pk, prefetch=())
    context = {
        "referral": referral,
        "summary": selectors.summary(referral),
        "claim": REFERRAL_ACTIONS.get("claim"),
    }
    return render(request, "referrals/pool_detail.html", context)


@require_POST
@login_required
def pool_claim(request, pk: int):
    referral = selectors.get_pooled_referral_for_user(request.user, pk)
    try:
        services.referral_claim(referral=referral, actor=request.user)
    except TransitionRefused as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("referrals:inbox")
    messages.success(request, _("The referral is now your organization's."))
    return redirect("referrals:detail", pk=pk)


# --- notifications -----------------------------------------------------------------------------


@login_required
def notifications(request):
    items = list(Notification.objects.filter(user=request.user).select_related("event")[:100])
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "referrals/notifications.html", {"items": items, "unread": set(unread)})
