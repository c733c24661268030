"""The tailored service package and its state machine.

A municipality's contact person (a professional) or a coordinator records a challenge; the
coordinator invites matching organizations, each answers with a contribution or declines; the
coordinator composes the package, the municipality's contact approves it, and it runs, closes
and is evaluated. Every state change is a django-fsm transition on `ServicePackage`, run by
`perhelinja.lifecycle.run` with the actions of `actions.py`, and audited in `PackageEvent`.

A package holds no family's data: referrals and outreach activities are attributed to it by
`PackageReferral` and `PackageOutreach`, and its report reads only aggregates of them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from directory.models import (
    Challenge,
    LanguageCode,
    Municipality,
    Organization,
    Role,
    Service,
    TargetGroup,
)
from evaluation.models import OutreachActivity
from perhelinja.dates import validate_date_in_window
from perhelinja.fsm import condition
from referrals.models import Referral

DESCRIPTION_MAX_LENGTH = 2000
PLAN_MAX_LENGTH = 4000


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INVITING = "inviting", _("Inviting organizations")
    COMPOSED = "composed", _("Composed, waiting for approval")
    APPROVED = "approved", _("Approved")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")
    EVALUATED = "evaluated", _("Evaluated")
    CANCELLED = "cancelled", _("Cancelled")


TERMINAL_STATES = frozenset({State.EVALUATED, State.CANCELLED})
CANCELLABLE_STATES = [State.DRAFT, State.INVITING, State.COMPOSED, State.APPROVED]
# The states whose report can be read: the figures so far while it runs, the final ones after.
REPORT_STATES = (State.RUNNING, State.CLOSED, State.EVALUATED)


# The tone of a state's label (components/_status_label.html): none is neutral.
STATE_TONES = {
    State.INVITING: "info",
    State.COMPOSED: "alert",
    State.APPROVED: "info",
    State.RUNNING: "success",
    State.EVALUATED: "success",
    State.CANCELLED: "error",
}


class Answer(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Will contribute")
    DECLINED = "declined", _("Declined")


# --- who may run a transition ----------------------------------------------------------------


def _has_role(user, role: Role) -> bool:
    return user.is_active and getattr(user, "has_role", lambda r: False)(role)


def is_coordinator(package: ServicePackage, user) -> bool:
    return _has_role(user, Role.COORDINATOR)


def is_municipal_contact(package: ServicePackage, user) -> bool:
    """The municipality's contact person: a professional of the package's municipality who
    recorded it or is named as its contact."""
    return (
        _has_role(user, Role.PROFESSIONAL)
        and user.municipality_id == package.municipality_id
        and user.pk in (package.created_by_id, package.contact_id)
    )


def is_contact_or_coordinator(package: ServicePackage, user) -> bool:
    return is_coordinator(package, user) or is_municipal_contact(package, user)


def is_invited_worker(package: ServicePackage, user) -> bool:
    """A worker of an organization invited to the package."""
    return (
        _has_role(user, Role.WORKER)
        and user.organization_id is not None
        and package.invitations.filter(organization_id=user.organization_id).exists()
    )


def is_contributing_worker(package: ServicePackage, user) -> bool:
    """A worker of an organization whose contribution is part of the package."""
    return (
        _has_role(user, Role.WORKER)
        and user.organization_id is not None
        and package.invitations.filter(
            organization_id=user.organization_id, answer=Answer.ACCEPTED
        ).exists()
    )


def is_party(package: ServicePackage, user) -> bool:
    return is_contact_or_coordinator(package, user) or is_contributing_worker(package, user)


# --- conditions ------------------------------------------------------------------------------


@condition(_("Name at least one challenge or the target group, and describe the challenge."))
def is_described(package: ServicePackage) -> bool:
    return bool(package.description) and (
        package.target_group_id is not None
        or (package.pk is not None and package.challenges.exists())
    )


@condition(_("At least one organization must have answered that it will contribute."))
def has_contribution(package: ServicePackage) -> bool:
    return package.invitations.filter(answer=Answer.ACCEPTED).exists()


@condition(_("Write the plan and give the period (first and last day) before approval."))
def has_plan(package: ServicePackage) -> bool:
    return bool(package.plan) and package.starts_on is not None and package.ends_on is not None


class ServicePackage(ConcurrentTransitionMixin, models.Model):
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="service_packages",
        verbose_name=_("municipality"),
    )
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_packages",
        verbose_name=_("target group"),
    )
    challenges = models.ManyToManyField(
        Challenge, blank=True, related_name="service_packages", verbose_name=_("challenges")
    )
    description = models.TextField(
        _("description of the challenge"),
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    language = models.CharField(
        _("language of the services"),
        max_length=2,
        choices=LanguageCode.choices,
        default=LanguageCode.FINNISH,
    )
    wished_start = models.DateField(
        _("wished start"), null=True, blank=True, validators=[validate_date_in_window]
    )
    wished_end = models.DateField(
        _("wished end"), null=True, blank=True, validators=[validate_date_in_window]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="service_packages_recorded",
        verbose_name=_("recorded by"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_packages_contact",
        verbose_name=_("municipality's contact person"),
        help_text=_("A professional of the municipality who approves the package."),
    )
    # The composed package.
    plan = models.TextField(
        _("plan"),
        blank=True,
        max_length=PLAN_MAX_LENGTH,
        validators=[MaxLengthValidator(PLAN_MAX_LENGTH)],
    )
    starts_on = models.DateField(
        _("first day"), null=True, blank=True, validators=[validate_date_in_window]
    )
    ends_on = models.DateField(
        _("last day"), null=True, blank=True, validators=[validate_date_in_window]
    )
    evaluation = models.TextField(_("evaluation"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service package")
        verbose_name_plural = _("service packages")
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="package_area_created"),
        ]

    def __str__(self) -> str:
        return _("Service package #%(pk)s") % {"pk": self.pk}

    @property
    def state_tone(self) -> str:
        return STATE_TONES.get(self.state, "")

    # --- transitions: state changes only; the services save, audit and notify -------------

    @transition(
        field=state,
        source=[State.DRAFT, State.INVITING],
        target=State.INVITING,
        permission=is_coordinator,
        conditions=[is_described],
    )
    def invite(self) -> None:
        """Ask organizations for a contribution (again, to invite more)."""

    @transition(
        field=state, source=State.INVITING, target=State.INVITING, permission=is_invited_worker
    )
    def answer(self) -> None:
        """An invited organization contributes (or changes its contribution)."""

    @transition(
        field=state, source=State.INVITING, target=State.INVITING, permission=is_invited_worker
    )
    def decline_invitation(self) -> None:
        """An invited organization will not contribute."""

    @transition(
        field=state,
        source=State.INVITING,
        target=State.COMPOSED,
        permission=is_coordinator,
        conditions=[has_contribution],
    )
    def compose(self, plan: str, starts_on, ends_on) -> None:
        self.plan, self.starts_on, self.ends_on = plan, starts_on, ends_on

    @transition(
        field=state,
        source=State.COMPOSED,
        target=State.APPROVED,
        permission=is_municipal_contact,
        conditions=[has_plan, has_contribution],
    )
    def approve(self) -> None:
        self.approved_at = timezone.now()

    @transition(
        field=state, source=State.COMPOSED, target=State.INVITING, permission=is_municipal_contact
    )
    def request_changes(self) -> None:
        """The municipality's contact sends the composition back with what should change."""

    @transition(field=state, source=State.APPROVED, target=State.RUNNING, permission=is_coordinator)
    def start(self) -> None:
        pass

    @transition(field=state, source=State.RUNNING, target=State.RUNNING, permission=is_party)
    def attribute(self) -> None:
        """A referral or an outreach activity is counted as the package's."""

    @transition(
        field=state, source=State.RUNNING, target=State.RUNNING, permission=is_contributing_worker
    )
    @transition(
        field=state, source=State.CLOSED, target=State.CLOSED, permission=is_contributing_worker
    )
    def report_hours(self) -> None:
        """An organization reports the hours it worked for the package."""

    @transition(field=state, source=State.RUNNING, target=State.CLOSED, permission=is_coordinator)
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=State.CLOSED,
        target=State.EVALUATED,
        permission=is_contact_or_coordinator,
    )
    def evaluate(self, evaluation: str) -> None:
        self.evaluation = evaluation

    @transition(
        field=state,
        source=CANCELLABLE_STATES,
        target=State.CANCELLED,
        permission=is_contact_or_coordinator,
    )
    def cancel(self) -> None:
        self.closed_at = timezone.now()


