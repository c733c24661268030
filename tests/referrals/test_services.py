import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from perhelinja.fsm import TransitionRefused
from referrals import selectors, services
from referrals.models import Referral, ReferralEvent, State
from referrals.services import consent_withdraw
from tests.factories import (
    Cast,
    ChallengeFactory,
    ConsentFactory,
    OrganizationFactory,
    ProfessionalFactory,
    TargetGroupFactory,
    WorkerFactory,
    draft_referral,
    referral_in_state,
)

pytestmark = pytest.mark.django_db


# --- the consent gate ------------------------------------------------------------------------


def test_submit_without_consent_is_refused():
    referral, cast = referral_in_state(State.DRAFT)
    Referral.objects.filter(pk=referral.pk).update(consent=None)
    referral.refresh_from_db()
    with pytest.raises(TransitionRefused, match="consent does not cover sharing"):
        services.referral_submit(referral=referral, actor=cast.referrer)
    assert Referral.objects.get(pk=referral.pk).state == State.DRAFT


def test_submit_with_expired_consent_is_refused():
    pro = ProfessionalFactory()
    given = timezone.now() - datetime.timedelta(days=400)
    consent = ConsentFactory(
        recorded_by=pro, given_at=given, valid_until=given + datetime.timedelta(days=365)
    )
    referral = draft_referral(referrer=pro, consent=consent)
    with pytest.raises(TransitionRefused, match="consent does not cover sharing"):
        services.referral_submit(referral=referral, actor=pro)
    assert not ReferralEvent.objects.filter(referral=referral).exists()


def test_submit_with_withdrawn_consent_is_refused():
    pro = ProfessionalFactory()
    consent = ConsentFactory(recorded_by=pro)
    referral = draft_referral(referrer=pro, consent=consent)
    consent_withdraw(consent=consent, actor=pro, reason="Perhe perui")
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    with pytest.raises(TransitionRefused):
        services.referral_submit(referral=referral, actor=pro)


def test_submit_with_consent_of_the_wrong_scope_is_refused():
    pro = ProfessionalFactory()
    consent = ConsentFactory(recorded_by=pro, scope_share_referral=False, scope_contact_phone=True)
    referral = draft_referral(referrer=pro, consent=consent)
    with pytest.raises(TransitionRefused, match="consent does not cover sharing"):
        services.referral_submit(referral=referral, actor=pro)


def test_assign_is_refused_when_the_consent_expired_after_submit():
    referral, cast = referral_in_state(State.SUBMITTED)
    consent = referral.consent
    type(consent).objects.filter(pk=consent.pk).update(
        valid_until=timezone.now() - datetime.timedelta(seconds=1),
        given_at=timezone.now() - datetime.timedelta(days=2),
    )
    with pytest.raises(TransitionRefused, match="consent"):
        services.referral_assign(
            referral=referral, actor=cast.coordinator, organization=cast.organization
        )


def test_submit_of_an_incomplete_draft_names_what_is_missing():
    cast = Cast()
    referral = draft_referral(referrer=cast.referrer, description="")
    with pytest.raises(TransitionRefused, match="description"):
        services.referral_submit(referral=referral, actor=cast.referrer)


# --- audit -----------------------------------------------------------------------------------


def test_each_transition_writes_one_audit_row_with_actor_states_and_reason():
    referral, cast = referral_in_state(State.DECLINED)
    events = list(ReferralEvent.objects.filter(referral=referral).order_by("pk"))
    assert [(e.transition, e.from_state, e.to_state) for e in events] == [
        ("submit", "draft", "submitted"),
        ("assign", "submitted", "assigned"),
        ("decline", "assigned", "declined"),
    ]
    assert [e.actor for e in events] == [cast.referrer, cast.coordinator, cast.handler]
    assert events[2].reason == "Ei kapasiteettia"
    assert events[2].organization == cast.organization
    assert all(e.created_at <= timezone.now() for e in events)


def test_decline_without_a_reason_changes_nothing():
    referral, cast = referral_in_state(State.ASSIGNED)
    with pytest.raises(ValidationError) as excinfo:
        services.referral_decline(referral=referral, actor=cast.handler, reason="  ")
    assert "reason" in excinfo.value.message_dict
    assert Referral.objects.get(pk=referral.pk).state == State.ASSIGNED


# --- object permissions ----------------------------------------------------------------------


