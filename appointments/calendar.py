"""The days families are never offered a time: Finnish public holidays, Christmas Eve and
Midsummer Eve included (as `holidays.Finland` lists them)."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

# Slots are made at most half a year ahead (`services.SLOT_HORIZON_DAYS`); three calendar years
# from a search's start cover every slot it can find.
SEARCH_YEARS = 3


@lru_cache(maxsize=32)
def _finnish_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("FI", years=year))


def is_public_holiday(day: datetime.date) -> bool:
    return day in _finnish_holidays(day.year)


def public_holidays_from(day: datetime.date) -> list[datetime.date]:
    """The public holidays from `day` to the end of the calendar year `SEARCH_YEARS - 1` later."""
    return sorted(
        holiday
        for year in range(day.year, day.year + SEARCH_YEARS)
        for holiday in _finnish_holidays(year)
        if holiday >= day
    )
