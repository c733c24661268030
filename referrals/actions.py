"""Every action on a referral, declared once: pages, API, notifications, factories, demo and
scale data read this registry (see `perhelinja.lifecycle`).

Access follows the referral: the organization holding it (assigned, accepted, scheduled, in
service, completed) reads the family's data while the consent covers sharing; the actions
with `END_SHARING` take that access away and end what the organization had planned with
the family (`END_APPOINTMENTS`, implemented by the appointments app).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from directory.models import Organization
from perhelinja.fsm import TransitionRefused
from perhelinja.lifecycle import DANGER, PRIMARY, Action, Change, Effect, Registry
from perhelinja.outbox import enqueue

from . import routing
from .forms import AssignForm, DeclineForm, NoteForm, QuestionForm, ReasonForm
from .models import Referral, ReferralEvent

ORGANIZATION_PERMS = ("view_referral", "handle_referral")


def _routes(*segments, weight: float = 100) -> tuple[tuple[float, tuple[str, ...]], ...]:
    """Every way through `segments` one after another (a segment is a path, or alternative
    paths each with its weight), the weights multiplied and scaled to sum to `weight`."""
    routes = [(weight, ())]
    for segment in segments:
        options = segment if isinstance(segment[0], tuple) else ((1, segment),)
        total = sum(w for w, _path in options)
        routes = [(w * v / total, path + more) for w, path in routes for v, more in options]
    return tuple(routes)


# The routes from a draft to each state, as action names, each with its weight: the weights
# are the scale data's mix (`referrals.scale` draws each referral's route by them). The first
# route of each state is its canonical path (`PATHS`). Every beginning of a route is a route
# of the state it reaches, so a referral still on its way is on one of its state's routes.
_SENT = ((92, ("submit",)), (8, ("submit", "return", "submit")))  # returned once, sent again
_ROUTED = (
    (78, ("assign",)),
    (10, ("assign", "decline", "assign")),  # declined by another organization first
    (12, ("open_pool", "claim")),
)
_SERVED = ("accept", "schedule", "start_service")
ROUTES = {
    "draft": _routes(),
    "submitted": _routes(_SENT),
    "pooled": _routes(_SENT, ("open_pool",)),
    "assigned": _routes(_SENT, _ROUTED),
    "accepted": _routes(_SENT, _ROUTED, ("accept",)),
    "scheduled": _routes(_SENT, _ROUTED, _SERVED[:2]),
    "in_service": _routes(_SENT, _ROUTED, _SERVED),
    "completed": _routes(
        _SENT, _ROUTED, ((75, (*_SERVED, "complete")), (3, ("accept", "complete")))
    ),
    "returned": _routes(("submit", "return")),
    "declined": _routes(_SENT, ("assign", "decline")),
    "cancelled": (
        *_routes(_SENT, ("cancel",), weight=43),
        *_routes(("cancel",), weight=15),
        *_routes(_SENT, _ROUTED, ("cancel",), weight=25),
        *_routes(_SENT, _ROUTED, ("accept", "cancel"), weight=17),
    ),
    "withdrawn": (
        *_routes(_SENT, _ROUTED, ("withdraw",), weight=25),
        *_routes(_SENT, ("withdraw",), weight=25),
        *_routes(_SENT, _ROUTED, ("accept", "withdraw"), weight=20),
        *_routes(_SENT, _ROUTED, (*_SERVED, "withdraw"), weight=30),  # during the service
    ),
}
# The canonical path to each state (test factories, demo).
PATHS = {state: routes[0][1] for state, routes in ROUTES.items()}


def grant_organization(organization: Organization, referral: Referral) -> None:
    for perm in ORGANIZATION_PERMS:
        assign_perm(f"referrals.{perm}", organization.group, referral)


def revoke_organization(organization: Organization | None, referral: Referral) -> None:
    if organization is not None:
        for perm in ORGANIZATION_PERMS:
            remove_perm(f"referrals.{perm}", organization.group, referral)


# --- effects ---------------------------------------------------------------------------------


def _grant(change: Change) -> None:
    grant_organization(change.obj.organization, change.obj)


def _revoke_previous(change: Change) -> None:
    revoke_organization(change.before["organization"], change.obj)


def _snapshot_pool(change: Change) -> None:
    candidates = routing.rank(change.obj)
    if not candidates:
        raise TransitionRefused([gettext("No organization's services match this referral.")])
    change.obj.pool_organizations.set([c.organization for c in candidates])


def _clear_pool(change: Change) -> None:
    change.obj.pool_organizations.clear()


def _invite_feedback(change: Change) -> None:
    enqueue("evaluation.tasks.invite_family_feedback", change.obj.pk)


def _end_sharing(change: Change) -> None:
    revoke_organization(change.before["organization"], change.obj)
    change.obj.pool_organizations.clear()


GRANT_ACCESS = Effect("grant_access", "The organization's workers may read and handle it.", _grant)
REVOKE_ACCESS = Effect(
    "revoke_access", "The organization that held it may no longer read it.", _revoke_previous
)
OPEN_POOL = Effect("open_pool", "The matching organizations may claim it.", _snapshot_pool)
CLOSE_POOL = Effect("close_pool", "No other organization may claim it.", _clear_pool)
INVITE_FEEDBACK = Effect(
    "invite_feedback", "The family is asked for feedback (as its consent allows).", _invite_feedback
)
END_SHARING = Effect("end_sharing", "No organization may read or claim it any more.", _end_sharing)
END_APPOINTMENTS = Effect(
    "end_appointments",
    "Its future appointments are cancelled (the family told), its open time offers end.",
)  # implemented by appointments.actions, which depends on this app


# --- the registry ----------------------------------------------------------------------------


def _audit(referral, action, *, actor, source, reason, reason_code, before) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        actor=actor,
        transition=action.transition,
        from_state=source,
        to_state=referral.state,
        reason=reason,
        reason_code=reason_code,
        organization=referral.organization or before["organization"],
    )


def _touch(referral: Referral) -> None:
    referral.state_changed_at = timezone.now()


REFERRAL_ACTIONS = Registry(
    model=Referral,
    target="referral",
    audit=_audit,
    notify="referrals.tasks.notify_referral_event",
    snapshot=lambda referral: {"organization": referral.organization},
    before_save=_touch,
)
REFERRAL_ACTIONS.add(
    Action(
        name="submit",
        transition="submit",
        title=_("Send the referral"),
        button=_("Send the referral"),
        kind=PRIMARY,
        service="referrals.services.referral_submit",
        audience=frozenset({"coordinators"}),
    ),
    Action(
        name="assign",
        transition="assign",
        title=_("Assign to an organization"),
        button=_("Assign"),
        kind=PRIMARY,
        form=AssignForm,
        fields=("organization", "reason"),
        service="referrals.services.referral_assign",
        places=frozenset({"triage"}),
        audience=frozenset({"organization", "referrer"}),
        effects=(GRANT_ACCESS,),
    ),
    Action(
        name="open_pool",
        transition="open_pool",
        title=_("Let the matching organizations claim it"),
        button=_("Let the matching organizations claim it"),
        help=_(
            "Every matching organization sees this summary; the first to claim it gets the "
            "referral."
        ),
        form=NoteForm,
        fields=("reason",),
        service="referrals.services.referral_open_pool",
        places=frozenset({"triage"}),
        audience=frozenset({"pool"}),
        effects=(OPEN_POOL,),
    ),
    Action(
        name="claim",
        transition="claim",
        title=_("Claim for my organization"),
        button=_("Claim for my organization"),
        kind=PRIMARY,
        service="referrals.services.referral_claim",
        places=frozenset({"pool"}),
        audience=frozenset({"referrer", "coordinators"}),
        effects=(CLOSE_POOL, GRANT_ACCESS),
    ),
    Action(
        name="accept",
        transition="accept",
        title=_("Accept"),
        button=_("Accept the referral"),
        kind=PRIMARY,
        form=NoteForm,
        fields=("reason",),
        service="referrals.services.referral_accept",
        places=frozenset({"detail"}),
        audience=frozenset({"referrer"}),
    ),
    Action(
        name="decline",
        transition="decline",
        title=_("Decline"),
        button=_("Decline the referral"),
        form=DeclineForm,
        fields=("reason", "reason_code"),
        service="referrals.services.referral_decline",
        places=frozenset({"detail"}),
        audience=frozenset({"coordinators", "referrer"}),
        effects=(REVOKE_ACCESS,),
    ),
    Action(
        name="return",
        transition="return_to_referrer",
        title=_("Ask the referrer for more information"),
        button=_("Send the question"),
        form=QuestionForm,
        fields=("reason",),
        service="referrals.services.referral_return",
        places=frozenset({"detail", "triage"}),
        audience=frozenset({"referrer"}),
        effects=(REVOKE_ACCESS, CLOSE_POOL),
    ),
    Action(
        name="schedule",
        transition="schedule",
        title=_("First appointment booked"),
        service="referrals.services.referral_schedule",
        audience=frozenset({"referrer"}),
    ),
    Action(
        name="start_service",
        transition="start_service",
        title=_("In service"),
        service="referrals.services.referral_start_service",
        audience=frozenset({"referrer"}),
    ),
    Action(
        name="complete",
        transition="complete",
        title=_("Completed"),
        service="referrals.services.referral_complete",
        audience=frozenset({"referrer"}),
        effects=(INVITE_FEEDBACK,),
    ),
    Action(
        name="cancel",
        transition="cancel",
        title=_("Cancel the referral"),
        button=_("Cancel the referral"),
        kind=DANGER,
        form=ReasonForm,
        fields=("reason",),
        confirm=_(
            "The referral ends for good: the organization can no longer see the family's "
            "details and the family's booked times are cancelled."
        ),
        service="referrals.services.referral_cancel",
        places=frozenset({"detail", "triage"}),
        audience=frozenset({"organization", "referrer", "coordinators"}),
        effects=(END_SHARING, END_APPOINTMENTS),
    ),
    Action(
        name="withdraw",
        transition="withdraw",
        title=_("The family withdrew its consent"),
        button=_("Record the withdrawal of consent"),
        kind=DANGER,
        form=ReasonForm,
        fields=("reason",),
        confirm=_(
            "Every referral made under this consent ends, the family's booked times are "
            "cancelled, and no organization can see the family's details any more."
        ),
        service="referrals.services.referral_withdraw",
        places=frozenset({"detail"}),
        audience=frozenset({"organization", "referrer"}),
        effects=(END_SHARING, END_APPOINTMENTS),
    ),
)
