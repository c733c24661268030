import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consent.models import Consent, GiverRole, ImmutableConsentError, Method, Scope
from consent.services import consent_record
from referrals.models import ReferralEvent, State
from referrals.services import consent_withdraw
from tests.factories import (
    ConsentFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def make(**kwargs):
    defaults = {
        "given_at": NOW - datetime.timedelta(days=10),
        "valid_until": NOW + datetime.timedelta(days=10),
    }
    return ConsentFactory(**{**defaults, **kwargs})


def test_valid_for_a_given_scope_within_its_period():
    consent = make()
    assert consent.is_valid_for(Scope.SHARE_REFERRAL)
    assert consent.is_valid_for("contact_phone", at=NOW - datetime.timedelta(days=9))


def test_not_valid_for_a_scope_not_given():
    assert not make().is_valid_for(Scope.CONTACT_EMAIL)


def test_not_valid_before_given_or_after_its_end():
    consent = make()
    assert not consent.is_valid_for(Scope.SHARE_REFERRAL, at=NOW - datetime.timedelta(days=11))
    assert not consent.is_valid_for(Scope.SHARE_REFERRAL, at=consent.valid_until)


def test_withdrawal_ends_validity_from_that_moment():
    consent = make()
    consent.withdrawn_at = NOW
    consent.save(update_fields=["withdrawn_at"])
    assert consent.is_valid_for(Scope.SHARE_REFERRAL, at=NOW - datetime.timedelta(seconds=1))
    assert not consent.is_valid_for(Scope.SHARE_REFERRAL, at=NOW)


def test_queryset_valid_for_agrees_with_the_method():
    good, expired, withdrawn, narrow = make(), make(), make(), make(scope_share_referral=False)
    Consent.objects.filter(pk=expired.pk).update(valid_until=NOW - datetime.timedelta(days=1))
    Consent.objects.filter(pk=withdrawn.pk).update(withdrawn_at=NOW - datetime.timedelta(days=1))
    assert list(Consent.objects.valid_for(Scope.SHARE_REFERRAL, at=NOW)) == [good]
    for consent in Consent.objects.all():
        assert consent.is_valid_for(Scope.SHARE_REFERRAL, at=NOW) == (consent == good)
    assert narrow.pk


def test_a_given_consent_cannot_be_edited():
    consent = make()
    consent.scope_contact_email = True
    with pytest.raises(ImmutableConsentError):
        consent.save()
    with pytest.raises(ImmutableConsentError):
        consent.save(update_fields=["scope_contact_email"])
    consent.refresh_from_db()
    assert not consent.scope_contact_email


def test_record_needs_a_scope_and_an_end_after_the_start():
    pro = ProfessionalFactory()
    with pytest.raises(ValidationError):
        consent_record(
            actor=pro,
            given_by_role=GiverRole.GUARDIAN,
            given_by_name="A",
            method=Method.WRITTEN,
            scopes=[],
        )
    with pytest.raises(ValidationError) as excinfo:
        consent_record(
            actor=pro,
            given_by_role=GiverRole.YOUNG_PERSON,
            given_by_name="B",
            method=Method.VERBAL,
            scopes=[Scope.SHARE_REFERRAL],
            valid_until=NOW - datetime.timedelta(days=1),
        )
    assert "valid_until" in excinfo.value.message_dict
    assert not Consent.objects.exists()


def test_a_young_persons_own_consent_is_recorded_with_default_validity(settings):
    pro = ProfessionalFactory()
    consent = consent_record(
        actor=pro,
        given_by_role=GiverRole.YOUNG_PERSON,
        given_by_name="Nuori",
        method=Method.VERBAL,
        scopes=[Scope.SHARE_REFERRAL, Scope.CONTACT_SMS],
    )
    assert consent.given_by_role == GiverRole.YOUNG_PERSON
    assert consent.scopes == [Scope.SHARE_REFERRAL, Scope.CONTACT_SMS]
    days = (consent.valid_until - consent.given_at).days
    assert days == settings.CONSENT_DEFAULT_VALIDITY_DAYS


def test_only_professionals_record_consents():
    with pytest.raises(PermissionDenied):
        consent_record(
            actor=WorkerFactory(),
            given_by_role=GiverRole.GUARDIAN,
            given_by_name="A",
            method=Method.WRITTEN,
            scopes=[Scope.SHARE_REFERRAL],
        )


def test_withdrawal_by_the_handling_worker_withdraws_every_open_referral():
    referral, cast = referral_in_state(State.ACCEPTED)
    consent_withdraw(consent=referral.consent, actor=cast.handler, reason="Perhe perui puhelimessa")
    referral.refresh_from_db()
    referral.consent.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    assert referral.consent.withdrawn_by == cast.handler
    assert referral.consent.withdrawal_reason == "Perhe perui puhelimessa"
    event = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert (event.from_state, event.to_state, event.actor) == (
        "accepted",
        "withdrawn",
        cast.handler,
    )


def test_withdrawal_leaves_finished_referrals_alone_and_cannot_repeat():
    referral, cast = referral_in_state(State.COMPLETED)
    consent_withdraw(consent=referral.consent, actor=cast.referrer, reason="Peruttu")
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    with pytest.raises(ValidationError):
        consent_withdraw(consent=referral.consent, actor=cast.referrer, reason="Uudelleen")


def test_an_outsider_cannot_withdraw_a_consent():
    referral, _cast = referral_in_state(State.ASSIGNED)
    with pytest.raises(PermissionDenied):
        consent_withdraw(consent=referral.consent, actor=WorkerFactory(), reason="x")
    referral.refresh_from_db()
    assert referral.state == State.ASSIGNED


def test_a_consent_given_long_ago_or_valid_for_ever_is_refused():
    professional = ProfessionalFactory()
    base = {
        "actor": professional,
        "given_by_role": "guardian",
        "given_by_name": "M",
        "method": "verbal",
        "scopes": ["share_referral"],
    }
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        consent_record(**base, given_at=now - datetime.timedelta(days=400))
    assert "given_at" in exc.value.message_dict
    for until in (now - datetime.timedelta(days=1), now + datetime.timedelta(days=6 * 365)):
        with pytest.raises(ValidationError) as exc:
            consent_record(**base, valid_until=until)
        assert "valid_until" in exc.value.message_dict
    assert consent_record(**base, valid_until=now + datetime.timedelta(days=4 * 365)).pk
