import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.services import (
    appointment_book,
    appointment_cancel_by_family,
    shift_cancel,
    shift_create,
)
from appointments.views.calendar import parse_week
from directory.models import Municipality, ReceptionSite
from tests.appointments.helpers import accepted_with_shift, tomorrow
from tests.factories import CoordinatorFactory, ProfessionalFactory, WorkerFactory
from tests.two_factor import login

pytestmark = pytest.mark.django_db

WEEK = reverse("appointments:week")
CAPACITY = reverse("appointments:capacity")


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def laitila_site(name="Laitilan kirjasto") -> ReceptionSite:
    return ReceptionSite.objects.create(
        municipality=Municipality.objects.get(code="400"), name=name, address="Kauppakatu 1"
    )


def reception_shift(cast, site, *, day=None, start=13, end=16):
    """A reception shift of the cast's worker: 13:00, 14:00, 15:00 by default."""
    return shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="reception",
        site=site,
        first_day=day or tomorrow(),
        start_time=datetime.time(start),
        end_time=datetime.time(end),
    )


def slots_of(shift):
    return list(shift.slots.order_by("starts_at"))


# --- the week calendar ----------------------------------------------------------------------


def test_week_shows_the_workers_slots_and_a_booked_ones_referral_number_not_the_family(client):
    referral, cast, shift = accepted_with_shift()
    appointment = appointment_book(referral=referral, slot=slots_of(shift)[0], actor=cast.handler)
    client.force_login(cast.handler)

    response = client.get(WEEK, {"week": iso_week(tomorrow())})

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Referral #{referral.pk}" in html
    assert reverse("appointments:detail", args=[appointment.pk]) in html
    assert "09:00–09:45" in html and "10:00–10:45" in html and "11:00–11:45" in html
    assert html.count('class="slot slot-free"') == 2
    assert html.count('class="slot slot-booked"') == 1
    assert "09:00–12:00 · Phone" in html
    # the overview names no one in the family
    assert referral.contact_name and referral.contact_name not in html
    assert referral.contact_phone not in html
    assert referral.consent.given_by_name not in html


def test_week_has_a_heading_for_each_day_monday_to_sunday(client):
    _referral, cast, _shift = accepted_with_shift()
    client.force_login(cast.handler)

    response = client.get(WEEK, {"week": "2026-W49"})

    headings = re.findall(r"<h2 id=\"day-([\d-]+)\">", response.content.decode())
    monday = datetime.date(2026, 11, 30)
    assert headings == [str(monday + datetime.timedelta(days=i)) for i in range(7)]
    assert "Monday" in response.content.decode() and "Sunday" in response.content.decode()


def test_week_shows_a_reception_shifts_site_and_a_cancelled_shift_as_cancelled(client):
    _referral, cast, phone = accepted_with_shift()
    reception_shift(cast, laitila_site())
    shift_cancel(shift=phone, actor=cast.handler, reason="Sairastuminen")
    client.force_login(cast.handler)

    html = client.get(WEEK, {"week": iso_week(tomorrow())}).content.decode()

    assert "13:00–16:00 · Laitilan kirjasto" in html
    assert 'class="shift shift-cancelled"' in html and "Shift cancelled" in html
    assert html.count('class="slot slot-cancelled"') == 3
    assert html.count('class="slot slot-free"') == 3


def test_week_defaults_to_the_current_week_in_helsinki(client):
    _referral, cast, _shift = accepted_with_shift()
    client.force_login(cast.handler)

    response = client.get(WEEK)

    assert response.context["monday"] == monday_of(timezone.localdate())


def test_week_navigation_links_to_the_previous_and_next_week(client):
    _referral, cast, _shift = accepted_with_shift()
    client.force_login(cast.handler)

    html = client.get(WEEK, {"week": "2026-W01"}).content.decode()
    assert f'href="{WEEK}?week=2025-W52"' in html
    assert f'href="{WEEK}?week=2026-W02"' in html
    # htmx swaps only the calendar, and the address follows
    assert f'hx-get="{WEEK}?week=2026-W02"' in html and 'hx-push-url="true"' in html

    html = client.get(WEEK, {"week": "2026-W53"}).content.decode()
    assert f'href="{WEEK}?week=2027-W01"' in html


def test_following_the_next_week_link_shows_that_weeks_slots(client):
    _referral, cast, _shift = accepted_with_shift()
    next_week = monday_of(tomorrow()) + datetime.timedelta(days=9)  # a Wednesday
    shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="video",
        first_day=next_week,
        start_time=datetime.time(8),
        end_time=datetime.time(9),
    )
    client.force_login(cast.handler)

    this_week = client.get(WEEK, {"week": iso_week(tomorrow())})
    assert "08:00–09:00 · Video" not in this_week.content.decode()
    link = this_week.context["next_week"]
    following = client.get(WEEK, {"week": link}).content.decode()
    assert "08:00–09:00 · Video" in following
    assert "09:00–12:00 · Phone" not in following


