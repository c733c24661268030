"""Reading referrals: one getter per way of seeing one, and the lists, all by plain FK filters.

Each getter returns the referral or raises 404, never 403: a person who may not see a
referral must not learn that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from consent.models import Scope
from directory.models import Challenge, Mode
from perhelinja.compiled import compiled_rows

from . import rows
from .models import (
    ROUTED_STATES,
    TRIAGE_STATES,
    DeclineReason,
    Referral,
    ReferralChild,
    ReferralEvent,
    State,
    may_read_family,
)
from .rows import ReferralRow, local_format, referral_rows

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
    if not may_read_family(referral, user):
        raise Http404
    return referral


def rows_by_keys(name: str, build: Callable[[list[int]], QuerySet], keys: list[int]) -> list[dict]:
    """The rows of `build(keys)`, its SQL compiled once (`perhelinja.compiled`)."""
    return compiled_rows(name, build, keys, model=Referral)


SUMMARY_COLUMNS = ("referral_id", "kind", "first", "then", "key", "code", "slug", "name_sv",
                   "name_en", "active")  # fmt: skip


# What a part of a summary UNION does not have, so that every part has every column.
_SUMMARY_BLANKS = {"first": 0, "then": "", "key": 0, "code": "", "slug": "", "name_sv": "",
                   "name_en": "", "active": True}  # fmt: skip
SUMMARY_ORDER = ("referral_id", "kind", "first", "then", "key")


def _summary_part(queryset: QuerySet, kind: int, **columns) -> QuerySet:
    """One part of a summary UNION ALL: its `kind`, its `columns` and blanks for the rest."""
    blanks = {name: Value(value) for name, value in _SUMMARY_BLANKS.items() if name not in columns}
    return (
        queryset.annotate(kind=Value(kind), **columns, **blanks)
        .values_list(*SUMMARY_COLUMNS)
        .order_by()  # the union orders
    )


def _challenge_rows(keys: list[int]) -> QuerySet:
    return _summary_part(
        Referral.challenges.through.objects.filter(referral_id__in=keys), 0,
        first=F("challenge__position"), then=F("challenge__name_fi"), key=F("challenge_id"),
        slug=F("challenge__slug"), name_sv=F("challenge__name_sv"),
        name_en=F("challenge__name_en"), active=F("challenge__is_active"),
    )  # fmt: skip


def summary_rows(keys: list[int]) -> QuerySet:
    """Challenges, ways to meet and children of the referrals `keys`, as one UNION ALL."""
    modes = _summary_part(
        Referral.preferred_modes.through.objects.filter(referral_id__in=keys), 1,
        then=F("mode_id"), code=F("mode_id"),
    )  # fmt: skip
    children = _summary_part(
        ReferralChild.objects.filter(referral_id__in=keys), 2,
        first=F("birth_year"), key=F("pk"),
    )  # fmt: skip
    return _challenge_rows(keys).union(modes, children, all=True).order_by(*SUMMARY_ORDER)


def triage_summary_rows(keys: list[int]) -> QuerySet:
    """Challenges and declines (kind 3: reason code in `code`, oldest first) of `keys`."""
    declines = _summary_part(
        ReferralEvent.objects.filter(referral_id__in=keys, transition="decline"), 3,
        key=F("pk"), code=F("reason_code"),
    )  # fmt: skip
    return _challenge_rows(keys).union(declines, all=True).order_by(*SUMMARY_ORDER)


def prefetch_summary(referral: Referral) -> Referral:
    """Its challenges, ways to meet and children's birth years read in one query instead of
    three prefetches, in the models' own order, and kept where a prefetch would keep them, so
    `referral.challenges.all` and the rest read no more."""
    found = {"challenges": [], "preferred_modes": [], "children": []}
    for row in rows_by_keys("summary", summary_rows, [referral.pk]):
        kind, first, then, key = row["kind"], row["first"], row["then"], row["key"]
        if kind == 0:
            found["challenges"].append(
                Challenge(
                    pk=key,
                    slug=row["slug"],
                    name_fi=then,
                    name_sv=row["name_sv"],
                    name_en=row["name_en"],
                    is_active=bool(row["active"]),
                    position=first,
                )
            )
        elif kind == 1:
            found["preferred_modes"].append(Mode(code=row["code"]))
        else:
            found["children"].append(ReferralChild(pk=key, referral=referral, birth_year=first))
    if not hasattr(referral, "_prefetched_objects_cache"):
        referral._prefetched_objects_cache = {}
    for name, objects in found.items():
        # As Django's own prefetch_related keeps a relation's rows.
        queryset = getattr(referral, name).all()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        referral._prefetched_objects_cache[name] = queryset
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
    reason read in one more (compiled) query."""
    found = referral_rows(values, link="referrals:triage_detail")
    if not found:
        return found
    by_pk = {row.pk: row for row in found}
    language = (get_language() or "fi")[:2]
    for row in rows_by_keys("triage", triage_summary_rows, list(by_pk)):
        line = by_pk[row["referral_id"]]
        if row["kind"] == 0:
            name = row["then"] if language == "fi" else row[f"name_{language}"] or row["then"]
            line.challenges.append(name)
        else:
            line.decline_label = rows.label(DeclineReason, row["code"])  # the last one stays
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
        "transition", "to_state", "reason", "reason_code", "created_at",
        "organization__name", "organization__name_sv",
    )  # fmt: skip
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
