"""The dashboard opens with key figures for the last twelve months, whatever period the details
below show; every tile is a published cell of that period's report (or is worked out only from
published cells), so a small count is as hidden on a tile as in the tables. Numbers are written
as each language writes them (85,5 % in Finnish and Swedish), and a chart without data gives way
to one line, on the page and in the PDF report."""

import dataclasses
import datetime
import html
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from insight import evaluation, snapshot
from insight import report as reports
from insight.figures import Wait
from insight.models import InsightSnapshot
from insight.period import Period, Scope, period_from
from referrals.models import Referral, State
from tests.factories import Cast, referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db

EMPTY_MARCH = {"period": "custom", "start": "2025-03-01", "end": "2025-03-31", "area": "all"}
MARCH = Period.month(2025, 3)


def _tiles(body: str) -> dict[str, str]:
    found = re.findall(
        r'<p class="key-figure__label">([^<]*)</p>\s*<p class="key-figure__value">([^<]*)</p>',
        body,
    )
    return {html.unescape(label): html.unescape(value) for label, value in found}


def _referrals(cast: Cast, state: State, n: int) -> None:
    for _ in range(n):
        referral_in_state(state, cast)


def test_the_last_twelve_months_are_twelve_full_months_and_this_month_so_far():
    today = timezone.localdate()
    period = period_from({"period": "12_months"})
    assert period.end == today
    assert period.start == datetime.date(today.year - 1, today.month, 1)
    assert len(period.months()) == 13
    january = Period.twelve_months(datetime.date(2026, 1, 15))
    assert january == Period(datetime.date(2025, 1, 1), datetime.date(2026, 1, 15))


