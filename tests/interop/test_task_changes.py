"""The owning organization moves a referral by changing its Task's status: the same action,
permission checks, audit rows and notifications as its pages."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from interop.codesystems import DECLINE_REASON, NEXT_STEP, SERVICE_GIVEN, TASK_OUTPUT
from perhelinja.models import OutboxMessage
from referrals.models import FHIR_TASK_STATUS, Notification, Referral, ReferralEvent, State
from tests.factories import Cast, api_client_for, draft_referral, referral_in_state

from .helpers import FHIR_JSON, parsed

pytestmark = pytest.mark.django_db

OUTCOME = {
    "service_given": "counselling",
    "sessions": "2",
    "next_step": "no_further_need",
    "summary_for_referrer": "Arki sujuu.",
}


def _output(kind: str, **value) -> dict:
    return {"type": {"coding": [{"system": TASK_OUTPUT.url, "code": kind}]}, **value}


COMPLETED_TASK = {
    "status": "completed",
    "output": [
        _output(
            "service-given",
            valueCodeableConcept={"coding": [{"system": SERVICE_GIVEN.url, "code": "counselling"}]},
        ),
        _output("sessions", valueInteger=2),
        _output(
            "next-step",
            valueCodeableConcept={"coding": [{"system": NEXT_STEP.url, "code": "no_further_need"}]},
        ),
        _output("summary", valueString="Arki sujuu."),
    ],
}


def patch(client, pk, body, content_type=FHIR_JSON):
    data = json.dumps(body)
    return client.generic("PATCH", f"/fhir/Task/{pk}", data, content_type=content_type)


NOTIFY = "referrals.tasks.notify_referral_event"
FEEDBACK = "evaluation.tasks.invite_family_feedback"


def _trail(referral: Referral, cast: Cast) -> dict:
    """What a referral's handling left behind, with the people named by their part."""
    part = {cast.referrer.pk: "referrer", cast.handler.pk: "handler", None: "system"}
    part.update({cast.coordinator.pk: "coordinator"})
    events = [
        (e.transition, e.from_state, e.to_state, part[e.actor_id], e.reason, e.reason_code)
        for e in ReferralEvent.objects.filter(referral=referral).order_by("pk")
    ]
    notifications = sorted(
        (part.get(n.user_id, "other"), n.kind, n.event.transition)
        for n in Notification.objects.filter(referral=referral).select_related("event")
    )
    event_ids = set(referral.events.values_list("pk", flat=True))
    messages = sorted(
        m.task
        for m in OutboxMessage.objects.filter(task__in=[NOTIFY, FEEDBACK])
        if m.args[0] in (event_ids if m.task == NOTIFY else {referral.pk})
    )
    return {"events": events, "notifications": notifications, "messages": messages}


def test_accept_and_complete_through_patch_leave_the_same_trail_as_the_pages(
    client, django_capture_on_commit_callbacks
):
    paged, paged_cast = referral_in_state(State.ASSIGNED)
    fhir, fhir_cast = referral_in_state(State.ASSIGNED)

    client.force_login(paged_cast.handler)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("referrals:action", args=[paged.pk, "accept"]), {})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("appointments:outcome", args=[paged.pk]), OUTCOME)

    worker = api_client_for(fhir_cast.handler)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = patch(worker, fhir.pk, {"status": "accepted"})
    assert parsed(accepted).status == "accepted"
    with django_capture_on_commit_callbacks(execute=True):
        completed = patch(worker, fhir.pk, COMPLETED_TASK)
    task = parsed(completed)
    assert task.status == "completed"
    assert {o.type.coding[0].code for o in task.output} == {
        "service-given",
        "sessions",
        "next-step",
        "summary",
    }

    assert Referral.objects.get(pk=paged.pk).state == State.COMPLETED
    assert Referral.objects.get(pk=fhir.pk).state == State.COMPLETED
    paged_trail, fhir_trail = _trail(paged, paged_cast), _trail(fhir, fhir_cast)
    assert fhir_trail == paged_trail
    assert [e[0] for e in fhir_trail["events"]][-2:] == ["accept", "complete"]
    assert ("referrer", "event", "complete") in fhir_trail["notifications"]
    assert paged.outcome.sessions == fhir.outcome.sessions == 2


def test_json_patch_and_put_move_the_task_too():
    referral, cast = referral_in_state(State.ASSIGNED)
    worker = api_client_for(cast.handler)
    operations = [{"op": "replace", "path": "/status", "value": "accepted"}]
    answer = patch(worker, referral.pk, operations, content_type="application/json-patch+json")
    assert parsed(answer).status == "accepted"

    task = worker.get(f"/fhir/Task/{referral.pk}").json()
    task["status"] = "completed"
    answer = worker.put(f"/fhir/Task/{referral.pk}", task, format="json")
    assert parsed(answer).status == "completed"
    assert Referral.objects.get(pk=referral.pk).state == State.COMPLETED
    # completed without an outcome report: the registry's own `complete`
    assert not hasattr(Referral.objects.get(pk=referral.pk), "outcome")


