"""Feedback scores and outreach on the coordinator dashboard, in its CSV and in the PDF report,
against values worked out by hand for March 2025.

Families' answers (useful, easy to reach, would recommend), all in March unless noted:
- Turku, Alfa: six answers. useful 5 4 4 3 5 5 (sum 26), easy 3 3 4 4 5 5 (24), recommend
  5 5 5 5 4 4 (28) -> averages 4.33 -> 4,3; 4,0; 4.67 -> 4,7.
- Uusikaupunki, Gamma: five answers of 4, 2, 3 (sums 20, 10, 15).
- Laitila, Beta: three answers: useful 1 2 3 (6), easy 1 1 1 (3), recommend 2 2 2 (6).
- Kemiönsaari: none. Naantali (not a pilot area), Beta: one answer of 2, 2, 2.
- Turku, Alfa, in February: one answer of 1, 1, 1 (outside the period).
Pilot areas: Laitila's 3 is "<5"; then the smallest other shown cell, Uusikaupunki's 5, is
"x" so that Laitila's cannot be recomputed from the total 14; their scores are hidden the same
way. Total averages: 52/14 = 3.71 -> 3,7; 37/14 = 2.64 -> 2,6; 49/14 = 3.5 -> 3,5.
All municipalities: Laitila 3 and the other municipalities' 1 are both "<5", so nothing more
is hidden: Uusikaupunki shows 5 with 4,0 2,0 3,0; total 15 with 54/15 = 3,6; 39/15 = 2,6;
51/15 = 3,4.

Referrers (went where it should, how quickly): Turku, Alfa: six, five "yes" and one "no",
speed 5 4 4 3 4 4 (24) -> 83,3 % and 4,0. Uusikaupunki, Gamma: five "yes", speed 3 each (15).
Laitila, Beta: "no" and "partly", speed 1 and 2. Total 13: 10/13 = 76,9 %, 42/13 = 3,2.

Outreach: Turku lecture for professionals, 40 people, Alfa and Beta; Turku open-door day for
families, 12, Alfa; Laitila info session for both, 7, Gamma; Naantali service package for
professionals, 25, Beta; and in February a Turku lecture of 100 (outside the period).
"""

