"""The list lines say what the templates' own filters and the models would say, in the
reader's language."""

import datetime
import html

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from referrals import rows, services
from referrals.models import DeclineReason, State
from tests.factories import Cast, referral_in_state
from tests.two_factor import login

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MOMENTS = [
    datetime.datetime(2026, 3, 28, 22, 30, tzinfo=UTC),  # Helsinki: the next day
    datetime.datetime(2026, 3, 29, 1, 15, tzinfo=UTC),  # the spring DST change
    datetime.datetime(2026, 10, 24, 23, 59, tzinfo=UTC),  # the autumn change, next day
    datetime.datetime(2026, 12, 31, 21, 59, tzinfo=UTC),
]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("format_name", ["SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_row_dates_read_as_the_date_filter_writes_them(language, format_name):
    template = engines["django"].from_string(f'{{{{ value|date:"{format_name}" }}}}')
    with translation.override(language):
        for moment in MOMENTS:
            expected = html.unescape(template.render({"value": moment}))
            assert rows.local_format(moment, format_name) == expected
            assert rows.local_format(moment, format_name) == expected  # from the cache
            assert rows.Reader().date(moment, format_name) == expected
    assert rows.local_format(None, "SHORT_DATE_FORMAT") == ""


def test_triage_lines_show_the_last_decline_and_the_challenges_in_swedish(client):
    referral, cast = referral_in_state(State.DECLINED)
    services.referral_assign(
        referral=referral, actor=cast.coordinator, organization=cast.organization
    )
    services.referral_decline(
        referral=referral, actor=cast.handler, reason_code=DeclineReason.AREA, reason="x"
    )
    login(client, cast.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = html.unescape(client.get(reverse("referrals:triage")).content.decode())
    line = page[page.index(f"#{referral.pk}<") :].split("</tr>")[0]
    with translation.override("sv"):
        assert str(DeclineReason.AREA.label) in line
        assert str(DeclineReason.NO_CAPACITY.label) not in line  # the first decline's
        assert str(State.DECLINED.label) in line
    assert cast.challenge.name_sv in line and cast.target_group.name_sv in line
    assert referral.municipality.name_sv in line


def test_inbox_and_own_lines_are_titled_and_named_in_finnish(client):
    cast = Cast()
    waiting, _cast = referral_in_state(State.ASSIGNED, cast)
    mine, _cast = referral_in_state(State.ACCEPTED, cast)
    client.force_login(cast.handler)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    page = html.unescape(client.get(reverse("referrals:inbox")).content.decode())
    waiting_line = page[page.index(f"Lähete #{waiting.pk}</a>") :].split("</tr>")[0]
    mine_line = page[page.index(f"Lähete #{mine.pk}</a>") :].split("</tr>")[0]
    assert ">Turku<" in waiting_line and f">{cast.target_group.name_fi}<" in waiting_line
    assert ">Hyväksytty<" in mine_line and ">Turku<" in mine_line
    client.force_login(cast.referrer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = html.unescape(client.get(reverse("referrals:mine")).content.decode())
    assert cast.organization.name in page and "Accepted" in page


def test_the_referral_page_lists_appointments_and_the_timeline_in_swedish(client):
    from appointments.models import AppointmentState
    from appointments.services import appointment_book
    from directory.models import ModeCode
    from tests.appointments.helpers import accepted_with_shift

    referral, cast, shift = accepted_with_shift()
    later, sooner = list(shift.slots.order_by("-starts_at")[:2])
    for slot in (later, sooner):
        appointment_book(referral=referral, slot=slot, actor=cast.handler)
    client.force_login(cast.handler)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = html.unescape(
        client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    )
    with translation.override("sv"):
        times = [rows.local_format(s.starts_at, "SHORT_DATETIME_FORMAT") for s in (sooner, later)]
        line = f" · {ModeCode.PHONE.label} · {AppointmentState.BOOKED.label}</li>"
        accepted = referral.events.get(transition="accept").created_at
        stamp = f'<time datetime="{rows.local_format(accepted, "c")}">'
    assert page.index(times[0] + "</a>" + line) < page.index(times[1] + "</a>" + line)
    assert stamp in page
    assert rows.local_format(accepted, "c") == timezone.localtime(accepted).isoformat()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_lines_read_from_values_say_what_the_models_and_filters_say(language):
    """`referral_rows` (the lists' fast path: `values()` instead of model instances) against
    the plain ORM: the same data, read as model instances and formatted by their own methods
    and the template filters, gives the same texts."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from referrals.models import Referral
    from referrals.rows import ReferralRow, referral_rows

    cast = Cast()
    keys = [
        referral_in_state(state, cast)[0].pk
        for state in (State.DRAFT, State.SUBMITTED, State.ASSIGNED, State.ACCEPTED)
    ]
    Referral.objects.filter(pk=keys[1]).update(target_group=None, language="sv")
    template = engines["django"].from_string(
        '{{ r.created_at|date:"SHORT_DATE_FORMAT" }}'
        '|{{ r.state_changed_at|date:"SHORT_DATE_FORMAT" }}'
        '|{{ r.state_changed_at|date:"SHORT_DATETIME_FORMAT" }}'
    )
    queryset = Referral.objects.filter(pk__in=keys).order_by("pk")
    with translation.override(language):
        lines = referral_rows(list(queryset.values(*ReferralRow.COLUMNS)))
        referrals = list(queryset.select_related("municipality", "target_group", "organization"))
        assert [line.pk for line in lines] == [r.pk for r in referrals] == sorted(keys)
        for line, r in zip(lines, referrals, strict=True):
            dates = html.unescape(template.render({"r": r})).split("|")
            assert (line.title, line.url) == (
                gettext("Referral #%(pk)s") % {"pk": r.pk},
                reverse("referrals:detail", args=[r.pk]),
            )
            assert line.state_label == r.get_state_display()
            assert line.language_label == r.get_language_display()
            assert line.municipality == str(r.municipality)
            assert line.target_group == (str(r.target_group) if r.target_group else "")
            assert line.organization == (str(r.organization) if r.organization else "")
            assert [line.created, line.state_changed, line.waiting_since] == dates
    assert any(line.organization for line in lines) and not all(line.target_group for line in lines)
