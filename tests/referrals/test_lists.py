"""The referral lists: search by number (and by the family's name only for those who may read
it), sort, a status label per state and a "needs my action" mark for the reader's role."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.calendar import is_public_holiday
from appointments.models import Slot
from appointments.services import shift_create
from consent.models import Consent
from referrals import selectors
from referrals.models import Referral, State, may_read_family
from referrals.templatetags.status import state_tone
from tests.factories import (
    Cast,
    CoordinatorFactory,
    ProfessionalFactory,
    WorkerFactory,
    draft_referral,
    referral_in_state,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def _get(client, name, **params) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _named(cast, name, state) -> Referral:
    referral = draft_referral(
        referrer=cast.referrer,
        target_group=cast.target_group,
        challenges=[cast.challenge],
        contact_name=name,
    )
    for step in {
        State.DRAFT: (),
        State.SUBMITTED: ("submit",),
        State.ASSIGNED: ("submit", "assign"),
        State.RETURNED: ("submit", "return"),
    }[state]:
        referral = cast.run(referral, step)
    return referral


def test_the_referrer_finds_a_referral_by_number_and_by_the_familys_name(client):
    cast = Cast()
    virtanen = _named(cast, "Liisa Virtanen", State.SUBMITTED)
    korhonen = _named(cast, "Pekka Korhonen", State.SUBMITTED)
    client.force_login(cast.referrer)
    page = _get(client, "referrals:mine", q="virtanen")
    assert f"#{virtanen.pk}<" in page and f"#{korhonen.pk}<" not in page
    assert "Liisa Virtanen" in page  # the referrer may read the name
    page = _get(client, "referrals:mine", q=f"#{korhonen.pk}")
    assert f"#{korhonen.pk}<" in page and f"#{virtanen.pk}<" not in page


def test_the_coordinator_cannot_find_or_see_a_family_by_name(client):
    cast = Cast()
    referral = _named(cast, "Liisa Virtanen", State.SUBMITTED)
    login(client, cast.coordinator)
    page = _get(client, "referrals:triage", q="Virtanen")
    assert f"#{referral.pk}<" not in page and "Virtanen" in page  # (the search box keeps it)
    page = _get(client, "referrals:triage")
    assert f"#{referral.pk}<" in page and "Liisa" not in page
    page = _get(client, "referrals:triage", q=str(referral.pk))
    assert f"#{referral.pk}<" in page


def test_the_worker_finds_a_family_by_name_only_while_the_consent_shares_it(client):
    cast = Cast()
    referral = _named(cast, "Liisa Virtanen", State.ASSIGNED)
    client.force_login(cast.handler)
    page = _get(client, "referrals:inbox", q="virtanen")
    assert f"#{referral.pk}<" in page and "Liisa Virtanen" in page
    Consent.objects.filter(pk=referral.consent_id).update(withdrawn_at=timezone.now())
    page = _get(client, "referrals:inbox", q="virtanen")
    assert f"#{referral.pk}<" not in page
    page = _get(client, "referrals:inbox")
    assert f"#{referral.pk}<" in page and "Liisa" not in page


def test_the_family_name_rule_of_the_lists_agrees_with_the_detail_pages_rule():
    """`selectors.family_readable` (SQL, for search) and `family_readable_among` (names on a
    list's page) say what `may_read_family` (the detail page's rule) says, for every person and
    state."""
    cast = Cast()
    referrals = [
        referral_in_state(state, cast)[0]
        for state in (
            State.DRAFT,
            State.SUBMITTED,
            State.ASSIGNED,
            State.ACCEPTED,
            State.RETURNED,
            State.DECLINED,
            State.COMPLETED,
            State.CANCELLED,
        )
    ]
    expired = referral_in_state(State.ACCEPTED, cast)[0]
    Consent.objects.filter(pk=expired.consent_id).update(
        valid_until=timezone.now() - datetime.timedelta(days=1)
    )
    referrals.append(Referral.objects.get(pk=expired.pk))
    people = [
        cast.referrer,
        cast.handler,
        cast.coordinator,
        ProfessionalFactory(),
        WorkerFactory(),
        WorkerFactory(organization=cast.organization),
        CoordinatorFactory(),
    ]
    for person in people:
        readable = set(
            Referral.objects.filter(selectors.family_readable(person)).values_list("pk", flat=True)
        )
        among = selectors.family_readable_among(person, [r.pk for r in referrals])
        for referral in referrals:
            fresh = Referral.objects.select_related("consent").get(pk=referral.pk)
            expected = may_read_family(fresh, person)
            assert (fresh.pk in readable) == expected, (person, fresh.state)
            assert (fresh.pk in among) == expected, (person, fresh.state)


def test_bad_search_input_gets_a_clear_error_not_a_failure(client):
    cast = Cast()
    referral, _c = referral_in_state(State.SUBMITTED, cast)
    client.force_login(cast.referrer)
    response = client.get(reverse("referrals:mine"), {"q": "x" * 500, "sort": "nonsense"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert 'id="error-summary"' in page
    assert "Search with at most 100 characters." in page
    assert "Choose an order from the list." in page
    assert f"#{referral.pk}<" in page  # the list, unfiltered
    for odd in ("²", "#", "9" * 30, "%", "' OR 1=1 --"):
        assert client.get(reverse("referrals:mine"), {"q": odd}).status_code == 200


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("newest", [2, 1, 0]), ("oldest", [0, 1, 2]), ("waiting", [1, 0, 2]), ("state", [0, 2, 1])],
)
def test_the_professionals_list_sorts(client, sort, expected):
    cast = Cast()
    made = [
        referral_in_state(state, cast)[0]
        for state in (State.ASSIGNED, State.SUBMITTED, State.DRAFT)
    ]
    now = timezone.now()
    for index, referral in enumerate(made):
        Referral.objects.filter(pk=referral.pk).update(
            created_at=now - datetime.timedelta(days=10 - index),
            state_changed_at=now - datetime.timedelta(days=[5, 8, 1][index]),
        )
    client.force_login(cast.referrer)
    page = _get(client, "referrals:mine", sort=sort)
    order = sorted(made, key=lambda r: page.index(f"#{r.pk}<"))
    assert order == [made[i] for i in expected]


def test_rows_show_a_status_label_and_what_needs_the_readers_action(client):
    cast = Cast()
    returned, _c = referral_in_state(State.RETURNED, cast)
    sent, _c = referral_in_state(State.SUBMITTED, cast)
    client.force_login(cast.referrer)
    page = _get(client, "referrals:mine")
    rows = {r.pk: page[page.index(f"#{r.pk}<") :].split("</tr>")[0] for r in (returned, sent)}
    assert "hds-status-label--alert" in rows[returned.pk]
    assert "Needs your action" in rows[returned.pk]
    assert "hds-status-label--info" in rows[sent.pk]
    assert "Needs your action" not in rows[sent.pk]
    login(client, cast.coordinator)
    page = _get(client, "referrals:triage")
    line = page[page.index(f"#{sent.pk}<") :].split("</tr>")[0]
    assert "Needs your action" in line


def test_list_tables_stack_on_a_phone(client):
    cast = Cast()
    referral_in_state(State.SUBMITTED, cast)
    client.force_login(cast.referrer)
    page = _get(client, "referrals:mine")
    assert 'class="stacked' in page and 'data-label="' in page
    login(client, cast.coordinator)
    page = _get(client, "referrals:triage")
    assert 'class="stacked' in page and page.count("<td") == page.count("<td data-label=")


def test_each_state_has_its_tone():
    assert state_tone(State.RETURNED) == "alert"
    assert state_tone(State.COMPLETED) == "success"
    assert state_tone(State.DECLINED) == "error"
    assert state_tone(State.SUBMITTED) == "info"
    assert state_tone(State.CANCELLED) == ""
    assert state_tone(State.SUBMITTED, overdue=True) == "alert"


def test_waiting_since_is_each_lines_own_time(client):
    cast = Cast()
    first, _c = referral_in_state(State.SUBMITTED, cast)
    second, _c = referral_in_state(State.SUBMITTED, cast)
    UTC = datetime.UTC
    Referral.objects.filter(pk=first.pk).update(
        state_changed_at=datetime.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
    )
    Referral.objects.filter(pk=second.pk).update(
        state_changed_at=datetime.datetime(2026, 3, 3, 10, 45, tzinfo=UTC)
    )
    login(client, cast.coordinator)
    page = _get(client, "referrals:triage")
    assert "2 Mar 2026 10:15" in page and "3 Mar 2026 12:45" in page  # Helsinki time


# --- triage detail and the actions' buttons ---------------------------------------------------


def _buttons(page: str, kind: str) -> int:
    return page.count(f"hds-button--{kind}")


def test_triage_shows_candidates_as_a_table_with_one_primary_action_and_cancel_as_danger(client):
    cast = Cast()
    other = Cast()
    other.target_group, other.challenge = cast.target_group, cast.challenge
    service = other.organization.services.first()
    service.target_groups.add(cast.target_group)
    referral, _c = referral_in_state(State.SUBMITTED, cast)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    while tomorrow.weekday() >= 5 or is_public_holiday(tomorrow):
        tomorrow += datetime.timedelta(days=1)
    shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=tomorrow,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
    )
    login(client, cast.coordinator)
    response = client.get(reverse("referrals:triage_detail", args=[referral.pk]))
    page = html.unescape(response.content.decode())
    table = page[page.index('<table class="stacked candidates"') : page.index("</table>")]
    assert cast.organization.name in table and other.organization.name in table
    assert "<details>" in table and "why" in table
    slots = Slot.objects.filter(organization=cast.organization)
    first = timezone.localtime(slots.earliest("starts_at").starts_at)
    assert f"{first:%H}:00" in table and "No free times" in table  # the other has none
    assert _buttons(page, "primary") == 1  # assign
    assert _buttons(page, "danger") == 1  # cancel
    assert 'name="confirm"' in page


def test_a_danger_action_does_nothing_until_confirmed(client):
    cast = Cast()
    referral, _c = referral_in_state(State.SUBMITTED, cast)
    client.force_login(cast.referrer)
    url = reverse("referrals:action", args=[referral.pk, "cancel"])
    response = client.post(url, {"reason": "Perhe sai apua muualta"})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == State.SUBMITTED
    response = client.post(url, {"reason": "Perhe sai apua muualta", "confirm": "on"})
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).state == State.CANCELLED


def test_the_workers_page_has_one_primary_action_and_the_rest_secondary(client):
    cast = Cast()
    referral, _c = referral_in_state(State.ASSIGNED, cast)
    client.force_login(cast.handler)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert _buttons(page, "primary") == 1
    accept = page[page.index("/accept/") :].split("</form>")[0]
    assert "hds-button--primary" in accept
    decline = page[page.index("/decline/") :].split("</form>")[0]
    assert "hds-button--secondary" in decline
    withdraw = page[page.index("/withdraw/") :].split("</form>")[0]
    assert "hds-button--danger" in withdraw and 'name="confirm"' in withdraw


@pytest.mark.parametrize("count", [1, 4])
def test_triage_detail_reads_every_candidates_next_free_time_at_once(
    client, count, django_assert_max_num_queries
):
    cast = Cast()
    for _ in range(count):
        other = Cast()
        other.organization.services.first().challenges.add(cast.challenge)
    referral, _c = referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    with django_assert_max_num_queries(24):
        assert client.get(reverse("referrals:triage_detail", args=[referral.pk])).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_searched_and_sorted_lists_make_a_bounded_number_of_queries(
    client, count, django_assert_max_num_queries
):
    cast = Cast()
    for _ in range(count):
        for state in (State.ASSIGNED, State.ACCEPTED, State.SUBMITTED, State.RETURNED):
            referral_in_state(state, cast)
    client.force_login(cast.referrer)
    with django_assert_max_num_queries(15):
        _get(client, "referrals:mine", q="Maija", sort="state")
    client.force_login(cast.handler)
    with django_assert_max_num_queries(17):
        _get(client, "referrals:inbox", q="Maija", sort="oldest")
    login(client, cast.coordinator)
    with django_assert_max_num_queries(17):
        _get(client, "referrals:triage", q="1", sort="newest")
