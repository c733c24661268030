"""Every action on an appointment, declared once (see `perhelinja.lifecycle`), and the
appointments' part of a referral's end (`referrals.actions.END_APPOINTMENTS`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perhelinja.lifecycle import DANGER, PRIMARY, Action, Change, Effect, Registry, run
from perhelinja.outbox import enqueue
from referrals.actions import END_APPOINTMENTS
from referrals.models import Referral
from referrals.models import State as ReferralState
from referrals.services import referral_start_service

from .models import UPCOMING_STATES, Appointment, AppointmentEvent, SlotOffer

MESSAGE_TASK = "appointments.tasks.send_appointment_message"


def _message(kind: str) -> Effect:
    return Effect(
        f"message_{kind}",
        f"The family (as its consent allows) and the worker get the '{kind}' message.",
        lambda change: enqueue(MESSAGE_TASK, change.obj.pk, kind),
    )


def _start_referral_service(change: Change) -> None:
    """The referral's first attended session starts its service. Its row is locked before its
    state is read: two sessions recorded at once start the service once, neither is refused."""
    referral = Referral.objects.select_for_update().get(pk=change.obj.referral_id)
    if referral.state == ReferralState.SCHEDULED:
        referral_start_service(referral=referral, actor=change.actor)


def _flag_rebooking(change: Change) -> None:
    Appointment.objects.filter(pk=change.obj.pk).update(needs_rebooking=True)
    change.obj.needs_rebooking = True


MESSAGE_CANCELLED = _message("cancelled")
MESSAGE_REBOOK = _message("rebook")
START_SERVICE = Effect(
    "start_referral_service", "The referral's service starts.", _start_referral_service
)
FLAG_REBOOKING = Effect(
    "flag_rebooking", "The worker is asked to find a new time.", _flag_rebooking
)


def _audit(appointment, action, *, actor, source, reason, reason_code, before) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        actor=None if action.via_link else actor,
        via_family_link=action.via_link,
        transition=action.transition,
        from_state=source,
        to_state=appointment.state,
        reason=reason,
    )


APPOINTMENT_ACTIONS = Registry(model=Appointment, target="appointment", audit=_audit)
APPOINTMENT_ACTIONS.add(
    Action(
        name="confirm",
        transition="confirm",
        title=_("Confirm"),
        button=_("Confirmed with the family"),
        kind=PRIMARY,
        service="appointments.services.appointment_confirm",
        places=frozenset({"detail"}),
    ),
    Action(
        name="attend",
        transition="attend",
        title=_("Attended"),
        button=_("Attended"),
        kind=PRIMARY,
        service="appointments.services.appointment_attend",
        places=frozenset({"detail"}),
        effects=(START_SERVICE,),
    ),
    Action(
        name="no_show",
        transition="no_show",
        title=_("Did not come"),
        button=_("Did not come"),
        service="appointments.services.appointment_no_show",
        places=frozenset({"detail"}),
    ),
    Action(
        name="cancel",
        transition="cancel_by_organization",
        title=_("Cancelled by the organization"),
        button=_("We cancel"),
        kind=DANGER,
        fields=("reason",),
        service="appointments.services.appointment_cancel_by_organization",
        places=frozenset({"detail"}),
        audience=frozenset({"family", "worker"}),
        effects=(MESSAGE_CANCELLED,),
    ),
    Action(
        name="cancel_by_family",
        transition="cancel_by_family",
        title=_("Cancelled by the family"),
        button=_("The family cancelled"),
        kind=DANGER,
        fields=("reason",),
        service="appointments.services.appointment_cancel_by_family",
        places=frozenset({"detail"}),
        audience=frozenset({"family", "worker"}),
        effects=(MESSAGE_CANCELLED,),
    ),
    # The system's and the family's own, offered on no worker's page:
    Action(
        name="cancel_for_rebooking",
        transition="cancel_by_organization",
        title=_("Cancelled by the organization"),
        audience=frozenset({"family", "worker"}),
        effects=(FLAG_REBOOKING, MESSAGE_REBOOK),
    ),
    Action(
        name="family_confirm",
        transition="confirm",
        title=_("Confirm"),
        via_link=True,
    ),
    Action(
        name="family_cancel",
        transition="cancel_by_family",
        title=_("Cancelled by the family"),
        button=_("Cancel this time"),
        via_link=True,
        audience=frozenset({"family", "worker"}),
        effects=(MESSAGE_CANCELLED,),
    ),
)


@END_APPOINTMENTS.implement
def end_appointments(change: Change) -> None:
    """A referral ended: its future appointments are cancelled (the family told, with a
    cancelling calendar entry) and its open time offers end."""
    referral = change.obj
    name = "cancel_by_family" if change.action.name == "withdraw" else "cancel"
    upcoming = Appointment.objects.filter(
        referral=referral, state__in=UPCOMING_STATES, starts_at__gt=timezone.now()
    )
    for appointment in upcoming:
        run(
            # The referral's end, not its reason (a withdrawal's reason is the family's own).
            APPOINTMENT_ACTIONS,
            appointment,
            name,
            actor=change.actor,
            reason=str(change.action.title),
            permission_checked=True,
        )
    SlotOffer.objects.filter(
        referral=referral, appointment__isnull=True, expires_at__gt=timezone.now()
    ).update(expires_at=timezone.now())
