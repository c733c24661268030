import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments.services import appointment_book
from insight import report as reports
from insight.models import InsightSnapshot
from insight.period import Period, Scope
from referrals import services as referral_services
from referrals.models import Referral, State
from referrals.tasks import sweep_timeliness
from tests.appointments.helpers import accepted_with_shift
from tests.factories import Cast, ProfessionalFactory, WorkerFactory, referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def test_only_coordinators_see_the_dashboard(client):
    for user in (ProfessionalFactory(), WorkerFactory()):
        login(client, user)
        assert client.get(reverse("insight:dashboard")).status_code == 404


def _cells(body: str) -> list[str]:
    return re.findall(r"<td>([^<]*)</td>", body)


def test_small_counts_are_suppressed_on_screen_and_in_csv(client):
    cast = Cast()
    for _ in range(3):
        referral_in_state(State.ACCEPTED, cast)
    for _ in range(6):
        referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    body = client.get(reverse("insight:dashboard"), {"area": "all"}).content.decode()
    cells = _cells(body)
    assert "9" in cells and "6" in cells  # referrals in, submitted
    assert "3" not in cells and "&lt;5" in cells  # accepted 3 is hidden
    assert "<svg" in body and 'role="img"' in body
    response = client.get(reverse("insight:dashboard"), {"area": "all", "format": "csv"})
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    values = [line.split(";")[-1] for line in text.splitlines()[1:]]
    assert "9" in values and "<5" in values
    assert "3" not in values and "1" not in values and "2" not in values
    assert ";" in text.splitlines()[0]


def test_screen_and_csv_agree(client):
    cast = Cast()
    for _ in range(7):
        referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    body = client.get(reverse("insight:dashboard"), {"area": "all"}).content.decode()
    text = client.get(
        reverse("insight:dashboard"), {"area": "all", "format": "csv"}
    ).content.decode("utf-8-sig")
    screen = sorted(v.replace("&lt;", "<") for v in _cells(body))
    csv_values = sorted(line.split(";")[-1] for line in text.splitlines()[1:])
    for value in set(screen):
        assert value in csv_values


def test_a_custom_period_needs_both_ends(client):
    cast = Cast()
    login(client, cast.coordinator)
    body = client.get(reverse("insight:dashboard"), {"period": "custom"}).content.decode()
    assert "Give both dates of a custom period." in body


def _pdf_text(pdf: bytes) -> str:
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils: apt-get install poppler-utils")
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.parametrize(("language", "heading"), [("fi", "Perhelinja"), ("sv", "Perhelinja")])
def test_the_pdf_report_is_made_in_a_task_and_keeps_small_cells_hidden(
    client, django_capture_on_commit_callbacks, language, heading
):
    from django.utils import translation

    from insight.models import InsightReport

    cast = Cast()
    for _ in range(3):
        referral_in_state(State.ACCEPTED, cast)
    for _ in range(6):
        referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:report_new"),
            {"area": "all"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    report = InsightReport.objects.get()
    assert response.url == reverse("insight:report", args=[report.pk])
    assert (report.status, report.progress, report.language) == ("ready", 100, language)
    page = client.get(response.url).content.decode()
    assert reverse("insight:report_pdf", args=[report.pk]) in page
    pdf = client.get(reverse("insight:report_pdf", args=[report.pk]))
    text = _pdf_text(pdf.content)
    assert heading in text and "<5" in text
    with translation.override(language):
        assert str(State.SUBMITTED.label) in text
    lines = [line.strip() for line in text.splitlines()]
    assert "6" in lines and "9" in lines  # numbers do stand on lines of their own
    assert "3" not in lines  # the three accepted referrals stay hidden
    other = WorkerFactory()
    client.force_login(other)
    assert client.get(reverse("insight:report", args=[report.pk])).status_code == 404


def _rows(period, scope, key) -> dict:
    return dict(reports.build(period, scope).table(key).rows)


def test_timeliness_breaches_and_capacity_use_are_counted(settings):
    settings.INSIGHT_SNAPSHOT_SECONDS = 0  # live figures after each change
    cast = Cast()
    late = [referral_in_state(State.ASSIGNED, cast)[0] for _ in range(5)]
    Referral.objects.filter(pk__in=[r.pk for r in late]).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=30)
    )
    sweep_timeliness()
    today = Period(timezone.localdate(), timezone.localdate())
    rows = _rows(today, Scope(), "timeliness")
    assert [v[0] for k, v in rows.items() if k.startswith("Not accepted")] == ["5", "5"]
    # Accepting one ends its breach.
    referral_services.referral_accept(referral=late[0], actor=cast.handler)
    rows = _rows(today, Scope(), "timeliness")
    assert rows["Not accepted: reminder to the organization"] == ["<5"]

    referral, cast2, shift = accepted_with_shift()
    appointment_book(referral=referral, slot=shift.slots.first(), actor=cast2.handler)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    capacity = _rows(Period(tomorrow, tomorrow), Scope(), "capacity")
    # three slots, one booked: every count is small, so all are hidden
    assert capacity["Booked times"] == ["<5"] and capacity["All times"] == ["<5"]
    assert capacity["Capacity use"] == ["<5"]


def _evaluation_reads(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url, {"area": "all"}).content.decode()
    return body, len([q for q in queries.captured_queries if "evaluation_" in q["sql"]])


def test_the_report_is_built_once_per_snapshot_and_language(client, settings):
    """Its feedback and outreach figures, protection and charts were most of a dashboard view
    (issue 20): the report is kept while its snapshot is fresh, so it shows one moment."""
    settings.INSIGHT_SNAPSHOT_SECONDS = 600
    cast = Cast()
    for _ in range(6):
        referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    url = reverse("insight:dashboard")
    first, built = _evaluation_reads(client, url)
    again, rebuilt = _evaluation_reads(client, url)
    assert built > 0 and rebuilt == 0
    assert _cells(again) == _cells(first) and "6" in _cells(again)
    # Another language is another report.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    _swedish, built_in_swedish = _evaluation_reads(client, url)
    assert built_in_swedish > 0
    # A new snapshot (after the statistics job, or when the old one is too old) builds anew.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    referral_in_state(State.SUBMITTED, cast)
    assert "<td>7</td>" not in _evaluation_reads(client, url)[0]
    InsightSnapshot.objects.all().delete()
    body, built_again = _evaluation_reads(client, url)
    assert built_again > 0 and "<td>7</td>" in body
