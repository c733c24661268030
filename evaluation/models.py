"""Evaluation: families' and referrers' feedback, and the outreach the organizations do.

The answers are kept apart from who gave them. An answer row holds only the area, the
organization, the kind of service, the month and what was answered: no key, column or
timestamp leads back to the family, the referral, the referrer or the link it came through,
so the answer survives the erasure of the referral and cannot point at anyone. Its primary key
is a random UUID, so not even the order of the rows follows the order of the links.

What links to the referral is only the fact that it was asked (`FeedbackInvitation`, erased
with the referral's personal data) or answered (`ReferrerFeedbackMark`).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.models import ServiceGiven
from directory.models import Challenge, Municipality, Organization, TargetGroup
from referrals.models import Referral

COMMENT_MAX_LENGTH = 2000
# Outreach figures are summed in the coordinators' reports, so one typo (a head count of a
# billion, the year 1900) would outweigh every real activity. Bounds a person could mean: a
# large fair draws hundreds, not thousands; the reports look back years, not decades, and 2020
# leaves room for records brought over from before the service, so an older date is a mistyped
# year (2002 for 2022). The service's message names the date. The upper bound, today, is the
# service's rule (an activity is recorded once held); the database cannot check "today".
MAX_HEAD_COUNT = 2000
EARLIEST_OUTREACH = datetime.date(2020, 1, 1)


class Scale(models.IntegerChoices):
    """A five-point answer; the ends are named so that the scale reads without a legend."""

    ONE = 1, _("1 – not at all")
    TWO = 2, "2"
    THREE = 3, "3"
    FOUR = 4, "4"
    FIVE = 5, _("5 – very much")


class SpeedScale(models.IntegerChoices):
    ONE = 1, _("1 – far too slowly")
    TWO = 2, "2"
    THREE = 3, "3"
    FOUR = 4, "4"
    FIVE = 5, _("5 – in good time")


class Reached(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


def first_of_month(moment: datetime.datetime | datetime.date) -> datetime.date:
    """The first day of the local (Europe/Helsinki) month of `moment`."""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment, timezone.get_default_timezone()).date()
    return moment.replace(day=1)


def _scale_check(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=f"%(class)s_{field}_1_to_5",
    )


# --- the family's feedback -----------------------------------------------------------------


class FeedbackInvitation(models.Model):
    """That the family of a completed referral was sent a feedback link, and whether the link
    was used. Never what was answered. Deleted when the referral's personal data is erased."""

    referral = models.OneToOneField(
        Referral,
        on_delete=models.CASCADE,
        related_name="feedback_invitation",
        verbose_name=_("referral"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("link valid until"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    used = models.BooleanField(_("answered"), default=False)

    class Meta:
        verbose_name = _("feedback invitation")
        verbose_name_plural = _("feedback invitations")

    def __str__(self) -> str:
        return _("Feedback invitation #%(pk)s") % {"pk": self.pk}

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class FeedbackAnswer(models.Model):
    """One family's anonymous answer: where, from whom, which kind of help, which month."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    service_given = models.CharField(
        _("service given"), max_length=20, choices=ServiceGiven.choices, blank=True
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    useful = models.PositiveSmallIntegerField(_("The help was useful"), choices=Scale.choices)
    easy_to_reach = models.PositiveSmallIntegerField(
        _("The help was easy to reach"), choices=Scale.choices
    )
    would_recommend = models.PositiveSmallIntegerField(
        _("I would recommend it"), choices=Scale.choices
    )
    comment = models.TextField(_("in their own words"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("family's feedback")
        verbose_name_plural = _("families' feedback")
        indexes = [models.Index(fields=["month", "municipality"], name="feedback_month_area")]
        constraints = [
            _scale_check("useful"),
            _scale_check("easy_to_reach"),
            _scale_check("would_recommend"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}"


# --- the referrer's feedback ---------------------------------------------------------------


class ReferrerFeedbackMark(models.Model):
    """That the referrer of a completed referral has answered; what they said is elsewhere."""

    referral = models.OneToOneField(
        Referral,
        on_delete=models.CASCADE,
        related_name="referrer_feedback_mark",
        verbose_name=_("referral"),
    )

    class Meta:
        verbose_name = _("referrer's feedback given")
        verbose_name_plural = _("referrers' feedback given")

    def __str__(self) -> str:
        return str(self.referral_id)


class ReferrerFeedback(models.Model):
    """A referring professional's view of one referral, kept for the municipalities' and the
    organizations' shared development work: by area, organization and month only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    reached = models.CharField(
        _("The referral went where it should"), max_length=10, choices=Reached.choices
    )
    speed = models.PositiveSmallIntegerField(
        _("How quickly the family got help"), choices=SpeedScale.choices
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("referrer's feedback")
        verbose_name_plural = _("referrers' feedback")
        indexes = [models.Index(fields=["month", "municipality"], name="referrer_fb_month_area")]
        constraints = [_scale_check("speed")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}"


# --- outreach --------------------------------------------------------------------------------


class OutreachKind(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    OPEN_DOOR = "open_door", _("Open-door day")
    INFO_SESSION = "info_session", _("Info session")
    SERVICE_PACKAGE = "service_package", _("Tailored service package")


class Audience(models.TextChoices):
    PROFESSIONALS = "professionals", _("Professionals")
    FAMILIES = "families", _("Families")
    BOTH = "both", _("Both professionals and families")


class OutreachActivity(models.Model):
    """A lecture, open-door day, info session or service package delivered to a municipality.
    Counts only: no names of the people who came."""

    date = models.DateField(_("date"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="outreach_activities",
        verbose_name=_("area"),
    )
    organizations = models.ManyToManyField(
        Organization, related_name="outreach_activities", verbose_name=_("organizing organizations")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutreachKind.choices)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    head_count = models.PositiveIntegerField(
        _("head count"), help_text=_("How many people took part.")
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        blank=True,
        related_name="outreach_activities",
        verbose_name=_("target groups"),
    )
    challenges = models.ManyToManyField(
        Challenge, blank=True, related_name="outreach_activities", verbose_name=_("themes")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        indexes = [
            models.Index(fields=["municipality", "date"], name="outreach_area_date"),
            models.Index(fields=["-date", "-id"], name="outreach_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(head_count__gte=1), name="outreach_head_count_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(head_count__lte=MAX_HEAD_COUNT),
                name="outreach_head_count_at_most_max",
            ),
            models.CheckConstraint(
                condition=models.Q(date__gte=EARLIEST_OUTREACH), name="outreach_date_not_too_old"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"
