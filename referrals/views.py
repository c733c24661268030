"""Views translate HTTP into one service call each; permission rules live in the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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
from perhelinja.fsm import ReadOnlyAsker, TransitionRefused, check_permission, refusal_reasons
from perhelinja.lifecycle import PRIMARY, SECONDARY, Action

from . import routing, selectors, services
from .actions import REFERRAL_ACTIONS
from .audit import record_access
from .forms import (
    ConsentForm,
    FamilyForm,
    ListFilterForm,
    MyListFilterForm,
    PreferencesForm,
    TriageFilterForm,
    confirmed,
)
from .models import AccessRecord, Notification, Referral, State
from .paging import cursor_from, keyset_page
from .rows import (
    NEEDS_PROFESSIONAL,
    NEEDS_WORKER,
    ReferralRow,
    appointment_rows,
    offer_rows,
    referral_rows,
)

EDITABLE = (State.DRAFT, State.RETURNED)
BOOKABLE = (State.ACCEPTED, State.SCHEDULED, State.IN_SERVICE)


def _professional(request) -> None:
    if not request.user.is_professional:
        raise Http404


# --- the professional's referrals ------------------------------------------------------------


def _filters(form_class, request, **kwargs) -> ListFilterForm:
    """A list's search and order, bound only when the query string asks for them (a bare
    `after` cursor keeps the defaults)."""
    asked = any(request.GET.get(name) for name in ("q", "sort", "state"))
    return form_class(request.GET if asked else None, **kwargs)


def _mine_rows(values: list[dict]) -> list[ReferralRow]:
    return referral_rows(values, needs=NEEDS_PROFESSIONAL)


@login_required
def my_referrals(request):
    _professional(request)
    user = request.user
    filters = _filters(MyListFilterForm, request)
    text, _sort = filters.values()
    state = filters.chosen("state")
    field, newest_first = filters.order("newest")
    referrals = keyset_page(
        selectors.search(selectors.referrals_of_referrer(user, state), user, text),
        field,
        after=cursor_from(request.GET.get("after")),
        newest_first=newest_first,
        columns=ReferralRow.COLUMNS,
        rows=_mine_rows,
    )
    selectors.with_family_names(referrals.items, user)
    template = "referrals/_my_list.html" if request.htmx else "referrals/my_referrals.html"
    context = {"referrals": referrals, "filters": filters, "query": filters.query()}
    return render(request, template, context)


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


def _form_class(action):
    """The form a page asks for `action`: a danger action's asks to confirm it too."""
    return confirmed(action.form) if action.confirm else action.form


def _forms(actions, bound: dict | None = None, initial: dict | None = None) -> dict:
    """Each action's form (None when it asks nothing): the one bound to what was sent, else
    an empty one."""
    bound, initial = bound or {}, initial or {}
    found = {}
    for action in actions:
        form_class = _form_class(action)
        found[action] = bound.get(action.name) or (
            form_class(initial=initial.get(action.name), auto_id=_auto_id(action))
            if form_class
            else None
        )
    return found


def _auto_id(action) -> str:
    """Each action's fields get ids of their own: a page holds several actions' forms."""
    return f"id_{action.name}_%s"


@dataclass
class Offered:
    """An action as a page shows it: its form and its button's kind. A page has one primary
    button (the first primary action); the other actions are secondary, a danger action stays
    danger and asks for confirmation."""

    action: Action
    form: object
    kind: str
    open: bool  # shown unfolded: the primary action, and one sent back with errors


