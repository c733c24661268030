"""The coordinators' throughput figures against a hand-built month with known answers.

March 2025, Europe/Helsinki (no daylight-saving change before the 30th, so days are 24 h).
Four pilot areas come with the reference data (Turku, Laitila, Uusikaupunki, Kemiönsaari):

ref | area    | org  | submitted   | accepted   | appointments (start, state)          | now
----|---------|------|-------------|------------|--------------------------------------|------------
A   | Turku   | org1 | 03-03 09:00 | 03-04 (1)  | 03-06 attended                       | completed
B   | Turku   | org1 | 03-10 09:00 | 03-12 (2)  | 03-15 no show, 03-20 attended        | completed
C   | Laitila | org1 | 03-05 09:00 | 03-08 (3)  | 03-09 cancelled by org, 03-19 booked | scheduled
D   | Laitila | org2 | 03-14 09:00 | 03-24 (10) | -                                    | accepted
E   | Turku   | org1 | 03-11 09:00 | -          | declined twice (no_capacity, lang.)  | declined
F   | Laitila | org1 | 03-12 09:00 | -          | -                                    | pooled
G   | Turku   | -    | 03-25 09:00 | -          | -                                    | submitted
H   | Oripää  | -    | 03-26 09:00 | -          | - (not a pilot area)                 | submitted
L   | Turku   | -    | 03-01 00:30 | -          | - (28 Feb 22:30 UTC: March locally)  | submitted
I   | Turku   | org1 | 02-20 09:00 | 02-21 (1)  | 03-05 attended (a March session)     | in_service
K   | Turku   | -    | 04-01 00:30 | -          | - (31 Mar 21:30 UTC: April locally)  | submitted
J   | Turku   | -    | draft       | -          | -                                    | draft
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments import services as appointment_services
from appointments.models import Appointment, Slot
from appointments.services import appointment_book, outcome_report, shift_create
from directory.models import Service
from insight.figures import AreaFigures, Wait, median, p90, throughput
from insight.period import HELSINKI, Period, Scope
from insight.report import to_csv
from referrals import services
from referrals.models import Referral, State
from referrals.retention import erase_referral
from tests.appointments.helpers import accepted_with_shift, tomorrow
from tests.factories import (
    Cast,
    ChallengeFactory,
    MunicipalityFactory,
    ServiceFactory,
    draft_referral,
    referral_in_state,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db

MARCH = Period.month(2025, 3)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=HELSINKI)


def stamp(referral, submitted, accepted=None, **fields) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=submitted, accepted_at=accepted, **fields
    )


class Month:
    """Builds the month of the module docstring through the real services."""

    def __init__(self):
        self.days = 0
        self.turku = MunicipalityFactory()  # 853 Turku, the casts' referrers' municipality
        self.laitila = MunicipalityFactory(
            code="400", name_fi="Laitila", name_sv="Letala", language="fi", is_pilot=True
        )
        self.kemionsaari = MunicipalityFactory(
            code="322", name_fi="Kemiönsaari", name_sv="Kimitoön", is_pilot=True
        )
        self.oripaa = MunicipalityFactory(
            code="561", name_fi="Oripää", name_sv="Oripää", language="fi", is_pilot=False
        )
        self.cast = Cast()
        self.cast2 = Cast()
        self.org1 = self.cast.organization
        self.org2 = self.cast2.organization
        h = self.cast.handler

        self.a = self.accepted(self.cast)
        self.book(self.a, at(3, 6), appointment_services.appointment_attend)
        outcome_report(
            referral=self.fresh(self.a),
            actor=h,
            service_given="counselling",
            sessions=1,
            next_step="no_further_need",
        )
        stamp(self.a, at(3, 3), at(3, 4))
        self.a.preferred_modes.set(["phone"])

        self.b = self.accepted(self.cast)
        self.book(self.b, at(3, 15), appointment_services.appointment_no_show)
        self.book(self.b, at(3, 20), appointment_services.appointment_attend)
        outcome_report(
            referral=self.fresh(self.b),
            actor=h,
            service_given="guidance",
            sessions=1,
            next_step="municipal_services",  # completes (more sessions would not)
        )
        stamp(self.b, at(3, 10), at(3, 12))
        self.b.preferred_modes.set(["phone", "video"])

        self.c = self.accepted(self.cast)
        cancel = lambda appointment, actor: appointment_services.appointment_cancel_by_organization(  # noqa: E731
            appointment=appointment, actor=actor, reason="Sairastuminen"
        )
        self.book(self.c, at(3, 9), cancel)
        self.book(self.c, at(3, 19))
        stamp(self.c, at(3, 5), at(3, 8), municipality=self.laitila, language="sv")
        self.c.preferred_modes.set(["reception"])

        self.d = self.accepted(self.cast2)
        stamp(self.d, at(3, 14), at(3, 24), municipality=self.laitila)

        self.e, _ = referral_in_state(State.DECLINED, self.cast)
        self.e = self.cast.run(self.fresh(self.e), "assign")
        services.referral_decline(referral=self.e, actor=h, reason_code="language")
        stamp(self.e, at(3, 11))

        self.f, _ = referral_in_state(State.POOLED, self.cast)
        stamp(self.f, at(3, 12), municipality=self.laitila)

        self.g, _ = referral_in_state(State.SUBMITTED, self.cast)
        stamp(self.g, at(3, 25))
        self.h, _ = referral_in_state(State.SUBMITTED, self.cast)
        stamp(self.h, at(3, 26), municipality=self.oripaa, language="en")
        self.l, _ = referral_in_state(State.SUBMITTED, self.cast)
        stamp(self.l, at(3, 1, 0, 30))

        self.i = self.accepted(self.cast)
        self.book(self.i, at(3, 5), appointment_services.appointment_attend)
        stamp(self.i, at(2, 20), at(2, 21))

        self.k, _ = referral_in_state(State.SUBMITTED, self.cast)
        stamp(self.k, at(4, 1, 0, 30))
        self.j = draft_referral(
            referrer=self.cast.referrer,
            target_group=self.cast.target_group,
            challenges=[self.cast.challenge],
        )

    @staticmethod
    def fresh(referral):
        return Referral.objects.get(pk=referral.pk)

    def accepted(self, cast):
        self.days += 1
        referral, _cast, self._shift = accepted_with_shift(
            cast=cast, day=tomorrow() + datetime.timedelta(days=self.days)
        )
        return referral

    def book(self, referral, starts_at, then=None):
        """Book a future slot through the service, move it to `starts_at`, then act on it
        (attendance is recorded only from the start)."""
        self.days += 1
        handler = self.cast.handler
        shift = shift_create(
            actor=handler,
            worker=handler,
            mode="phone",
            first_day=tomorrow() + datetime.timedelta(days=self.days),
            start_time=datetime.time(9),
            end_time=datetime.time(10),
        )
        slot = shift.slots.get()
        appointment = appointment_book(referral=self.fresh(referral), slot=slot, actor=handler)
        moved = {"starts_at": starts_at, "ends_at": starts_at + datetime.timedelta(minutes=45)}
        Slot.objects.filter(pk=slot.pk).update(**moved)
        Appointment.objects.filter(pk=appointment.pk).update(**moved)
        if then is not None:
            then(appointment=Appointment.objects.get(pk=appointment.pk), actor=handler)


@pytest.fixture
def month():
    return Month()


# --- the figures -----------------------------------------------------------------------------


def test_march_figures_equal_the_hand_computed_ones(month):
    t = throughput(MARCH, Scope())

    assert t.referrals_in == 9
    assert t.by_state == {
        "completed": 2,
        "scheduled": 1,
        "accepted": 1,
        "declined": 1,
        "pooled": 1,
        "submitted": 3,
    }
    # Assigned: A, B, C, D, E; accepted A to D; declined E (twice).
    assert (t.assigned, t.accepted, t.declined) == (5, 4, 1)
    assert t.acceptance_rate == Decimal("0.8")
    assert t.decline_rate == Decimal("0.2")
    assert t.decline_reasons == {"no_capacity": 1, "language": 1}
    # Waits to acceptance 1, 2, 3, 10 days.
    assert t.wait_to_accept == Wait(4, 2.5, 10.0)
    # To the first appointment: A 3, B 5, C 14 (its earlier one was cancelled by the org).
    assert t.wait_to_first_appointment == Wait(3, 5.0, 14.0)
    # March sessions: A, B, I attended, B no show (I was submitted in February).
    assert (t.sessions_held, t.no_shows) == (3, 1)
    assert t.no_show_rate == Decimal("0.25")
    assert t.outcomes == {"no_further_need": 1, "municipal_services": 1}
    assert t.services_given == {"counselling": 1, "guidance": 1}
    assert t.language_mix == {"fi": 7, "sv": 1, "en": 1}
    assert t.mode_mix == {"phone": 2, "video": 1, "reception": 1}
    # Now: G, H, L, K submitted; F pooled; E declined.
    assert t.backlog_now == {"submitted": 4, "pooled": 1, "declined": 1, "assigned": 0}
    assert t.monthly == [(2025, 3, 9, 2)]


def test_march_per_area_and_total(month):
    t = throughput(MARCH, Scope())

    assert t.by_area == {
        "Kemiönsaari": AreaFigures(0, 0, 0, 0),
        "Laitila": AreaFigures(referrals_in=3, accepted=2, declined=0, completed=0),
        "Turku": AreaFigures(referrals_in=5, accepted=2, declined=1, completed=2),
        "Uusikaupunki": AreaFigures(0, 0, 0, 0),
    }
    # The total includes H of Oripää, which is outside the pilot.
    assert t.area_total == AreaFigures(referrals_in=9, accepted=4, declined=1, completed=2)


def test_local_days_bound_the_period(month):
    april = throughput(Period.month(2025, 4), Scope())
    assert april.referrals_in == 1  # K, submitted 31 March 21:30 UTC
    assert april.sessions_held == 0
    february = throughput(Period.month(2025, 2), Scope())
    assert february.referrals_in == 1  # I; not L, submitted 28 February 22:30 UTC
    assert february.wait_to_accept == Wait(1, 1.0, 1.0)


def test_quarter_counts_month_by_month(month):
    t = throughput(Period.quarter(2025, 1), Scope())
    assert t.referrals_in == 10
    assert t.monthly == [(2025, 1, 0, 0), (2025, 2, 1, 0), (2025, 3, 9, 2)]
    assert t.wait_to_accept == Wait(5, 2.0, 10.0)  # 1, 1, 2, 3, 10


def test_empty_period_has_no_waits_or_rates(month):
    t = throughput(Period.year(2020), Scope())
    assert t.referrals_in == 0
    assert t.wait_to_accept == Wait(0, None, None)
    assert t.acceptance_rate is None and t.no_show_rate is None
    assert len(t.monthly) == 12 and all(row[2:] == (0, 0) for row in t.monthly)


def test_scope_by_municipality(month):
    t = throughput(MARCH, Scope(municipalities=(month.laitila.pk,)))
    assert t.referrals_in == 3
    assert t.by_state == {"scheduled": 1, "accepted": 1, "pooled": 1}
    assert t.wait_to_accept == Wait(2, 6.5, 10.0)  # 3 and 10
    assert t.by_area == {"Laitila": AreaFigures(3, 2, 0, 0)}
    assert t.backlog_now == {"submitted": 0, "pooled": 1, "declined": 0, "assigned": 0}
    assert t.sessions_held == 0


def test_scope_by_organization_keeps_what_it_declined(month):
    t = throughput(MARCH, Scope(organization_id=month.org1.pk))
    # A, B, C hold org1 now; E was declined by it.
    assert (t.referrals_in, t.assigned, t.accepted, t.declined) == (4, 4, 3, 1)
    assert t.acceptance_rate == Decimal("0.75")
    assert t.decline_rate == Decimal("0.25")
    assert (t.sessions_held, t.no_shows) == (3, 1)

    other = throughput(MARCH, Scope(organization_id=month.org2.pk))
    assert (other.referrals_in, other.accepted) == (1, 1)
    assert other.wait_to_accept == Wait(1, 10.0, 10.0)


def test_scope_by_service_needs_a_covered_challenge(month):
    covering = Service.objects.get(organization=month.org1)
    assert throughput(MARCH, Scope(service_id=covering.pk)).referrals_in == 4
    other = ServiceFactory(organization=month.org1)
    other.challenges.add(ChallengeFactory())
    assert throughput(MARCH, Scope(service_id=other.pk)).referrals_in == 0
    assert throughput(MARCH, Scope(service_id=999_999)).referrals_in == 0


def test_scope_by_mode(month):
    t = throughput(MARCH, Scope(mode="video"))
    assert t.referrals_in == 1
    assert t.mode_mix == {"phone": 1, "video": 1}
    assert t.wait_to_accept == Wait(1, 2.0, 2.0)


def test_figures_survive_erasure(month):
    before = throughput(MARCH, Scope())
    assert erase_referral(month.a.pk)
    assert Referral.objects.get(pk=month.a.pk).contact_name == ""
    assert throughput(MARCH, Scope()) == before


# --- a bounded number of queries -------------------------------------------------------------


def _referrals(cast: Cast, n: int) -> None:
    for index in range(n):
        state = State.ACCEPTED if index % 2 else State.DECLINED
        referral, _ = referral_in_state(state, cast)
        stamp(referral, at(3, 1 + index), at(3, 2 + index) if index % 2 else None)


def _queries(scope: Scope) -> int:
    with CaptureQueriesContext(connection) as queries:
        throughput(MARCH, scope)
    return len(queries)


def test_queries_do_not_grow_with_the_referrals(django_assert_max_num_queries):
    cast = Cast()
    scope = Scope(organization_id=cast.organization.pk, mode="phone")
    _referrals(cast, 3)
    few = _queries(scope)
    _referrals(cast, 12)
    assert Referral.objects.count() == 15
    with django_assert_max_num_queries(few):
        t = throughput(MARCH, Scope(organization_id=cast.organization.pk))
    assert t.referrals_in == 15
    assert _queries(scope) == few <= 15


# --- period ----------------------------------------------------------------------------------


def test_period_constructors():
    assert Period.month(2024, 2) == Period(datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert Period.month(2025, 2).end == datetime.date(2025, 2, 28)
    assert Period.month(2100, 2).end == datetime.date(2100, 2, 28)
    assert Period.month(2000, 2).end == datetime.date(2000, 2, 29)
    assert Period.month(2025, 12) == Period(datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))
    assert Period.quarter(2024, 1) == Period(datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert Period.quarter(2025, 4) == Period(
        datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)
    )
    assert Period.year(2024) == Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert Period.quarter(2025, 2).months() == [(2025, 4), (2025, 5), (2025, 6)]
    assert Period(datetime.date(2024, 12, 5), datetime.date(2025, 1, 3)).months() == [
        (2024, 12),
        (2025, 1),
    ]
    for bad in (lambda: Period.month(2025, 13), lambda: Period.quarter(2025, 5)):
        with pytest.raises(ValueError):
            bad()
    with pytest.raises(ValueError):
        Period(datetime.date(2025, 2, 1), datetime.date(2025, 1, 31))


def test_period_bounds_are_helsinki_midnights():
    march = Period.month(2025, 3)
    assert march.start_at.astimezone(datetime.UTC) == datetime.datetime(
        2025, 2, 28, 22, tzinfo=datetime.UTC
    )
    # The month ends after the switch to summer time: UTC+3.
    assert march.end_before.astimezone(datetime.UTC) == datetime.datetime(
        2025, 3, 31, 21, tzinfo=datetime.UTC
    )


# --- statistics ------------------------------------------------------------------------------


def test_median_and_nearest_rank_p90():
    assert (median([1, 2, 3, 10]), p90([1, 2, 3, 10])) == (2.5, 10.0)
    assert (median([3, 1, 2]), p90([3, 1, 2])) == (2.0, 3.0)
    assert p90(list(range(1, 11))) == 9.0  # ceil(9.0) - 1 = index 8, not 9
    assert p90(list(range(1, 21))) == 18.0
    assert p90([7]) == median([7]) == 7.0
    assert median([]) is None and p90([]) is None


# --- CSV -------------------------------------------------------------------------------------


def test_csv_for_finnish_excel():
    data = to_csv(
        [["Turku", 5, Decimal("0.25"), 0.5], ["=HYPERLINK()", None, "<5", "x"]],
        header=["alue", "lähetteet", "osuus", "liukuluku"],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text == ("alue;lähetteet;osuus;liukuluku\r\nTurku;5;0,25;0,5\r\n'=HYPERLINK();;<5;x\r\n")


def test_the_dashboard_csv_equals_the_hand_computed_figures_after_suppression(month, client):
    """The same March through the coordinator's CSV: small counts hidden, the rest exact."""
    from django.urls import reverse

    from tests.factories import CoordinatorFactory

    login(client, CoordinatorFactory())
    response = client.get(
        reverse("insight:dashboard"),
        {
            "period": "custom",
            "start": "2025-03-01",
            "end": "2025-03-31",
            "area": "all",
            "format": "csv",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()[1:]]
    value = {f"{section}|{label}": shown for section, label, shown in rows}
    assert value["Referrals in, by state now|Total"] == "9"
    assert value["Referrals in, by state now|Submitted"] == "<5"  # 3
    assert value["Referrals in, by state now|Draft"] == "0"
    assert value["Acceptance and decline|Assigned to an organization"] == "5"
    assert value["Acceptance and decline|Acceptance rate"] == "<5"  # 4 of 5
    assert value["Waiting times (days)|Submitted → accepted: median"] == "<5"  # 4 waits
    assert value["By area|Laitila: Referrals in"] == "<5"  # 3
    assert value["By area|Kemiönsaari: Referrals in"] == "0"
    assert value["By area|Total: Referrals in"] == "9"
    # Laitila's 3 and the one referral of a municipality outside the pilot are both "<5":
    # the total 9 minus Turku's 5 leaves 4 for the two, which pins neither (1+3, 2+2, 3+1).
    assert value["By area|Other municipalities: Referrals in"] == "<5"
    assert value["By area|Turku: Referrals in"] == "5"
    assert value["Referrals by month|3/2025: Referrals in"] == "9"
