"""The transactional outbox: every message the system sends starts as a row here."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One message (notification, email, SMS, family link) to deliver, written in the same
    transaction as the change that causes it, so that a broker outage delays it and a rolled
    back change sends nothing. Holds a task name and ids only, never personal data."""

    task = models.CharField(_("task"), max_length=120)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The sweep walks only the undelivered few, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
