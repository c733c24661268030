"""A running package with attributed referrals and outreach closes with a report whose figures
are the ones computed here by hand; small counts stay hidden in it, on the page and in the PDF."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import (
    Audience,
    FeedbackAnswer,
    OutreachActivity,
    OutreachKind,
    Reached,
    ReferrerFeedback,
)
from insight.packages import build
from insight.suppression import SMALL
from packages import services
from packages.models import State
from referrals.models import State as ReferralState
from tests.factories import Cast, MunicipalityFactory, api_client_for, referral_in_state
from tests.two_factor import login

from .helpers import START, PackageCast, package_in_state

APRIL = datetime.date(2026, 4, 1)


def _rows(table) -> dict[str, list[str]]:
    return {label: values for label, values in table.rows}


def _referrals(package, cast: PackageCast, states: dict) -> None:
    people = Cast()
    for state, count in states.items():
        for _n in range(count):
            referral, _cast = referral_in_state(state, people)
            services.package_attribute(
                package=package, actor=cast.coordinator, referral=referral.pk
            )


def _activity(cast: PackageCast, head_count: int, **data) -> OutreachActivity:
    data.setdefault("date", START + datetime.timedelta(days=10))
    data.setdefault("municipality", cast.municipality)
    activity = OutreachActivity.objects.create(
        kind=OutreachKind.LECTURE, audience=Audience.FAMILIES, head_count=head_count, **data
    )
    activity.organizations.add(cast.organization_a)
    return activity


def _feedback(cast: PackageCast, useful: list[int], **data) -> None:
    data.setdefault("municipality", cast.municipality)
    data.setdefault("organization", cast.organization_a)
    data.setdefault("month", APRIL)
    for value in useful:
        FeedbackAnswer.objects.create(useful=value, easy_to_reach=4, would_recommend=5, **data)


def _views(cast: PackageCast, reached: list[str], **data) -> None:
    data.setdefault("municipality", cast.municipality)
    data.setdefault("organization", cast.organization_a)
    data.setdefault("month", APRIL)
    for value in reached:
        ReferrerFeedback.objects.create(reached=value, speed=4, **data)


@pytest.mark.django_db
def test_a_closed_package_reports_the_figures_computed_by_hand():
    package, cast = package_in_state(State.RUNNING)
    _referrals(package, cast, {ReferralState.COMPLETED: 5, ReferralState.ASSIGNED: 6})
    for head_count in (12, 30):
        activity = _activity(cast, head_count)
        services.package_attribute(package=package, actor=cast.worker_a, activity=activity.pk)
    _activity(cast, 99)  # not the package's
    _feedback(cast, [5, 4, 4, 3, 5])
    _feedback(cast, [1], organization=cast.organization_b)  # B does not contribute
    _feedback(cast, [1], municipality=MunicipalityFactory(code="202", name_fi="Kaarina"))
    _feedback(cast, [1], month=datetime.date(2026, 7, 1))  # after the period
    _views(cast, [Reached.YES] * 5 + [Reached.PARTLY] * 3 + [Reached.NO] * 2)
    package = cast.run(package, "report_hours")  # 36 of the 40 planned
    package = cast.run(package, "close")

    report = build(package)

    assert report.final
    states = _rows(report.table("referral_states"))
    assert states[str(ReferralState.COMPLETED.label)] == ["5"]
    assert states[str(ReferralState.ASSIGNED.label)] == ["6"]
    assert states["Total"] == ["11"]
    assert {v[0] for k, v in states.items() if k not in ("Total",)} == {"5", "6", "0"}
    reach = _rows(report.table("reach"))
    assert reach == {
        "Families referred": ["11"],
        "Outreach activities": ["2"],
        "People reached by outreach": ["42"],
    }
    feedback = _rows(report.table("feedback"))
    # (5 + 4 + 4 + 3 + 5) / 5 = 4.2; every answer said 4 and 5 for the other two.
    assert feedback["Aaltoperhe ry"] == ["5", "4,2", "4,0", "5,0"]
    assert feedback["Total"] == ["5", "4,2", "4,0", "5,0"]
    views = _rows(report.table("referrer_feedback"))
    assert views["Total"] == ["10", "50,0 %", "4,0"]  # 5 of 10 went where they should
    hours = _rows(report.table("hours"))
    assert hours["Aaltoperhe ry"] == ["40.0", "36.0", "-4.0"]
    assert hours["Total"] == ["40.0", "36.0", "-4.0"]
    assert [f.value for f in report.key_figures] == ["11", "42", "36.0"]


@pytest.mark.django_db
def test_small_counts_are_hidden_in_the_package_report():
    package, cast = package_in_state(State.RUNNING)
    _referrals(package, cast, {ReferralState.COMPLETED: 1, ReferralState.ASSIGNED: 2})
    _feedback(cast, [5, 5, 1])
    _views(cast, [Reached.YES] * 4 + [Reached.NO] * 2)

    report = build(package)

    states = _rows(report.table("referral_states"))
    assert states[str(ReferralState.COMPLETED.label)] == [SMALL]
    assert states[str(ReferralState.ASSIGNED.label)] == [SMALL]
    assert states["Total"] == [SMALL]
    assert _rows(report.table("reach"))["Families referred"] == [SMALL]
    assert report.key_figures[0].value == SMALL
    # Three answers: neither their count nor their scores are shown.
    assert _rows(report.table("feedback"))["Total"] == [SMALL] * 4
    # Four said yes and two no: the share would give them away.
    views = _rows(report.table("referrer_feedback"))["Total"]
    assert views[1] == SMALL
    assert "66,7 %" not in views


@pytest.mark.django_db
def test_the_report_page_and_the_pdfs_keep_small_counts_hidden(client):
    package, cast = package_in_state(State.RUNNING)
    _referrals(package, cast, {ReferralState.COMPLETED: 2})
    login(client, cast.contact)
    page = client.get(reverse("package_reports:report", args=[package.pk]))
    assert page.status_code == 200
    assert "<td>" + SMALL.replace("<", "&lt;") + "</td>" in page.content.decode()
    for language in ("fi", "sv"):
        pdf = client.get(reverse("package_reports:pdf", args=[package.pk]), {"lang": language})
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_there_is_no_report_before_the_package_runs(client):
    package, cast = package_in_state(State.APPROVED)
    login(client, cast.coordinator)
    assert client.get(reverse("package_reports:report", args=[package.pk])).status_code == 404


@pytest.mark.django_db
def test_a_referral_counts_in_one_package_and_only_in_its_own_municipality():
    package, cast = package_in_state(State.RUNNING)
    referral, _people = referral_in_state(ReferralState.SUBMITTED)
    services.package_attribute(package=package, actor=cast.coordinator, referral=referral.pk)
    with pytest.raises(ValidationError):
        services.package_attribute(package=package, actor=cast.coordinator, referral=referral.pk)
    elsewhere, _people = referral_in_state(ReferralState.SUBMITTED)
    elsewhere.municipality = MunicipalityFactory(code="202", name_fi="Kaarina")
    elsewhere.save()
    with pytest.raises(ValidationError):
        services.package_attribute(package=package, actor=cast.coordinator, referral=elsewhere.pk)


@pytest.mark.django_db
def test_a_worker_attributes_only_referrals_their_organization_holds():
    package, cast = package_in_state(State.RUNNING)
    held_elsewhere, _people = referral_in_state(ReferralState.ASSIGNED)
    with pytest.raises(ValidationError):
        services.package_attribute(package=package, actor=cast.worker_a, referral=held_elsewhere.pk)
    ours, _people = referral_in_state(ReferralState.ASSIGNED, Cast(cast.organization_a))
    services.package_attribute(package=package, actor=cast.worker_a, referral=ours.pk)
    assert package.package_referrals.get().referral == ours


@pytest.mark.django_db
def test_the_report_api_answers_as_the_page_shows_it():
    package, cast = package_in_state(State.RUNNING)
    _referrals(package, cast, {ReferralState.COMPLETED: 2})
    url = f"/api/v1/packages/{package.pk}/report/"
    answer = api_client_for(cast.contact).get(url)
    assert answer.status_code == 200
    assert (answer.data["package"], answer.data["final"]) == (package.pk, False)
    tables = {t["key"]: t for t in answer.data["tables"]}
    assert [SMALL] in [row[1:] for row in tables["referral_states"]["rows"]]
    assert answer.data["key_figures"][0]["value"] == SMALL
    assert api_client_for(cast.outsider).get(url).status_code == 404
    approved, approved_cast = package_in_state(State.APPROVED)
    report = f"/api/v1/packages/{approved.pk}/report/"
    assert api_client_for(approved_cast.coordinator).get(report).status_code == 404
