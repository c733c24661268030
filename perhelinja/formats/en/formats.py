"""English for readers in Finland: 7 Dec 2026 13:00. The day comes first and the month is a
word (12/06 reads as 12 June here), and the clock has 24 hours (never 1 p.m.)."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-07', as a date input sends it
    "%d %b %Y",  # '7 Dec 2026'
    "%d %B %Y",  # '7 December 2026'
    "%d.%m.%Y",  # '7.12.2026'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-12-07 13:00:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-12-07 13:00:59.000200'
    "%Y-%m-%d %H:%M",  # '2026-12-07 13:00'
    "%Y-%m-%dT%H:%M",  # '2026-12-07T13:00', as a datetime-local input sends it
    "%d %b %Y %H:%M",  # '7 Dec 2026 13:00'
    "%d %B %Y %H:%M",  # '7 December 2026 13:00'
    "%d.%m.%Y %H:%M",  # '7.12.2026 13:00'
]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space, as in Finnish and Swedish
