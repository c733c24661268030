"""Shifts, booking, the appointment state machine, the family's link and the outcome report.

Transitions go through `perhelinja.lifecycle.run` with the actions of `actions.py`, as the
referrals' do; messages leave through the outbox.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consent.models import Scope
from directory.models import ModeCode, Organization, OutcomeTheme, ReceptionSite, User
from perhelinja import lifecycle
from perhelinja.fsm import ReadOnlyAsker, TransitionRefused
from perhelinja.outbox import enqueue
from referrals import services as referral_services
from referrals.models import Referral
from referrals.models import State as ReferralState
from referrals.selectors import get_referral_for_user

from . import repeats
from .actions import APPOINTMENT_ACTIONS, MESSAGE_TASK
from .calendar import public_holidays_from
from .models import (
    ACTIVE_STATES,
    UPCOMING_STATES,
    Appointment,
    AppointmentEvent,
    AppointmentState,
    NextStep,
    OfferEventKind,
    OutcomeReport,
    ServiceGiven,
    Shift,
    Slot,
    SlotOffer,
    SlotOfferEvent,
)
from .preferences import parse_time_wish

logger = logging.getLogger(__name__)

SLOT_HORIZON_DAYS = 180
BOOKABLE_REFERRAL_STATES = (
    ReferralState.ACCEPTED,
    ReferralState.SCHEDULED,
    ReferralState.IN_SERVICE,
)
OFFER_SALT = "appointments.slot-offer"
OFFER_TASK = "appointments.tasks.send_offer_message"
NONE_SUIT_TASK = "appointments.tasks.tell_worker_none_suit"
# How an offer's link is sent: the consent's scope, the contact it needs, the event it leaves.
OFFER_CHANNELS = {
    "sms": (Scope.CONTACT_SMS, "contact_phone", OfferEventKind.SENT_SMS),
    "email": (Scope.CONTACT_EMAIL, "contact_email", OfferEventKind.SENT_EMAIL),
}
NONE_SUIT_MESSAGE_MAX = 500


class SlotUnavailable(TransitionRefused):
    """The slot was taken (or cancelled) first; carries free alternatives to offer instead."""

    def __init__(self, messages: list[str], alternatives: list[Slot]):
        super().__init__(messages)
        self.alternatives = alternatives


# --- reading ---------------------------------------------------------------------------------


def _is_worker_of(user, organization_id: int) -> bool:
    return (
        user.is_active
        and getattr(user, "is_worker", False)
        and (user.organization_id == organization_id)
    )


def get_appointment_for_user(user, pk: int) -> Appointment:
    appointment = get_object_or_404(
        Appointment.objects.select_related("referral", "slot", "site", "organization", "worker"),
        pk=pk,
    )
    if not _is_worker_of(user, appointment.organization_id):
        raise Http404
    return appointment


def get_handled_referral_for_user(
    user, pk: int, *, related: tuple | None = None, prefetch: tuple = ()
) -> Referral:
    """A referral the worker's organization holds; 404 for anyone else. `prefetch` and
    `related` narrow the read to what the caller shows."""
    if not getattr(user, "is_worker", False):
        raise Http404
    kwargs = {} if related is None else {"related": related}
    referral = get_referral_for_user(ReadOnlyAsker(user), pk, prefetch=prefetch, **kwargs)
    if referral.organization_id != user.organization_id:
        raise Http404
    return referral


def free_slots(organization: Organization, *, after: datetime.datetime | None = None) -> QuerySet:
    """Future slots of the organization that no active appointment holds, never on a public
    holiday (a slot made before the day became one, or by hand, is not offered either)."""
    after = after or timezone.now()
    taken = Appointment.objects.filter(slot=OuterRef("pk"), state__in=ACTIVE_STATES)
    return (
        Slot.objects.filter(organization=organization, cancelled=False, starts_at__gt=after)
        .exclude(Exists(taken))
        .exclude(starts_at__date__in=public_holidays_from(timezone.localdate(after)))
        .select_related("shift__site", "worker")
        .order_by("starts_at")
    )


def ranked_free_slots(referral: Referral) -> QuerySet:
    """The free slots of the referral's organization, those the family would like first: the
    ways to meet it prefers, then the times its wishes name (`preferences`), then the soonest.
    Each slot says `matches_mode` and `matches_time` (1 or 0); one query for the modes."""
    modes = list(referral.preferred_modes.values_list("pk", flat=True))
    wish = parse_time_wish(referral.preferred_times)
    never = Value(0, output_field=IntegerField())
    return (
        free_slots(referral.organization)
        .annotate(
            matches_mode=Case(When(shift__mode__in=modes, then=1), default=0) if modes else never,
            matches_time=Case(When(wish.q(), then=1), default=0) if wish else never,
        )
        .order_by("-matches_mode", "-matches_time", "starts_at")
    )


# --- shifts ----------------------------------------------------------------------------------


def shift_create(
    *,
    actor,
    worker,
    mode: ModeCode | str,
    first_day: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    site: ReceptionSite | None = None,
    rrule: str = "",
    repeat_until: datetime.date | None = None,
    slot_minutes: int = 45,
    buffer_minutes: int = 15,
) -> Shift:
    """A shift for a worker of the actor's own organization, with its slots: a repeating one
    has none on public holidays (`Shift.days`). The rule and the dates are checked before any
    day is laid out (`repeats.validate_repeat`); a shift that meets another running shift of
    the worker on any of its days is refused."""
    if not (_is_worker_of(actor, worker.organization_id) and worker.is_worker):
        raise PermissionDenied(_("You can plan shifts only for your own organization."))
    rrule = repeats.validate_repeat(first_day=first_day, rrule=rrule, repeat_until=repeat_until)
    shift = Shift(
        organization_id=worker.organization_id,
        worker=worker,
        mode=mode,
        site=site,
        first_day=first_day,
        start_time=start_time,
        end_time=end_time,
        rrule=rrule,
        repeat_until=repeat_until,
        slot_minutes=slot_minutes,
        buffer_minutes=buffer_minutes,
    )
    if mode == ModeCode.RECEPTION and site is None:
        raise ValidationError({"site": _("A reception visit needs a reception site.")})
    shift.full_clean()
    with transaction.atomic():
        # One worker's shifts are planned one at a time, as their bookings are: two
        # overlapping shifts planned at once would both pass the check below. The no-key lock
        # is the one `appointment_book` takes, leaving the row free for foreign keys.
        User.objects.select_for_update(no_key=True).only("pk").get(pk=worker.pk)
        clash = _first_clash(shift)
        if clash is not None:
            raise ValidationError(
                _("The worker already has a shift at this time on %(day)s.")
                % {"day": date_format(clash, "SHORT_DATE_FORMAT")},
                code="overlap",
            )
        shift.save()
        shift_extend_slots(shift=shift)
    return shift


def _first_clash(shift: Shift) -> datetime.date | None:
    """The first day on which another running (not cancelled) shift of the worker is held at
    a time of day that intersects `shift`'s; touching ends do not count."""
    days = shift.days()
    if not days:
        return None
    first, last = days[0], days[-1]
    others = Shift.objects.filter(
        worker_id=shift.worker_id,
        cancelled_at__isnull=True,
        start_time__lt=shift.end_time,
        end_time__gt=shift.start_time,
        first_day__lte=last,
    ).filter(Q(rrule="", first_day__gte=first) | (~Q(rrule="") & Q(repeat_until__gte=first)))
    held = set(days)
    clashes = [day for other in others for day in other.days(until=last) if day in held]
    return min(clashes, default=None)


