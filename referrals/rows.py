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

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext

from appointments.models import AppointmentState
from directory.models import ModeCode

from .models import DeclineReason, FamilyLanguage, State


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
    if value is None:
        return ""
    local = timezone.localtime(value)
    if format_name in ("SHORT_DATE_FORMAT", "DATE_FORMAT"):
        local = local.date()  # a date format shows no time: one entry per day
    return _format(local, format_name, get_language(), timezone.get_current_timezone_name())


def _name(values: dict, prefix: str, language: str, *, fallback: str = "name_fi") -> str:
    """A related row's name for `language`, as the models' `__str__` gives it."""
    return values.get(f"{prefix}__name_{language}") or values.get(f"{prefix}__{fallback}") or ""


@dataclass(slots=True)
class ReferralRow:
    """One line of a referral list. Never the family's details."""

    COLUMNS = (
        "pk", "state", "language", "created_at", "accepted_at", "state_changed_at",
        "municipality__name_fi", "municipality__name_sv",
        "target_group__name_fi", "target_group__name_sv", "target_group__name_en",
        "organization__name", "organization__name_sv",
    )  # fmt: skip
    # An organization's own lists: its name would be the same on every line.
    OWN_COLUMNS = COLUMNS[:-2]

    pk: int
    state: str
    language: str
    created_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    state_changed_at: datetime.datetime | None
    municipality: str
    target_group: str
    organization: str
    title: str
    challenges: list[str] = field(default_factory=list)  # filled by the lists that show them
    decline_reason: str = ""  # the last decline's reason code, for the triage queue

    @classmethod
    def from_values(cls, values: dict, *, language: str, title: str) -> ReferralRow:
        org_sv = values.get("organization__name_sv") if language == "sv" else ""
        return cls(
            pk=values["pk"],
            state=values["state"],
            language=values["language"],
            created_at=values["created_at"],
            accepted_at=values["accepted_at"],
            state_changed_at=values["state_changed_at"],
            municipality=_name(values, "municipality", "sv" if language == "sv" else "fi"),
            target_group=_name(values, "target_group", language),
            organization=org_sv or values.get("organization__name") or "",
            title=title % {"pk": values["pk"]},
        )

    @property
    def state_label(self) -> str:
        return label(State, self.state)

    @property
    def language_label(self) -> str:
        return label(FamilyLanguage, self.language)

    @property
    def decline_label(self) -> str:
        return label(DeclineReason, self.decline_reason) if self.decline_reason else ""

    @property
    def created(self) -> str:
        return local_format(self.created_at, "SHORT_DATE_FORMAT")

    @property
    def state_changed(self) -> str:
        return local_format(self.state_changed_at, "SHORT_DATE_FORMAT")

    @property
    def waiting_since(self) -> str:
        return local_format(self.state_changed_at, "SHORT_DATETIME_FORMAT")


def referral_rows(values: list[dict]) -> list[ReferralRow]:
    """Rows from `values()` dictionaries holding `ReferralRow.COLUMNS` (the organization's
    names may be left out), in the active language."""
    language = (get_language() or "fi")[:2]
    title = gettext("Referral #%(pk)s")
    return [ReferralRow.from_values(v, language=language, title=title) for v in values]


@dataclass(slots=True)
class AppointmentRow:
    """One appointment on a referral's page: when, how, in what state."""

    pk: int
    starts_at: datetime.datetime
    mode: str
    state: str

    @property
    def starts(self) -> str:
        return local_format(self.starts_at, "SHORT_DATETIME_FORMAT")

    @property
    def mode_label(self) -> str:
        return label(ModeCode, self.mode)

    @property
    def state_label(self) -> str:
        return label(AppointmentState, self.state)


def appointment_rows(queryset) -> list[AppointmentRow]:
    """The appointments of `queryset`, soonest first."""
    columns = ("pk", "starts_at", "mode", "state")
    return [
        AppointmentRow(*values)
        for values in queryset.order_by("starts_at", "pk").values_list(*columns)
    ]
