"""Reading referrals: one getter per way of seeing one, and the lists, all by plain FK filters.

Each getter returns the referral or raises 404, never 403: a person who may not see a
referral must not learn that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from consent.models import Scope
from perhelinja.fastpath import (
    CHALLENGES,
    DECLINES,
    ReferralLists,
    referral_lists,
    referral_lists_of,
)

from . import rows
from .models import (
    ROUTED_STATES,
    TRIAGE_STATES,
    DeclineReason,
    Referral,
    State,
    may_read_family,
)
from .rows import ReferralRow, local_format, referral_rows

SUMMARY_RELATED = ("municipality", "target_group", "organization")
SUMMARY_PREFETCH = ("challenges", "preferred_modes", "children")


def get_referral_for_user(
    user,
    pk: int,
    *,
    related: tuple = ("consent", *SUMMARY_RELATED),
    prefetch: tuple = SUMMARY_PREFETCH,
) -> Referral:
    """The referral with the family's data, for its referrer and the organization holding it.

    `related` and `prefetch`: what the page shows of it (each join costs planning time, each
    prefetch a query).
    """
    referral = get_object_or_404(
        Referral.objects.select_related(*related).prefetch_related(*prefetch), pk=pk
    )
    if not may_read_family(referral, user):
        raise Http404
    return referral


def summary(referral: Referral) -> ReferralLists:
    """What `_summary.html` shows of the referral's relations (challenges, ways to meet,
    children's birth years), read in one query (`perhelinja.fastpath`)."""
    return referral_lists_of(referral.pk)


def get_referral_for_triage(user, pk: int, *, prefetch: tuple = SUMMARY_PREFETCH) -> Referral:
    """The referral as routing needs it, for coordinators; templates show only the summary."""
    if not (user.is_active and user.has_perm("referrals.triage_referral")):
        raise Http404
    return get_object_or_404(
        Referral.objects.exclude(state=State.DRAFT)
        .select_related("consent", *SUMMARY_RELATED)
        .prefetch_related(*prefetch),
        pk=pk,
    )


def get_pooled_referral_for_user(user, pk: int, *, prefetch: tuple = SUMMARY_PREFETCH) -> Referral:
    """A referral open for claims, for workers of the organizations that may claim it."""
    if not getattr(user, "is_worker", False):
        raise Http404
    return get_object_or_404(
        Referral.objects.select_related("consent", *SUMMARY_RELATED).prefetch_related(*prefetch),
        pk=pk,
        state=State.POOLED,
        pool_organizations=user.organization_id,
    )


def _summary(qs: QuerySet) -> QuerySet:
    return qs.select_related(*SUMMARY_RELATED).prefetch_related(*SUMMARY_PREFETCH)


def referrals_of_referrer(user, state: str = "") -> QuerySet:
    qs = Referral.objects.filter(referrer=user)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at")


def inbox(user) -> QuerySet:
    """Referrals assigned to the worker's organization and waiting for a decision."""
    return Referral.objects.filter(
        organization_id=user.organization_id, state=State.ASSIGNED
    ).order_by("state_changed_at")


def clients(user) -> QuerySet:
    """The referrals this worker is responsible for."""
    return Referral.objects.filter(
        organization_id=user.organization_id,
        handler=user,
        state__in=[s for s in ROUTED_STATES if s != State.ASSIGNED],
    ).order_by("-accepted_at")


def claim_pool(user) -> QuerySet:
    return Referral.objects.filter(
        state=State.POOLED, pool_organizations=user.organization_id
    ).order_by("state_changed_at")


def triage_queue() -> QuerySet:
    return Referral.objects.filter(state__in=[*TRIAGE_STATES, State.POOLED]).order_by(
        "state_changed_at"
    )


def triage_rows(values: list[dict]) -> list[ReferralRow]:
    """The triage queue's lines, with each referral's challenges and its last decline's
    reason read in one more query (`perhelinja.fastpath`)."""
    found = referral_rows(values, link="referrals:triage_detail")
    if not found:
        return found
    lists = referral_lists([row.pk for row in found], (CHALLENGES, DECLINES))
    for line in found:
        read = lists[line.pk]
        line.challenges = [str(challenge) for challenge in read.challenges]
        if read.decline_codes:
            line.decline_label = rows.label(DeclineReason, read.decline_codes[-1])
    return found


@dataclass
class TimelineEntry:
    at: datetime
    state: str
    state_label: str
    organization: str  # its name in the reader's language, "" when none
    reason: str

    @property
    def at_iso(self) -> str:
        return local_format(self.at, "c")

    @property
    def at_text(self) -> str:
        return local_format(self.at, "SHORT_DATETIME_FORMAT")


def timeline(referral: Referral, *, for_referrer: bool) -> list[TimelineEntry]:
    """The closed loop: what happened, with the reasons this reader may see.

    The referrer sees the organization's questions and decisions; an outcome note comes back
    only when the family agreed to return an outcome summary.
    """
    outcome_shared = referral.consent is not None and referral.consent.is_valid_for(
        Scope.RETURN_OUTCOME
    )
    entries = []
    swedish = (get_language() or "fi")[:2] == "sv"
    events = referral.events.values_list(
        "transition",
        "to_state",
        "reason",
        "reason_code",
        "created_at",
        "organization__name",
        "organization__name_sv",
    )
    for transition, to_state, reason, reason_code, created_at, org, org_sv in events:
        if reason_code:
            label = DeclineReason(reason_code).label
            reason = f"{label}. {reason}".strip() if not for_referrer else str(label)
        if for_referrer and transition == "complete" and not outcome_shared:
            reason = ""
        if for_referrer and transition in ("assign", "accept", "claim", "open_pool"):
            reason = ""  # notes between coordinators and organizations
        entries.append(
            TimelineEntry(
                at=created_at,
                state=to_state,
                state_label=rows.label(State, to_state),
                organization=(org_sv if swedish and org_sv else org) or "",
                reason=reason,
            )
        )
    return entries
