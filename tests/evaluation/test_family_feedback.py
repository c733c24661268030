"""The family's feedback: one signed, expiring link per completed referral, sent only under a
consent that covers contacting the family; one answer per link; an answer that leads back to
no one and survives erasure."""

import datetime
import re
import threading
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consent.models import Consent
from evaluation import services
from evaluation.models import FeedbackAnswer, FeedbackInvitation, first_of_month
from evaluation.tasks import invite_family_feedback, send_feedback_invitation
from perhelinja import sms
from perhelinja.fsm import TransitionRefused
from referrals.models import Referral, State
from referrals.retention import erase_referral
from tests.databases import postgresql_only
from tests.evaluation.helpers import completed_referral
from tests.factories import Cast, ConsentFactory, draft_referral

pytestmark = pytest.mark.django_db

ANSWER = {"useful": 5, "easy_to_reach": 4, "would_recommend": 5}
LINK = re.compile(r"https?://\S+/feedback/(\S+)/")


def _token_from(body: str) -> str:
    return LINK.search(body).group(1)


def _complete_and_send(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        referral, cast = completed_referral(**kwargs)
    return referral, cast


def test_a_completed_referral_produces_exactly_one_feedback_link(
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    referral, _cast = _complete_and_send(django_capture_on_commit_callbacks)
    invitation = FeedbackInvitation.objects.get()
    assert invitation.referral == referral and invitation.sent_at is not None
    assert not invitation.used
    to_family = [m for m in mail.outbox if m.to == ["perhe@example.invalid"]]
    assert len(to_family) == 1
    token = _token_from(to_family[0].body)
    assert services.get_invitation_for_token(token) == (invitation, False)

    # Running the hook, the task or the send again makes no second link and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.feedback_invitation_create(referral_id=referral.pk) == invitation
        assert invite_family_feedback(referral.pk) == invitation.pk
    assert send_feedback_invitation(invitation.pk) == 0
    assert FeedbackInvitation.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == ["perhe@example.invalid"]]) == 1


def test_the_database_allows_one_invitation_per_referral(django_capture_on_commit_callbacks):
    from django.db import IntegrityError, transaction

    referral, _cast = _complete_and_send(django_capture_on_commit_callbacks)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackInvitation.objects.create(referral=referral, expires_at=timezone.now())


def test_no_link_when_the_consent_does_not_cover_contacting_the_family(
    django_capture_on_commit_callbacks,
):
    # The consent covers phone calls only: a call cannot carry a link.
    _complete_and_send(django_capture_on_commit_callbacks, email=False, sms=False)
    # An address is known, but the family did not agree to be emailed.
    _complete_and_send(django_capture_on_commit_callbacks, email=False)
    assert FeedbackInvitation.objects.count() == 0


def test_an_open_referral_gets_no_link(django_capture_on_commit_callbacks):
    cast = Cast()
    consent = ConsentFactory(recorded_by=cast.referrer, scope_contact_email=True)
    referral = draft_referral(
        referrer=cast.referrer,
        consent=consent,
        target_group=cast.target_group,
        challenges=[cast.challenge],
        contact_email="perhe@example.invalid",
    )
    for step in ("submit", "assign", "accept"):
        referral = cast.run(referral, step)
    assert services.feedback_invitation_create(referral_id=referral.pk) is None


