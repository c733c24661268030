"""Swedish as written in Finland: 7.12.2026 kl. 13.00 (Django's sv, from Sweden, writes ISO
dates, 2026-12-07, which read as foreign here and wrap in tables). The Finnish formats with
"kl." where Finnish writes "klo"."""

from perhelinja.formats.fi import formats as fi

DATE_FORMAT = fi.DATE_FORMAT
SHORT_DATE_FORMAT = fi.SHORT_DATE_FORMAT
TIME_FORMAT = fi.TIME_FORMAT
DATETIME_FORMAT = r"j.n.Y \k\l. G.i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = fi.YEAR_MONTH_FORMAT
MONTH_DAY_FORMAT = fi.MONTH_DAY_FORMAT

DATE_INPUT_FORMATS = fi.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = [f.replace(" klo ", " kl. ") for f in fi.DATETIME_INPUT_FORMATS]
TIME_INPUT_FORMATS = fi.TIME_INPUT_FORMATS

DECIMAL_SEPARATOR = fi.DECIMAL_SEPARATOR
THOUSAND_SEPARATOR = fi.THOUSAND_SEPARATOR
