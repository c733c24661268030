"""The transactional outbox (pretix and healthchecks send the same way: write, then deliver).

`enqueue(task, *ids)` writes an `OutboxMessage` in the caller's transaction and publishes it to
Celery after the commit. Publishing may fail (the broker is down): that is logged and the
request goes on, because the row is safe; `republish_unsent` (a beat task) publishes it again.
`deliver_outbox_message` claims the row with a conditional update inside the transaction that
does the work, so a message is delivered once however often it is published, and a worker
killed mid-delivery rolls its claim back for the next one.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue(task, *args: int | str) -> OutboxMessage:
    """Write a message for `task(*args)` (ids and codes only) and publish it after commit.

    `task` is a Celery task or its dotted path (its default name): the path lets a module name
    a task of a module that imports it."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args))
    transaction.on_commit(lambda: publish(message.pk))
    return message


def publish(pk: int) -> bool:
    """Hand one message to Celery; False (and a log line) when the broker cannot take it."""
    try:
        deliver_outbox_message.apply_async((pk,))
    except Exception as exc:  # the broker or the eager delivery failed: the sweep retries
        logger.warning("outbox message %s not published: %s", pk, type(exc).__name__)
        return False
    return True


@shared_task(acks_late=True)
def deliver_outbox_message(pk: int) -> bool:
    """Run the message's task once: claimed, done and marked sent in one transaction."""
    try:
        with transaction.atomic():
            claimed = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if not claimed:
                return False  # delivered already (or a concurrent delivery holds it)
            message = OutboxMessage.objects.get(pk=pk)
            import_string(message.task).run(*message.args)
    except Exception as exc:
        OutboxMessage.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=type(exc).__name__[:200]
        )
        logger.warning("outbox message %s failed: %s", pk, type(exc).__name__)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return False  # in-process: the request must not fail; the sweep tries again
        raise
    return True


@shared_task
def republish_unsent() -> int:
    """Publish again what was not delivered within OUTBOX_REPUBLISH_SECONDS; a message that
    failed OUTBOX_MAX_ATTEMPTS times stays for an operator (the admin lists it)."""
    before = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_REPUBLISH_SECONDS)
    waiting = OutboxMessage.objects.filter(
        sent_at__isnull=True, created_at__lte=before, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS
    )
    pks = list(waiting.order_by("created_at").values_list("pk", flat=True)[:1000])
    return sum(publish(pk) for pk in pks)
