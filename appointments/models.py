"""Reception shifts, their bookable slots, appointments and the outcome report.

A shift yields slots; an appointment books one slot for one referral. A slot is never booked
twice: a partial unique index on the slot (every database) and, on PostgreSQL, an exclusion
constraint on the worker's time range (added by migration 0002) hold even when two requests
race; the booking service also locks the slot row.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from directory.models import ModeCode, Organization, OutcomeTheme, ReceptionSite
from perhelinja.fsm import condition
from referrals.models import Referral

from .calendar import is_public_holiday
from .repeats import held_days


class Shift(models.Model):
    """A worker's reception shift: at a site or remote, once or repeating by an RFC 5545 rule."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("organization"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("worker"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=ModeCode.choices)
    site = models.ForeignKey(
        ReceptionSite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("reception site"),
        help_text=_("Required for reception visits."),
    )
    first_day = models.DateField(_("first day"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    rrule = models.CharField(
        _("repeats"),
        max_length=200,
        blank=True,
        help_text=_(
            "An iCalendar rule, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU for every other "
            "Tuesday. Empty for a one-off shift."
        ),
    )
    repeat_until = models.DateField(_("repeat until"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=45)
    buffer_minutes = models.PositiveSmallIntegerField(_("break between (minutes)"), default=15)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["first_day", "start_time"]
        verbose_name = _("reception shift")
        verbose_name_plural = _("reception shifts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="shift_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(mode="reception") | models.Q(site__isnull=False),
                name="shift_reception_has_site",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=10), name="shift_slot_at_least_10_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.first_day} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def days(self, *, until: datetime.date | None = None) -> list[datetime.date]:
        """The days the shift is held, up to `until` or `repeat_until`, whichever is first.
        A repeating shift is not held on public holidays: families are never offered them. The
        days come from the one bounded generator (`repeats.held_days`): at most its MAX_DAYS,
        and none for a stored rule no longer allowed."""
        if not self.rrule:
            return [self.first_day]
        last = min(d for d in (until, self.repeat_until) if d is not None)
        days = held_days(self.rrule, self.first_day, last)
        return [day for day in days if not is_public_holiday(day)]

    def slot_times(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The slots of one day, as aware local times (Europe/Helsinki, DST included)."""
        tz = timezone.get_default_timezone()
        step = datetime.timedelta(minutes=self.slot_minutes + self.buffer_minutes)
        length = datetime.timedelta(minutes=self.slot_minutes)
        start = datetime.datetime.combine(day, self.start_time)
        end = datetime.datetime.combine(day, self.end_time)
        times = []
        while start + length <= end:
            times.append((start.replace(tzinfo=tz), (start + length).replace(tzinfo=tz)))
            start += step
        return times


class Slot(models.Model):
    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="slots", verbose_name=_("shift")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="slots",
        verbose_name=_("worker"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="slots",
        verbose_name=_("organization"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["shift", "starts_at"], name="unique_slot_in_shift"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="slot_org_starts"),
            models.Index(fields=["worker", "starts_at"], name="slot_worker_starts"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED_BY_FAMILY = "cancelled_by_family", _("Cancelled by the family")
    CANCELLED_BY_ORGANIZATION = "cancelled_by_organization", _("Cancelled by the organization")


ACTIVE_STATES = (AppointmentState.BOOKED, AppointmentState.CONFIRMED, AppointmentState.ATTENDED)
UPCOMING_STATES = [AppointmentState.BOOKED, AppointmentState.CONFIRMED]


def is_organization_worker(appointment: Appointment, user) -> bool:
    """A worker of the appointment's organization. The family acts through its signed link,
    whose service checks the token instead."""
    return (
        user.is_active
        and getattr(user, "is_worker", False)
        and user.organization_id == appointment.organization_id
    )


@condition(_("Attendance can be recorded only once the appointment has started."))
def has_started(appointment: Appointment) -> bool:
    return appointment.starts_at <= timezone.now()


class Appointment(ConcurrentTransitionMixin, models.Model):
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("referral"),
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("worker"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("organization"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("mode"), max_length=20, choices=ModeCode.choices)
    site = models.ForeignKey(
        ReceptionSite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reception site"),
    )
    state = FSMField(
        _("state"),
        default=AppointmentState.BOOKED,
        choices=AppointmentState.choices,
        protected=True,
    )
    rescheduled_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rescheduled_to",
        verbose_name=_("rescheduled from"),
    )
    needs_rebooking = models.BooleanField(_("needs rebooking"), default=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            # One active booking per slot, on every database.
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(state__in=ACTIVE_STATES),
                name="one_active_appointment_per_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "starts_at"], name="appointment_worker_starts"),
            models.Index(fields=["referral", "starts_at"], name="appointment_referral_starts"),
        ]

    def __str__(self) -> str:
        return _("Appointment #%(pk)s") % {"pk": self.pk}

    @transition(
        field=state,
        source=AppointmentState.BOOKED,
        target=AppointmentState.CONFIRMED,
        permission=is_organization_worker,
    )
    def confirm(self) -> None:
        pass

    @transition(
        field=state,
        source=UPCOMING_STATES,
        target=AppointmentState.ATTENDED,
        permission=is_organization_worker,
        conditions=[has_started],
    )
    def attend(self) -> None:
        pass

    @transition(
        field=state,
        source=UPCOMING_STATES,
        target=AppointmentState.NO_SHOW,
        permission=is_organization_worker,
        conditions=[has_started],
    )
    def no_show(self) -> None:
        pass

    @transition(
        field=state,
        source=UPCOMING_STATES,
        target=AppointmentState.CANCELLED_BY_FAMILY,
        permission=is_organization_worker,
    )
    def cancel_by_family(self) -> None:
        pass

    @transition(
        field=state,
        source=UPCOMING_STATES,
        target=AppointmentState.CANCELLED_BY_ORGANIZATION,
        permission=is_organization_worker,
    )
    def cancel_by_organization(self) -> None:
        pass


class AppointmentEvent(models.Model):
    """Audit record of one appointment transition."""

    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("appointment"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the family acted through its link, or the system."),
    )
    via_family_link = models.BooleanField(_("by the family through its link"), default=False)
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(
        _("from"),
        max_length=30,
        choices=AppointmentState.choices,
        blank=True,
        help_text=_("Empty for the booking itself."),
    )
    to_state = models.CharField(_("to"), max_length=30, choices=AppointmentState.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.from_state} → {self.to_state}"


class SlotOffer(models.Model):
    """Two or three slots offered to the family through a signed, expiring link."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="slot_offers", verbose_name=_("referral")
    )
    slots = models.ManyToManyField(Slot, related_name="offers", verbose_name=_("slots"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offered by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer",
        verbose_name=_("appointment chosen"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("slot offer")
        verbose_name_plural = _("slot offers")

    def __str__(self) -> str:
        return _("Offer #%(pk)s") % {"pk": self.pk}

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class OfferEventKind(models.TextChoices):
    SENT_SMS = "sent_sms", _("Sent by text message")
    SENT_EMAIL = "sent_email", _("Sent by email")
    NONE_SUIT = "none_suit", _("None of the times suit the family")


class SlotOfferEvent(models.Model):
    """What happened to an offer besides the choice: the worker sent the link, or the family
    said that none of the times suit them (with its own short message, if any)."""

    offer = models.ForeignKey(
        SlotOffer, on_delete=models.CASCADE, related_name="events", verbose_name=_("slot offer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OfferEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the family acted through its link."),
    )
    message = models.TextField(_("the family's message"), blank=True, max_length=500)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("slot offer event")
        verbose_name_plural = _("slot offer events")
        constraints = [
            # The family tells that no time suits once per offer, however often it presses.
            models.UniqueConstraint(
                fields=["offer"],
                condition=models.Q(kind="none_suit"),
                name="one_none_suit_per_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.kind}"


class ServiceGiven(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling")
    ADVICE = "advice", _("Advice")
    GUIDANCE = "guidance", _("Guidance")


class NextStep(models.TextChoices):
    MORE_SESSIONS = "more_sessions", _("More sessions")
    ONWARD_ORGANIZATION = "onward_organization", _("Onward to another organization's service")
    MUNICIPAL_SERVICES = "municipal_services", _("To municipal services")
    NO_FURTHER_NEED = "no_further_need", _("No further need")
    NOT_REACHED = "not_reached", _("Family not reached")


class OutcomeReport(models.Model):
    """What the service gave; its report completes the referral. The summary goes back to the
    referrer only when the family's consent covers returning it."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="outcome", verbose_name=_("referral")
    )
    service_given = models.CharField(
        _("service given"), max_length=20, choices=ServiceGiven.choices
    )
    themes = models.ManyToManyField(
        OutcomeTheme, blank=True, related_name="outcome_reports", verbose_name=_("themes")
    )
    sessions = models.PositiveSmallIntegerField(_("number of sessions"))
    next_step = models.CharField(_("next step"), max_length=30, choices=NextStep.choices)
    onward_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("onward organization"),
    )
    onward_referral = models.OneToOneField(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="onward_from",
        verbose_name=_("onward referral"),
    )
    summary_for_referrer = models.TextField(
        _("summary for the referrer"),
        blank=True,
        max_length=2000,
        help_text=_("Shared with the referrer only when the family agreed to it."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("outcome report")
        verbose_name_plural = _("outcome reports")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(next_step="onward_organization")
                | models.Q(onward_organization__isnull=False),
                name="outcome_onward_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return _("Outcome of referral #%(pk)s") % {"pk": self.referral_id}
