"""The demo's data files load, hold what the seed expects and refer only to what exists.

The files are edited by hand (demo/data/README.md), so these catch a mistyped slug, code or
choice before `seed_demo` fails half-way with a KeyError or a DoesNotExist.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from consent.models import GiverRole
from demo import data as demo_data
from demo.management.commands import seed_demo
from directory.models import Availability, LanguageCode, ModeCode
from directory.reference import MUNICIPALITIES, PILOT_CODES
from evaluation.models import Audience, OutreachKind, Reached

DATA_DIR = Path(demo_data.__file__).resolve().parent / "data"
CODES = {row[0] for row in MUNICIPALITIES}
ORGANIZATIONS = {o["slug"] for o in demo_data.ORGANIZATIONS}
TARGET_GROUPS = {row[0] for row in demo_data.TARGET_GROUPS}
CHALLENGES = {row[0] for row in demo_data.CHALLENGES}
OUTCOME_THEMES = {row[0] for row in demo_data.OUTCOME_THEMES}
POSITIONAL = {
    "target_groups": 4,
    "challenges": 4,
    "outcome_themes": 4,
    "outreach_activities": 8,
    "feedback_answers": 7,
    "referrer_views": 5,
}


def test_the_module_gives_every_file_under_the_names_it_always_had():
    names = {name for name in vars(demo_data) if not name.startswith("_") and name.isupper()}
    assert names == {
        "COORDINATOR_TOTP_SECRET",
        "TARGET_GROUPS",
        "CHALLENGES",
        "OUTCOME_THEMES",
        "ORGANIZATIONS",
        "SERVICES",
        "RECEPTION_SITES",
        "FAMILIES",
        "OUTREACH_ACTIVITIES",
        "FEEDBACK_ANSWERS",
        "REFERRER_VIEWS",
    }
    files = {path.stem.upper() for path in DATA_DIR.glob("*.json")}
    assert files == names - {"COORDINATOR_TOTP_SECRET"}


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.json")), ids=lambda path: path.name)
def test_the_files_stay_in_the_documented_layout(path):
    """UTF-8, indent 2, letters as they are: what a person editing them reads and diffs."""
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("name", "width"), POSITIONAL.items())
def test_positional_rows_are_tuples_of_their_width(name, width):
    rows = getattr(demo_data, name.upper())
    assert rows
    assert all(isinstance(row, tuple) and len(row) == width for row in rows)


@pytest.mark.parametrize("name", ["TARGET_GROUPS", "CHALLENGES", "OUTCOME_THEMES"])
def test_taxonomies_have_unique_slugs_and_a_name_in_each_language(name):
    rows = getattr(demo_data, name)
    assert len({row[0] for row in rows}) == len(rows)
    assert all(isinstance(text, str) and text for row in rows for text in row)


def test_the_seed_gets_the_catalogue_it_promises():
    """13 organizations with a demo worker each, 41 services, and three reception sites and
    sixteen families in each of the four pilot areas."""
    assert len(demo_data.ORGANIZATIONS) == len(ORGANIZATIONS) == 13
    assert len(demo_data.SERVICES) == 41
    pilots = {code for _username, code, *_ in seed_demo.PROFESSIONALS}
    assert pilots == PILOT_CODES
    assert len(PILOT_CODES) == 4
    assert Counter(s["municipality"] for s in demo_data.RECEPTION_SITES) == dict.fromkeys(
        PILOT_CODES, 3
    )
    assert Counter(f["municipality"] for f in demo_data.FAMILIES) == dict.fromkeys(PILOT_CODES, 16)
    assert len(demo_data.OUTREACH_ACTIVITIES) == 15


def test_the_seed_finds_everything_it_names():
    sites = {site["name"] for site in demo_data.RECEPTION_SITES}
    assert set(seed_demo.SITE_RULES) <= sites
    assert seed_demo.SWEDISH_FIRST <= ORGANIZATIONS
    assert {theme for outcome in seed_demo.OUTCOMES for theme in outcome[2]} <= OUTCOME_THEMES
    # Every organization offers something, so each demo worker has referrals to handle.
    assert {s["organization"] for s in demo_data.SERVICES} == ORGANIZATIONS


def test_each_demo_worker_is_a_person_with_a_name_of_their_own():
    """The header shows the worker's name in every language: a role word in Finnish would
    be the only Finnish on a Swedish page."""
    names = [(o["worker"]["first_name"], o["worker"]["last_name"]) for o in demo_data.ORGANIZATIONS]
    assert len(set(names)) == len(names) == 13
    assert all(first and last for first, last in names)
    assert not {word for name in names for word in name} & {"Työntekijä", "Worker", "Arbetare"}


def test_services_refer_to_what_exists():
    for service in demo_data.SERVICES:
        name = service["name_fi"]
        assert service["organization"] in ORGANIZATIONS, name
        assert set(service["target_groups"]) <= TARGET_GROUPS, name
        assert set(service["challenges"]) <= CHALLENGES, name
        assert service["availability"] in Availability.values, name
        assert set(service["municipalities"]) <= CODES, name
        assert set(service["modes"]) <= set(ModeCode.values), name
        assert set(service["languages"]) <= set(LanguageCode.values), name
    assert len({(s["organization"], s["name_fi"]) for s in demo_data.SERVICES}) == 41


def test_families_refer_to_what_exists():
    for family in demo_data.FAMILIES:
        name = family["contact_name"]
        assert family["municipality"] in PILOT_CODES, name
        assert family["target_group"] in TARGET_GROUPS, name
        assert family["challenges"] and set(family["challenges"]) <= CHALLENGES, name
        assert family["modes"] and set(family["modes"]) <= set(ModeCode.values), name
        assert family["giver"] in GiverRole.values, name
        assert family["language"] in [*LanguageCode.values, "other"], name
        assert bool(family["language_other"]) == (family["language"] == "other"), name
        assert family["children_birth_years"], name


def test_evaluation_rows_refer_to_what_exists():
    for (
        days,
        code,
        organizers,
        kind,
        audience,
        people,
        groups,
        themes,
    ) in demo_data.OUTREACH_ACTIVITIES:
        assert days > 0 and people > 0
        assert code in CODES
        assert organizers and set(organizers) <= ORGANIZATIONS
        assert kind in OutreachKind.values and audience in Audience.values
        assert set(groups) <= TARGET_GROUPS and set(themes) <= CHALLENGES
    for months, code, slug, *scores, words in demo_data.FEEDBACK_ANSWERS:
        assert months > 0 and code in CODES and slug in ORGANIZATIONS
        assert all(score in range(1, 6) for score in scores)
        assert isinstance(words, str)
    for months, code, slug, reached, speed in demo_data.REFERRER_VIEWS:
        assert months > 0 and code in CODES and slug in ORGANIZATIONS
        assert reached in Reached.values and speed in range(1, 6)
