"""Views translate HTTP into one service call each; who may do what lives in the model's
transitions and the services, who may see what in `selectors`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.models import Organization
from perhelinja.forms import add_service_errors
from perhelinja.fsm import ReadOnlyAsker, TransitionRefused, check_permission
from perhelinja.lifecycle import PRIMARY, SECONDARY, Action
from referrals.forms import confirmed

from . import selectors, services
from .actions import PACKAGE_ACTIONS
from .forms import PackageForm
from .models import REPORT_STATES, ServicePackage, State


def _may_record(user) -> bool:
    return user.is_coordinator or user.is_professional


@login_required
def package_list(request):
    """The packages the person has a part in, newest first."""
    if not (_may_record(request.user) or request.user.is_worker):
        raise Http404
    context = {
        "packages": selectors.package_list(request.user)[:200],
        "may_record": _may_record(request.user),
    }
    return render(request, "packages/list.html", context)


@login_required
def package_new(request):
    """Record a municipality's challenge as a draft package."""
    if not _may_record(request.user):
        raise Http404
    form = PackageForm(request.POST or None, own_municipality=not request.user.is_coordinator)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "challenges"}
        try:
            package = services.package_create(
                actor=request.user, challenges=form.cleaned_data["challenges"], **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("packages:detail", pk=package.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "packages/new.html", {"form": form}, status=status)


# --- one package ----------------------------------------------------------------------------


@dataclass
class Offered:
    """An action as the page shows it: its form and its button's kind (one primary)."""

    action: Action
    form: object
    kind: str
    open: bool


def _form_class(action):
    return confirmed(action.form) if action.confirm else action.form


def _form(action, package, user, data=None):
    form_class = _form_class(action)
    if form_class is None:
        return None
    kwargs = {"auto_id": f"id_{action.name}_%s"}
    if action.name == "answer":
        form = form_class(data, organization=user.organization, **kwargs)
        invitation = selectors.own_invitation(package, user)
        if data is None and invitation is not None and invitation.answered_at:
            form.initial = {
                "services": [s.pk for s in invitation.services.all()],
                "group_sessions": invitation.group_sessions,
                "lectures": invitation.lectures,
                "outreach_events": invitation.outreach_events,
                "planned_hours": invitation.planned_hours,
                "capacity": invitation.capacity,
                "reason": invitation.note,
            }
        return form
    form = form_class(data, **kwargs)
    if action.name == "invite":
        _ranked_choices(form, package)
    return form


def _ranked_choices(form, package: ServicePackage) -> None:
    """Offer the matching organizations not yet invited, best first, with their points."""
    invited = set(package.invitations.values_list("organization_id", flat=True))
    ranked = [c for c in selectors.candidates(package) if c.organization.pk not in invited]
    order = Case(
        *(When(pk=c.organization.pk, then=i) for i, c in enumerate(ranked)),
        output_field=IntegerField(),
    )
    field = form.fields["organizations"]
    field.queryset = (
        Organization.objects.filter(pk__in=[c.organization.pk for c in ranked]).order_by(order)
        if ranked
        else Organization.objects.none()
    )
    points = {c.organization.pk: c.score for c in ranked}
    field.label_from_instance = lambda o: (
        _("%(name)s (%(points)s points)")
        % {
            "name": o,
            "points": points.get(o.pk, 0),
        }
    )


def _offered(package, user, bound: dict | None = None) -> list[Offered]:
    bound = bound or {}
    asker = ReadOnlyAsker(user)
    found, primary = [], False
    for action in PACKAGE_ACTIONS.available(package, asker, PACKAGE_ACTIONS.in_place("detail")):
        form = bound.get(action.name) or _form(action, package, user)
        kind = action.kind
        if kind == PRIMARY:
            kind, primary = (SECONDARY, primary) if primary else (PRIMARY, True)
        found.append(Offered(action, form, kind, kind == PRIMARY or action.name in bound))
    return found


def _detail_context(request, package: ServicePackage, bound: dict | None = None) -> dict:
    user = request.user
    sees_all = user.is_coordinator or user.pk in (package.created_by_id, package.contact_id)
    return {
        "package": package,
        "challenges": list(package.challenges.all()),
        "invitations": selectors.invitations(package, user),
        "candidates": selectors.candidates(package)
        if user.is_coordinator and package.state in (State.DRAFT, State.INVITING)
        else [],
        "referrals": list(
            package.package_referrals.select_related("referral").order_by("referral_id")
        )
        if sees_all
        else [],
        "outreach": list(
            package.package_outreach.select_related("activity").order_by("activity__date")
        ),
        "events": _timeline(package, user, sees_all),
        "sees_all": sees_all,
        "has_report": package.state in REPORT_STATES,
        "offered": _offered(package, user, bound),
    }


def _timeline(package: ServicePackage, user, sees_all: bool) -> list:
    """The audit rows, each with the title of the action it records. An organization's
    worker sees the package's own steps and their organization's, not what other
    organizations answered or which referrals were counted."""
    events = package.events.select_related("organization")
    if not sees_all:
        events = events.exclude(transition="attribute").filter(
            Q(organization__isnull=True) | Q(organization_id=user.organization_id)
        )
    events = list(events)
    for event in events:
        event.title = PACKAGE_ACTIONS.by_transition(event.transition).title
    return events


@login_required
def package_detail(request, pk: int):
    package = selectors.get_package_for_user(request.user, pk)
    return render(request, "packages/detail.html", _detail_context(request, package))


@require_POST
@login_required
def package_action(request, pk: int, action: str):
    package = selectors.get_package_for_user(request.user, pk)
    offered = PACKAGE_ACTIONS.get(action, place="detail")
    if offered is None:
        raise Http404
    # Someone who may not take the action is refused before being asked to confirm it.
    check_permission(getattr(package, offered.transition), request.user)
    form = _form(offered, package, request.user, request.POST)
    if form is not None and not form.is_valid():
        context = _detail_context(request, package, {action: form})
        return render(request, "packages/detail.html", context, status=400)
    try:
        PACKAGE_ACTIONS.call(action, package, request.user, form.cleaned_data if form else {})
    except PermissionDenied:
        raise
    except TransitionRefused as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("packages:detail", pk=pk)
    except ValidationError as exc:
        add_service_errors(form, exc)
        context = _detail_context(request, package, {action: form})
        return render(request, "packages/detail.html", context, status=400)
    messages.success(request, _("Saved."))
    return redirect("packages:detail", pk=pk)
