"""Reading referrals: one getter per way of seeing one, and the lists, all by plain FK filters.

Each getter returns the referral or raises 404, never 403: a person who may not see a
referral must not learn that it exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from appointments.calendar import public_holidays_from
from appointments.models import ACTIVE_STATES, UPCOMING_STATES, Appointment, Slot, SlotOffer
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
    SHARED_STATES,
    TRIAGE_STATES,
    DeclineReason,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    State,
    may_read_family,
    shares_with_organization,
)
from .rows import (
    NEEDS_COORDINATOR,
    NEEDS_PROFESSIONAL,
    NEEDS_WORKER,
    Reader,
    ReferralRow,
    local_format,
    referral_rows,
)

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


# The coordinators' queue: what waits for routing (the pool is theirs to watch until claimed).
# The home page counts it and the triage list shows it: one definition for both.
QUEUE_STATES = (*TRIAGE_STATES, State.POOLED)


def triage_queue() -> QuerySet:
    return Referral.objects.filter(state__in=QUEUE_STATES).order_by("state_changed_at")


def triage_rows(values: list[dict]) -> list[ReferralRow]:
    """The triage queue's lines, with each referral's challenges and its last decline's
    reason read in one more query (`perhelinja.fastpath`)."""
    found = referral_rows(values, link="referrals:triage_detail", needs=NEEDS_COORDINATOR)
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


# --- the family's name in lists ----------------------------------------------------------------


def family_readable(user) -> Q:
    """`may_read_family` as a filter: the referrals whose family `user` may read, for search
    by name and for names on list lines. The same rule as the detail page's (the object
    permission to view it, then the referrer, or the holding organization's workers while
    the referral shares and its consent covers sharing now); a test keeps the two in step."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_superuser:
        return _family_reads(user)
    own, grouped = _view_permissions(user)
    permitted = Q(Exists(own.filter(content_object=OuterRef("pk")))) | Q(
        Exists(grouped.filter(content_object=OuterRef("pk")))
    )
    return permitted & _family_reads(user)


def family_readable_among(user, pks: Iterable[int]) -> set[int]:
    """Of the referrals `pks` (a page of a list), those whose family `user` may read."""
    return set(_family_readable_among(user, pks).values_list("pk", flat=True))


def _family_readable_among(user, pks: Iterable[int]) -> QuerySet:
    """The rule of `family_readable` for a known page of referrals, with every part asked by
    the page's numbers.

    As `family_readable` (a permission subquery for every row), PostgreSQL estimates the
    page's numbers and the organization's referrals as unrelated and reads every shared
    referral of the organization to intersect the two (6 ms at a million referrals, issue
    20); joined through the person's groups, it scans all the organization's permissions.
    Here each part is a few index look-ups.
    """
    pks = list(pks)
    if not pks or not (user.is_authenticated and user.is_active):
        return Referral.objects.none()
    found = Referral.objects.filter(_family_reads(user), pk__in=pks)
    if user.is_superuser:
        return found
    own, grouped = _view_permissions(user)
    return found.filter(
        Q(pk__in=own.filter(content_object_id__in=pks).values("content_object_id"))
        | Q(pk__in=grouped.filter(content_object_id__in=pks).values("content_object_id"))
    )


def _view_permissions(user) -> tuple[QuerySet, QuerySet]:
    """The object permissions (django-guardian's rows) that let `user` view referrals: their
    own and their groups' (by the groups' keys: joined through the person's groups, PostgreSQL
    cannot tell the organization's group holds tens of thousands of them and scans them all)."""
    own = ReferralUserObjectPermission.objects.filter(
        user=user, permission__codename="view_referral"
    )
    grouped = ReferralGroupObjectPermission.objects.filter(
        group_id__in=user.group_ids(), permission__codename="view_referral"
    )
    return own, grouped


def _family_reads(user) -> Q:
    """Beyond the permission: the referrer, or the holding organization's workers while the
    referral shares and its consent covers sharing now."""
    reads = Q(referrer=user)
    if getattr(user, "is_worker", False):
        now = timezone.now()
        reads |= Q(
            organization_id=user.organization_id,
            state__in=SHARED_STATES,
            consent__scope_share_referral=True,
            consent__given_at__lte=now,
            consent__valid_until__gt=now,
        ) & (Q(consent__withdrawn_at__isnull=True) | Q(consent__withdrawn_at__gt=now))
    return reads


def _may_read_any_family(user) -> bool:
    return getattr(user, "is_professional", False) or getattr(user, "is_worker", False)


def with_family_names(found: list[ReferralRow], user) -> list[ReferralRow]:
    """Put the family's contact person on the lines whose family `user` may read (one query
    for the page; none for a coordinator, who never reads it)."""
    if not found or not _may_read_any_family(user):
        return found
    names = dict(
        _family_readable_among(user, [line.pk for line in found]).values_list("pk", "contact_name")
    )
    for line in found:
        line.family = names.get(line.pk, "")
    return found


