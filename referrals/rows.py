"""The lines of the referral lists: plain values read in one query, formatted once.

A list line shows a handful of short texts. Building three model instances for each (the
referral, its municipality, its target group), then asking Django's template engine to
translate a label, localize a date and translate a title for each, cost more than the query
behind the page. A `ReferralRow` is built from one `values()` row with the names already in
the reader's language; its dates and labels are formatted through caches keyed by value and
language, so a line renders as a few plain variable lookups.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from appointments.models import AppointmentState, OfferEventKind, SlotOfferEvent
from directory.models import ModeCode

from .models import FamilyLanguage, State
from .templatetags.rows import row_url
from .templatetags.status import state_tone
from .timeliness import working_days_between

# What waits on the reader, by the list's role: the professional's returned referrals and
# drafts, the organization's new assignments, the coordinators' referrals waiting for routing
# (and the pool, which they open and watch).
NEEDS_PROFESSIONAL = frozenset({State.RETURNED, State.DRAFT})
NEEDS_WORKER = frozenset({State.ASSIGNED})
NEEDS_COORDINATOR = frozenset({State.SUBMITTED, State.DECLINED, State.POOLED})
# The states with a deadline (`timeliness.overdue`): to accept, and to route.
ACCEPT_STATES = frozenset({State.ASSIGNED})
ROUTE_STATES = frozenset({State.SUBMITTED, State.DECLINED, State.POOLED})


def is_late(state: str, since: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a referral in `state` since `since` is past its deadline at `now`, by the
    working-day rules of `timeliness.overdue` (its first flag: the reminder, or routing)."""
    if state in ACCEPT_STATES:
        limit = settings.TIMELINESS_ACCEPT_DAYS
    elif state in ROUTE_STATES:
        limit = settings.TIMELINESS_ROUTE_DAYS
    else:
        return False
    # No referral is late before `limit` calendar days; the rest is counted in working days.
    if now - since < datetime.timedelta(days=limit):
        return False
    return working_days_between(since, now, at_most=limit) >= limit