import datetime
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from directory.models import Municipality
from evaluation import services
from evaluation.models import FeedbackAnswer, ReferrerFeedback
from insight import report as reports
from insight.period import Period, Scope
from tests.factories import (
    CoordinatorFactory,
    OrganizationFactory,
    ProfessionalFactory,
    WorkerFactory,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db

MARCH = {"period": "custom", "start": "2025-03-01", "end": "2025-03-31"}


@pytest.fixture
def month():
    area = {m.code: m for m in Municipality.objects.filter(code__in=["853", "895", "400", "529"])}
    turku, uusikaupunki, laitila, naantali = area["853"], area["895"], area["400"], area["529"]
    alfa = OrganizationFactory(name="Alfa ry")
    beta = OrganizationFactory(name="Beta ry")
    gamma = OrganizationFactory(name="Gamma ry")
    march, february = datetime.date(2025, 3, 1), datetime.date(2025, 2, 1)

    def answers(municipality, organization, rows, when=march):
        for useful, easy, recommend in rows:
            FeedbackAnswer.objects.create(
                municipality=municipality,
                organization=organization,
                month=when,
                useful=useful,
                easy_to_reach=easy,
                would_recommend=recommend,
            )

    answers(turku, alfa, [(5, 3, 5), (4, 3, 5), (4, 4, 5), (3, 4, 5), (5, 5, 4), (5, 5, 4)])
    answers(uusikaupunki, gamma, [(4, 2, 3)] * 5)
    answers(laitila, beta, [(1, 1, 2), (2, 1, 2), (3, 1, 2)])
    answers(naantali, beta, [(2, 2, 2)])
    answers(turku, alfa, [(1, 1, 1)], when=february)

    def views(municipality, organization, rows):
        for reached, speed in rows:
            ReferrerFeedback.objects.create(
                municipality=municipality,
                organization=organization,
                month=march,
                reached=reached,
                speed=speed,
            )

    views(turku, alfa, [("yes", 5), ("yes", 4), ("yes", 4), ("yes", 3), ("yes", 4), ("no", 4)])
    views(uusikaupunki, gamma, [("yes", 3)] * 5)
    views(laitila, beta, [("no", 1), ("partly", 2)])

    coordinator = CoordinatorFactory()
    for day, municipality, organizations, kind, audience, people in [
        (5, turku, [alfa, beta], "lecture", "professionals", 40),
        (20, turku, [alfa], "open_door", "families", 12),
        (12, laitila, [gamma], "info_session", "both", 7),
        (15, naantali, [beta], "service_package", "professionals", 25),
    ]:
        services.outreach_create(
            actor=coordinator,
            date=datetime.date(2025, 3, day),
            municipality=municipality,
            organizations=organizations,
            kind=kind,
            audience=audience,
            head_count=people,
        )
    services.outreach_create(
        actor=coordinator,
        date=datetime.date(2025, 2, 10),
        municipality=turku,
        organizations=[alfa],
        kind="lecture",
        audience="professionals",
        head_count=100,
    )
    return coordinator


PILOT_EXPECTED = {
    "Families' feedback by area": {
        "Kemiönsaari": ["0", "–", "–", "–"],
        "Laitila": ["<5", "<5", "<5", "<5"],
        "Turku": ["6", "4,3", "4,0", "4,7"],
        "Uusikaupunki": ["x", "x", "x", "x"],
        "Total": ["14", "3,7", "2,6", "3,5"],
    },
    "Families' feedback by organization": {
        "Alfa ry": ["6", "4,3", "4,0", "4,7"],
        "Beta ry": ["<5", "<5", "<5", "<5"],
        "Gamma ry": ["x", "x", "x", "x"],
        "Total": ["14", "3,7", "2,6", "3,5"],
    },
    # Turku's share (five of six) would tell that one referrer said no, and the total's
    # share gives the yes and no counts that the groups' shares add up to: Turku's and
    # Uusikaupunki's answers and the total's share are hidden with them.
    "Referrers' feedback by area": {
        "Kemiönsaari": ["0", "–", "–"],
        "Laitila": ["<5", "<5", "<5"],
        "Turku": ["x", "x", "x"],
        "Uusikaupunki": ["x", "x", "x"],
        "Total": ["13", "x", "3,2"],
    },
    "Referrers' feedback by organization": {
        "Alfa ry": ["x", "x", "x"],
        "Beta ry": ["<5", "<5", "<5"],
        "Gamma ry": ["x", "x", "x"],
        "Total": ["13", "x", "3,2"],
    },
    "Outreach by area": {
        # activities, professionals, families, both, people reached, organizations
        "Kemiönsaari": ["0", "0", "0", "0", "0", "0"],
        "Laitila": ["1", "0", "0", "7", "7", "1"],
        "Turku": ["2", "40", "12", "0", "52", "2"],
        "Uusikaupunki": ["0", "0", "0", "0", "0", "0"],
        "Total": ["3", "40", "12", "7", "59", "3"],
    },
    "Outreach by kind": {
        "Lecture": ["1", "40"],
        "Open-door day": ["1", "12"],
        "Info session": ["1", "7"],
        "Tailored service package": ["0", "0"],
        "Total": ["3", "59"],
    },
    "Outreach by month": {"3/2025": ["3", "59"]},
}


def _evaluation_tables(period, scope):
    keys = ("outreach_", "feedback_", "referrer_")
    return [t for t in reports.build(period, scope).tables if t.key.startswith(keys)]


def _as_dict(tables) -> dict:
    return {t.title: dict(t.rows) for t in tables}


def test_every_evaluation_figure_equals_the_hand_computed_value(month):
    pilots = tuple(Municipality.objects.filter(is_pilot=True).values_list("pk", flat=True))
    period = Period.month(2025, 3)
    assert _as_dict(_evaluation_tables(period, Scope(municipalities=pilots))) == PILOT_EXPECTED

    everywhere = _as_dict(_evaluation_tables(period, Scope()))
    assert everywhere["Families' feedback by area"] == {
        "Kemiönsaari": ["0", "–", "–", "–"],
        "Laitila": ["<5", "<5", "<5", "<5"],
        "Turku": ["6", "4,3", "4,0", "4,7"],
        "Uusikaupunki": ["5", "4,0", "2,0", "3,0"],
        "Other municipalities": ["<5", "<5", "<5", "<5"],
        "Total": ["15", "3,6", "2,6", "3,4"],
    }
    assert everywhere["Outreach by area"]["Naantali"] == ["1", "25", "0", "0", "25", "1"]
    assert everywhere["Outreach by area"]["Total"] == ["4", "65", "12", "7", "84", "3"]


def test_an_organization_filter_narrows_feedback_and_outreach(month):
    from directory.models import Organization

    alfa = Organization.objects.get(name="Alfa ry")
    tables = _as_dict(_evaluation_tables(Period.month(2025, 3), Scope(organization_id=alfa.pk)))
    assert tables["Families' feedback by organization"] == {
        "Alfa ry": ["6", "4,3", "4,0", "4,7"],
        "Total": ["6", "4,3", "4,0", "4,7"],
    }
    assert tables["Outreach by area"]["Total"] == ["2", "40", "12", "0", "52", "2"]


def test_the_dashboard_and_its_csv_show_the_same_suppressed_figures(client, month):
    login(client, month)
    body = client.get(reverse("insight:dashboard"), MARCH).content.decode()
    assert "Families&#x27; feedback by area" in body and "Outreach by area" in body
    assert '<th scope="row">Turku</th><td>6</td><td>4,3</td><td>4,0</td><td>4,7</td>' in body
    assert '<th scope="row">Laitila</th><td>&lt;5</td><td>&lt;5</td>' in body
    assert '<th scope="row">Total</th><td>3</td><td>40</td><td>12</td><td>7</td><td>59</td>' in body
    assert reverse("insight:comments") in body

    response = client.get(reverse("insight:dashboard"), {**MARCH, "format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    got = {}
    for line in lines[1:]:
        section, figure, value = line.split(";")
        got.setdefault(section, {})[figure] = value
    for title, rows in PILOT_EXPECTED.items():
        table = next(
            t for t in _evaluation_tables(Period.month(2025, 3), Scope()) if t.title == title
        )
        expected = {
            f"{label}: {column}": value
            for label, values in rows.items()
            for column, value in zip(table.columns, values, strict=True)
        }
        assert got[title] == expected, title


def _pdf_text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils: apt-get install poppler-utils")
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_report_has_the_evaluation_tables_with_small_cells_hidden(
    client, month, django_capture_on_commit_callbacks
):
    from insight.models import InsightReport

    login(client, month)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("insight:report_new"), MARCH, HTTP_ACCEPT_LANGUAGE="en")
    report = InsightReport.objects.get()
    assert report.status == "ready"
    text = _pdf_text(bytes(report.pdf))
    for title in PILOT_EXPECTED:
        assert title in text.replace("’", "'")
    assert "4,3" in text and "3,2" in text and "59" in text and "83,3 %" not in text
    # Laitila's and Uusikaupunki's averages (2,0 among them) and shares stay hidden.
    assert not re.search(r"(?<![\d,])2,0(?!\d)", text)
    assert "100,0 %" not in text
    assert "<5" in text


def test_only_coordinators_read_the_families_own_words(client, month):
    FeedbackAnswer.objects.filter(municipality__code="853").update(comment="Hyvä apu")
    url = reverse("insight:comments")
    for user in (ProfessionalFactory(), WorkerFactory()):
        login(client, user)
        assert client.get(url, MARCH).status_code == 404
    client.logout()
    assert client.get(url, MARCH).status_code == 302
    login(client, month)
    body = client.get(url, MARCH).content.decode()
    assert body.count("Hyvä apu") == 6  # March only: the February answer is outside


def test_the_comments_are_paginated_with_bounded_queries(
    client, month, django_assert_max_num_queries
):
    turku = Municipality.objects.get(code="853")
    organization = OrganizationFactory()
    for i in range(45):
        FeedbackAnswer.objects.create(
            municipality=turku,
            organization=organization,
            month=datetime.date(2025, 3, 1),
            useful=3,
            easy_to_reach=3,
            would_recommend=3,
            comment=f"Vastaus numero {i}",
        )
    login(client, month)
    url = reverse("insight:comments")
    # Twenty rows, yet fewer queries: session, user, second factor, permissions (2), the
    # form's areas and organizations, the pilot areas, count, page, session renewal.
    with django_assert_max_num_queries(14):
        first = client.get(url, MARCH).content.decode()
    assert first.count("Vastaus numero") == 20 and "Page 1 of 3" in first
    third = client.get(url, {**MARCH, "page": 3}, HTTP_HX_REQUEST="true").content.decode()
    assert third.count("Vastaus numero") == 5 and "<html" not in third
    assert "Previous page" in third and "Next page" not in third


def test_a_coordinator_removes_a_text_that_points_at_someone(client, month):
    answer = FeedbackAnswer.objects.filter(municipality__code="853").first()
    useful = answer.useful
    answer.comment = "Työntekijä Maija auttoi"
    answer.save()
    url = reverse("evaluation:comment_remove", args=[answer.pk])
    login(client, WorkerFactory())
    assert client.post(url).status_code == 404
    login(client, month)
    back = reverse("insight:comments") + "?period=custom&start=2025-03-01&end=2025-03-31"
    response = client.post(url, {"next": back})
    assert response.url == back
    answer.refresh_from_db()
    assert answer.comment == "" and answer.useful == useful
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.url == reverse("insight:comments")