@pytest.mark.parametrize(
    "value", ["", "2025-W53", "2026-W00", "2026-49", "nonsense", "0001-W01", "2101-W01", "9999-W52"]
)
def test_an_invalid_week_falls_back_to_the_current_week(value):
    assert parse_week(value) == monday_of(timezone.localdate())


def test_another_worker_does_not_see_the_slots(client):
    referral, cast, shift = accepted_with_shift()
    appointment_book(referral=referral, slot=slots_of(shift)[0], actor=cast.handler)
    colleague = WorkerFactory(organization=cast.organization)
    stranger = WorkerFactory()

    for worker in (colleague, stranger):
        client.force_login(worker)
        response = client.get(WEEK, {"week": iso_week(tomorrow())})
        html = response.content.decode()
        assert response.status_code == 200
        assert f"Referral #{referral.pk}" not in html
        assert "09:00–12:00" not in html
        assert html.count("No shifts.") == 7


@pytest.mark.parametrize("role", ["professional", "coordinator"])
def test_only_workers_get_the_week_page(client, role):
    accepted_with_shift()
    login(client, {"professional": ProfessionalFactory, "coordinator": CoordinatorFactory}[role]())
    assert client.get(WEEK).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client):
    for url in (WEEK, CAPACITY):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_week_queries_do_not_grow_with_shifts_and_appointments(
    client, django_assert_max_num_queries
):
    referral, cast, shift = accepted_with_shift()
    client.force_login(cast.handler)
    week = iso_week(tomorrow())
    # (each bound counts the session save, the look-up of a second factor and the unread
    # notifications count, on every request; the first request of a session also reads what
    # the session remembers: the roles and permissions)
    client.get(WEEK, {"week": week})
    with django_assert_max_num_queries(11):
        client.get(WEEK, {"week": week})

    for slot in slots_of(shift):
        appointment_book(referral=referral, slot=slot, actor=cast.handler)
    for start in (13, 17):
        reception_shift(cast, laitila_site(f"Kirjasto {start}"), start=start, end=start + 3)
    with django_assert_max_num_queries(11):
        html = client.get(WEEK, {"week": week}).content.decode()
    assert html.count("slot slot-") == 9


# --- capacity -------------------------------------------------------------------------------


def capacity_case():
    """Tomorrow: three reception slots in Laitila, one booked; three phone slots, one booked
    and one whose booking was cancelled; a cancelled video shift; a Laitila shift five weeks
    ahead, outside the overview."""
    referral, cast, phone = accepted_with_shift()
    reception = reception_shift(cast, laitila_site())
    appointment_book(referral=referral, slot=slots_of(reception)[0], actor=cast.handler)
    appointment_book(referral=referral, slot=slots_of(phone)[0], actor=cast.handler)
    cancelled = appointment_book(referral=referral, slot=slots_of(phone)[1], actor=cast.handler)
    appointment_cancel_by_family(appointment=cancelled, actor=cast.handler)
    video = shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="video",
        first_day=tomorrow(),
        start_time=datetime.time(17),
        end_time=datetime.time(19),
    )
    shift_cancel(shift=video, actor=cast.handler, reason="Koulutuspäivä")
    reception_shift(cast, reception.site, day=tomorrow() + datetime.timedelta(weeks=5))
    return referral, cast


def week_index(response, day: datetime.date) -> int:
    return [w.monday for w in response.context["weeks"]].index(monday_of(day))


def area(response, key):
    return next(row for row in response.context["areas"] if row.key == key)


def counts(tally):
    return (tally.free, tally.booked)


def test_capacity_counts_free_and_booked_per_area_and_week(client):
    _referral, cast = capacity_case()
    client.force_login(cast.handler)

    response = client.get(CAPACITY)

    assert response.status_code == 200
    i = week_index(response, tomorrow())
    laitila = area(response, str(Municipality.objects.get(code="400").pk))
    remote = area(response, "remote")
    assert counts(laitila.cells[i]) == (2, 1)
    assert counts(remote.cells[i]) == (2, 1)  # the cancelled booking frees its slot again
    assert counts(laitila.total) == (2, 1)  # five weeks ahead is outside the overview
    assert counts(remote.total) == (2, 1)  # the cancelled video shift does not count
    other_weeks = [c for n, c in enumerate(laitila.cells) if n != i]
    assert all(counts(c) == (0, 0) for c in other_weeks)
    totals = response.context["totals"]
    assert counts(totals.cells[i]) == (4, 2)
    assert counts(totals.total) == (4, 2)
    # every pilot area has its row, and the remote row comes after them
    labels = [row.label for row in response.context["areas"]]
    assert labels == ["Kemiönsaari", "Laitila", "Turku", "Uusikaupunki", "Remote (phone, video)"]


