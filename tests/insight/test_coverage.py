"""The coverage map of the service network, on a hand-built catalogue: which services reach
which municipality, the gaps, the Swedish gaps of bilingual municipalities and the overlaps,
alike on screen, in the CSV and in the API."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from demo import data as demo_data
from demo.management.commands.seed_demo import Command
from directory.models import Availability, Language, Municipality, ServiceArea
from directory.service_areas import load as load_service_areas
from insight import coverage
from referrals.actions import REFERRAL_ACTIONS
from referrals.models import Referral
from tests.factories import (
    ChallengeFactory,
    CoordinatorFactory,
    OrganizationFactory,
    ProfessionalFactory,
    ServiceFactory,
    WorkerFactory,
    api_client_for,
    draft_referral,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db

TURKU, LAITILA, KEMIONSAARI, AURA = "853", "400", "322", "019"


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.COVERAGE_OVERLAP_SERVICES = 4
    settings.COVERAGE_LOW_USE = 5


def _service(area, availability, places=(), languages=("fi",), challenge=None, **data):
    service = ServiceFactory(availability=availability, **data)
    service.service_areas.add(area)
    service.municipalities.add(*Municipality.objects.filter(code__in=places))
    service.languages.add(*Language.objects.filter(code__in=languages))
    if challenge is not None:
        service.challenges.add(challenge)
    return service


@pytest.fixture
def catalogue():
    """Two areas only (the migration's are put out of use). Counselling: four services reach
    Turku (two local, one region-wide, one digital), none in Swedish; Laitila has one local of
    its own. Peer groups: one local service, in Turku and Kemiönsaari, in Finnish and Swedish.
    An inactive service and a service of an inactive organization count nowhere."""
    ServiceArea.objects.update(is_active=False)
    counselling = ServiceArea.objects.create(
        slug="counselling", name_fi="Neuvonta", name_sv="Rådgivning", name_en="Counselling"
    )
    peer = ServiceArea.objects.create(
        slug="peer-groups", name_fi="Vertaisryhmät", name_sv="Kamratgrupper", name_en="Peers"
    )
    talk = ChallengeFactory(slug="talk")
    _service(counselling, Availability.MUNICIPALITIES, [LAITILA], challenge=talk)
    _service(counselling, Availability.MUNICIPALITIES, [TURKU], challenge=talk)
    _service(counselling, Availability.MUNICIPALITIES, [TURKU], challenge=talk)
    _service(counselling, Availability.REGION, challenge=talk)
    _service(counselling, Availability.DIGITAL, languages=("fi", "en"), challenge=talk)
    _service(peer, Availability.MUNICIPALITIES, [TURKU, KEMIONSAARI], languages=("fi", "sv"))
    _service(peer, Availability.REGION, languages=("sv",), is_active=False)
    _service(
        peer,
        Availability.REGION,
        languages=("sv",),
        organization=OrganizationFactory(is_active=False),
    )
    return {"counselling": counselling, "peer": peer, "talk": talk}


def _marks(cell) -> set[str]:
    return {code for code, _label in cell.marks}


def test_the_grid_counts_services_by_reach_and_language(catalogue):
    grid = coverage.build(coverage.AREAS)
    assert [column.slug for column in grid.columns] == ["counselling", "peer-groups"]
    turku = grid.cell(TURKU, "counselling")
    assert turku.reach == {"local": 2, "region": 1, "digital": 1}
    assert turku.languages == {"fi": 4, "sv": 0, "en": 1}
    laitila = grid.cell(LAITILA, "counselling")
    assert laitila.reach == {"local": 1, "region": 1, "digital": 1}
    aura = grid.cell(AURA, "counselling")
    assert aura.reach == {"local": 0, "region": 1, "digital": 1}
    assert grid.cell(KEMIONSAARI, "peer-groups").languages == {"fi": 1, "sv": 1, "en": 0}
    assert len(grid.rows) == Municipality.objects.count()


def test_gaps_swedish_gaps_and_overlaps_are_marked(catalogue):
    grid = coverage.build(coverage.AREAS)
    assert _marks(grid.cell(TURKU, "counselling")) == {"swedish_gap", "overlap"}
    assert _marks(grid.cell(KEMIONSAARI, "counselling")) == {"swedish_gap"}
    assert _marks(grid.cell(LAITILA, "counselling")) == set()  # Finnish only: no Swedish gap
    assert _marks(grid.cell(AURA, "counselling")) == set()
    assert _marks(grid.cell(LAITILA, "peer-groups")) == {"gap"}
    assert _marks(grid.cell(AURA, "peer-groups")) == {"gap"}
    assert _marks(grid.cell(TURKU, "peer-groups")) == set()
    gaps = {
        (row.municipality.code, cell.column.slug)
        for row in grid.rows
        for cell in row.cells
        if cell.gap
    }
    # Peer groups reach only Turku and Kemiönsaari; counselling reaches everyone.
    assert len(gaps) == Municipality.objects.count() - 2
    assert all(slug == "peer-groups" for _code, slug in gaps)


def _submit_in_turku(challenge, times):
    referrer = ProfessionalFactory()  # of Turku
    for _ in range(times):
        referral = draft_referral(referrer=referrer, challenges=[challenge])
        REFERRAL_ACTIONS.call("submit", referral, referrer, {})


def test_use_takes_the_overlap_mark_away_and_demand_is_suppressed(catalogue):
    _submit_in_turku(catalogue["talk"], 4)
    grid = coverage.build(coverage.CHALLENGES)
    turku = grid.cell(TURKU, "talk")
    assert turku.demand == "<5" and "overlap" in _marks(turku)
    assert grid.cell(LAITILA, "talk").demand == 0
    # The service-area grid does not publish demand; it uses it for the overlap mark.
    assert coverage.build(coverage.AREAS).cell(TURKU, "counselling").demand is None
    _submit_in_turku(catalogue["talk"], 1)
    grid = coverage.build(coverage.CHALLENGES)
    assert grid.cell(TURKU, "talk").demand == 5
    assert "overlap" not in _marks(grid.cell(TURKU, "talk"))
    assert "overlap" not in _marks(coverage.build(coverage.AREAS).cell(TURKU, "counselling"))


def test_the_low_use_threshold_never_goes_below_five(settings):
    settings.COVERAGE_LOW_USE = 2
    assert coverage.low_use() == 5


def _cell_html(body: str, label: str, municipality: str) -> list[str]:
    """The cells of the municipality's row (by its name) whose data-label is the column."""
    row = re.search(rf'<tr>\s*<th scope="row">{municipality}.*?</tr>', body, re.S).group(0)
    return re.findall(rf'<td class="([^"]*)" data-label="{label}">(.*?)</td>', row, re.S)


def test_the_page_marks_the_cells_in_text_and_class(client, catalogue):
    login(client, CoordinatorFactory())
    body = client.get(reverse("insight:coverage")).content.decode()
    [(classes, text)] = _cell_html(body, "Counselling", "Turku")
    assert "coverage-swedish_gap" in classes and "coverage-overlap" in classes
    assert "No service in Swedish" in text and "Overlap" in text and "4 services" in text
    [(classes, text)] = _cell_html(body, "Peers", "Laitila")
    assert classes == "coverage-cell coverage-gap" and "Gap" in text
    [(classes, text)] = _cell_html(body, "Counselling", "Laitila")
    assert classes == "coverage-cell" and "3 services" in text
    assert 'class="table-scroll" tabindex="0" role="region"' in body
    assert '<a href="/insight/coverage/" aria-current="page">Coverage</a>' in body


def test_the_csv_has_the_same_cells_and_marks(client, catalogue):
    login(client, CoordinatorFactory())
    response = client.get(reverse("insight:coverage"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:5] == [
        "Municipality code",
        "Municipality",
        "Bilingual",
        "Column",
        "Services",
    ]
    rows = {(line.split(";")[0], line.split(";")[3]): line.split(";") for line in lines[1:]}
    assert len(rows) == 2 * Municipality.objects.count()
    turku = rows[TURKU, "Counselling"]
    assert turku[2] == "yes" and turku[4:11] == ["4", "2", "1", "1", "4", "0", "1"]
    assert turku[-1] == "No service in Swedish, Overlap"
    assert rows[LAITILA, "Peers"][4] == "0" and rows[LAITILA, "Peers"][-1] == "Gap"
    assert rows[LAITILA, "Counselling"][-1] == ""
    assert rows[KEMIONSAARI, "Counselling"][-1] == "No service in Swedish"


def test_the_drill_down_lists_the_services_of_a_cell(
    client, catalogue, django_assert_max_num_queries
):
    login(client, CoordinatorFactory())
    params = {"grid": "areas", "municipality": TURKU, "column": "counselling"}
    with django_assert_max_num_queries(30):
        response = client.get(reverse("insight:coverage_cell"), params)
    body = response.content.decode()
    assert body.count('<th scope="row" data-label="Service">') == 4
    assert "Local" in body and "Region-wide" in body and "Digital" in body
    assert reverse("insight:coverage") in body  # the way back
    assert '<a href="/insight/coverage/" aria-current="page">Coverage</a>' in body
    for wrong in ({**params, "column": "nothing"}, {**params, "grid": "x"}, {}):
        assert client.get(reverse("insight:coverage_cell"), wrong).status_code == 404


def test_the_grid_takes_the_same_queries_however_large_the_catalogue(
    catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        coverage.build(coverage.AREAS)
    for _ in range(5):
        _service(catalogue["peer"], Availability.MUNICIPALITIES, [AURA, LAITILA])
    with django_assert_max_num_queries(len(few.captured_queries)):
        coverage.build(coverage.AREAS)


def test_only_coordinators_see_the_coverage(client, catalogue):
    for user in (ProfessionalFactory(), WorkerFactory()):
        login(client, user)
        assert client.get(reverse("insight:coverage")).status_code == 404
        assert client.get(reverse("insight:coverage"), {"format": "csv"}).status_code == 404


def test_a_wrong_grid_shows_the_areas_with_a_notice(client, catalogue):
    login(client, CoordinatorFactory())
    response = client.get(reverse("insight:coverage"), {"grid": "nonsense"})
    assert response.status_code == 200
    assert response.context["grid"].kind == coverage.AREAS
    assert "does not exist" in response.content.decode()


def test_the_api_gives_the_grid_to_coordinators_only(catalogue):
    for user in (ProfessionalFactory(), WorkerFactory()):
        assert api_client_for(user).get(reverse("api-coverage")).status_code == 404
    api = api_client_for(CoordinatorFactory())
    data = api.get(reverse("api-coverage"), {"grid": "areas"}).json()
    turku = next(row for row in data["rows"] if row["municipality"] == TURKU)
    cell = next(cell for cell in turku["cells"] if cell["column"] == "counselling")
    assert cell["services"] == 4 and cell["swedish_gap"] and cell["overlap"] and not cell["gap"]
    assert cell["reach"] == {"local": 2, "region": 1, "digital": 1} and cell["demand"] is None
    assert turku["bilingual"] is True
    laitila = next(row for row in data["rows"] if row["municipality"] == LAITILA)
    assert next(c for c in laitila["cells"] if c["column"] == "peer-groups")["gap"] is True
    assert api.get(reverse("api-coverage"), {"grid": "nonsense"}).status_code == 400


def test_the_demo_catalogue_shows_gaps_on_the_map():
    known = {area["slug"] for area in load_service_areas()["areas"]}
    for row in demo_data.SERVICES:
        assert row["service_areas"] and set(row["service_areas"]) <= known, row["name_fi"]
    Command().load_catalogue()
    grid = coverage.build(coverage.AREAS)
    marks = {
        (row.municipality.code, cell.column.slug): _marks(cell)
        for row in grid.rows
        for cell in row.cells
    }
    assert marks[AURA, "home-help-family-work"] == {"gap"}
    assert marks[TURKU, "home-help-family-work"] == {"swedish_gap"}
    assert "swedish_gap" in marks[TURKU, "multicultural-family-work"]
    assert marks[TURKU, "psychosocial-support"] == {"overlap"}  # no referrals in the test
    covered = [cell for row in grid.rows for cell in row.cells if not cell.gap]
    gaps = [cell for row in grid.rows for cell in row.cells if cell.gap]
    assert covered and gaps


def test_the_challenge_grid_shows_demand_beside_supply(client, catalogue):
    _submit_in_turku(catalogue["talk"], 6)
    _submit_in_turku(ChallengeFactory(slug="rare", name_en="Rare need"), 2)
    login(client, CoordinatorFactory())
    body = client.get(reverse("insight:coverage"), {"grid": "challenges"}).content.decode()
    [(_classes, talk)] = _cell_html(body, catalogue["talk"].name, "Turku")
    assert "Referrals: 6" in talk and "4 services" in talk
    [(classes, rare)] = _cell_html(body, "Rare need", "Turku")
    assert "Referrals: &lt;5" in rare and "coverage-gap" in classes
    assert "Counts of 1 to 4 are shown as “&lt;5”." in body
    text = client.get(reverse("insight:coverage"), {"grid": "challenges", "format": "csv"})
    rows = [line.split(";") for line in text.content.decode("utf-8-sig").splitlines()]
    assert rows_for(rows, "Rare need")[:5] == [TURKU, "Turku", "yes", "Rare need", "0"]
    assert rows_for(rows, "Rare need")[-2:] == ["<5", "Gap"]
    assert rows_for(rows, catalogue["talk"].name)[-2] == "6"


def rows_for(rows, column):
    return next(row for row in rows if row[0] == TURKU and row[3] == column)


def test_demand_counts_the_last_twelve_months_and_each_referral_once_per_area(catalogue):
    other = ChallengeFactory(slug="other")
    ServiceArea.objects.get(slug="counselling").services.first().challenges.add(other)
    referrer = ProfessionalFactory()
    for challenges in ([catalogue["talk"], other], [other], [catalogue["talk"]]):
        referral = draft_referral(referrer=referrer, challenges=challenges)
        REFERRAL_ACTIONS.call("submit", referral, referrer, {})
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert coverage.build(coverage.AREAS).cell(TURKU, "counselling").referrals == 2
    grid = coverage.build(coverage.CHALLENGES)
    assert grid.cell(TURKU, "talk").referrals == 1
    assert grid.cell(TURKU, "other").referrals == 2
