"""Fictional demo data for ``manage.py seed_demo``, read from the JSON files in ``demo/data/``.

Every organization, service, reception site, address, phone number, e-mail
address and family in these files is invented. Any resemblance to real
associations or people is coincidental. The texts are written to be realistic
for Finnish NGO family services (keskusteluapu, neuvonta, ohjaus) in
Varsinais-Suomi, in Finnish, Swedish and English.

The data is pure data: the seed command consumes the constants as-is. The files and the
order of the fields in their rows are described in ``demo/data/README.md``. Rows that are
positional in the files (a JSON list each) are given as tuples, as they always were.

Municipality codes used:
    853 Turku, 895 Uusikaupunki, 400 Laitila, 322 Kemiönsaari (pilot areas)
    202 Kaarina, 304 Kustavi, 445 Parainen, 503 Mynämäki, 529 Naantali,
    631 Pyhäranta, 680 Raisio, 734 Salo, 738 Sauvo, 833 Taivassalo, 918 Vehmaa
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_DATA_DIR = Path(__file__).resolve().parent / "data"


def _load(name: str) -> Any:
    return json.loads((_DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _rows(name: str) -> list[tuple]:
    """A file of positional rows, each row a tuple."""
    return [tuple(row) for row in _load(name)]


# The demo coordinator's second factor: a fixed, published TOTP key (base32), so that anyone
# trying the demo can add it to an authenticator app or run `manage.py totp_code coordinator`.
COORDINATOR_TOTP_SECRET = "PERHELINJADEMOKOORDINAATTORI2345"  # noqa: S105  (published)

# Taxonomies: (slug, name_fi, name_sv, name_en)
TARGET_GROUPS = _rows("target_groups")
CHALLENGES = _rows("challenges")
OUTCOME_THEMES = _rows("outcome_themes")

# Organizations (13)
ORGANIZATIONS = _load("organizations")

# Service catalogue (41)
SERVICES = _load("services")

# Reception sites (12): three in each pilot municipality
RECEPTION_SITES = _load("reception_sites")

# Fictional families (64): 16 in each pilot municipality
FAMILIES = _load("families")

# Evaluation (issue 9): outreach activities and earlier anonymous feedback.

# Lectures, open-door days, info sessions and service packages of the past half year:
# (days ago, municipality code, organizer slugs, kind, audience, head count, target group
# slugs, challenge slugs). Counts only: no one who came is named.
OUTREACH_ACTIVITIES = _rows("outreach_activities")

# Earlier families' answers, kept only by area, organization and month, as the questionnaire
# stores them: (months ago, municipality code, organization slug, useful, easy to reach,
# would recommend, own words or "").
FEEDBACK_ANSWERS = _rows("feedback_answers")

# Earlier referrers' views: (months ago, municipality code, organization slug, went where it
# should, how quickly 1-5).
REFERRER_VIEWS = _rows("referrer_views")