@lru_cache(maxsize=64)
def _labels(choices: type, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def label(choices: type, value: str) -> str:
    """`value`'s label in the active language (the value itself when it is not a choice)."""
    return _labels(choices, get_language()).get(value, value)


@lru_cache(maxsize=8192)
def _format(value, format_name: str, language: str | None, zone: str) -> str:
    return formats.date_format(value, format_name)


def local_format(value: datetime.datetime | None, format_name: str) -> str:
    """`{{ value|date:format_name }}` as the template filter gives it (in the current time
    zone and language), remembered per value: list pages show the same dates again and again,
    and Django's formatter costs tens of microseconds a call."""
    return Reader().date(value, format_name)


def _name(values: dict, prefix: str, language: str, *, fallback: str = "name_fi") -> str:
    """A related row's name for `language`, as the models' `__str__` gives it."""
    return values.get(f"{prefix}__name_{language}") or values.get(f"{prefix}__{fallback}") or ""


class Reader:
    """The reader's language and time zone, looked up once for a page of lines instead of
    once for every date and label on it."""

    def __init__(self):
        self.language = get_language()
        self.short = (self.language or "fi")[:2]
        self.zone = timezone.get_current_timezone()
        self.zone_name = timezone.get_current_timezone_name()

    def label(self, choices: type, value: str) -> str:
        return _labels(choices, self.language).get(value, value)

    def date(self, value: datetime.datetime | None, format_name: str) -> str:
        """As `local_format`."""
        if value is None:
            return ""
        local = timezone.localtime(value, self.zone)
        if format_name in ("SHORT_DATE_FORMAT", "DATE_FORMAT"):
            local = local.date()  # a date format shows no time: one entry per day
        return _format(local, format_name, self.language, self.zone_name)

    def url(self, name: str, pk: int) -> str:
        """`{% row_url name pk %}`."""
        return row_url(name, pk)


class Line:
    """A line's texts are attributes; the template engine looks a variable up by key before
    it tries an attribute, and a failed key lookup costs an exception each time."""

    __slots__ = ()

    def __getitem__(self, key: str):
        return getattr(self, key)


@dataclass(slots=True)
class ReferralRow(Line):
    """One line of a referral list, every text ready to show. Never the family's details."""

    COLUMNS = (
        "pk",
        "state",
        "language",
        "created_at",
        "state_changed_at",
        "municipality__name_fi",
        "municipality__name_sv",
        "target_group__name_fi",
        "target_group__name_sv",
        "target_group__name_en",
        "organization__name",
        "organization__name_sv",
    )
    # An organization's own lists: its name would be the same on every line.
    OWN_COLUMNS = COLUMNS[:-2]

    pk: int
    url: str
    title: str
    state: str
    state_label: str
    language_label: str
    municipality: str
    target_group: str
    organization: str
    created: str
    state_changed: str
    waiting_since: str
    tone: str = "info"  # the state's status label (`templatetags.status`)
    needs_action: bool = False  # the state waits on the reader's role
    overdue: bool = False  # past its deadline (`is_late`)
    family: str = ""  # the family's contact person, only for readers who may see it
    challenges: list[str] = field(default_factory=list)  # filled by the lists that show them
    decline_label: str = ""  # the last decline's reason, for the triage queue


def referral_rows(
    values: list[dict], *, link: str = "referrals:detail", needs: frozenset = frozenset()
) -> list[ReferralRow]:
    """Lines from `values()` dictionaries holding `ReferralRow.COLUMNS` (the organization's
    names may be left out), in the reader's language, each linking to view `link`; a line
    whose state is in `needs` is marked as waiting on the reader."""
    reader = Reader()
    now = timezone.now()
    title, language = gettext("Referral #%(pk)s"), reader.short
    municipality_language = "sv" if language == "sv" else "fi"
    found = []
    for v in values:
        pk, org_sv = v["pk"], v.get("organization__name_sv") if language == "sv" else ""
        late = is_late(v["state"], v["state_changed_at"], now)
        found.append(
            ReferralRow(
                pk=pk,
                url=reader.url(link, pk),
                title=title % {"pk": pk},
                state=v["state"],
                state_label=reader.label(State, v["state"]),
                language_label=reader.label(FamilyLanguage, v["language"]),
                municipality=_name(v, "municipality", municipality_language),
                target_group=_name(v, "target_group", language),
                organization=org_sv or v.get("organization__name") or "",
                created=reader.date(v["created_at"], "SHORT_DATE_FORMAT"),
                state_changed=reader.date(v["state_changed_at"], "SHORT_DATE_FORMAT"),
                waiting_since=reader.date(v["state_changed_at"], "SHORT_DATETIME_FORMAT"),
                tone=state_tone(v["state"], late),
                needs_action=v["state"] in needs,
                overdue=late,
            )
        )
    return found


@dataclass(slots=True)
class AppointmentRow(Line):
    """One appointment on a referral's page: when, how, in what state."""

    pk: int
    url: str
    starts: str
    mode_label: str
    state_label: str


def appointment_rows(queryset) -> list[AppointmentRow]:
    """The appointments of `queryset`, soonest first."""
    reader = Reader()
    found = queryset.order_by("starts_at", "pk").values_list("pk", "starts_at", "mode", "state")
    return [
        AppointmentRow(
            pk=pk,
            url=reader.url("appointments:detail", pk),
            starts=reader.date(starts_at, "SHORT_DATETIME_FORMAT"),
            mode_label=reader.label(ModeCode, mode),
            state_label=reader.label(AppointmentState, state),
        )
        for pk, starts_at, mode, state in found
    ]


@dataclass(slots=True)
class OfferRow(Line):
    """One offer of times on a referral's page: when it was made and where it stands."""

    pk: int
    url: str
    created: str
    status: str
    tone: str


OFFER_STATUS = {
    "chosen": (_("The family chose a time"), "success"),
    "none_suit": (_("None of the times suit the family"), "alert"),
    "expired": (_("Expired without a choice"), ""),
    "waiting": (_("Waiting for the family"), "info"),
}


def offer_rows(queryset) -> list[OfferRow]:
    """The offers of `queryset`, newest first, each with its status (one query): a family
    that said no time suits waits on the worker, so it shows here, not only in the email."""
    reader = Reader()
    now = timezone.now()
    none_suit = SlotOfferEvent.objects.filter(offer=OuterRef("pk"), kind=OfferEventKind.NONE_SUIT)
    found = (
        queryset.annotate(none_suit=Exists(none_suit))
        .order_by("-created_at", "-pk")
        .values_list("pk", "created_at", "expires_at", "appointment_id", "none_suit")
    )
    lines = []
    for pk, created_at, expires_at, appointment_id, said_none in found:
        if appointment_id:
            key = "chosen"
        elif said_none:
            key = "none_suit"
        elif expires_at <= now:
            key = "expired"
        else:
            key = "waiting"
        status, tone = OFFER_STATUS[key]
        lines.append(
            OfferRow(
                pk=pk,
                url=reader.url("appointments:offer_detail", pk),
                created=reader.date(created_at, "SHORT_DATETIME_FORMAT"),
                status=str(status),
                tone=tone,
            )
        )
    return lines
