"""Finnish: 7.12.2026 klo 13.00. Django's own fi module gives the rest (weekday, time input)."""

DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = "j.n.Y"
TIME_FORMAT = "G.i"
DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j.n."

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-07', as a date input sends it
    "%d.%m.%Y",  # '7.12.2026'
    "%d.%m.%y",  # '7.12.26'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-12-07 13:00:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-12-07 13:00:59.000200'
    "%Y-%m-%d %H:%M",  # '2026-12-07 13:00'
    "%Y-%m-%dT%H:%M",  # '2026-12-07T13:00', as a datetime-local input sends it
    "%d.%m.%Y klo %H.%M",  # '7.12.2026 klo 13.00'
    "%d.%m.%Y %H.%M.%S",  # '7.12.2026 13.00.59'
    "%d.%m.%Y %H.%M",  # '7.12.2026 13.00'
    "%d.%m.%Y %H:%M",  # '7.12.2026 13:00'
    "%d.%m.%y %H.%M",  # '7.12.26 13.00'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '13:00:59', as a time input sends it
    "%H:%M",  # '13:00'
    "%H.%M.%S",  # '13.00.59'
    "%H.%M",  # '13.00'
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space
