"""The period and the scope of a coordinator's report: what a form, the API, a queued PDF report
and a stored snapshot all choose by."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from directory.models import Municipality
from perhelinja.dates import EARLIEST, LATEST

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Period:
    """Inclusive local days (Europe/Helsinki), within the window of `perhelinja.dates`."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")
        if self.start < EARLIEST or self.end > LATEST:
            raise ValueError(f"A period lies between {EARLIEST} and {LATEST}.")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise ValueError("month must be 1-12")
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last))

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        if not 1 <= q <= 4:
            raise ValueError("quarter must be 1-4")
        first = 3 * (q - 1) + 1
        return cls(cls.month(year, first).start, cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def twelve_months(cls, today: datetime.date) -> Period:
        """The twelve full months before `today`'s month and that month up to `today`: a year
        of whole months to compare, and the month going on."""
        return cls(datetime.date(today.year - 1, today.month, 1), today)

    @property
    def start_at(self) -> datetime.datetime:
        """The first instant of the first day, Helsinki time."""
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=HELSINKI)

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the last day (exclusive bound), Helsinki time."""
        next_day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time(), tzinfo=HELSINKI)

    def months(self) -> list[tuple[int, int]]:
        """Every (year, month) the period touches, in order."""
        year, month = self.start.year, self.start.month
        months = []
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


@dataclass(frozen=True)
class Scope:
    """Which referrals count. Empty or None fields do not restrict.

    - `municipalities`: the family's municipality is one of these ids.
    - `organization_id`: the referral is, or was at some point, routed to the organization (its
      current organization, or any audit row of an assign, claim, accept or decline naming it),
      so that a declined referral still counts for the organization that declined it.
    - `service_id`: the referral was routed to the organization providing the service (as
      above) and the service covers at least one of the referral's challenges.
    - `mode`: the referral's preferred modes contain this mode code.
    """

    municipalities: tuple[int, ...] = ()
    organization_id: int | None = None
    service_id: int | None = None
    mode: str = ""

    def as_json(self) -> dict:
        """The scope as a queued report, a snapshot key and stored figures keep it: every
        filter, so none is lost on the way (the PDF report once lost the service)."""
        return {
            "municipalities": sorted(self.municipalities),
            "organization_id": self.organization_id,
            "service_id": self.service_id,
            "mode": self.mode,
        }

    @classmethod
    def from_json(cls, data: dict) -> Scope:
        return cls(
            municipalities=tuple(data.get("municipalities", ())),
            organization_id=data.get("organization_id"),
            service_id=data.get("service_id"),
            mode=data.get("mode", ""),
        )


TWELVE_MONTHS = "12_months"


def period_from(data: dict) -> Period:
    """The period a dashboard form (or API query) chose; the last twelve months by default.

    Not this month: a month of the pilot areas is mostly counts of 1-4, all hidden; twelve
    months are large enough to publish, and the dashboard's key figures cover the same period,
    so its default details share their stored figures."""
    today = timezone.localdate()
    kind = data.get("period") or TWELVE_MONTHS
    if kind == "custom":
        return Period(data["start"], data["end"])
    if kind == TWELVE_MONTHS:
        return Period.twelve_months(today)
    if kind == "last_month":
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        return Period.month(year, month)
    if kind == "quarter":
        return Period.quarter(today.year, (today.month - 1) // 3 + 1)
    if kind == "year":
        return Period.year(today.year)
    if kind == "last_year":
        return Period.year(today.year - 1)
    return Period.month(today.year, today.month)


def scope_from(data: dict) -> Scope:
    """The scope a dashboard form chose; the pilot areas by default."""
    area = data.get("area") or ""
    if area == "all":
        municipalities = ()
    elif area:
        municipalities = tuple(Municipality.objects.filter(code=area).values_list("pk", flat=True))
    else:
        municipalities = tuple(
            Municipality.objects.filter(is_pilot=True).values_list("pk", flat=True)
        )
    organization = data.get("organization")
    service = data.get("service")
    return Scope(
        municipalities=municipalities,
        organization_id=organization.pk if organization else None,
        service_id=service.pk if service else None,
        mode=data.get("mode") or "",
    )