# A referral's number as a person types it: "123" or "#123" (a key fits in 31 bits).
MAX_NUMBER = 2**31 - 1


def search(queryset: QuerySet, user, text: str) -> QuerySet:
    """The referrals of `queryset` that `text` finds: its number, or (for those who may read
    the family's data, under the detail page's rule) part of the contact person's name.

    The contact person is stored in plain text (only the identity code is encrypted, and it is
    never searched), so the database filters by name within `family_readable`: a keyset page
    stays a full page, and a name nobody may read here finds nothing.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    number = text.removeprefix("#").strip()
    if number.isascii() and number.isdigit():
        return queryset.filter(pk=int(number)) if int(number) <= MAX_NUMBER else queryset.none()
    if not _may_read_any_family(user):
        return queryset.none()
    return queryset.filter(family_readable(user), contact_name__icontains=text)


# --- each role's home page -------------------------------------------------------------------

# How many lines a home section shows; its link leads to the whole list.
HOME_LINES = 5
# How many of a role's waiting referrals a home page reads in its one query per list: the
# counts, the late ones and the first lines all come from these. Only a longer list is
# counted again in the database.
HOME_SCAN = 200
# How long a completed referral stays on its referrer's home page ("No outcomes in the last
# 30 days" says this number).
OUTCOME_DAYS = 30


@dataclass
class HomeItem:
    """One line of a home section: a link and what it is about, never the family's data."""

    url: str
    title: str
    note: str = ""
    label: str = ""  # a status label's text
    tone: str = ""


@dataclass
class HomeSection:
    key: str  # names the section in the page (`data-needs`)
    title: str
    count: int
    items: list[HomeItem] = field(default_factory=list)
    more_url: str = ""  # the whole list
    empty: str = ""


def _items(found: list[ReferralRow], note: str = "") -> list[HomeItem]:
    overdue = gettext("Overdue")
    return [
        HomeItem(
            url=line.url,
            title=line.title,
            note=note % {"date": line.waiting_since} if note else line.municipality,
            label=overdue if line.overdue else line.state_label,
            tone=line.tone,
        )
        for line in found[:HOME_LINES]
    ]


def _scan(queryset: QuerySet, *, link: str, needs=frozenset(), columns=None) -> list[ReferralRow]:
    """Up to `HOME_SCAN` lines of `queryset`, in its order, in one query."""
    values = list(queryset.values(*(columns or ReferralRow.OWN_COLUMNS))[:HOME_SCAN])
    return referral_rows(values, link=link, needs=needs)


def _count(found: list, queryset: QuerySet) -> int:
    """How many `queryset` holds: `found` is all of them unless the scan filled up."""
    return len(found) if len(found) < HOME_SCAN else queryset.count()


def professional_home(user) -> list[HomeSection]:
    """Returned referrals and drafts waiting for their referrer, and outcomes come back."""
    since = timezone.now() - dt.timedelta(days=OUTCOME_DAYS)
    waiting = Q(state__in=[State.RETURNED, State.DRAFT])
    outcome = Q(state=State.COMPLETED, closed_at__gte=since)
    mine = Referral.objects.filter(referrer=user)
    # The returned ones first (longest waiting first), then the drafts and outcomes, newest
    # first: one read for the three sections.
    found = _scan(
        mine.filter(waiting | outcome).order_by("state_changed_at", "pk"),
        link="referrals:detail",
        needs=NEEDS_PROFESSIONAL,
        columns=ReferralRow.COLUMNS,
    )
    by_state = {state: [line for line in found if line.state == state] for state in State}
    full = len(found) >= HOME_SCAN
    counts = (
        mine.aggregate(
            returned=Count("pk", filter=Q(state=State.RETURNED)),
            drafts=Count("pk", filter=Q(state=State.DRAFT)),
            outcomes=Count("pk", filter=outcome),
        )
        if full
        else {
            "returned": len(by_state[State.RETURNED]),
            "drafts": len(by_state[State.DRAFT]),
            "outcomes": len(by_state[State.COMPLETED]),
        }
    )
    mine_url = reverse("referrals:mine")
    return [
        HomeSection(
            "returned",
            gettext("Returned to you with a question"),
            counts["returned"],
            _items(by_state[State.RETURNED], gettext("returned %(date)s")),
            f"{mine_url}?state={State.RETURNED}",
            gettext("No referral waits for your answer."),
        ),
        HomeSection(
            "drafts",
            gettext("Drafts to finish and send"),
            counts["drafts"],
            _items(by_state[State.DRAFT][::-1]),
            f"{mine_url}?state={State.DRAFT}",
            gettext("No unfinished drafts."),
        ),
        HomeSection(
            "outcomes",
            gettext("Outcomes come back"),
            counts["outcomes"],
            _items(by_state[State.COMPLETED][::-1], gettext("completed %(date)s")),
            f"{mine_url}?state={State.COMPLETED}",
            gettext("No outcomes in the last 30 days."),
        ),
    ]


