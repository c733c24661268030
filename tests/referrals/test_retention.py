import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import NextStep, OutcomeReport
from perhelinja.fsm import TransitionRefused
from referrals import services
from referrals.models import Referral, ReferralEvent, State
from referrals.retention import erase_referral
from referrals.services import consent_withdraw
from referrals.tasks import erase_expired_personal_data
from tests.appointments.helpers import started
from tests.factories import Cast, ConsentFactory, draft_referral, referral_in_state
from tests.two_factor import login

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
        referrer=cast.referrer,
        consent=consent,
        contact_name=name,
        contact_email="erkki@example.invalid",
        identity_code="131052-308T",
        description=f"{name} toivoo apua.",
        target_group=cast.target_group,
        challenges=[cast.challenge],
        preferred_times=f"{name}: iltaisin",
    )
    for step in ("submit", "assign", "accept"):
        referral = cast.run(referral, step)
    shift = appointment_services.shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=timezone.localdate() + datetime.timedelta(days=1),
        start_time=datetime.time(9),
        end_time=datetime.time(11),
    )
    offer, _token = appointment_services.offer_create(
        referral=referral, slots=shift.slots.all(), actor=cast.handler
    )
    appointment_services.offer_none_suit(offer=offer, message=f"{name} on töissä aamuisin")
    appointment = appointment_services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    appointment_services.appointment_cancel_by_family(
        appointment=appointment, actor=cast.handler, reason=f"{name} sairastui"
    )
    appointment = appointment_services.appointment_book(
        referral=referral, slot=shift.slots.first(), actor=cast.handler
    )
    appointment_services.appointment_attend(appointment=started(appointment), actor=cast.handler)
    appointment_services.outcome_report(
        referral=referral,
        actor=cast.handler,
        service_given="counselling",
        sessions=1,
        next_step=NextStep.NO_FURTHER_NEED,
        summary_for_referrer=f"{name} sai apua.",
    )
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


# --- referrals abandoned in draft, returned or declined ---------------------------------------

ABANDONABLE = [State.DRAFT, State.RETURNED, State.DECLINED]


def idle(referral: Referral, changed_days: int, edited_days: int | None = None) -> None:
    """Backdate the last state change and the last edit (update() leaves auto_now alone)."""
    now = timezone.now()
    edited_days = changed_days if edited_days is None else edited_days
    Referral.objects.filter(pk=referral.pk).update(
        state_changed_at=now - datetime.timedelta(days=changed_days),
        updated_at=now - datetime.timedelta(days=edited_days),
    )


def erased(referral: Referral) -> bool:
    referral.refresh_from_db()
    return referral.erased_at is not None


@pytest.mark.parametrize("state", ABANDONABLE)
def test_a_referral_left_without_activity_for_the_period_is_erased_and_a_recent_one_is_not(state):
    cast = Cast()
    untouched, _ = referral_in_state(state, cast)
    edited, _ = referral_in_state(state, cast)
    moved, _ = referral_in_state(state, cast)
    idle(untouched, 91)
    idle(edited, 91, edited_days=89)  # an edit is activity
    idle(moved, 89, edited_days=91)  # and so is a state change

    assert erase_expired_personal_data() == 1

    assert erased(untouched) and untouched.state == state
    assert untouched.contact_name == "" and untouched.description == ""
    assert not erased(edited) and edited.contact_name != ""
    assert not erased(moved) and moved.contact_name != ""


def test_of_the_triage_queue_a_declined_referral_is_abandoned_but_a_waiting_one_is_not():
    cast = Cast()
    declined, _ = referral_in_state(State.DECLINED, cast)
    submitted, _ = referral_in_state(State.SUBMITTED, cast)
    pooled, _ = referral_in_state(State.POOLED, cast)
    for referral in (declined, submitted, pooled):
        idle(referral, 10_000)

    assert erase_expired_personal_data() == 1

    assert erased(declined)
    assert not erased(submitted) and not erased(pooled)