def slot_horizon() -> datetime.date:
    """The last day slots are made for: a repeating shift gets the rest as time passes."""
    return timezone.localdate() + datetime.timedelta(days=SLOT_HORIZON_DAYS)


def shift_extend_slots(*, shift: Shift, until: datetime.date | None = None) -> int:
    """Make the shift's missing slots from today up to `until` (the horizon by default), never
    on public holidays (`Shift.days`); returns how many were made. Idempotent: a slot that
    exists (a cancelled one too) stays as it is."""
    if shift.cancelled_at:
        return 0
    until = until or slot_horizon()
    existing = set(shift.slots.values_list("starts_at", flat=True))
    slots = [
        Slot(
            shift=shift,
            worker_id=shift.worker_id,
            organization_id=shift.organization_id,
            starts_at=start,
            ends_at=end,
        )
        for day in shift.days(until=until)
        for start, end in shift.slot_times(day)
        if start not in existing
    ]
    # A concurrent run may make the same slots: the unique (shift, start) keeps one of each.
    Slot.objects.bulk_create(slots, ignore_conflicts=True)
    return len(slots)


def shifts_extend_slots(*, until: datetime.date | None = None) -> int:
    """Every running repeating shift gets its slots up to the horizon (the daily beat task),
    but for one whose stored rule is no longer allowed: that one is skipped and logged."""
    today = timezone.localdate()
    shifts = Shift.objects.filter(cancelled_at__isnull=True, repeat_until__gte=today).exclude(
        rrule=""
    )
    made = 0
    for shift in shifts.iterator():
        if not repeats.allowed(shift.rrule):
            # Stored before the rules were narrowed: its slots made so far stay, no more are
            # laid out. The id only: an operator reads the rest in the admin.
            logger.warning("shift %s repeats by a rule no longer allowed: no slots made", shift.pk)
            continue
        with transaction.atomic():
            made += shift_extend_slots(shift=shift, until=until)
    return made