def worker_home(user) -> list[HomeSection]:
    """New assignments to accept, the late ones, the families' unanswered time offers and
    this worker's appointments today."""
    assigned = inbox(user)
    found = _scan(assigned, link="referrals:detail", needs=NEEDS_WORKER)
    late = [line for line in found if line.overdue]
    inbox_url = reverse("referrals:inbox")
    reader, now = Reader(), timezone.now()
    offers = SlotOffer.objects.filter(
        referral__organization_id=user.organization_id,
        referral__state__in=ROUTED_STATES,
        appointment__isnull=True,
    ).order_by("expires_at", "pk")
    open_offers = list(
        offers.values_list("pk", "referral_id", "created_at", "expires_at")[:HOME_SCAN]
    )
    offer_items = [
        HomeItem(
            url=reader.url("appointments:offer_detail", pk),
            title=gettext("Referral #%(pk)s") % {"pk": referral_id},
            note=gettext("offered %(date)s") % {"date": reader.date(created, "SHORT_DATE_FORMAT")},
            label=gettext("Expired") if expires <= now else gettext("Waiting for the family"),
            tone="alert" if expires <= now else "info",
        )
        for pk, referral_id, created, expires in open_offers[:HOME_LINES]
    ]
    start = timezone.make_aware(datetime.combine(timezone.localdate(), dt.time.min))
    appointments = Appointment.objects.filter(
        worker=user,
        state__in=UPCOMING_STATES,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).order_by("starts_at", "pk")
    appointment_items = [
        HomeItem(
            url=reader.url("appointments:detail", pk),
            title=reader.date(starts_at, "TIME_FORMAT"),
            note=gettext("Referral #%(pk)s") % {"pk": referral_id},
        )
        for pk, starts_at, referral_id in appointments.values_list("pk", "starts_at", "referral_id")
    ]
    return [
        HomeSection(
            "assigned",
            gettext("New referrals to accept or decline"),
            _count(found, assigned),
            _items(found, gettext("assigned %(date)s")),
            inbox_url,
            gettext("Nothing waiting."),
        ),
        HomeSection(
            "overdue",
            gettext("Overdue: waiting too long for a decision"),
            len(late),  # the oldest come first: a full scan is all late
            _items(late, gettext("assigned %(date)s")),
            inbox_url,
            gettext("Nothing overdue."),
        ),
        HomeSection(
            "offers",
            gettext("Time offers the family has not answered"),
            _count(open_offers, offers),
            offer_items,
            "",
            gettext("No unanswered offers."),
        ),
        HomeSection(
            "today",
            gettext("My appointments today"),
            len(appointment_items),
            appointment_items,
            reverse("appointments:week"),
            gettext("No appointments today."),
        ),
    ]


def coordinator_home() -> list[HomeSection]:
    """Referrals waiting for routing (the triage list's own count), the late ones, the pool."""
    queue = triage_queue()
    found = _scan(queue, link="referrals:triage_detail", needs=NEEDS_COORDINATOR)
    late = [line for line in found if line.overdue]
    pooled = [line for line in found if line.state == State.POOLED]
    triage_url = reverse("referrals:triage")
    return [
        HomeSection(
            "routing",
            gettext("Waiting for routing"),
            _count(found, queue),
            _items(found, gettext("since %(date)s")),
            triage_url,
            gettext("Nothing waits for routing."),
        ),
        HomeSection(
            "overdue",
            gettext("Overdue: not routed in time"),
            len(late),  # the oldest come first: a full scan is all late
            _items(late, gettext("since %(date)s")),
            f"{triage_url}?sort=waiting",
            gettext("Nothing overdue."),
        ),
        HomeSection(
            "pool",
            gettext("Open for claims"),
            len(pooled) if len(found) < HOME_SCAN else queue.filter(state=State.POOLED).count(),
            _items(pooled, gettext("since %(date)s")),
            f"{triage_url}?state={State.POOLED}",
            gettext("Nothing open for claims."),
        ),
    ]


# --- triage: each candidate's next free time -------------------------------------------------


def next_free_times(organization_ids: list[int]) -> dict[int, datetime]:
    """The start of each organization's earliest free slot from now (as
    `appointments.services.free_slots` counts free: not cancelled, held by no active
    appointment, not on a public holiday), in one query; an organization with none is left
    out."""
    if not organization_ids:
        return {}
    now = timezone.now()
    taken = Appointment.objects.filter(slot=OuterRef("pk"), state__in=ACTIVE_STATES)
    found = (
        Slot.objects.filter(organization__in=organization_ids, cancelled=False, starts_at__gt=now)
        .exclude(Exists(taken))
        .exclude(starts_at__date__in=public_holidays_from(timezone.localdate(now)))
        .order_by()
        .values("organization")
        .annotate(first=Min("starts_at"))
        .values_list("organization", "first")
    )
    return dict(found)


def family_shown_in_list(referral: Referral, user) -> bool:
    """Whether a listed referral's family data may be shown (the rule of `may_read_family`,
    decided from the row: the lists read the referrer's and the organization's rows only)."""
    return referral.referrer_id == user.pk or shares_with_organization(referral)
