"""The referral and its state machine.

Every state change is a django-fsm transition on `Referral`; the use cases in `services.py`
check the permission, lock the row, run the transition, save, and write a `ReferralEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from consent.models import Consent, Scope
from directory.models import (
    Challenge,
    Mode,
    Municipality,
    Organization,
    TargetGroup,
    Unit,
)
from perhelinja import navigation
from perhelinja.crypto import EncryptedCharField
from perhelinja.fsm import condition

from .validators import phone_e164, validate_phone_number, validate_stored_identity_code

DESCRIPTION_MAX_LENGTH = 2000


class E164PhoneField(models.CharField):
    """A phone number kept as text in E.164 ("+358401234567"). What was typed ("040 123 4567",
    Finnish by default) is parsed with django-phonenumber-field when the model is cleaned or
    saved. The value stays a plain string, so pages, PDFs, FHIR resources and exports read it
    as any text; text that is no valid number is kept as it was and fails validation (see
    migration 0010), and `perhelinja.sms` sends nothing to it."""

    default_validators = [validate_phone_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return phone_e164(value) if value else value

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    POOLED = "pooled", _("Open for claims")
    ASSIGNED = "assigned", _("Assigned to an organization")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("First appointment booked")
    IN_SERVICE = "in_service", _("In service")
    COMPLETED = "completed", _("Completed")
    RETURNED = "returned", _("Returned to the referrer")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")


# FHIR R4 Task.status of each state, for later interoperability.
FHIR_TASK_STATUS = {
    State.DRAFT: "draft",
    State.SUBMITTED: "requested",
    State.POOLED: "requested",
    State.ASSIGNED: "received",
    State.ACCEPTED: "accepted",
    State.SCHEDULED: "accepted",
    State.IN_SERVICE: "in-progress",
    State.COMPLETED: "completed",
    State.RETURNED: "on-hold",
    State.DECLINED: "rejected",
    State.CANCELLED: "cancelled",
    State.WITHDRAWN: "cancelled",
}

TERMINAL_STATES = frozenset({State.COMPLETED, State.CANCELLED, State.WITHDRAWN})
OPEN_STATES = frozenset(State) - TERMINAL_STATES - {State.DRAFT}
# Before service starts the referrer or a coordinator may cancel.
CANCELLABLE_STATES = [
    State.DRAFT,
    State.SUBMITTED,
    State.POOLED,
    State.RETURNED,
    State.ASSIGNED,
    State.DECLINED,
    State.ACCEPTED,
    State.SCHEDULED,
]
WITHDRAWABLE_STATES = [s for s in State if s not in TERMINAL_STATES]


# Waiting for a coordinator's routing decision.
TRIAGE_STATES = (State.SUBMITTED, State.DECLINED)
# Held by an organization: its workers' group holds the object permissions.
ROUTED_STATES = (State.ASSIGNED, State.ACCEPTED, State.SCHEDULED, State.IN_SERVICE)
# Whose family's data the organization holding it may read (while the consent covers sharing):
# its working states and its completed clients, until erasure. Cancelling or withdrawing a
# referral, and a consent's withdrawal or expiry, end it.
SHARED_STATES = (*ROUTED_STATES, State.COMPLETED)


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity at the moment")
    NOT_OUR_SERVICE = "not_our_service", _("The need is not one our services meet")
    AREA = "area", _("We do not work in the family's area")
    LANGUAGE = "language", _("We cannot serve the family's language")
    ALREADY_CLIENT = "already_client", _("The family already gets help from us or elsewhere")
    OTHER = "other", _("Other reason")


class FamilyLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other language")


# --- who may run a transition (object permissions through django-guardian) -----------------


def is_referrer(referral: Referral, user) -> bool:
    return user.is_active and user.has_perm("referrals.change_referral", referral)


def is_handler(referral: Referral, user) -> bool:
    return user.is_active and user.has_perm("referrals.handle_referral", referral)


def is_coordinator(referral: Referral, user) -> bool:
    return user.is_active and user.has_perm("referrals.triage_referral")


def is_handler_or_coordinator(referral: Referral, user) -> bool:
    return is_handler(referral, user) or is_coordinator(referral, user)


def may_claim(referral: Referral, user) -> bool:
    """A worker of an organization whose services matched when the pool was opened."""
    return (
        user.is_active
        and getattr(user, "is_worker", False)
        and referral.pool_organizations.filter(pk=user.organization_id).exists()
    )


def is_referrer_or_coordinator(referral: Referral, user) -> bool:
    return is_referrer(referral, user) or is_coordinator(referral, user)


def shares_with_organization(referral: Referral) -> bool:
    """Whether the organization holding the referral may read the family's data now."""
    return (
        referral.organization_id is not None
        and referral.state in SHARED_STATES
        and referral.consent_id is not None
        and referral.consent.is_valid_for(Scope.SHARE_REFERRAL)
    )


