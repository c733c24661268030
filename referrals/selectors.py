"""Reading referrals: one getter per way of seeing one, and the lists, all by plain FK filters.

Each getter returns the referral or raises 404, never 403: a person who may not see a
referral must not learn that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from consent.models import Scope
from directory.models import Challenge

from .models import (
    ROUTED_STATES,
    TRIAGE_STATES,
    DeclineReason,
    Referral,
    ReferralEvent,
    State,
)

SUMMARY_RELATED = ("municipality", "target_group", "organization")
SUMMARY_PREFETCH = ("challenges", "preferred_modes", "children")


def get_referral_for_user(
    user, pk: int, *, related: tuple = ("consent", *SUMMARY_RELATED),
    prefetch: tuple = SUMMARY_PREFETCH,
) -> Referral:  # fmt: skip
    """The referral with the family's data, for its referrer and the organization holding it.

    `related` and `prefetch`: what the page shows of it (each join costs planning time, each
    prefetch a query).
    """
    referral = get_object_or_404(
        Referral.objects.select_related(*related).prefetch_related(*prefetch), pk=pk
    )
    if not user.has_perm("referrals.view_referral", referral):
        raise Http404
    return referral


def get_referral_for_triage(user, pk: int) -> Referral:
    """The referral as routing needs it, for coordinators; templates show only the summary."""
    if not (user.is_active and user.has_perm("referrals.triage_referral")):
        raise Http404
    return get_object_or_404(
        Referral.objects.exclude(state=State.DRAFT)
        .select_related("consent", *SUMMARY_RELATED)
        .prefetch_related(*SUMMARY_PREFETCH),
        pk=pk,
    )


def get_pooled_referral_for_user(user, pk: int) -> Referral:
    """A referral open for claims, for workers of the organizations that may claim it."""
    if not getattr(user, "is_worker", False):
        raise Http404
    return get_object_or_404(
        Referral.objects.select_related("consent", *SUMMARY_RELATED).prefetch_related(
            *SUMMARY_PREFETCH
        ),
        pk=pk,
        state=State.POOLED,
        pool_organizations=user.organization_id,
    )


def _summary(qs: QuerySet) -> QuerySet:
    return qs.select_related(*SUMMARY_RELATED).prefetch_related(*SUMMARY_PREFETCH)


# The columns a line of a list shows: never the family's details, and no wide rows to decode.
ROW_FIELDS = (
    "state", "language", "created_at", "accepted_at", "state_changed_at", "organization_id",
    "municipality__name_fi", "municipality__name_sv",
    "target_group__name_fi", "target_group__name_sv", "target_group__name_en",
)  # fmt: skip


def _row(qs: QuerySet, *, organization: bool = True) -> QuerySet:
    """What one line of a list shows (area, target group and, unless the list is one
    organization's own, the organization): joins, no prefetch, so a list costs one query
    whether it is empty or full."""
    if not organization:
        return qs.select_related("municipality", "target_group").only(*ROW_FIELDS)
    return qs.select_related(*SUMMARY_RELATED).only(
        *ROW_FIELDS, "organization__name", "organization__name_sv"
    )


def referrals_of_referrer(user, state: str = "") -> QuerySet:
    qs = Referral.objects.filter(referrer=user)
    if state:
        qs = qs.filter(state=state)
    return _row(qs).order_by("-created_at")


def inbox(user) -> QuerySet:
    """Referrals assigned to the worker's organization and waiting for a decision."""
    return _row(
        Referral.objects.filter(organization_id=user.organization_id, state=State.ASSIGNED),
        organization=False,
    ).order_by("state_changed_at")


def clients(user) -> QuerySet:
    """The referrals this worker is responsible for."""
    return _row(
        Referral.objects.filter(
            organization_id=user.organization_id,
            handler=user,
            state__in=[s for s in ROUTED_STATES if s != State.ASSIGNED],
        ),
        organization=False,
    ).order_by("-accepted_at")


def claim_pool(user) -> QuerySet:
    return _row(
        Referral.objects.filter(state=State.POOLED, pool_organizations=user.organization_id),
        organization=False,  # none holds a pooled referral
    ).order_by("state_changed_at")


def triage_queue() -> QuerySet:
    last_decline = (
        ReferralEvent.objects.filter(transition="decline")
        .only("referral_id", "reason_code", "created_at")
        .order_by("-created_at")
    )
    return (
        Referral.objects.filter(state__in=[*TRIAGE_STATES, State.POOLED])
        .select_related("municipality", "target_group")
        .only(*ROW_FIELDS)
        .prefetch_related(
            Prefetch(
                "challenges",
                queryset=Challenge.objects.only("name_fi", "name_sv", "name_en"),
                to_attr="challenge_list",  # a plain list: no related manager per row
            )
        )
        .prefetch_related(Prefetch("events", queryset=last_decline, to_attr="declines"))
        .order_by("state_changed_at")
    )


@dataclass
class TimelineEntry:
    at: datetime
    state: str
    state_label: str
    organization: object
    reason: str


def timeline(referral: Referral, *, for_referrer: bool) -> list[TimelineEntry]:
    """The closed loop: what happened, with the reasons this reader may see.

    The referrer sees the organization's questions and decisions; an outcome note comes back
    only when the family agreed to return an outcome summary.
    """
    outcome_shared = referral.consent is not None and referral.consent.is_valid_for(
        Scope.RETURN_OUTCOME
    )
    entries = []
    events = referral.events.select_related("organization").only(
        "referral_id", "transition", "to_state", "reason", "reason_code", "created_at",
        "organization__name", "organization__name_sv",
    )  # fmt: skip
    for event in events:
        reason = event.reason
        if event.reason_code:
            label = DeclineReason(event.reason_code).label
            reason = f"{label}. {reason}".strip() if not for_referrer else str(label)
        if for_referrer and event.transition == "complete" and not outcome_shared:
            reason = ""
        if for_referrer and event.transition in ("assign", "accept", "claim", "open_pool"):
            reason = ""  # notes between coordinators and organizations
        entries.append(
            TimelineEntry(
                at=event.created_at,
                state=event.to_state,
                state_label=State(event.to_state).label,
                organization=event.organization,
                reason=reason,
            )
        )
    return entries
