import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from referrals import timeliness
from referrals.models import Notification, Referral, State, TimelinessFlag
from referrals.tasks import sweep_timeliness
from referrals.timeliness import is_working_day, overdue, working_days_between
from tests.factories import WorkerFactory, referral_in_state

HKI = ZoneInfo("Europe/Helsinki")


def at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, tzinfo=HKI)


def test_weekends_and_finnish_holidays_are_not_working_days():
    assert is_working_day(datetime.date(2026, 12, 4))  # Friday
    assert not is_working_day(datetime.date(2026, 12, 5))  # Saturday
    assert not is_working_day(datetime.date(2026, 12, 6))  # Independence Day (a Sunday)
    assert not is_working_day(datetime.date(2026, 12, 24))  # Christmas Eve
    assert not is_working_day(datetime.date(2026, 6, 19))  # Midsummer Eve
    assert not is_working_day(datetime.date(2027, 1, 6))  # Epiphany


def test_working_days_skip_the_christmas_holidays():
    # Wed 23 Dec → Mon 28 Dec: 24, 25, 26 are holidays, 27 a Sunday: one working day.
    assert working_days_between(at(2026, 12, 23), at(2026, 12, 28)) == 1
    assert working_days_between(at(2026, 11, 30), at(2026, 12, 3)) == 3


@pytest.mark.parametrize("at_most", [0, 1, 2, 5, 10])
def test_counting_working_days_stops_where_the_question_is_answered(at_most, monkeypatch):
    """A list asks "late?" of referrals years old: the count stops at the limit."""
    start, end = at(2016, 12, 1), at(2026, 12, 3)
    full = working_days_between(start, end)
    steps = []
    monkeypatch.setattr(timeliness, "is_working_day", lambda day: steps.append(day) or True)
    assert working_days_between(start, end, at_most=at_most) == min(full, at_most)
    assert len(steps) == at_most


def _waiting(state, since, cast=None):
    referral, cast = referral_in_state(state, cast)
    Referral.objects.filter(pk=referral.pk).update(state_changed_at=since)
    referral.refresh_from_db()
    return referral, cast


@pytest.mark.django_db
def test_assigned_referral_gets_a_reminder_then_an_escalation():
    _waiting(State.ASSIGNED, at(2026, 11, 30))  # Monday
    assert [k for _r, k, _o in overdue(at(2026, 12, 2))] == []  # 2 working days
    assert [k for _r, k, _o in overdue(at(2026, 12, 3))] == ["not_accepted_reminder"]
    kinds = [k for _r, k, _o in overdue(at(2026, 12, 8))]  # 5 working days (6 Dec a Sunday)
    assert kinds == ["not_accepted_reminder", "not_accepted_escalation"]


@pytest.mark.django_db
def test_submitted_referral_not_routed_escalates_after_two_working_days():
    _waiting(State.SUBMITTED, at(2026, 12, 4))  # Friday
    assert list(overdue(at(2026, 12, 7))) == []  # Monday: one working day
    assert [k for _r, k, _o in overdue(at(2026, 12, 8))] == ["not_routed_escalation"]


@pytest.mark.django_db
def test_the_sweep_notifies_once_however_often_it_runs(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    referral, cast = _waiting(
        State.ASSIGNED, datetime.datetime.now(HKI) - datetime.timedelta(days=30)
    )
    colleague = WorkerFactory(organization=cast.organization)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers on commit
        first = sweep_timeliness()
        second = sweep_timeliness()
    assert first > 0 and second == 0
    assert TimelinessFlag.objects.filter(referral=referral).count() == 2
    reminders = Notification.objects.filter(referral=referral, kind="reminder")
    assert set(reminders.values_list("user", flat=True)) == {cast.handler.pk, colleague.pk}
    escalations = Notification.objects.filter(referral=referral, kind="escalation")
    assert list(escalations.values_list("user", flat=True)) == [cast.coordinator.pk]
    for message in mail.outbox:
        assert referral.contact_name not in message.body


@pytest.mark.django_db
def test_a_referral_assigned_again_can_be_flagged_again():
    referral, _cast = _waiting(
        State.ASSIGNED, datetime.datetime.now(HKI) - datetime.timedelta(days=30)
    )
    sweep_timeliness()
    Referral.objects.filter(pk=referral.pk).update(
        state_changed_at=datetime.datetime.now(HKI) - datetime.timedelta(days=20)
    )
    sweep_timeliness()
    assert TimelinessFlag.objects.filter(referral=referral).count() == 4


@pytest.mark.django_db
def test_with_the_broker_down_the_flags_message_waits_in_the_outbox(
    django_capture_on_commit_callbacks,
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from perhelinja import outbox
    from perhelinja.models import OutboxMessage

    referral, _cast = _waiting(
        State.ASSIGNED, datetime.datetime.now(HKI) - datetime.timedelta(days=30)
    )
    before = list(OutboxMessage.objects.values_list("pk", flat=True))  # the set-up's own
    down = mock.patch.object(
        outbox.deliver_outbox_message, "apply_async", side_effect=OperationalError("down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        assert sweep_timeliness() == 2
    assert not Notification.objects.filter(referral=referral).exists()
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True).exclude(pk__in=before)
    assert {m.task for m in waiting} == {"referrals.tasks.notify_timeliness_flag"}
    assert sorted(m.args[0] for m in waiting) == sorted(
        TimelinessFlag.objects.filter(referral=referral).values_list("pk", flat=True)
    )
