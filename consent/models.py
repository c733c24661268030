"""The family's consent: what they agreed to share and how they may be contacted.

A consent is a record of something a person said or signed at one moment, so it is never
edited; the only change it admits is its withdrawal.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    SHARE_REFERRAL = "share_referral", _("Share the referral with the receiving organization")
    CONTACT_PHONE = "contact_phone", _("Contact the family by phone")
    CONTACT_SMS = "contact_sms", _("Contact the family by text message")
    CONTACT_EMAIL = "contact_email", _("Contact the family by email")
    RETURN_OUTCOME = "return_outcome", _("Return an outcome summary to the referrer")


class GiverRole(models.TextChoices):
    GUARDIAN = "guardian", _("Parent or guardian")
    YOUNG_PERSON = "young_person", _("The young person themself")


class Method(models.TextChoices):
    WRITTEN = "written", _("Written, signed")
    VERBAL = "verbal", _("Verbal, recorded by the professional")


WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawal_reason", "withdrawn_by"})
# What may change after a consent is given: its withdrawal, the note that its expiry was
# handled, and the erasure of the giver's name when the retention period ends.
MUTABLE_FIELDS = WITHDRAWAL_FIELDS | {"expiry_notified_at", "given_by_name", "erased_at"}


class ImmutableConsentError(ValidationError):
    pass


class ConsentQuerySet(models.QuerySet):
    def valid_for(self, scope: Scope, at: datetime | None = None) -> ConsentQuerySet:
        at = at or timezone.now()
        return self.filter(
            models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_at__gt=at),
            given_at__lte=at,
            valid_until__gt=at,
            **{scope_field(scope): True},
        )


def scope_field(scope: Scope | str) -> str:
    return f"scope_{Scope(scope).value}"


class Consent(models.Model):
    given_by_role = models.CharField(_("given by"), max_length=20, choices=GiverRole.choices)
    given_by_name = models.CharField(_("name of the person who gave consent"), max_length=200)
    method = models.CharField(_("how it was given"), max_length=20, choices=Method.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"))
    scope_share_referral = models.BooleanField(Scope.SHARE_REFERRAL.label, default=False)
    scope_contact_phone = models.BooleanField(Scope.CONTACT_PHONE.label, default=False)
    scope_contact_sms = models.BooleanField(Scope.CONTACT_SMS.label, default=False)
    scope_contact_email = models.BooleanField(Scope.CONTACT_EMAIL.label, default=False)
    scope_return_outcome = models.BooleanField(Scope.RETURN_OUTCOME.label, default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recorded_consents",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, max_length=1000)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    expiry_notified_at = models.DateTimeField(_("expiry handled"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("given_at")),
                name="consent_valid_until_after_given_at",
            ),
        ]

    def __str__(self) -> str:
        return _("Consent #%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= MUTABLE_FIELDS:
                raise ImmutableConsentError(
                    _("A consent cannot be changed after it is given; it can only be withdrawn.")
                )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.given_at and self.valid_until and self.valid_until <= self.given_at:
            raise ValidationError(
                {"valid_until": _("The end must be after the consent was given.")}
            )
        if not any(getattr(self, scope_field(s)) for s in Scope):
            raise ValidationError(_("Choose at least one thing the family agreed to."))

    @property
    def scopes(self) -> list[Scope]:
        return [s for s in Scope if getattr(self, scope_field(s))]

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_valid_for(self, scope: Scope | str, at: datetime | None = None) -> bool:
        """Whether this consent covers `scope` at `at` (now by default)."""
        at = at or timezone.now()
        if not getattr(self, scope_field(scope)):
            return False
        if at < self.given_at or at >= self.valid_until:
            return False
        return self.withdrawn_at is None or at < self.withdrawn_at
