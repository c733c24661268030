"""The worker's week calendar and the capacity overview.

Both pages only read. The week calendar shows a worker their own shifts and slots, naming a
booked slot by its referral number only; the capacity overview counts free and booked slots per
pilot area and ISO week with grouped queries, so its cost does not grow with the data.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, Subquery
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import ModeCode, Municipality, Organization
from perhelinja.dates import EARLIEST, LATEST

from ..models import ACTIVE_STATES, Appointment, AppointmentState, Shift, Slot

WEEK_PARAM = re.compile(r"^(?P<year>\d{4})-W(?P<week>\d{2})$")
CAPACITY_WEEKS = 4
REMOTE_MODES = (ModeCode.PHONE, ModeCode.VIDEO)
REMOTE = "remote"
OTHER = "other"


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_default_timezone())


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _week_param(monday: datetime.date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str | None) -> datetime.date:
    """The Monday of an ISO week given as `2026-W49`; the current week (Europe/Helsinki) for
    anything missing, invalid or outside the years of `perhelinja.dates`."""
    match = WEEK_PARAM.match(value or "")
    if match:
        year, week = int(match["year"]), int(match["week"])
        if EARLIEST.year <= year <= LATEST.year:
            try:
                return datetime.date.fromisocalendar(year, week, 1)
            except ValueError:
                pass
    return _monday(timezone.localdate())


# --- the week calendar ----------------------------------------------------------------------


@dataclass
class SlotRow:
    slot: Slot
    appointment: Appointment | None

    @property
    def status(self) -> str:
        if self.appointment is not None:
            return self.appointment.state
        return "cancelled" if self.slot.cancelled else "free"


@dataclass
class ShiftDay:
    shift: Shift
    slots: list[SlotRow] = field(default_factory=list)

    @property
    def place(self) -> str:
        """The reception site's name, or the way the session is held."""
        if self.shift.site is not None and self.shift.mode not in REMOTE_MODES:
            return self.shift.site.name
        return str(ModeCode(self.shift.mode).label)


@dataclass
class Day:
    date: datetime.date
    is_today: bool
    shifts: list[ShiftDay] = field(default_factory=list)


def _shown_appointment(slot: Slot) -> Appointment | None:
    """The appointment to show on a slot: the active booking; else a no-show; else, on a
    cancelled slot, a booking the cancelling left to be rebooked. Cancelled bookings of a free
    slot are history and not shown."""
    appointments = slot.shown_appointments  # newest first
    for wanted in (
        lambda a: a.state in ACTIVE_STATES,
        lambda a: a.state == AppointmentState.NO_SHOW,
        lambda a: slot.cancelled and a.needs_rebooking,
    ):
        found = next((a for a in appointments if wanted(a)), None)
        if found is not None:
            return found
    return None


def week_days(worker, monday: datetime.date) -> list[Day]:
    """Monday to Sunday with the worker's shifts held on each day and their slots, in three
    queries whatever the number of shifts, slots and appointments."""
    sunday = monday + datetime.timedelta(days=6)
    start, end = _local_midnight(monday), _local_midnight(monday + datetime.timedelta(days=7))
    slots_in_week = Slot.objects.filter(worker=worker, starts_at__gte=start, starts_at__lt=end)
    shifts = (
        Shift.objects.filter(worker=worker)
        .filter(
            Q(rrule="", first_day__gte=monday, first_day__lte=sunday)
            | (~Q(rrule="") & Q(first_day__lte=sunday, repeat_until__gte=monday))
            | Q(pk__in=Subquery(slots_in_week.values("shift_id")))
        )
        .select_related("site")
        .order_by("start_time", "pk")
    )
    appointments = Appointment.objects.only(
        "pk", "slot_id", "referral_id", "state", "needs_rebooking", "created_at"
    ).order_by("-created_at", "-pk")
    slots = slots_in_week.prefetch_related(
        Prefetch("appointments", queryset=appointments, to_attr="shown_appointments")
    ).order_by("starts_at")

    by_shift_day: dict[tuple[int, datetime.date], list[SlotRow]] = defaultdict(list)
    for slot in slots:
        day = timezone.localtime(slot.starts_at).date()
        by_shift_day[slot.shift_id, day].append(SlotRow(slot, _shown_appointment(slot)))

    today = timezone.localdate()
    days = {monday + datetime.timedelta(days=i): [] for i in range(7)}
    for shift in shifts:
        held = {d for d in shift.days(until=sunday) if monday <= d <= sunday}
        held |= {d for (shift_id, d) in by_shift_day if shift_id == shift.pk}
        for day in sorted(held):
            days[day].append(ShiftDay(shift, by_shift_day.get((shift.pk, day), [])))
    return [Day(date=d, is_today=d == today, shifts=items) for d, items in days.items()]


@login_required
def week(request):
    """The worker's own week: shifts by day, each slot free or booked (referral number and the
    appointment's state, never the family's name). `?week=2026-W49` picks the ISO week."""
    if not request.user.is_worker:
        raise Http404
    monday = parse_week(request.GET.get("week"))
    sunday = monday + datetime.timedelta(days=6)
    year, number, _weekday = monday.isocalendar()
    context = {
        "days": week_days(request.user, monday),
        "monday": monday,
        "sunday": sunday,
        "week_number": number,
        "week_year": year,
        "previous_week": _week_param(monday - datetime.timedelta(days=7)),
        "next_week": _week_param(monday + datetime.timedelta(days=7)),
        "current_week": _week_param(_monday(timezone.localdate())),
    }
    return render(request, "appointments/week.html", context)


