"""The family's preferred times, read from the referral's free text ("weekday afternoons, not on
Mondays", "arki-iltapäivät", "tisdagar på förmiddagen"), in Finnish, Swedish or English.

Only known words count: parts of the day and weekdays, a clause with a negation ("not", "ei",
"inte", "except", …) excludes what it names. Text that names none of them is no wish at all:
then no time is said to match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"
# The start hours (local time) of each part of the day: [from, to).
PART_HOURS = {MORNING: (0, 12), AFTERNOON: (12, 17), EVENING: (17, 24)}
WORKDAYS = frozenset({1, 2, 3, 4, 5})
WEEKEND = frozenset({6, 7})

# Word beginnings, longest first where one begins another ("iltapäivä" before "ilta").
PART_WORDS = (
    ("iltapäiv", AFTERNOON),
    ("iltap", AFTERNOON),
    ("aamupäiv", MORNING),
    ("aamup", MORNING),
    ("aamu", MORNING),
    ("ilta", EVENING),
    ("illa", EVENING),
    ("morning", MORNING),
    ("forenoon", MORNING),
    ("afternoon", AFTERNOON),
    ("evening", EVENING),
    ("förmiddag", MORNING),
    ("morgon", MORNING),
    ("morgn", MORNING),
    ("eftermiddag", AFTERNOON),
    ("kväll", EVENING),
)
DAY_WORDS = (
    ("maanant", 1),
    ("tiist", 2),
    ("keskiviik", 3),
    ("torst", 4),
    ("perjant", 5),
    ("lauant", 6),
    ("sunnunt", 7),
    ("monday", 1),
    ("tuesday", 2),
    ("wednesday", 3),
    ("thursday", 4),
    ("friday", 5),
    ("saturday", 6),
    ("sunday", 7),
    ("måndag", 1),
    ("tisdag", 2),
    ("onsdag", 3),
    ("torsdag", 4),
    ("fredag", 5),
    ("lördag", 6),
    ("söndag", 7),
)
DAYS_WORDS = (
    ("arki", WORKDAYS),
    ("weekday", WORKDAYS),
    ("workday", WORKDAYS),
    ("vardag", WORKDAYS),
    ("viikonlop", WEEKEND),
    ("weekend", WEEKEND),
    ("helg", WEEKEND),
)
NEGATIONS = frozenset(
    {"not", "no", "never", "except", "ei", "paitsi", "inte", "ej", "utom", "aldrig"}
)
CLAUSES = re.compile(r"[,.;:/()\n]+|\b(?:but|mutta|men)\b")
WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True)
class TimeWish:
    parts: frozenset[str] = frozenset()
    days: frozenset[int] = frozenset()  # ISO weekdays, Monday 1
    not_parts: frozenset[str] = frozenset()
    not_days: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.parts or self.days or self.not_parts or self.not_days)

    def q(self, field: str = "starts_at") -> Q:
        """The slots whose start (local time) the wish covers; only for a wish (`bool`)."""
        condition = Q()
        if self.parts:
            condition &= _parts_q(self.parts, field)
        if self.not_parts:
            condition &= ~_parts_q(self.not_parts, field)
        if self.days:
            condition &= Q(**{f"{field}__iso_week_day__in": sorted(self.days)})
        if self.not_days:
            condition &= ~Q(**{f"{field}__iso_week_day__in": sorted(self.not_days)})
        return condition


def _parts_q(parts: frozenset[str], field: str) -> Q:
    condition = Q()
    for part in sorted(parts):
        start, end = PART_HOURS[part]
        condition |= Q(**{f"{field}__hour__gte": start, f"{field}__hour__lt": end})
    return condition


def _words_of(word: str) -> tuple[set[str], set[int]]:
    parts: set[str] = set()
    days: set[int] = set()
    # A compound ("arki-iltapäivät", "weekday afternoons", "vardagskvällar") may name both.
    for piece in word.split("-"):
        for stem, part in PART_WORDS:
            if _names(piece, stem):
                parts.add(part)
                break
        for stem, day in DAY_WORDS:
            if _names(piece, stem):
                days.add(day)
        for stem, group in DAYS_WORDS:
            if _names(piece, stem):
                days |= group
    return parts, days


def _names(piece: str, stem: str) -> bool:
    """A word begins with the stem, or (a compound) holds a stem long enough not to occur
    by chance inside other words."""
    return piece.startswith(stem) or (len(stem) >= 5 and stem in piece)


def parse_time_wish(text: str) -> TimeWish:
    """The parts of the day and weekdays `text` asks for, and those it rules out."""
    parts: set[str] = set()
    days: set[int] = set()
    not_parts: set[str] = set()
    not_days: set[int] = set()
    for clause in CLAUSES.split((text or "").lower()):
        if not clause:
            continue
        words = WORDS.findall(clause)
        negated = any(word in NEGATIONS for word in words)
        for word in words:
            found_parts, found_days = _words_of(word)
            if negated:
                not_parts |= found_parts
                not_days |= found_days
            else:
                parts |= found_parts
                days |= found_days
    return TimeWish(
        parts=frozenset(parts),
        days=frozenset(days - not_days),
        not_parts=frozenset(not_parts - parts),
        not_days=frozenset(not_days),
    )
