"""One report, four renderings: the dashboard page, its CSV, the PDF period report and the
statistics API show the same tables with the same protected numbers for one choice of filters,
the Service filter included (the PDF once ignored it, and the API and the PDF once left out
the timeliness and capacity tables the page showed)."""

import html
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from insight.tables import Counted, Layout, Table
from referrals.models import State
from tests.factories import Cast, api_client_for, referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def _page_rows(body: str) -> list[list[str]]:
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>((?:<td>[^<]*</td>)+)</tr>', body)
    return [
        [html.unescape(label), *map(html.unescape, re.findall(r"<td>([^<]*)</td>", cells))]
        for label, cells in rows
    ]


def _csv_values(data: bytes) -> list[tuple[str, str, str]]:
    lines = data.decode("utf-8-sig").splitlines()[1:]
    return [tuple(line.split(";")) for line in lines]


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def two_organizations():
    """Seven referrals for the organization of the chosen service, six for another one."""
    chosen, other = Cast(), Cast()
    for state in (State.ACCEPTED,) * 4 + (State.COMPLETED,) * 3:
        referral_in_state(state, chosen)
    for _ in range(6):
        referral_in_state(State.ACCEPTED, other)
    return chosen


def test_page_csv_pdf_and_api_show_the_same_numbers_for_a_service(
    client, settings, two_organizations, django_capture_on_commit_callbacks
):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing: apt install poppler-utils (CI has it)")
    cast = two_organizations
    service = cast.organization.services.get()
    choice = {"area": "all", "service": service.pk}
    login(client, cast.coordinator)

    api = api_client_for(cast.coordinator).get(reverse("api-throughput"), choice)
    assert api.status_code == 200
    tables = api.json()["tables"]
    # The service filter holds: the other organization's six referrals are left out.
    funnel = {row[0]: row[1:] for row in tables["funnel"]["rows"]}
    assert funnel["Submitted"] == ["7"] and funnel["Completed"] == ["<5"]
    # Timeliness and capacity are in the API as on the page.
    assert {"timeliness", "capacity", "states", "areas", "months"} <= set(tables)
    expected = [row for table in tables.values() for row in table["rows"]]

    page = client.get(reverse("insight:dashboard"), choice, HTTP_ACCEPT_LANGUAGE="en")
    assert _page_rows(page.content.decode()) == expected

    csv = client.get(reverse("insight:dashboard"), {**choice, "format": "csv"})
    flat = [
        (table["title"], row[0] if len(table["columns"]) == 1 else f"{row[0]}: {column}", value)
        for table in tables.values()
        for row in table["rows"]
        for column, value in zip(table["columns"], row[1:], strict=True)
    ]
    assert _csv_values(csv.content) == flat

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("insight:report_new"), choice, HTTP_ACCEPT_LANGUAGE="en")
    pdf = client.get(queued.url + "report.pdf")
    assert pdf.status_code == 200
    lines = [re.split(r"\s{2,}", line.strip()) for line in _pdf_text(pdf.content).splitlines()]
    for table in ("funnel", "states", "timeliness", "capacity"):
        for row in tables[table]["rows"]:
            assert row in lines, (table, row)


def test_cells_that_hiding_cannot_save_are_left_out():
    """Four parts of 1 under a total of 4 are 1 each however they are marked: those cells are
    left out (not even "not 0" is said of them), and a table beside them stays as it is."""
    layout = Layout()
    ones = layout.one_way("kind", dict.fromkeys("abcd", 1), {k: k.upper() for k in "abcd"}, ("n",))
    layout.add(Table("kinds", "Kinds", "", ["Value"]), ones)
    layout.add(Table("other", "Other", "", ["Value"]), [("Big", [layout.count(("big",), 40)])])
    kinds, other = layout.publish()
    assert kinds.rows == [(label, ["·"]) for label in ("A", "B", "C", "D", "Total")]
    assert other.rows == [("Big", ["40"])]


def test_a_degenerate_column_leaves_the_rest_of_its_table_shown():
    """The demo's year: four areas declined one referral each, four in all. The declined
    column is left out; the other columns of the area table stay."""
    layout = Layout()
    rows, declined, arrived = [], [], []
    for area in ("Turku", "Laitila", "Uusikaupunki", "Kemiönsaari"):
        arrived.append(layout.count(("area", area, "in"), 15))
        declined.append(layout.count(("area", area, "declined"), 1))
        rows.append((area, [arrived[-1], declined[-1]]))
    layout.sum(("in",), [c.key for c in arrived])
    layout.sum(("declined",), [c.key for c in declined])
    rows.append(("Total", [layout.count(("in",), 60), layout.count(("declined",), 4)]))
    layout.add(Table("areas", "Areas", "Area", ["In", "Declined"]), rows)
    (areas,) = layout.publish()
    assert areas.rows[0] == ("Turku", ["15", "·"])
    assert areas.rows[-1] == ("Total", ["60", "·"])


def test_a_cell_shared_by_two_tables_is_protected_alike_in_both():
    """'Completed' hidden in the state table was once shown as 7 in the funnel."""
    layout = Layout()
    states = layout.one_way(
        "state", {"open": 3, "done": 7}, {"open": "Open", "done": "Done"}, ("in",)
    )
    layout.add(Table("states", "States", "", ["Value"]), states)
    layout.add(Table("funnel", "Funnel", "", ["Value"]), [("Done", [Counted(("state", "done"))])])
    states, funnel = layout.publish()
    assert dict(states.rows)["Done"] == dict(funnel.rows)["Done"] == ["x"]


def test_figures_that_do_not_add_up_hide_every_count_but_zero(caplog):
    """Never a 500 and never a guess: a total that is not the sum of its parts (figures read
    at two moments) leaves nothing to reason with, so every non-zero count is hidden."""
    layout = Layout()
    rows = layout.one_way("kind", {"a": 9, "b": 0}, {"a": "A", "b": "B"}, ("n",))
    layout.values[("n",)] = 10  # one more than its parts, as a late submission would make
    layout.add(Table("kinds", "Kinds", "", ["Value"]), rows)
    (kinds,) = layout.publish()
    assert kinds.rows == [("A", ["x"]), ("B", ["0"]), ("Total", ["x"])]
    assert "do not add up" in caplog.text