def test_capacity_has_four_iso_weeks_from_today():
    from appointments.views.calendar import capacity_weeks

    thursday = datetime.date(2026, 12, 3)
    weeks = capacity_weeks(thursday)
    assert [w.number for w in weeks] == [49, 50, 51, 52]
    assert weeks[0].first == thursday and weeks[0].monday == datetime.date(2026, 11, 30)
    assert weeks[-1].sunday == datetime.date(2026, 12, 27)


def test_capacity_table_shows_the_numbers_with_their_headers(client):
    _referral, cast = capacity_case()
    client.force_login(cast.handler)

    response = client.get(CAPACITY)

    html = response.content.decode()
    week = response.context["weeks"][week_index(response, tomorrow())].key
    laitila = Municipality.objects.get(code="400").pk
    free = f'headers="capacity-row-{laitila} capacity-{week} capacity-{week}-free">2</td>'
    booked = f'headers="capacity-row-{laitila} capacity-{week} capacity-{week}-booked">1</td>'
    assert free in html and booked in html
    assert '<td headers="capacity-row-total capacity-all capacity-all-free">4</td>' in html


def test_a_site_outside_the_pilot_areas_counts_under_other_places(client):
    _referral, cast, _phone = accepted_with_shift()
    kaarina = Municipality.objects.get(code="202")
    assert not kaarina.is_pilot
    site = ReceptionSite.objects.create(
        municipality=kaarina, name="Kaarinan perhekeskus", address="Kauppakatu 2"
    )
    reception_shift(cast, site)
    client.force_login(cast.handler)

    response = client.get(CAPACITY)

    assert counts(area(response, "other").total) == (3, 0)
    assert counts(response.context["totals"].total) == (6, 0)


def test_a_worker_sees_only_their_own_organizations_numbers(client):
    _referral, cast = capacity_case()
    _other_referral, other_cast, _other_shift = accepted_with_shift()  # three remote slots
    client.force_login(other_cast.handler)

    response = client.get(CAPACITY)

    assert counts(response.context["totals"].total) == (3, 0)
    assert response.context["organization"] == other_cast.organization
    assert response.context["filterset"] is None
    assert cast.organization.name not in response.content.decode()
    # a colleague of the organization sees the same numbers
    client.force_login(WorkerFactory(organization=cast.organization))
    assert counts(client.get(CAPACITY).context["totals"].total) == (4, 2)


def test_a_coordinator_sees_every_organization_and_can_narrow_to_one(client):
    _referral, cast = capacity_case()
    _other_referral, other_cast, _other_shift = accepted_with_shift()
    login(client, CoordinatorFactory())

    response = client.get(CAPACITY)

    assert counts(response.context["totals"].total) == (7, 2)
    assert counts(area(response, "remote").total) == (5, 1)
    by_organization = {org: counts(t) for org, t in response.context["organizations"]}
    assert by_organization == {cast.organization: (4, 2), other_cast.organization: (3, 0)}
    html = response.content.decode()
    assert cast.organization.name in html and other_cast.organization.name in html
    assert 'name="organization"' in html

    narrowed = client.get(CAPACITY, {"organization": other_cast.organization.pk})

    assert counts(narrowed.context["totals"].total) == (3, 0)
    assert counts(area(narrowed, "remote").total) == (3, 0)
    assert [org for org, _t in narrowed.context["organizations"]] == [other_cast.organization]
    assert narrowed.context["organization"] == other_cast.organization


def test_a_coordinators_unknown_organization_choice_shows_an_error_not_a_crash(client):
    capacity_case()
    login(client, CoordinatorFactory())

    response = client.get(CAPACITY, {"organization": "999999"})

    assert response.status_code == 200
    assert response.context["filterset"].errors


def test_only_workers_and_coordinators_get_the_capacity_page(client):
    capacity_case()
    client.force_login(ProfessionalFactory())
    assert client.get(CAPACITY).status_code == 404


def test_capacity_queries_do_not_grow_with_slots_or_organizations(
    client, django_assert_max_num_queries
):
    capacity_case()
    coordinator = CoordinatorFactory()
    login(client, coordinator)
    # (each bound counts the session save, the look-up of a second factor and the unread
    # notifications count, on every request)
    client.get(CAPACITY)  # the session's first request reads what it remembers
    with django_assert_max_num_queries(12):
        client.get(CAPACITY)

    for _n in range(3):
        referral, cast, shift = accepted_with_shift()
        appointment_book(referral=referral, slot=slots_of(shift)[2], actor=cast.handler)
        site = laitila_site(f"Kirjasto {cast.organization.pk}")
        # the next day: one worker's shifts never overlap
        reception_shift(cast, site, day=tomorrow() + datetime.timedelta(days=1), start=8, end=20)
    with django_assert_max_num_queries(12):
        response = client.get(CAPACITY)
    assert len(response.context["organizations"]) == 4
    assert counts(response.context["totals"].total) == (4 + 3 * (3 + 12) - 3, 2 + 3)

    client.force_login(cast.handler)
    client.get(CAPACITY)
    with django_assert_max_num_queries(12):
        client.get(CAPACITY)
