"""How a reception shift repeats: the few RFC 5545 rules the service uses, and nothing else.

A shift repeats every week or every other week on chosen weekdays (every weekday is Monday to
Friday weekly), or every month on one weekday of the month (the first Monday, the last
Friday). Any other rule (hourly, by the second, by set position, with its own start or count)
is refused before a single occurrence is computed: dateutil would happily lay out a million.

The one check, `validate_repeat`, serves the form and the API alike (both go through
`services.shift_create`); `held_days` is the one generator of a shift's days, bounded by
`MAX_DAYS` whatever the rule or the dates, and laying out nothing for a stored rule these
rules no longer allow.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass

from dateutil import rrule as dateutil_rrule
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from perhelinja.dates import validate_date_in_window

# A repeat ends at most this many days after its first day, and is held on at most MAX_DAYS
# days (five days a week for a year, less the days the calendar skips).
HORIZON_DAYS = 366
MAX_DAYS = 260
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEK_INTERVALS = (1, 2)
MONTH_POSITIONS = (1, 2, 3, 4, -1)
PART = re.compile(r"^(?P<key>[A-Z]+)=(?P<value>[A-Z0-9,+-]+)$")
MONTH_DAY = re.compile(r"^(?P<position>[+-]?\d)(?P<day>[A-Z]{2})$")


class RuleRefused(ValueError):
    """A rule outside the shapes the service uses."""


@dataclass(frozen=True)
class Rule:
    """A repeat rule the service uses: weekly (`interval` 1 or 2) on `weekdays` (the first
    day's weekday when empty), or monthly on the `position`-th (-1: last) of one weekday."""

    frequency: str
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    position: int | None = None

    @property
    def text(self) -> str:
        """The rule in its one written form, as stored on the shift."""
        parts = [f"FREQ={self.frequency}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.weekdays:
            days = ",".join(self.weekdays)
            parts.append(f"BYDAY={self.position}{days}" if self.position else f"BYDAY={days}")
        return ";".join(parts)

    def occurrences(self, first: datetime.date, last: datetime.date):
        """The days from `first` to `last` the rule holds, lazily, in order."""
        weekdays = [getattr(dateutil_rrule, day) for day in self.weekdays]
        if self.position is not None:
            weekdays = [weekdays[0](self.position)]
        rule = dateutil_rrule.rrule(
            dateutil_rrule.WEEKLY if self.frequency == "WEEKLY" else dateutil_rrule.MONTHLY,
            interval=self.interval,
            byweekday=weekdays or None,
            dtstart=datetime.datetime.combine(first, datetime.time()),
            until=datetime.datetime.combine(last, datetime.time()),
        )
        return (moment.date() for moment in rule)


def _parts(text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in text.upper().replace(" ", "").split(";"):
        match = PART.match(chunk)
        if match is None or match["key"] in parts:
            raise RuleRefused(text)
        parts[match["key"]] = match["value"]
    return parts


def parse_rule(text: str) -> Rule:
    """The rule `text` names, if it is one the service uses; RuleRefused otherwise."""
    if len(text) > 200:
        raise RuleRefused(text)
    parts = _parts(text)
    frequency = parts.pop("FREQ", "")
    interval = parts.pop("INTERVAL", "1")
    byday = parts.pop("BYDAY", "")
    if parts or not interval.isdigit() or len(interval) > 2:
        raise RuleRefused(text)
    days = [day for day in byday.split(",") if day] if byday else []
    if frequency == "WEEKLY" and int(interval) in WEEK_INTERVALS:
        if any(day not in WEEKDAYS for day in days):
            raise RuleRefused(text)
        ordered = tuple(day for day in WEEKDAYS if day in days)
        return Rule("WEEKLY", int(interval), ordered)
    if frequency == "MONTHLY" and int(interval) == 1 and len(days) == 1:
        match = MONTH_DAY.match(days[0])
        if match and match["day"] in WEEKDAYS and int(match["position"]) in MONTH_POSITIONS:
            return Rule("MONTHLY", 1, (match["day"],), int(match["position"]))
    raise RuleRefused(text)


def allowed(text: str) -> bool:
    """Whether a stored rule is still one the service uses."""
    try:
        parse_rule(text)
    except RuleRefused:
        return False
    return True


def validate_repeat(
    *, first_day: datetime.date, rrule: str, repeat_until: datetime.date | None
) -> str:
    """Check a shift's days before anything is made: the dates within the window, the rule
    one the service uses, its end at most HORIZON_DAYS on and its days at most MAX_DAYS.
    Returns the rule in its written form ("" for a one-off shift)."""
    errors = {}
    for name, day in (("first_day", first_day), ("repeat_until", repeat_until)):
        try:
            validate_date_in_window(day)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    if not rrule:
        return ""
    try:
        rule = parse_rule(rrule)
    except RuleRefused:
        raise ValidationError(
            {
                "rrule": _(
                    "A shift repeats every week or every other week on chosen weekdays, or "
                    "on one weekday of each month (for example FREQ=MONTHLY;BYDAY=1MO)."
                )
            }
        ) from None
    if repeat_until is None:
        raise ValidationError({"repeat_until": _("A repeating shift needs an end date.")})
    if repeat_until < first_day:
        raise ValidationError({"repeat_until": _("The repeat must end on or after its first day.")})
    if repeat_until > first_day + datetime.timedelta(days=HORIZON_DAYS):
        raise ValidationError(
            {"repeat_until": _("A repeat ends at most a year after its first day.")}
        )
    counted = itertools.islice(rule.occurrences(first_day, repeat_until), MAX_DAYS + 1)
    if sum(1 for _day in counted) > MAX_DAYS:
        raise ValidationError(
            {
                "repeat_until": _(
                    "A repeating shift is held on at most %(max)s days: end it sooner."
                )
                % {"max": MAX_DAYS}
            }
        )
    return rule.text


def held_days(rrule: str, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The days from `first` to `last` a stored rule holds, at most MAX_DAYS of them; none
    for a rule the service no longer uses (`services.shifts_extend_slots` tells of those)."""
    try:
        rule = parse_rule(rrule)
    except RuleRefused:
        return []
    return list(itertools.islice(rule.occurrences(first, last), MAX_DAYS))
