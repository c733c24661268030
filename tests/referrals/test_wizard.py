"""The wizard has no dead ends: what blocks sending is said at the step that can fix it, every
invalid form opens with a summary of what to correct, and optional fields say so."""

import re

import pytest
from django.urls import reverse

from consent.models import Consent
from referrals import services
from referrals.models import AccessRecord, Referral, ReferralEvent, State
from tests.factories import Cast, ConsentFactory, ProfessionalFactory, draft_referral

pytestmark = pytest.mark.django_db

CONSENT = {"given_by_role": "guardian", "given_by_name": "Maija Meikäläinen", "method": "verbal"}


def test_step_one_refuses_a_consent_without_sharing_and_makes_no_draft(client):
    cast = Cast()
    client.force_login(cast.referrer)
    response = client.post(reverse("referrals:new"), {**CONSENT, "scopes": ["contact_phone"]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The referral can be made only if the family agreed to sharing it" in body
    assert not Referral.objects.filter(referrer=cast.referrer).exists()
    assert not Consent.objects.exists()
    # Corrected on the same page, the wizard goes on.
    response = client.post(
        reverse("referrals:new"), {**CONSENT, "scopes": ["contact_phone", "share_referral"]}
    )
    referral = Referral.objects.get(referrer=cast.referrer)
    assert response.url == reverse("referrals:family", args=[referral.pk])


def _draft_without_sharing(cast):
    consent = ConsentFactory(recorded_by=cast.referrer, scope_share_referral=False)
    return draft_referral(
        referrer=cast.referrer,
        consent=consent,
        target_group=cast.target_group,
        challenges=[cast.challenge],
    )


def test_a_draft_without_sharing_is_corrected_at_step_one_and_then_sent(client):
    cast = Cast()
    referral = _draft_without_sharing(cast)
    old = referral.consent
    client.force_login(cast.referrer)
    review = client.get(reverse("referrals:review", args=[referral.pk])).content.decode()
    consent_url = reverse("referrals:consent", args=[referral.pk])
    assert "consent does not cover sharing" in review
    assert f'href="{consent_url}"' in review  # the way out
    page = client.get(consent_url)
    assert page.status_code == 200
    assert AccessRecord.objects.filter(referral=referral, user=cast.referrer).exists()
    # The same refusal as for a new referral, and nothing changes.
    response = client.post(consent_url, {**CONSENT, "scopes": ["contact_phone"]})
    assert "The referral can be made only if the family agreed to sharing it" in (
        response.content.decode()
    )
    assert Referral.objects.get(pk=referral.pk).consent_id == old.pk
    response = client.post(consent_url, {**CONSENT, "scopes": ["share_referral", "contact_phone"]})
    assert response.url == reverse("referrals:review", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.consent_id != old.pk and referral.consent.scope_share_referral
    assert referral.consent.recorded_by == cast.referrer
    event = ReferralEvent.objects.get(referral=referral, transition="replace_consent")
    assert event.actor == cast.referrer and event.to_state == State.DRAFT
    old.refresh_from_db()
    assert old.erased_at is not None and old.given_by_name == ""  # no longer kept for anything
    client.post(reverse("referrals:review", args=[referral.pk]))
    assert Referral.objects.get(pk=referral.pk).state == State.SUBMITTED


def test_only_the_referrer_corrects_a_drafts_consent_and_only_while_it_is_a_draft(client):
    cast = Cast()
    referral = _draft_without_sharing(cast)
    other = ProfessionalFactory()
    client.force_login(other)
    url = reverse("referrals:consent", args=[referral.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**CONSENT, "scopes": ["share_referral"]}).status_code == 404
    foreign = ConsentFactory(recorded_by=other)
    with pytest.raises(services.PermissionDenied):
        services.referral_replace_consent(referral=referral, actor=other, consent=foreign)
    with pytest.raises(services.PermissionDenied):  # a consent someone else recorded
        services.referral_replace_consent(referral=referral, actor=cast.referrer, consent=foreign)
    without = ConsentFactory(recorded_by=cast.referrer, scope_share_referral=False)
    with pytest.raises(services.ValidationError):
        services.referral_replace_consent(referral=referral, actor=cast.referrer, consent=without)
    fixed = ConsentFactory(recorded_by=cast.referrer)
    services.referral_replace_consent(referral=referral, actor=cast.referrer, consent=fixed)
    services.referral_submit(referral=Referral.objects.get(pk=referral.pk), actor=cast.referrer)
    client.force_login(cast.referrer)
    assert client.get(url).status_code == 404
    again = ConsentFactory(recorded_by=cast.referrer)
    with pytest.raises(services.ValidationError):
        services.referral_replace_consent(
            referral=Referral.objects.get(pk=referral.pk), actor=cast.referrer, consent=again
        )


def _summary(body: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_an_invalid_step_opens_with_a_summary_linking_every_field(client):
    cast = Cast()
    referral = draft_referral(
        referrer=cast.referrer, target_group=cast.target_group, challenges=[cast.challenge]
    )
    client.force_login(cast.referrer)
    response = client.post(
        reverse("referrals:family", args=[referral.pk]),
        {
            "contact_name": "",
            "identity_code": "131052-308U",
            "children_birth_years": "kaksi",
            "language": "fi",
        },
    )
    summary = _summary(response.content.decode())
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "There is a problem" in summary
    for name in ("contact_name", "contact_phone", "children_birth_years", "description"):
        assert f'href="#id_{name}"' in summary
    # The identity code is checked with the rest, on the first submit.
    assert 'href="#id_identity_code"' in summary
    assert "check character of the identity code is wrong" in summary


def test_a_valid_page_has_no_summary_and_optional_fields_say_so(client):
    cast = Cast()
    referral = draft_referral(
        referrer=cast.referrer, target_group=cast.target_group, challenges=[cast.challenge]
    )
    client.force_login(cast.referrer)
    body = client.get(reverse("referrals:family", args=[referral.pk])).content.decode()
    assert 'id="error-summary"' not in body
    label = re.search(r'<label[^>]*for="id_contact_email"[^>]*>(.*?)</label>', body, re.S)
    assert "(optional)" in label.group(1)
    label = re.search(r'<label[^>]*for="id_contact_name"[^>]*>(.*?)</label>', body, re.S)
    assert "(optional)" not in label.group(1)
    step_one = client.get(reverse("referrals:new")).content.decode()
    assert re.search(
        r'for="id_valid_until"[^>]*>[^<]*<span class="optional">\(optional\)', step_one
    )