def test_the_details_show_the_last_twelve_months_by_default(client):
    """A month of a pilot is mostly counts of 1-4; a year is large enough to publish, and the
    tiles and the details then share one stored snapshot."""
    assert period_from({}) == period_from({"period": "12_months"})
    cast = Cast()
    _referrals(cast, State.SUBMITTED, 6)
    Referral.objects.update(submitted_at=timezone.now() - datetime.timedelta(days=75))
    login(client, cast.coordinator)
    body = client.get(
        reverse("insight:dashboard"), {"area": "all"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    funnel = re.search(r'<th scope="row">Submitted</th><td>([^<]*)</td>', body)
    assert funnel.group(1) == "6"  # submitted 75 days ago: not this month, still shown
    assert _tiles(body)["Referrals submitted"] == "6"
    assert InsightSnapshot.objects.count() == 1


def test_the_tiles_come_first_and_keep_to_the_last_twelve_months(client):
    cast = Cast()
    _referrals(cast, State.SUBMITTED, 6)
    _referrals(cast, State.COMPLETED, 5)
    login(client, cast.coordinator)
    body = client.get(
        reverse("insight:dashboard"), EMPTY_MARCH, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert body.index('class="key-figure"') < body.index("<table")
    tiles = _tiles(body)
    assert tiles["Referrals submitted"] == "11" and tiles["Completed"] == "5"
    assert re.search(r'<th scope="row">Submitted</th><td>0</td>', body)  # March 2025: none
    today = timezone.localdate()
    start = datetime.date(today.year - 1, today.month, 1)
    with translation.override("en"):
        assert f"{start:%-d} {start:%b} {start:%Y}" in body  # the tiles' period is told
    # The tiles' snapshot is stored like the details', one row each.
    assert InsightSnapshot.objects.count() == 2


def test_a_small_count_on_a_tile_shows_the_suppression_marker(client):
    cast = Cast()
    _referrals(cast, State.SUBMITTED, 6)
    _referrals(cast, State.COMPLETED, 3)
    login(client, cast.coordinator)
    body = client.get(
        reverse("insight:dashboard"), {"area": "all"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    tiles = _tiles(body)
    assert tiles["Completed"] == "<5"
    # Accepted 3 of 3 assigned: the rate would tell the small counts, so it is hidden too.
    assert tiles["Accepted, of those assigned"] == "<5"
    assert "3" not in tiles.values() and "100.0\xa0%" not in tiles.values()
    # 9 = 6 submitted + 3 completed would give the 3 away: hidden ("x") as in the funnel.
    submitted = re.search(r'<th scope="row">Submitted</th><td>([^<]*)</td>', body).group(1)
    assert tiles["Referrals submitted"] == submitted == "x"


@pytest.mark.parametrize(
    ("states", "ns"),
    [
        ((State.SUBMITTED, State.COMPLETED), (6, 2)),
        ((State.SUBMITTED, State.ACCEPTED, State.COMPLETED), (7, 5, 1)),
        ((State.ASSIGNED, State.COMPLETED, State.DECLINED), (2, 6, 6)),
    ],
)
def test_every_tile_count_is_the_published_cell_of_the_report(states, ns):
    cast = Cast()
    for state, n in zip(states, ns, strict=True):
        _referrals(cast, state, n)
    with translation.override("en"):
        report = reports.build(period_from({}), Scope())
    tiles = {figure.label: figure.value for figure in report.key_figures}
    funnel = dict(report.table("funnel").rows)
    backlog = dict(report.table("backlog").rows)
    assert [tiles["Referrals submitted"]] == funnel["Submitted"]
    assert [tiles["Completed"]] == funnel["Completed"]
    assert [tiles["Open now"]] == backlog["Total"]
    waits = dict(report.table("waits").rows)
    shown = waits["Submitted → first appointment: median"][0]
    if shown in ("<5", "x", "·", "–"):
        assert tiles["Median wait to the first appointment (days)"] == shown


def _report_with(language: str, **changes) -> reports.Report:
    cast = Cast()
    _referrals(cast, State.ACCEPTED, 5)
    _referrals(cast, State.DECLINED, 1)
    _referrals(cast, State.ASSIGNED, 6)
    figures = snapshot.compute(period_from({}), Scope())
    figures = dataclasses.replace(
        figures, throughput=dataclasses.replace(figures.throughput, **changes)
    )
    with translation.override(language):
        return reports.assemble(figures, evaluation.figures(period_from({}), Scope()))


@pytest.mark.parametrize(
    ("language", "median", "share"),
    [("fi", "2,5", "41,7\xa0%"), ("sv", "2,5", "41,7\xa0%"), ("en", "2.5", "41.7\xa0%")],
)
def test_tile_numbers_are_written_as_the_language_writes_them(language, median, share):
    report = _report_with(language, wait_to_first_appointment=Wait(count=12, median=2.5, p90=7.0))
    values = [figure.value for figure in report.key_figures]
    assert median in values
    assert share in values  # 5 accepted of 12 assigned


def test_a_chart_without_data_gives_way_to_one_line(client):
    cast = Cast()
    login(client, cast.coordinator)
    body = client.get(
        reverse("insight:dashboard"), EMPTY_MARCH, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "<svg" not in body
    assert body.count("No data for this period.") == 3  # months, funnel, areas
    with translation.override("en"):
        report = reports.build(MARCH, Scope())
    assert report.table("months").chart is None
    assert report.table("months").chart_note == "No data for this period."


def test_a_chart_of_hidden_counts_only_is_not_drawn():
    cast = Cast()
    _referrals(cast, State.SUBMITTED, 3)
    with translation.override("en"):
        report = reports.build(Period(timezone.localdate(), timezone.localdate()), Scope())
    months = report.table("months")
    assert months.rows[0][1] == ["<5", "0"]
    assert months.chart is None and months.chart_note == "Too few to draw a chart."


def test_secondary_tables_are_folded_under_headings(client):
    cast = Cast()
    _referrals(cast, State.SUBMITTED, 6)
    login(client, cast.coordinator)
    body = client.get(
        reverse("insight:dashboard"), {"area": "all"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    first_fold = body.index("<details")
    for key in ("months", "funnel", "areas"):
        assert body.index(f'id="table-{key}"') < first_fold
    for key in ("states", "waits", "sessions", "languages", "backlog", "capacity"):
        assert body.index(f'id="table-{key}"') > first_fold
    assert body.count("<details") >= 4
    assert '<summary><h2 class="inline" id="evaluation-heading">' in body
    for region in re.findall(r'<div class="table-scroll"[^>]*>', body):
        assert 'tabindex="0"' in region and 'role="region"' in region
        assert 'aria-label="' in region


def _pdf_text(content: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_of_an_empty_period_has_tiles_and_no_empty_charts(
    client, django_capture_on_commit_callbacks
):
    cast = Cast()
    with translation.override("en"):
        built = reports.build(MARCH, Scope())
        page = render_to_string("pdf/insight_report.html", {"report": built})
    assert "<svg" not in page and page.count("No data for this period.") == 3
    assert page.index('class="key-figure"') < page.index("<table")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing: apt install poppler-utils (CI has it)")
    login(client, cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("insight:report_new"), EMPTY_MARCH, HTTP_ACCEPT_LANGUAGE="en")
    pdf = client.get(queued.url + "report.pdf").content
    first_page = _pdf_text(pdf, "-f", "1", "-l", "1")
    assert "Referrals submitted" in first_page and "Open now" in first_page
    assert "No data for this period." in _pdf_text(pdf)


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("insight:dashboard"), params).status_code == 200
    return len(queries)


def test_the_tiles_add_a_fixed_number_of_queries(client, settings, django_assert_max_num_queries):
    """Another period below reads one more stored snapshot (and the feedback figures of the
    twelve months), never a query per referral."""
    cast = Cast()
    _referrals(cast, State.SUBMITTED, 2)
    login(client, cast.coordinator)
    for params in ({"area": "all"}, EMPTY_MARCH):
        _count_queries(client, params)  # stores the snapshots
    default, other = _count_queries(client, {"area": "all"}), _count_queries(client, EMPTY_MARCH)
    with CaptureQueriesContext(connection) as one_report:
        reports.build(period_from({}), Scope())  # the tiles' report, its snapshot stored
    assert 0 < other - default <= len(one_report)
    settings.INSIGHT_SNAPSHOT_SECONDS = 0  # computed on every request
    few = _count_queries(client, EMPTY_MARCH)
    _referrals(cast, State.COMPLETED, 6)
    _referrals(cast, State.ACCEPTED, 6)
    with django_assert_max_num_queries(few):
        client.get(reverse("insight:dashboard"), EMPTY_MARCH)