def shift_cancel(*, shift: Shift, actor, reason: str) -> Shift:
    """Cancel a shift: its booked appointments are cancelled, flagged for rebooking and the
    families told."""
    if not _is_worker_of(actor, shift.organization_id):
        raise PermissionDenied(_("You are not allowed to do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic():
        locked = Shift.objects.select_for_update().get(pk=shift.pk)
        if locked.cancelled_at:
            raise ValidationError(_("This shift is already cancelled."))
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.save(update_fields=["cancelled_at", "cancel_reason"])
        locked.slots.update(cancelled=True)
        upcoming = Appointment.objects.filter(slot__shift=locked, state__in=UPCOMING_STATES)
        for appointment in upcoming:
            _act(
                appointment,
                "cancel_for_rebooking",
                actor=actor,
                reason=reason,
                permission_checked=True,
            )
    return locked


# --- booking ---------------------------------------------------------------------------------


def _alternatives(slot: Slot) -> list[Slot]:
    return list(free_slots(slot.organization).exclude(pk=slot.pk)[:5])


def appointment_book(
    *,
    referral: Referral,
    slot: Slot,
    actor,
    rescheduled_from: Appointment | None = None,
    via_family_link: bool = False,
    confirmed: bool = False,
) -> Appointment:
    """Book `slot` for `referral`. Of two bookings racing for one slot (or for overlapping
    times of one worker), exactly one wins; the other gets SlotUnavailable with alternatives."""
    if not via_family_link and not (
        _is_worker_of(actor, slot.organization_id)
        and actor.has_perm("referrals.handle_referral", referral)
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    if referral.organization_id != slot.organization_id:
        raise ValidationError(_("The slot belongs to another organization."))
    with transaction.atomic():
        slot = Slot.objects.select_for_update().select_related("shift").get(pk=slot.pk)
        # One worker's bookings go one at a time: two overlapping times on different slots
        # would both pass the check below, and their inserts would then wait for each other
        # in the exclusion constraint's check until PostgreSQL broke the deadlock. A no-key
        # lock leaves the worker's row free for the foreign keys that point at it.
        User.objects.select_for_update(no_key=True).only("pk").get(pk=slot.worker_id)
        locked_referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked_referral.state not in BOOKABLE_REFERRAL_STATES:
            raise TransitionRefused([_("The referral must be accepted before booking.")])
        if slot.cancelled or slot.starts_at <= timezone.now():
            raise SlotUnavailable([_("This time is no longer available.")], _alternatives(slot))
        overlapping = Appointment.objects.filter(
            worker=slot.worker,
            state__in=ACTIVE_STATES,
            starts_at__lt=slot.ends_at,
            ends_at__gt=slot.starts_at,
        )
        if overlapping.exists():
            raise SlotUnavailable(
                [_("Someone else booked this time a moment ago.")], _alternatives(slot)
            )
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    referral=locked_referral,
                    slot=slot,
                    worker=slot.worker,
                    organization_id=slot.organization_id,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    mode=slot.shift.mode,
                    site_id=slot.shift.site_id,
                    rescheduled_from=rescheduled_from,
                )
        except IntegrityError:
            # The database refused: a concurrent booking won between the check and the insert.
            raise SlotUnavailable(
                [_("Someone else booked this time a moment ago.")], _alternatives(slot)
            ) from None
        AppointmentEvent.objects.create(
            appointment=appointment,
            actor=None if via_family_link else actor,
            via_family_link=via_family_link,
            transition="book",
            from_state="",
            to_state=AppointmentState.BOOKED,
        )
        if locked_referral.state == ReferralState.ACCEPTED:
            referral_services.referral_schedule(
                referral=locked_referral,
                actor=actor if not via_family_link else locked_referral.handler,
            )
        enqueue(MESSAGE_TASK, appointment.pk, "booked")
        if confirmed:
            appointment = _act(appointment, "family_confirm", actor=None, permission_checked=True)
    return appointment


def _act(appointment: Appointment, name: str, **kwargs) -> Appointment:
    return lifecycle.run(APPOINTMENT_ACTIONS, appointment, name, **kwargs)[0]


def appointment_confirm(*, appointment: Appointment, actor) -> Appointment:
    return _act(appointment, "confirm", actor=actor)


def appointment_attend(*, appointment: Appointment, actor) -> Appointment:
    """Record attendance; the referral's first attended session starts its service."""
    return _act(appointment, "attend", actor=actor)


def appointment_no_show(*, appointment: Appointment, actor) -> Appointment:
    return _act(appointment, "no_show", actor=actor)


def appointment_cancel_by_organization(
    *, appointment: Appointment, actor, reason: str = ""
) -> Appointment:
    return _act(appointment, "cancel", actor=actor, reason=reason)


def appointment_cancel_by_family(
    *, appointment: Appointment, actor, reason: str = ""
) -> Appointment:
    """Record the family's cancellation (told by phone, for one)."""
    return _act(appointment, "cancel_by_family", actor=actor, reason=reason)


def appointment_reschedule(*, appointment: Appointment, slot: Slot, actor) -> Appointment:
    """Move to another slot: the old appointment is cancelled and the new one links to it."""
    with transaction.atomic():
        old = _act(appointment, "cancel", actor=actor, reason=_("Rescheduled"))
        return appointment_book(referral=old.referral, slot=slot, actor=actor, rescheduled_from=old)


# --- the family's link -----------------------------------------------------------------------


def offer_create(*, referral: Referral, slots: Iterable[Slot], actor) -> tuple[SlotOffer, str]:
    """Offer two or three free slots; returns the offer and the token for its link."""
    slots = list(slots)
    if not (2 <= len(slots) <= 3):
        raise ValidationError({"slots": _("Offer two or three times.")})
    if not actor.has_perm("referrals.handle_referral", referral) or not _is_worker_of(
        actor, referral.organization_id
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    free = set(free_slots(referral.organization).values_list("pk", flat=True))
    if any(s.pk not in free for s in slots):
        raise ValidationError({"slots": _("Offer only free times of your organization.")})
    offer = SlotOffer.objects.create(
        referral=referral,
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.SLOT_OFFER_VALID_HOURS),
    )
    offer.slots.set(slots)
    return offer, offer_token(offer)


def offer_token(offer: SlotOffer) -> str:
    return signing.dumps(offer.pk, salt=OFFER_SALT)


def get_offer_for_token(token: str) -> SlotOffer:
    """The offer behind a family's link, or 404 for a forged, unknown or expired link."""
    try:
        pk = signing.loads(token, salt=OFFER_SALT, max_age=settings.SLOT_OFFER_VALID_HOURS * 3600)
    except signing.BadSignature:
        raise Http404 from None
    offer = get_object_or_404(
        SlotOffer.objects.select_related("referral", "referral__organization", "appointment"),
        pk=pk,
    )
    if offer.is_expired and offer.appointment_id is None:
        raise Http404
    return offer


def offer_choose(*, offer: SlotOffer, slot_id: int) -> Appointment:
    """The family picks one of the offered times; picking confirms it."""
    with transaction.atomic():
        locked = SlotOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.appointment_id is not None:
            raise TransitionRefused([_("A time has already been chosen through this link.")])
        if locked.is_expired:
            raise TransitionRefused([_("This link has expired. Contact the organization.")])
        slot = locked.slots.filter(pk=slot_id).first()
        if slot is None:
            raise ValidationError(_("Choose one of the offered times."))
        appointment = appointment_book(
            referral=locked.referral, slot=slot, actor=None, via_family_link=True, confirmed=True
        )
        locked.appointment = appointment
        locked.save(update_fields=["appointment"])
    return appointment


def offer_cancel(*, offer: SlotOffer) -> Appointment:
    """The family cancels the time it chose, through the same link."""
    if offer.appointment is None:
        raise TransitionRefused([_("No time has been chosen through this link.")])
    return _act(offer.appointment, "family_cancel", actor=None, permission_checked=True)


def get_offer_for_user(user, pk: int) -> SlotOffer:
    """An offer of a referral the worker's organization holds; 404 for anyone else."""
    offer = get_object_or_404(SlotOffer.objects.select_related("appointment"), pk=pk)
    offer.referral = get_handled_referral_for_user(
        user, offer.referral_id, related=("organization", "consent")
    )
    return offer


def offer_channels(referral: Referral) -> list[str]:
    """The ways the offer's link may be sent to the family: those its valid consent covers
    and whose contact is known."""
    consent = referral.consent
    return [
        channel
        for channel, (scope, contact, _kind) in OFFER_CHANNELS.items()
        if getattr(referral, contact) and consent is not None and consent.is_valid_for(scope)
    ]


def offer_send(*, offer: SlotOffer, channel: str, actor) -> SlotOfferEvent:
    """Send the offer's link to the family by text message or email, through the outbox, when
    the family's consent covers that way; the send is recorded on the offer."""
    if not actor.has_perm("referrals.handle_referral", offer.referral) or not _is_worker_of(
        actor, offer.referral.organization_id
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    if channel not in OFFER_CHANNELS:
        raise ValidationError(_("Choose how to send the link."))
    if channel not in offer_channels(offer.referral):
        if channel == "sms":
            raise ValidationError(
                _("The family's consent does not cover text messages, or no phone is known.")
            )
        raise ValidationError(
            _("The family's consent does not cover email, or no email address is known.")
        )
    if offer.appointment_id is not None:
        raise ValidationError(_("The family has already chosen a time through this link."))
    if offer.is_expired:
        raise ValidationError(_("This link has expired. Make a new one."))
    with transaction.atomic():
        event = SlotOfferEvent.objects.create(
            offer=offer, kind=OFFER_CHANNELS[channel][2], actor=actor
        )
        enqueue(OFFER_TASK, offer.pk, channel)
    return event


def offer_none_suit(*, offer: SlotOffer, message: str = "") -> SlotOfferEvent:
    """The family says none of the offered times suits it: the worker who offered them is
    told (through the outbox) to find others. Once per offer."""
    message = (message or "").strip()
    if len(message) > NONE_SUIT_MESSAGE_MAX:
        raise ValidationError(
            _("Keep the message under %(max)s characters.") % {"max": NONE_SUIT_MESSAGE_MAX}
        )
    with transaction.atomic():
        locked = SlotOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.appointment_id is not None:
            raise TransitionRefused([_("A time has already been chosen through this link.")])
        if locked.is_expired:
            raise TransitionRefused([_("This link has expired. Contact the organization.")])
        if locked.events.filter(kind=OfferEventKind.NONE_SUIT).exists():
            raise TransitionRefused([_("You have already told us. The worker will contact you.")])
        event = SlotOfferEvent.objects.create(
            offer=locked, kind=OfferEventKind.NONE_SUIT, message=message
        )
        enqueue(NONE_SUIT_TASK, locked.pk)
    return event


# --- outcome ---------------------------------------------------------------------------------


def outcome_report(
    *,
    referral: Referral,
    actor,
    service_given: ServiceGiven | str,
    sessions: int,
    next_step: NextStep | str,
    themes: Iterable[OutcomeTheme] = (),
    summary_for_referrer: str = "",
    onward_organization: Organization | None = None,
) -> OutcomeReport:
    """Report what the service gave. It completes the referral, unless the next step is more
    sessions with the same organization: then the referral stays where it is (in service) and
    this interim report is replaced by the next one. Completing, the summary goes back to the
    referrer only under a consent that covers returning it, and an onward step to another
    organization starts a new referral under the same consent when that consent allows it."""
    if not actor.has_perm("referrals.handle_referral", referral):
        raise PermissionDenied(_("You are not allowed to do this."))
    if next_step == NextStep.ONWARD_ORGANIZATION and onward_organization is None:
        raise ValidationError({"onward_organization": _("Choose the organization.")})
    if sessions < 0:
        raise ValidationError({"sessions": _("The number of sessions cannot be negative.")})
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("consent")
            .get(pk=referral.pk)
        )
        report = OutcomeReport.objects.filter(referral=referral).first()
        if referral.state not in BOOKABLE_REFERRAL_STATES or (
            report is not None and report.next_step != NextStep.MORE_SESSIONS
        ):
            raise TransitionRefused([_("The outcome of this referral cannot be reported now.")])
        shared = referral.consent is not None and referral.consent.is_valid_for(
            Scope.RETURN_OUTCOME
        )
        report = report or OutcomeReport(referral=referral)
        report.service_given = service_given
        report.sessions = sessions
        report.next_step = next_step
        report.summary_for_referrer = summary_for_referrer
        report.onward_organization = onward_organization
        report.reported_by = actor
        report.created_at = timezone.now()
        report.full_clean(exclude=["referral", "reported_by", "onward_referral"])
        report.save()
        report.themes.set(themes)
        if next_step == NextStep.MORE_SESSIONS:
            return report
        referral_services.referral_complete(
            referral=referral, actor=actor, reason=summary_for_referrer if shared else ""
        )
        if next_step == NextStep.ONWARD_ORGANIZATION and referral.consent.is_valid_for(
            Scope.SHARE_REFERRAL
        ):
            report.onward_referral = referral_services.referral_onward(
                source=referral, organization=onward_organization, actor=actor
            )
            report.save(update_fields=["onward_referral"])
    return report