# --- capacity -------------------------------------------------------------------------------


class CapacityFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"),
        queryset=Organization.objects.filter(is_active=True),
        empty_label=_("All organizations"),
    )

    class Meta:
        model = Slot
        fields: list[str] = []


@dataclass
class Week:
    monday: datetime.date
    first: datetime.date  # the first day counted: today in the current week
    sunday: datetime.date

    @property
    def number(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def year(self) -> int:
        return self.monday.isocalendar()[0]

    @property
    def key(self) -> str:
        return _week_param(self.monday)


@dataclass
class Tally:
    week: str = ""  # the ISO week of a cell, for its table headers
    free: int = 0
    booked: int = 0

    @property
    def total(self) -> int:
        return self.free + self.booked

    def add(self, free: int, booked: int) -> None:
        self.free += free
        self.booked += booked


@dataclass
class AreaRow:
    key: str
    label: str
    cells: list[Tally]
    total: Tally = field(default_factory=Tally)


def capacity_weeks(today: datetime.date) -> list[Week]:
    """This ISO week from today on, and the three after it."""
    monday = _monday(today)
    weeks = []
    for i in range(CAPACITY_WEEKS):
        start = monday + datetime.timedelta(weeks=i)
        weeks.append(Week(start, max(start, today), start + datetime.timedelta(days=6)))
    return weeks


def capacity_counts(slots, weeks: list[Week]) -> dict:
    """Free and booked slots per area (pilot municipality, remote, other) and week, and per
    organization, from one grouped query over `slots`.

    The query groups by local day, area and organization, so it returns at most
    days by areas by organizations rows whatever the number of slots; the days are folded into
    ISO weeks here. A slot is booked when an appointment in an active state holds it; cancelled
    slots do not count.
    """
    start = _local_midnight(weeks[0].first)
    end = _local_midnight(weeks[-1].sunday + datetime.timedelta(days=1))
    grouped = (
        slots.filter(cancelled=False, starts_at__gte=start, starts_at__lt=end)
        .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_default_timezone()))
        .values("day", "shift__mode", "shift__site__municipality_id", "organization_id")
        .annotate(
            total=Count("pk", distinct=True),
            booked=Count("pk", filter=Q(appointments__state__in=ACTIVE_STATES), distinct=True),
        )
        .order_by()
    )
    pilots = list(Municipality.objects.filter(is_pilot=True).order_by("name_fi"))
    pilot_ids = {m.pk for m in pilots}
    week_index = {w.monday: i for i, w in enumerate(weeks)}

    rows = {m.pk: AreaRow(str(m.pk), m.name, [Tally(w.key) for w in weeks]) for m in pilots}
    rows[REMOTE] = AreaRow(REMOTE, _("Remote (phone, video)"), [Tally(w.key) for w in weeks])
    other = AreaRow(OTHER, _("Other places"), [Tally(w.key) for w in weeks])
    totals = AreaRow("total", _("Total"), [Tally(w.key) for w in weeks])
    by_organization: dict[int, Tally] = defaultdict(Tally)

    for row in grouped:
        booked, free = row["booked"], row["total"] - row["booked"]
        municipality_id = row["shift__site__municipality_id"]
        if row["shift__mode"] in REMOTE_MODES:
            area = rows[REMOTE]
        elif municipality_id in pilot_ids:
            area = rows[municipality_id]
        else:  # a site outside the pilot areas, or a home visit without a site
            area = other
        i = week_index[_monday(row["day"])]
        for target in (area.cells[i], area.total, totals.cells[i], totals.total):
            target.add(free, booked)
        by_organization[row["organization_id"]].add(free, booked)

    areas = list(rows.values()) + ([other] if other.total.total else [])
    names = Organization.objects.in_bulk(list(by_organization))
    organizations = sorted(
        ((names[pk], count) for pk, count in by_organization.items()), key=lambda p: str(p[0])
    )
    return {"areas": areas, "totals": totals, "organizations": organizations}


@login_required
def capacity(request):
    """Free and booked slots for this week and the three after it, per pilot area and week.
    A worker sees their own organization's; a coordinator every organization's, and may narrow
    to one."""
    user = request.user
    if not (user.is_coordinator or user.is_worker):
        raise Http404
    slots = Slot.objects.all()
    filterset = None
    organization = None
    if user.is_coordinator:
        filterset = CapacityFilter(request.GET or None, queryset=slots, request=request)
        slots = filterset.qs
        if filterset.is_bound and filterset.is_valid():
            organization = filterset.form.cleaned_data.get("organization")
    else:
        organization = user.organization
        slots = slots.filter(organization_id=user.organization_id)
    weeks = capacity_weeks(timezone.localdate())
    context = {
        "weeks": weeks,
        "filterset": filterset,
        "organization": organization,
        "is_coordinator": user.is_coordinator,
        **capacity_counts(slots, weeks),
    }
    return render(request, "appointments/capacity.html", context)
