"""The coordinators' period reports and the stored statistics behind the dashboard: aggregates
only, no personal data. Both tables moved here from `referrals` (migration 0008 there)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InsightReport(models.Model):
    """A coordinator's PDF period report, built by a Celery task; aggregates only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    parameters = models.JSONField(_("period and filters"))
    language = models.CharField(_("language"), max_length=2, default="fi")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")

    def __str__(self) -> str:
        return _("Period report #%(pk)s") % {"pk": self.pk}


class InsightSnapshot(models.Model):
    """The statistics table behind the coordinator dashboard: the aggregate figures of one
    period and scope as computed at `computed_at`, so that a dashboard view reads one row
    instead of aggregating a million referrals. Aggregates only, no personal data."""

    key = models.CharField(_("period and scope"), max_length=64, unique=True)
    figures = models.TextField(_("figures (JSON)"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("dashboard statistics")
        verbose_name_plural = _("dashboard statistics")

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.computed_at:%Y-%m-%d %H:%M}"