def test_the_link_goes_by_text_message_in_the_familys_language(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    sms.outbox.clear()
    mail.outbox.clear()
    referral, _cast = _complete_and_send(
        django_capture_on_commit_callbacks, email=True, sms=True, language="sv"
    )
    invitation = FeedbackInvitation.objects.get()
    assert [m.to for m in sms.outbox] == [referral.contact_phone]
    token = _token_from(sms.outbox[0].body)
    assert services.get_invitation_for_token(token)[0] == invitation
    [email] = [m for m in mail.outbox if m.to == [referral.contact_email]]
    # The last day of the link as Finland-Swedes write it (5.1.2027): the message is in Swedish.
    until = timezone.localtime(invitation.expires_at).date()
    assert f"fram till {until.day}.{until.month}.{until.year}." in email.body
    assert until.isoformat() not in email.body
    page = client.get(reverse("evaluation:family_feedback", args=[token])).content.decode()
    assert '<html lang="sv">' in page


def test_no_message_once_the_consent_is_withdrawn(settings):
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    sms.outbox.clear()
    mail.outbox.clear()
    referral, _cast = completed_referral(sms=True)  # callbacks not run: nothing sent yet
    invitation = services.feedback_invitation_create(referral_id=referral.pk)
    Consent.objects.filter(pk=referral.consent_id).update(withdrawn_at=timezone.now())
    assert send_feedback_invitation(invitation.pk) == 0
    assert sms.outbox == [] and [m for m in mail.outbox if m.to == [referral.contact_email]] == []


def in_finnish(english: str) -> str:
    """The family's page speaks the family's language (Finnish here), whatever the test's."""
    from django.utils import translation

    with translation.override("fi"):
        return translation.gettext(english)


def _invitation_and_token(django_capture_on_commit_callbacks, **kwargs):
    referral, cast = _complete_and_send(django_capture_on_commit_callbacks, **kwargs)
    invitation = FeedbackInvitation.objects.get(referral=referral)
    return invitation, services.feedback_token(invitation), referral, cast


def test_opening_the_link_changes_nothing(client, django_capture_on_commit_callbacks):
    invitation, token, _referral, _cast = _invitation_and_token(django_capture_on_commit_callbacks)
    url = reverse("evaluation:family_feedback", args=[token])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="fi">' in body
    assert 'type="radio" name="useful"' in body and "<legend" in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    invitation.refresh_from_db()
    assert not invitation.used
    assert FeedbackAnswer.objects.count() == 0


def test_a_second_submission_through_the_link_is_refused(
    client, django_capture_on_commit_callbacks
):
    invitation, token, _referral, _cast = _invitation_and_token(django_capture_on_commit_callbacks)
    url = reverse("evaluation:family_feedback", args=[token])
    response = client.post(url, {**ANSWER, "comment": "Kiitos avusta!"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.used
    assert (
        in_finnish(
            "Thank you! Your answer has been received. "
            "It is stored without your name or any link to you."
        )
        in client.get(url).content.decode()
    )

    response = client.post(url, {"useful": 1, "easy_to_reach": 1, "would_recommend": 1})
    assert response.status_code == 409
    assert (
        in_finnish("An answer has already been given through this link. Thank you!")
        in response.content.decode()
    )
    answer = FeedbackAnswer.objects.get()
    assert (answer.useful, answer.easy_to_reach, answer.would_recommend) == (5, 4, 5)
    assert answer.comment == "Kiitos avusta!"
    with pytest.raises(TransitionRefused):
        services.feedback_answer_submit(invitation=invitation, **ANSWER)
    assert FeedbackAnswer.objects.count() == 1


def test_the_answer_keeps_only_area_organization_service_and_month(
    django_capture_on_commit_callbacks,
):
    invitation, _token, referral, cast = _invitation_and_token(django_capture_on_commit_callbacks)
    services.feedback_answer_submit(invitation=invitation, **ANSWER, comment="  Hyvä  ")
    answer = FeedbackAnswer.objects.get()
    referral.refresh_from_db()
    assert answer.municipality_id == referral.municipality_id
    assert answer.organization == cast.organization
    assert answer.month == first_of_month(referral.closed_at) and answer.month.day == 1
    assert answer.comment == "Hyvä"


def test_the_stored_answer_has_no_column_leading_back_to_family_referral_or_link():
    """Inspects the model and the table: nothing but the statistics' dimensions and answers."""
    from directory.models import Municipality, Organization

    expected = {
        "id",
        "municipality",
        "organization",
        "service_given",
        "month",
        "useful",
        "easy_to_reach",
        "would_recommend",
        "comment",
    }
    fields = FeedbackAnswer._meta.get_fields(include_hidden=True)
    assert {f.name for f in fields} == expected  # no reverse relation points here either
    assert {f.related_model for f in fields if f.is_relation} == {Municipality, Organization}

    table = FeedbackAnswer._meta.db_table
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
        relations = connection.introspection.get_relations(cursor, table)
        pointing_here = [
            other
            for other in connection.introspection.table_names(cursor)
            if other != table
            and any(
                target_table == table
                for _column, target_table in connection.introspection.get_relations(
                    cursor, other
                ).values()
            )
        ]
    assert columns == {
        "id",
        "municipality_id",
        "organization_id",
        "service_given",
        "month",
        "useful",
        "easy_to_reach",
        "would_recommend",
        "comment",
    }
    assert {target for _column, target in relations.values()} == {
        Municipality._meta.db_table,
        Organization._meta.db_table,
    }
    assert pointing_here == []
    # No timestamp either: the time of answering could be matched with the link's use.
    assert not {c for c in columns if c.endswith("_at")}


def test_the_answer_survives_erasure_and_the_link_goes(
    client, settings, django_capture_on_commit_callbacks
):
    from tests.referrals.test_retention import dump_database

    email = "poistettava.perhe@example.invalid"
    invitation, token, referral, _cast = _invitation_and_token(
        django_capture_on_commit_callbacks, contact_email=email
    )
    services.feedback_answer_submit(invitation=invitation, **ANSWER)
    Referral.objects.filter(pk=referral.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSURE)
    )
    assert erase_referral(referral.pk)
    assert not FeedbackInvitation.objects.exists()
    answer = FeedbackAnswer.objects.get()
    assert (answer.useful, answer.easy_to_reach, answer.would_recommend) == (5, 4, 5)
    assert email not in dump_database()
    assert client.get(reverse("evaluation:family_feedback", args=[token])).status_code == 404


def test_an_expired_or_forged_link_stores_nothing(client, django_capture_on_commit_callbacks):
    invitation, token, _referral, _cast = _invitation_and_token(django_capture_on_commit_callbacks)
    url = reverse("evaluation:family_feedback", args=[token])
    assert client.get(url + "x/").status_code == 404
    assert client.get(url.replace(token, token[:-2] + "zz")).status_code == 404

    # Past the stored end of the link.
    FeedbackInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert (
        in_finnish("This link has expired. Thank you all the same.")
        in client.get(url).content.decode()
    )
    assert client.post(url, ANSWER).status_code == 410
    with pytest.raises(TransitionRefused):
        services.feedback_answer_submit(invitation=invitation, **ANSWER)

    # A token signed longer ago than FEEDBACK_LINK_VALID_DAYS expires by its signature too.
    FeedbackInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    days = django_settings.FEEDBACK_LINK_VALID_DAYS
    with mock.patch("django.core.signing.time.time", return_value=time.time() - (days + 1) * 86400):
        old_token = services.feedback_token(invitation)
    assert services.get_invitation_for_token(old_token) == (invitation, True)
    old_url = reverse("evaluation:family_feedback", args=[old_token])
    assert client.post(old_url, ANSWER).status_code == 410
    assert FeedbackAnswer.objects.count() == 0


def test_the_answers_are_checked(client, django_capture_on_commit_callbacks):
    _invitation, token, _referral, _cast = _invitation_and_token(django_capture_on_commit_callbacks)
    url = reverse("evaluation:family_feedback", args=[token])
    response = client.post(url, {"useful": 6, "easy_to_reach": 3})
    assert response.status_code == 200
    assert FeedbackAnswer.objects.count() == 0
    assert 'aria-invalid="true"' in response.content.decode()


def test_completing_through_the_outcome_report_asks_for_feedback_and_keeps_the_service(
    django_capture_on_commit_callbacks,
):
    from appointments.services import outcome_report

    cast = Cast()
    consent = ConsentFactory(recorded_by=cast.referrer, scope_contact_email=True)
    referral = draft_referral(
        referrer=cast.referrer,
        consent=consent,
        target_group=cast.target_group,
        challenges=[cast.challenge],
        contact_email="perhe@example.invalid",
    )
    for step in ("submit", "assign", "accept"):
        referral = cast.run(referral, step)
    with django_capture_on_commit_callbacks(execute=True):
        outcome_report(
            referral=referral,
            actor=cast.handler,
            service_given="advice",
            sessions=2,
            next_step="no_further_need",
        )
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    invitation = FeedbackInvitation.objects.get(referral=referral)
    services.feedback_answer_submit(invitation=invitation, **ANSWER)
    assert FeedbackAnswer.objects.get().service_given == "advice"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_submissions_racing_through_one_link_store_one_answer():
    referral, _cast = completed_referral()
    invitation = services.feedback_invitation_create(referral_id=referral.pk)
    barrier = threading.Barrier(4)
    results = []

    def submit():
        try:
            barrier.wait(timeout=10)
            fresh = FeedbackInvitation.objects.get(pk=invitation.pk)
            services.feedback_answer_submit(invitation=fresh, **ANSWER)
            results.append("stored")
        except TransitionRefused as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results.count("stored") == 1, results
    assert all("already been given" in r for r in results if r != "stored")
    assert FeedbackAnswer.objects.count() == 1
