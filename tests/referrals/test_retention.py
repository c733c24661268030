import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import NextStep, OutcomeReport
from consent.services import consent_withdraw
from referrals import services
from referrals.models import Referral, ReferralEvent, State
from referrals.retention import erase_referral
from referrals.tasks import erase_expired_personal_data
from tests.factories import Cast, ConsentFactory, draft_referral, referral_in_state

pytestmark = pytest.mark.django_db


def dump_database() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def age(referral: Referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_after_retention_the_familys_name_is_nowhere_but_the_statistics_count_it(settings):
    name = f"Erkki Poistettava-{uuid.uuid4().hex[:8]}"
    cast = Cast()
    consent = ConsentFactory(recorded_by=cast.referrer, given_by_name=name)
    referral = draft_referral(
        referrer=cast.referrer, consent=consent, contact_name=name,
        contact_email="erkki@example.invalid", identity_code="131052-308T",
        description=f"{name} toivoo apua.", target_group=cast.target_group,
        challenges=[cast.challenge], preferred_times=f"{name}: iltaisin",
    )  # fmt: skip
    for step in ("submit", "assign", "accept"):
        referral = cast.run(referral, step)
    shift = appointment_services.shift_create(
        actor=cast.handler, worker=cast.handler, mode="phone",
        first_day=timezone.localdate() + datetime.timedelta(days=1),
        start_time=datetime.time(9), end_time=datetime.time(10),
    )  # fmt: skip
    appointment = appointment_services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    appointment_services.appointment_cancel(
        appointment=appointment, actor=cast.handler, by_family=True, reason=f"{name} sairastui"
    )
    appointment = appointment_services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    appointment_services.appointment_attend(appointment=appointment, actor=cast.handler)
    appointment_services.outcome_report(
        referral=referral, actor=cast.handler, service_given="counselling", sessions=1,
        next_step=NextStep.NO_FURTHER_NEED, summary_for_referrer=f"{name} sai apua.",
    )  # fmt: skip
    assert name in dump_database()  # the search can find it while it is there

    age(Referral.objects.get(pk=referral.pk), settings.RETENTION_DAYS_AFTER_CLOSURE + 1)
    assert erase_expired_personal_data() == 1

    dump = dump_database()
    assert name not in dump
    assert "Poistettava" not in dump
    assert "131052-308T" not in dump
    referral.refresh_from_db()
    assert referral.erased_at is not None and referral.identity_code == ""
    # the anonymous facts stay for statistics
    counted = Referral.objects.filter(
        state=State.COMPLETED, municipality=referral.municipality, organization=cast.organization
    )
    assert list(counted) == [referral]
    assert OutcomeReport.objects.get(referral=referral).next_step == NextStep.NO_FURTHER_NEED
    assert ReferralEvent.objects.filter(referral=referral, to_state=State.COMPLETED).exists()


def test_erasure_is_idempotent_and_waits_for_the_period(settings):
    referral, _cast = referral_in_state(State.COMPLETED)
    age(referral, settings.RETENTION_DAYS_AFTER_CLOSURE - 1)
    assert erase_expired_personal_data() == 0
    age(referral, settings.RETENTION_DAYS_AFTER_CLOSURE + 1)
    assert erase_expired_personal_data() == 1
    assert erase_expired_personal_data() == 0
    assert erase_referral(referral.pk) is False


def test_withdrawn_referrals_are_erased_after_the_shorter_grace_period(settings):
    referral, cast = referral_in_state(State.ASSIGNED)
    consent_withdraw(consent=referral.consent, actor=cast.referrer, reason="Peruttu")
    referral.refresh_from_db()
    age(referral, settings.RETENTION_DAYS_AFTER_WITHDRAWAL + 1)
    assert settings.RETENTION_DAYS_AFTER_WITHDRAWAL < settings.RETENTION_DAYS_AFTER_CLOSURE
    assert erase_expired_personal_data() == 1
    referral.refresh_from_db()
    assert referral.contact_name == "" and referral.consent.given_by_name == ""


def test_open_referrals_are_never_erased(settings):
    referral, _cast = referral_in_state(State.ACCEPTED)
    Referral.objects.filter(pk=referral.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=10_000)
    )
    assert erase_expired_personal_data() == 0


def test_a_shared_consent_keeps_the_giver_until_every_referral_is_erased(settings):
    cast = Cast()
    first, _ = referral_in_state(State.COMPLETED, cast)
    second = draft_referral(referrer=cast.referrer, consent=first.consent)
    age(first, settings.RETENTION_DAYS_AFTER_CLOSURE + 1)
    erase_expired_personal_data()
    first.consent.refresh_from_db()
    assert first.consent.given_by_name != ""
    services.referral_cancel(referral=second, actor=cast.referrer, reason="Ei tarvetta")
    age(Referral.objects.get(pk=second.pk), settings.RETENTION_DAYS_AFTER_CLOSURE + 1)
    erase_expired_personal_data()
    first.consent.refresh_from_db()
    assert first.consent.given_by_name == ""