def _offered(forms: dict, bound: dict | None = None) -> list[Offered]:
    found, primary = [], False
    for action, form in forms.items():
        kind = action.kind
        if kind == PRIMARY:
            kind, primary = (SECONDARY, primary) if primary else (PRIMARY, True)
        is_bound = bool(bound) and action.name in bound
        found.append(Offered(action, form, kind, kind == PRIMARY or is_bound))
    return found


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
        "offers": offer_rows(referral.slot_offers.all()) if works_on_it else [],
        "referral": referral,
        "summary": selectors.summary(referral),
        "forms": forms,
        "offered": _offered(forms, bound),
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
    # Someone who may not take the action is refused before being asked to confirm it.
    check_permission(getattr(referral, REFERRAL_ACTIONS[action].transition), request.user)
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
    form = _form_class(offered)(request.POST, auto_id=_auto_id(offered))

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
    filters = _filters(TriageFilterForm, request, name_search=False)
    text, _sort = filters.values()
    queue = selectors.triage_queue()
    if state := filters.chosen("state"):
        queue = queue.filter(state=state)
    field, newest_first = filters.order("waiting")
    referrals = keyset_page(
        selectors.search(queue, request.user, text),
        field,
        after=cursor_from(request.GET.get("after")),
        newest_first=newest_first,
        columns=ReferralRow.OWN_COLUMNS,
        rows=selectors.triage_rows,
    )
    context = {"referrals": referrals, "filters": filters, "query": filters.query()}
    return render(request, "referrals/triage.html", context)


def _triage_context(request, referral, bound=None):
    candidates = (
        routing.rank(referral)
        if referral.state in (State.SUBMITTED, State.DECLINED, State.POOLED)
        else []
    )
    actions = REFERRAL_ACTIONS.available(
        referral, request.user, REFERRAL_ACTIONS.in_place("triage")
    )
    chosen = _chosen_candidate(request, candidates)
    initial = {"assign": {"organization": chosen.organization.pk}} if chosen else {}
    forms = _forms(actions, bound, initial)
    free = selectors.next_free_times([c.organization.pk for c in candidates])
    return {
        "referral": referral,
        "summary": selectors.summary(referral),
        "candidates": [
            CandidateLine(c, free.get(c.organization.pk), c is chosen) for c in candidates
        ],
        "chosen": chosen,
        "clear_match": routing.clear_match(candidates),
        "forms": forms,
        "offered": _offered(forms, bound),
        "waiting_since": referral.state_changed_at,
        "now": timezone.now(),
    }


@dataclass
class CandidateLine:
    """A candidate organization as the triage table shows it."""

    candidate: routing.Candidate
    next_free: datetime.datetime | None  # its earliest free time from now
    chosen: bool  # the assign form names it


def _chosen_candidate(request, candidates: list) -> routing.Candidate | None:
    """The candidate the coordinator picked in the table (`?organization=`), else the top
    one."""
    picked = request.GET.get("organization", "")
    for candidate in candidates:
        if str(candidate.organization.pk) == picked:
            return candidate
    return candidates[0] if candidates else None


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
    form = _form_class(offered)(request.POST, auto_id=_auto_id(offered))

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


def _inbox_rows(values: list[dict]) -> list[ReferralRow]:
    return referral_rows(values, needs=NEEDS_WORKER)


@login_required
def worker_inbox(request):
    if not request.user.is_worker:
        raise Http404
    user, params = request.user, request.GET
    filters = _filters(ListFilterForm, request)
    text, sort = filters.values()
    field, newest_first = filters.order("waiting")

    def page(queryset, after: str, rows, *, default: tuple[str, bool] | None = None):
        # The organization's own lists: its name would repeat on every line.
        by, newest = default if default and not sort else (field, newest_first)
        return keyset_page(
            selectors.search(queryset, user, text),
            by,
            after=cursor_from(params.get(after)),
            newest_first=newest,
            columns=ReferralRow.OWN_COLUMNS,
            rows=rows,
        )

    inbox = page(selectors.inbox(user), "inbox_after", _inbox_rows)
    clients = page(
        selectors.clients(user), "clients_after", referral_rows, default=("accepted_at", True)
    )
    pool = page(selectors.claim_pool(user), "pool_after", pool_rows)
    selectors.with_family_names([*inbox.items, *clients.items], user)
    context = {
        "inbox": inbox,
        "clients": clients,
        "pool": pool,
        "filters": filters,
        "query": filters.query(),
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