def test_an_abandoned_draft_without_events_is_erased_with_its_consent():
    draft = draft_referral(contact_name="Vilma Luonnos", identity_code="131052-308T")
    assert not draft.events.exists() and draft.children.exists()
    idle(draft, 91)

    assert erase_expired_personal_data() == 1

    assert erased(draft) and draft.identity_code == "" and not draft.children.exists()
    assert draft.consent.given_by_name == "" and draft.consent.erased_at is not None


def test_an_abandoned_draft_keeps_the_giver_of_a_consent_a_live_referral_uses():
    live, cast = referral_in_state(State.SUBMITTED)
    draft = draft_referral(referrer=cast.referrer, consent=live.consent)
    idle(draft, 91)

    assert erase_expired_personal_data() == 1

    assert erased(draft)
    live.consent.refresh_from_db()
    assert live.consent.given_by_name != "" and live.consent.erased_at is None


def test_an_abandoned_referral_keeps_what_statistics_count():
    referral, cast = referral_in_state(State.DECLINED)
    idle(referral, 91)
    referral.refresh_from_db()
    facts = (
        "state",
        "municipality_id",
        "referrer_unit",
        "target_group_id",
        "language",
        "created_at",
        "submitted_at",
        "state_changed_at",
        "updated_at",
    )
    before = {name: getattr(referral, name) for name in facts}
    event_facts = (
        "transition",
        "from_state",
        "to_state",
        "reason_code",
        "organization_id",
        "actor_id",
        "created_at",
    )
    events_before = list(referral.events.values_list(*event_facts))
    assert referral.events.exclude(reason="").exists()

    assert erase_expired_personal_data() == 1

    assert erased(referral)
    assert {name: getattr(referral, name) for name in facts} == before
    assert list(referral.challenges.all()) == [cast.challenge]
    assert list(referral.events.values_list(*event_facts)) == events_before
    assert not referral.events.exclude(reason="").exists()


def test_the_period_of_abandonment_is_a_setting(settings):
    settings.REFERRAL_ABANDONED_DAYS = 10
    cast = Cast()
    old, _ = referral_in_state(State.RETURNED, cast)
    recent, _ = referral_in_state(State.RETURNED, cast)
    idle(old, 11)
    idle(recent, 9)

    assert erase_expired_personal_data() == 1

    assert erased(old) and not erased(recent)


def test_the_triage_queue_and_the_referrers_list_show_erased_abandoned_referrals(client):
    cast = Cast()
    declined, _ = referral_in_state(State.DECLINED, cast)
    draft, _ = referral_in_state(State.DRAFT, cast)
    idle(declined, 91)
    idle(draft, 91)
    assert erase_expired_personal_data() == 2

    login(client, cast.coordinator)
    assert f"#{declined.pk}<" in client.get(reverse("referrals:triage")).content.decode()
    assert client.get(reverse("referrals:triage_detail", args=[declined.pk])).status_code == 200
    login(client, cast.referrer)
    page = client.get(reverse("referrals:mine")).content.decode()
    assert f"#{declined.pk}<" in page and f"#{draft.pk}<" in page
    for referral in (declined, draft):
        assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200


def test_an_erased_referral_is_not_filled_in_sent_or_routed_again():
    """What is typed after erasure would never be erased: an erased draft stays erased, an
    erased declined referral is not routed to anyone."""
    cast = Cast()
    draft, _ = referral_in_state(State.DRAFT, cast)
    declined, _ = referral_in_state(State.DECLINED, cast)
    idle(draft, 91)
    idle(declined, 91)
    assert erase_expired_personal_data() == 2
    draft.refresh_from_db()
    declined.refresh_from_db()
    with pytest.raises(ValidationError):
        services.referral_update(referral=draft, actor=cast.referrer, contact_name="Uusi Nimi")
    with pytest.raises(TransitionRefused, match="erased"):
        services.referral_submit(referral=draft, actor=cast.referrer)
    with pytest.raises(TransitionRefused, match="erased"):
        services.referral_assign(
            referral=declined, actor=cast.coordinator, organization=cast.organization
        )
    with pytest.raises(TransitionRefused, match="erased"):
        services.referral_open_pool(referral=declined, actor=cast.coordinator)
    services.referral_cancel(referral=declined, actor=cast.coordinator, reason="Hylätty")