def may_read_family(referral: Referral, user) -> bool:
    """The access rule, for pages, the API, PDFs and exports: the referrer who made it, and
    the workers of the organization holding it while it shares (`shares_with_organization`).
    Both need the object permission the transitions grant and revoke."""
    if not (user.is_active and user.has_perm("referrals.view_referral", referral)):
        return False
    if referral.referrer_id == user.pk:
        return True
    return (
        getattr(user, "is_worker", False)
        and referral.organization_id == user.organization_id
        and shares_with_organization(referral)
    )


def is_any_party(referral: Referral, user) -> bool:
    return (
        is_referrer(referral, user) or is_handler(referral, user) or is_coordinator(referral, user)
    )


# --- conditions ------------------------------------------------------------------------------


@condition(
    _("The family's consent does not cover sharing the referral (missing, expired or withdrawn).")
)
def consent_allows_sharing(referral: Referral) -> bool:
    return referral.consent is not None and referral.consent.is_valid_for(Scope.SHARE_REFERRAL)


ERASED = _("The family's details in this referral have been erased; make a new referral.")


@condition(ERASED)
def is_not_erased(referral: Referral) -> bool:
    return referral.erased_at is None


MISSING_CONTENT = _(
    "Fill in the contact person, a phone number or email, the target group, "
    "at least one challenge and a description."
)


@condition(MISSING_CONTENT)
def is_complete(referral: Referral) -> bool:
    return not referral.missing_fields()


class ReferralQuerySet(models.QuerySet):
    def open(self) -> ReferralQuerySet:
        return self.filter(state__in=OPEN_STATES)


class Referral(ConcurrentTransitionMixin, models.Model):
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referrer"),
    )
    referrer_unit = models.CharField(_("referring unit"), max_length=30, choices=Unit.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("municipality"),
    )
    # The family: minimal by design.
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = E164PhoneField(_("phone"), blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=FamilyLanguage.choices,
        default=FamilyLanguage.FINNISH,
    )
    language_other = models.CharField(_("other language"), max_length=60, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    identity_code = EncryptedCharField(
        _("personal identity code"),
        plain_max_length=11,
        blank=True,
        validators=[validate_stored_identity_code],
        help_text=_("Optional. Only when the receiving organization needs it. Stored encrypted."),
    )
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("target group"),
    )
    challenges = models.ManyToManyField(
        Challenge, blank=True, related_name="referrals", verbose_name=_("challenges")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    preferred_modes = models.ManyToManyField(
        Mode, blank=True, related_name="referrals", verbose_name=_("preferred modes")
    )
    preferred_times = models.CharField(_("preferred times"), max_length=200, blank=True)
    # Routing and handling.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("organization"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_handled",
        verbose_name=_("worker"),
    )
    pool_organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="pooled_referrals",
        verbose_name=_("organizations that may claim"),
        help_text=_("Whose services matched when the referral was opened for claims."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        help_text=_("Only the anonymous facts that statistics need are kept after this."),
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        permissions = [
            ("handle_referral", _("Can work on a referral routed to the organization")),
            ("triage_referral", _("Can route referrals (coordinator)")),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="referral_org_created"),
            models.Index(fields=["referrer", "-created_at"], name="referral_referrer_created"),
            models.Index(fields=["state", "submitted_at"], name="referral_state_submitted"),
            # Chosen from EXPLAIN ANALYZE at a million referrals (see docs/scale.md, `make bench`):
            # the inbox walks one organization's assigned referrals oldest first,
            models.Index(
                fields=["organization", "state", "state_changed_at"],
                name="referral_org_state_changed",
            ),
            # the triage queue walks the few waiting ones oldest first, whatever the total,
            models.Index(
                fields=["state_changed_at", "id"],
                condition=models.Q(state__in=["submitted", "declined", "pooled"]),
                name="referral_triage_queue",
            ),
            # and the dashboard counts an area's referrals submitted in a period.
            models.Index(fields=["municipality", "submitted_at"], name="referral_area_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state__in=["assigned", "accepted", "scheduled", "in_service"])
                | models.Q(organization__isnull=False),
                name="referral_routed_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return _("Referral #%(pk)s") % {"pk": self.pk}

    @property
    def masked_identity_code(self) -> str:
        """Birth date and century sign only: enough to tell people apart on screen."""
        code = self.identity_code
        return f"{code[:7]}****" if code else ""

    @property
    def fhir_status(self) -> str:
        return FHIR_TASK_STATUS[State(self.state)]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def missing_fields(self) -> list[str]:
        """Fields a referral needs before it can be submitted."""
        missing = [
            name
            for name in ("contact_name", "municipality_id", "target_group_id", "description")
            if not getattr(self, name)
        ]
        if not (self.contact_phone or self.contact_email):
            missing.append("contact_phone")
        if self.pk is None or not self.challenges.exists():
            missing.append("challenges")
        return missing

    # --- transitions: state changes only; the services save, audit and notify -------------

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        permission=is_referrer,
        conditions=[is_not_erased, is_complete, consent_allows_sharing],
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()
        self.organization = None

    @transition(
        field=state,
        source=[State.SUBMITTED, State.DECLINED, State.POOLED],
        target=State.ASSIGNED,
        permission=is_coordinator,
        conditions=[is_not_erased, consent_allows_sharing],
    )
    def assign(self, organization: Organization) -> None:
        self.organization = organization
        self.handler = None

    @transition(
        field=state,
        source=[State.SUBMITTED, State.DECLINED],
        target=State.POOLED,
        permission=is_coordinator,
        conditions=[is_not_erased, consent_allows_sharing],
    )
    def open_pool(self) -> None:
        """Matching organizations see the routing summary; the first to claim gets it."""

    @transition(
        field=state,
        source=State.POOLED,
        target=State.ASSIGNED,
        permission=may_claim,
        conditions=[is_not_erased, consent_allows_sharing],
    )
    def claim(self, organization: Organization) -> None:
        self.organization = organization
        self.handler = None

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ACCEPTED,
        permission=is_handler,
        conditions=[is_not_erased, consent_allows_sharing],
    )
    def accept(self, worker) -> None:
        self.handler = worker
        self.accepted_at = timezone.now()

    @transition(field=state, source=State.ASSIGNED, target=State.DECLINED, permission=is_handler)
    def decline(self) -> None:
        """The organization lets go: it leaves the inbox (the audit row keeps who declined)."""
        self.organization = None
        self.handler = None

    @transition(
        field=state,
        source=[State.SUBMITTED, State.DECLINED, State.POOLED, State.ASSIGNED],
        target=State.RETURNED,
        permission=is_handler_or_coordinator,
    )
    def return_to_referrer(self) -> None:
        """Ask the referrer for more information; an organization holding it lets go."""
        self.organization = None
        self.handler = None

    @transition(field=state, source=State.ACCEPTED, target=State.SCHEDULED, permission=is_handler)
    def schedule(self) -> None:
        pass

    @transition(field=state, source=State.SCHEDULED, target=State.IN_SERVICE, permission=is_handler)
    def start_service(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ACCEPTED, State.SCHEDULED, State.IN_SERVICE],
        target=State.COMPLETED,
        permission=is_handler,
    )
    def complete(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=CANCELLABLE_STATES,
        target=State.CANCELLED,
        permission=is_referrer_or_coordinator,
    )
    def cancel(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=state, source=WITHDRAWABLE_STATES, target=State.WITHDRAWN, permission=is_any_party
    )
    def withdraw(self) -> None:
        self.closed_at = timezone.now()