def test_only_the_referrer_sees_a_draft():
    referral, cast = referral_in_state(State.DRAFT)
    assert selectors.get_referral_for_user(cast.referrer, referral.pk) == referral
    for outsider in (ProfessionalFactory(), cast.handler, cast.coordinator):
        with pytest.raises(Http404):
            selectors.get_referral_for_user(outsider, referral.pk)


def test_assign_gives_the_organization_access_and_decline_takes_it_away():
    referral, cast = referral_in_state(State.SUBMITTED)
    colleague = WorkerFactory(organization=cast.organization)
    services.referral_assign(
        referral=referral, actor=cast.coordinator, organization=cast.organization
    )
    assert selectors.get_referral_for_user(colleague, referral.pk)
    services.referral_decline(referral=referral, actor=colleague, reason="Ei aikoja")
    with pytest.raises(Http404):
        selectors.get_referral_for_user(colleague, referral.pk)
    other = OrganizationFactory()
    other_worker = WorkerFactory(organization=other)
    services.referral_assign(referral=referral, actor=cast.coordinator, organization=other)
    assert selectors.get_referral_for_user(other_worker, referral.pk)
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, actor=colleague)


def test_a_worker_who_joins_later_gets_access_through_the_organization_group():
    referral, cast = referral_in_state(State.ASSIGNED)
    newcomer = WorkerFactory(organization=cast.organization)
    assert services.referral_accept(referral=referral, actor=newcomer).handler == newcomer


def test_a_worker_who_moves_to_another_organization_loses_access():
    referral, cast = referral_in_state(State.ASSIGNED)
    cast.handler.organization = OrganizationFactory()
    cast.handler.save()
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, actor=cast.handler)


def test_lists_by_foreign_key_agree_with_the_object_permissions():
    """Inboxes filter on the organization column; guardian must grant exactly those rows."""
    from guardian.shortcuts import get_objects_for_user

    cast = Cast()
    made = [referral_in_state(s, cast)[0] for s in (State.ASSIGNED, State.ACCEPTED, State.DECLINED)]
    by_fk = set(Referral.objects.filter(organization=cast.organization))
    by_perm = set(
        get_objects_for_user(
            cast.handler, "referrals.view_referral", Referral, accept_global_perms=False
        )
    )
    assert by_fk == by_perm == set(made[:2])


# --- editing and notifications ---------------------------------------------------------------


def test_a_returned_referral_can_be_edited_and_resubmitted():
    referral, cast = referral_in_state(State.RETURNED)
    services.referral_update(
        referral=referral,
        actor=cast.referrer,
        description="Perhe toivoo kotikäyntiä.",
        challenges=[ChallengeFactory()],
        children_birth_years=[2018, 2021],
    )
    referral = services.referral_submit(referral=referral, actor=cast.referrer)
    assert referral.state == State.SUBMITTED
    assert list(referral.children.values_list("birth_year", flat=True)) == [2018, 2021]


def test_a_submitted_referral_cannot_be_edited():
    referral, cast = referral_in_state(State.SUBMITTED)
    with pytest.raises(ValidationError):
        services.referral_update(referral=referral, actor=cast.referrer, description="Muutos")


def test_an_invalid_identity_code_is_refused_and_nothing_is_saved():
    cast = Cast()
    with pytest.raises(ValidationError) as excinfo:
        draft_referral(referrer=cast.referrer, identity_code="131052-308U")
    assert "identity_code" in excinfo.value.message_dict
    assert not Referral.objects.exists()


def test_a_valid_identity_code_is_stored_normalized():
    cast = Cast()
    referral = draft_referral(referrer=cast.referrer, identity_code=" 131052-308t ")
    assert referral.identity_code == "131052-308T"


def test_only_professionals_make_referrals():
    worker = WorkerFactory()
    with pytest.raises(PermissionDenied):
        services.referral_create(
            actor=worker,
            consent=ConsentFactory(recorded_by=worker),
            target_group=TargetGroupFactory(),
        )


def test_notifications_are_sent_after_commit_without_personal_data(
    django_capture_on_commit_callbacks,
):
    referral, cast = referral_in_state(State.SUBMITTED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.referral_assign(
            referral=referral, actor=cast.coordinator, organization=cast.organization
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.handler.email, cast.referrer.email])
    for message in mail.outbox:
        assert f"#{referral.pk}" in message.subject
        assert referral.contact_name not in message.body + message.subject
        assert referral.contact_phone not in message.body


def test_a_refused_transition_sends_nothing(django_capture_on_commit_callbacks):
    referral, cast = referral_in_state(State.DRAFT)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        services.referral_accept(referral=referral, actor=cast.handler)
    assert callbacks == []
