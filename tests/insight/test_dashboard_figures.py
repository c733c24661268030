"""Every figure of the dashboard's CSV for a hand-built month large enough that nothing is
suppressed except where a count is really 1-4, against values worked out by hand.

March 2025. One organization. Turku: ten referrals submitted on 1-10 March at 09:00, accepted
after 1, 2, ..., 10 days; the first five completed. Laitila: five referrals submitted on
3-7 March, accepted after 2, 2, 4, 4, 6 days. All waits, sorted:
1 2 2 2 3 4 4 4 5 6 6 7 8 9 10 -> median (8th of 15) 4, nearest-rank p90 (14th) 9.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from directory.models import Municipality
from referrals import services
from referrals.models import Referral
from tests.factories import Cast, ProfessionalFactory, draft_referral
from tests.two_factor import login

pytestmark = pytest.mark.django_db
HKI = ZoneInfo("Europe/Helsinki")


def _referral(cast, pro, day, wait, complete=False):
    referral = draft_referral(
        referrer=pro,
        target_group=cast.target_group,
        challenges=[cast.challenge],
        municipality=pro.municipality,
    )
    referral = services.referral_submit(referral=referral, actor=pro)
    referral = cast.run(referral, "assign")
    referral = services.referral_accept(referral=referral, actor=cast.handler)
    if complete:
        referral = services.referral_complete(referral=referral, actor=cast.handler)
    submitted = datetime.datetime(2025, 3, day, 9, tzinfo=HKI)
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=submitted, accepted_at=submitted + datetime.timedelta(days=wait)
    )


def test_every_dashboard_figure_equals_the_hand_computed_value(client):
    cast = Cast()
    turku = ProfessionalFactory(municipality=Municipality.objects.get(code="853"))
    laitila = ProfessionalFactory(municipality=Municipality.objects.get(code="400"))
    for i in range(10):
        _referral(cast, turku, day=i + 1, wait=i + 1, complete=i < 5)
    for day, wait in zip((3, 4, 5, 6, 7), (2, 2, 4, 4, 6), strict=True):
        _referral(cast, laitila, day=day, wait=wait)

    login(client, cast.coordinator)
    response = client.get(
        reverse("insight:dashboard"),
        {"period": "custom", "start": "2025-03-01", "end": "2025-03-31", "format": "csv"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Section;Figure;Value"
    got = {f"{s}|{f}": v for s, f, v in (line.split(";") for line in lines[1:])}

    expected = {
        # 15 in: 5 completed (Turku) and 10 accepted (5 Turku, 5 Laitila).
        "Referrals in, by state now|Completed": "5",
        "Referrals in, by state now|Accepted": "10",
        "Referrals in, by state now|Total": "15",
        "Acceptance and decline|Assigned to an organization": "15",
        "Acceptance and decline|Acceptance rate": "100,0 %",
        "Acceptance and decline|Decline rate": "0,0 %",
        "Waiting times (days)|Submitted → accepted: median": "4,0",
        "Waiting times (days)|Submitted → accepted: 90th percentile": "9,0",
        "Waiting times (days)|Submitted → first appointment: median": "–",
        "Sessions|Sessions held": "0",
        "Sessions|No-show rate": "–",
        "Language mix|Finnish": "15",
        "Language mix|Total": "15",
        "By area|Turku: Referrals in": "10",
        "By area|Turku: Accepted": "10",
        "By area|Turku: Declined": "0",
        "By area|Turku: Completed": "5",
        "By area|Laitila: Referrals in": "5",
        "By area|Laitila: Accepted": "5",
        "By area|Laitila: Completed": "0",
        "By area|Kemiönsaari: Referrals in": "0",
        "By area|Uusikaupunki: Referrals in": "0",
        "By area|Total: Referrals in": "15",
        "By area|Total: Accepted": "15",
        "By area|Total: Completed": "5",
        "Referrals by month|Total: Referrals in": "15",
        "Referrals by month|Total: Completed": "5",
        "From submitted to completed|Submitted": "15",
        "From submitted to completed|Assigned": "15",
        "From submitted to completed|Accepted": "15",
        "From submitted to completed|Completed": "5",
        "Referrals by month|3/2025: Referrals in": "15",
        "Referrals by month|3/2025: Completed": "5",
        "Backlog now|Total": "0",
        "Decline reasons|Total": "0",
        "Outcomes|Total": "0",
    }
    for key, value in expected.items():
        assert got.get(key) == value, (key, got.get(key), value)
    # and nothing else on the page is non-zero: the remaining figures are all zero or a dash
    rest = {k: v for k, v in got.items() if k not in expected}
    assert set(rest.values()) <= {"0", "–"}, {k: v for k, v in rest.items() if v not in "0–"}

    # The screen shows the same numbers.
    html = client.get(
        reverse("insight:dashboard"),
        {"period": "custom", "start": "2025-03-01", "end": "2025-03-31"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    for key, value in expected.items():
        section, label = key.split("|")
        if section in ("By area", "Referrals by month", "From submitted to completed"):
            continue
        label = label.replace("→", "&rarr;") if "&rarr;" in html else label
        assert f'<th scope="row">{label}</th><td>{value}</td>' in html, key
    assert '<th scope="row">Turku</th><td>10</td><td>10</td><td>0</td><td>5</td>' in html
    assert '<th scope="row">Laitila</th><td>5</td><td>5</td><td>0</td><td>0</td>' in html
    assert '<th scope="row">Total</th><td>15</td><td>15</td><td>0</td><td>5</td>' in html
    assert '<th scope="row">3/2025</th><td>15</td><td>5</td>' in html