class ReferralChild(models.Model):
    """A child of the family, by birth year only: enough for the service, nothing more."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="children", verbose_name=_("referral")
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"))

    class Meta:
        ordering = ["birth_year"]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return str(self.birth_year)


class ReferralEvent(models.Model):
    """Audit record of one transition: who, when, from, to, why."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("referral")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the system acted (e.g. automatic routing)."),
    )
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    reason_code = models.CharField(
        _("reason code"), max_length=30, blank=True, choices=DeclineReason.choices
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["referral", "created_at"], name="event_referral_created")]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_state} → {self.to_state}"


class NotificationQuerySet(models.QuerySet):
    """Creating or marking notifications forgets the counts the menu keeps of the people's
    unread ones (perhelinja.navigation); a deletion leaves them to expire."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        navigation.forget_unread(n.user_id for n in created)
        return created

    def update(self, **kwargs):
        user_ids = set(self.values_list("user_id", flat=True)) if "read_at" in kwargs else set()
        updated = super().update(**kwargs)
        navigation.forget_unread(user_ids)
        return updated


class Notification(models.Model):
    """One line of a person's in-app notification list; carries no personal data."""

    class Kind(models.TextChoices):
        EVENT = "event", _("State change")
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation")
        CONSENT_EXPIRED = "consent_expired", _("Consent expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("referral"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    event = models.ForeignKey(
        ReferralEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_created")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} #{self.referral_id}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        navigation.forget_unread([self.user_id])


class TimelinessFlag(models.Model):
    """A referral that waited too long in a state; unique, so a second sweep notifies no one."""

    class Kind(models.TextChoices):
        NOT_ACCEPTED_REMINDER = (
            "not_accepted_reminder",
            _("Not accepted: reminder to the organization"),
        )
        NOT_ACCEPTED_ESCALATION = (
            "not_accepted_escalation",
            _("Not accepted: escalated to coordinators"),
        )
        NOT_ROUTED_ESCALATION = "not_routed_escalation", _("Not routed: escalated to coordinators")

    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="timeliness_flags",
        verbose_name=_("referral"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    state_changed_at = models.DateTimeField(
        _("waiting since"), help_text=_("When the referral entered the state it waits in.")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("timeliness flag")
        verbose_name_plural = _("timeliness flags")
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind", "state_changed_at"], name="unique_timeliness_flag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.kind}"


class AccessRecord(models.Model):
    """One read of a referral's personal data: who, what, when, by which route (GDPR art. 15)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        PDF = "pdf", _("PDF")
        API = "api", _("API")
        FHIR = "fhir", _("FHIR")

    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="access_records",
        verbose_name=_("referral"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    channel = models.CharField(_("what"), max_length=10, choices=Channel.choices)
    route = models.CharField(_("route"), max_length=100)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [models.Index(fields=["referral", "created_at"], name="access_referral_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} #{self.referral_id}"


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)