def test_reject_with_a_reason_and_on_hold_with_a_question():
    declined, cast = referral_in_state(State.ASSIGNED)
    worker = api_client_for(cast.handler)
    reason = {
        "coding": [{"system": DECLINE_REASON.url, "code": "language"}],
        "text": "Ei ruotsiksi nyt",
    }
    answer = patch(worker, declined.pk, {"status": "rejected", "statusReason": reason})
    assert answer.status_code == 200
    # the organization let go: the answer leaves the family out, and its Task is gone for it
    assert parsed(answer).status == "rejected"
    assert parsed(answer).for_fhir is None
    assert worker.get(f"/fhir/Task/{declined.pk}").status_code == 404
    event = ReferralEvent.objects.filter(referral=declined).last()
    assert (event.transition, event.reason_code, event.reason) == (
        "decline",
        "language",
        "Ei ruotsiksi nyt",
    )
    referrer_task = parsed(api_client_for(cast.referrer).get(f"/fhir/Task/{declined.pk}"))
    assert referrer_task.statusReason.coding[0].code == "language"

    returned, cast = referral_in_state(State.ASSIGNED)
    question = {"status": "on-hold", "statusReason": {"text": "Mikä on perheen toive?"}}
    assert patch(api_client_for(cast.handler), returned.pk, question).status_code == 200
    assert Referral.objects.get(pk=returned.pk).state == State.RETURNED


def test_a_wrong_transition_is_a_409_operation_outcome_and_changes_nothing():
    referral, cast = referral_in_state(State.ASSIGNED)
    worker = api_client_for(cast.handler)
    for body in ({"status": "completed"}, {"status": "in-progress"}, {"status": "cancelled"}):
        answer = patch(worker, referral.pk, body)
        assert answer.status_code == 409, body
        outcome = parsed(answer)
        assert outcome.get_resource_type() == "OperationOutcome"
        assert outcome.issue[0].code == "conflict" and outcome.issue[0].diagnostics
    assert Referral.objects.get(pk=referral.pk).state == State.ASSIGNED
    assert patch(worker, referral.pk, {"status": "received"}).status_code == 200  # no change


def test_bad_bodies_are_400_and_a_referrer_may_not_act_for_the_organization():
    referral, cast = referral_in_state(State.ASSIGNED)
    worker = api_client_for(cast.handler)
    bad = [
        {"status": "bogus"},
        {"status": "accepted", "priority": "urgent"},
        [{"op": "remove", "path": "/owner"}],
        {"status": "rejected"},  # "other" wants a text
        {"status": "accepted", "statusReason": "x"},
        "accepted",
    ]
    for body in bad:
        answer = patch(worker, referral.pk, body)
        assert answer.status_code == 400, (body, answer.content)
        assert parsed(answer).issue[0].code == "invalid"
    not_a_task = worker.put(f"/fhir/Task/{referral.pk}", {"resourceType": "Task"}, format="json")
    assert not_a_task.status_code == 400
    referrer = api_client_for(cast.referrer)
    assert patch(referrer, referral.pk, {"status": "accepted"}).status_code == 403
    assert Referral.objects.get(pk=referral.pk).state == State.ASSIGNED


def test_task_status_follows_the_referral_through_a_full_journey():
    cast = Cast()
    referral = draft_referral(
        referrer=cast.referrer, target_group=cast.target_group, challenges=[cast.challenge]
    )
    referrer = api_client_for(cast.referrer)
    seen = [parsed(referrer.get(f"/fhir/Task/{referral.pk}")).status]
    journey = ["submit", "return", "submit", "assign", "decline", "assign", "accept"]
    journey += ["schedule", "start_service", "complete"]
    for step in journey:
        referral = cast.run(referral, step)
        task = parsed(referrer.get(f"/fhir/Task/{referral.pk}"))
        assert task.businessStatus.coding[0].code == referral.state
        seen.append(task.status)
    assert seen == [
        "draft",
        "requested",
        "on-hold",
        "requested",
        "received",
        "rejected",
        "received",
        "accepted",
        "accepted",
        "in-progress",
        "completed",
    ]
    assert seen == [FHIR_TASK_STATUS[State.DRAFT]] + [
        FHIR_TASK_STATUS[State(e.to_state)] for e in referral.events.order_by("pk")
    ]


def _documented() -> list:
    """The JSON examples of docs/interop.md, in their order."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "interop.md").read_text()
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def test_the_documented_examples_are_valid_and_the_documented_patch_completes():
    service_request, task, completion = _documented()
    assert ServiceRequest.model_validate(service_request).status == "active"
    assert Task.model_validate(task).focus.reference == "ServiceRequest/1"
    referral, cast = referral_in_state(State.ACCEPTED)
    answer = patch(api_client_for(cast.handler), referral.pk, completion)
    assert parsed(answer).status == "completed"
    assert Referral.objects.get(pk=referral.pk).outcome.sessions == 3