class Invitation(models.Model):
    """One organization asked to contribute, and its answer: the contribution it offers (what
    it will do, how many hours, for how many families) or why it declines. While the package
    runs and after it closes, the organization reports the hours it worked."""

    package = models.ForeignKey(
        ServicePackage,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("service package"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="package_invitations",
        verbose_name=_("organization"),
    )
    score = models.IntegerField(_("routing points"), default=0)
    reasons = models.JSONField(
        _("why it matched"), default=list, blank=True, help_text=_("Routing's reasons.")
    )
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="package_invitations", verbose_name=_("services")
    )
    group_sessions = models.PositiveSmallIntegerField(_("group sessions"), default=0)
    lectures = models.PositiveSmallIntegerField(_("lectures"), default=0)
    outreach_events = models.PositiveSmallIntegerField(_("outreach events"), default=0)
    planned_hours = models.DecimalField(
        _("planned hours"), max_digits=7, decimal_places=1, default=0
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=0, help_text=_("How many families it can take.")
    )
    note = models.TextField(_("note"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    reported_hours = models.DecimalField(
        _("reported hours"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "organization__name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["package", "organization"], name="unique_package_invitation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.package_id}: {self.organization_id}"


class PackageEvent(models.Model):
    """Audit record of one transition of a package: who, when, from, to, why."""

    package = models.ForeignKey(
        ServicePackage,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("service package"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
        help_text=_("The organization that answered or reported, when one did."),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["package", "created_at"], name="event_package_created")]
        verbose_name = _("service package event")
        verbose_name_plural = _("service package events")

    def __str__(self) -> str:
        return f"{self.package_id}: {self.from_state} → {self.to_state}"


class PackageReferral(models.Model):
    """A referral counted as the package's: a referral belongs to one package at most."""

    package = models.ForeignKey(
        ServicePackage,
        on_delete=models.CASCADE,
        related_name="package_referrals",
        verbose_name=_("service package"),
    )
    referral = models.OneToOneField(
        Referral,
        on_delete=models.CASCADE,
        related_name="package_link",
        verbose_name=_("referral"),
    )
    created_at = models.DateTimeField(_("attributed"), default=timezone.now)

    class Meta:
        verbose_name = _("referral of a package")
        verbose_name_plural = _("referrals of packages")

    def __str__(self) -> str:
        return f"{self.package_id}: {self.referral_id}"


class PackageOutreach(models.Model):
    """An outreach activity held as part of the package: one package at most."""

    package = models.ForeignKey(
        ServicePackage,
        on_delete=models.CASCADE,
        related_name="package_outreach",
        verbose_name=_("service package"),
    )
    activity = models.OneToOneField(
        OutreachActivity,
        on_delete=models.CASCADE,
        related_name="package_link",
        verbose_name=_("outreach activity"),
    )
    created_at = models.DateTimeField(_("attributed"), default=timezone.now)

    class Meta:
        verbose_name = _("outreach of a package")
        verbose_name_plural = _("outreach of packages")

    def __str__(self) -> str:
        return f"{self.package_id}: {self.activity_id}"
