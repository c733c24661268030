"""The worker's pages: plan shifts, book and offer times, record attendance and the outcome."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from perhelinja.fastpath import MODES, referral_lists
from perhelinja.forms import add_service_errors
from perhelinja.fsm import TransitionRefused
from referrals.actions import REFERRAL_ACTIONS

from .. import services
from ..actions import APPOINTMENT_ACTIONS
from ..forms import (
    MATCHES_WISHES,
    BookForm,
    CancelForm,
    OfferForm,
    OutcomeForm,
    ShiftCancelForm,
    ShiftForm,
)
from ..models import NextStep, Shift


def _worker(request) -> None:
    if not request.user.is_worker:
        raise Http404


def _handled_referral(request, pk: int, **kwargs):
    return services.get_handled_referral_for_user(request.user, pk, **kwargs)


@login_required
def shift_new(request):
    _worker(request)
    form = ShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_create(actor=request.user, worker=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The shift was added."))
            return redirect("appointments:week")
    return render(request, "appointments/shift_form.html", {"form": form})


@require_POST
@login_required
def shift_cancel(request, pk: int):
    _worker(request)
    shift = get_object_or_404(Shift, pk=pk, organization_id=request.user.organization_id)
    form = ShiftCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("appointments:week")
    try:
        services.shift_cancel(shift=shift, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The shift was cancelled and the families told."))
    return redirect("appointments:week")


@login_required
def book(request, pk: int):
    # The consent joined (the access rule reads it); the ways to meet read as codes.
    referral = _handled_referral(request, pk, related=("organization", "consent"))
    slots = services.free_slots(referral.organization)
    form = BookForm(request.POST or None, slots=slots)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_book(
                referral=referral, slot=form.cleaned_data["slot"], actor=request.user
            )
        except services.SlotUnavailable as exc:
            for message in exc.messages:
                messages.error(request, message)
            form = BookForm(slots=services.free_slots(referral.organization))
            status = 409
        except TransitionRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("referrals:detail", pk=referral.pk)
        else:
            messages.success(request, _("The appointment was booked."))
            return redirect("appointments:detail", pk=appointment.pk)
    # The soonest free times, read once for both "are there any" and the radio buttons.
    field = form.fields["slot"]
    field.widget.choices = choices = list(iter(field.choices))  # iter(): no COUNT for len()
    has_free_slots = any(value != "" for value, _label in choices)
    context = {
        "referral": referral,
        "form": form,
        "has_free_slots": has_free_slots,
        "mode_labels": referral_lists([referral.pk], (MODES,))[referral.pk].mode_labels,
    }
    return render(request, "appointments/book.html", context, status=status)


@login_required
def offer(request, pk: int):
    # The consent joined: the access rule reads it.
    referral = _handled_referral(request, pk, related=("organization", "consent"))
    form = OfferForm(request.POST or None, slots=services.ranked_free_slots(referral))
    if request.method == "POST" and form.is_valid():
        try:
            made, _token = services.offer_create(
                referral=referral, slots=form.cleaned_data["slots"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("appointments:offer_detail", pk=made.pk)
    context = {
        "referral": referral,
        "form": form,
        "valid_hours": settings.SLOT_OFFER_VALID_HOURS,
        "matches_wishes": MATCHES_WISHES,
    }
    return render(request, "appointments/offer.html", context)


@login_required
def offer_detail(request, pk: int):
    return _offer_page(request, services.get_offer_for_user(request.user, pk))


def _offer_page(request, made, status: int = 200):
    """An offer made: its link to copy, the ways to send it the consent covers, its events."""
    token = services.offer_token(made)
    context = {
        "offer": made,
        "referral": made.referral,
        "link": request.build_absolute_uri(reverse("appointments:family_offer", args=[token])),
        "channels": services.offer_channels(made.referral),
        "events": made.events.select_related("actor"),
        "slots": made.slots.select_related("shift__site").order_by("starts_at"),
        "valid_hours": settings.SLOT_OFFER_VALID_HOURS,
    }
    return render(request, "appointments/offer_detail.html", context, status=status)


@require_POST
@login_required
def offer_send(request, pk: int):
    """Send the link by text message or email; refused (400, with the reason) when the
    family's consent does not cover that way."""
    made = services.get_offer_for_user(request.user, pk)
    channel = request.POST.get("channel", "")
    try:
        services.offer_send(offer=made, channel=channel, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _offer_page(request, made, status=400)
    if channel == "sms":
        messages.success(request, _("The link was sent to the family by text message."))
    else:
        messages.success(request, _("The link was sent to the family by email."))
    return redirect("appointments:offer_detail", pk=made.pk)


@login_required
def outcome(request, pk: int):
    referral = _handled_referral(request, pk)
    form = OutcomeForm(
        request.POST or None,
        initial={"sessions": referral.appointments.filter(state="attended").count()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_report(referral=referral, actor=request.user, **form.cleaned_data)
        except TransitionRefused as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if form.cleaned_data["next_step"] == NextStep.MORE_SESSIONS:
                messages.success(
                    request, _("The outcome was reported; the referral stays in service.")
                )
            else:
                messages.success(request, _("The outcome was reported and the referral completed."))
            return redirect("referrals:detail", pk=referral.pk)
    context = {
        "referral": referral,
        "form": form,
        "completed": REFERRAL_ACTIONS["complete"].title,
        "in_service": REFERRAL_ACTIONS["start_service"].title,
        "more_sessions": NextStep.MORE_SESSIONS.label,
    }
    return render(request, "appointments/outcome.html", context)


@login_required
def appointment_detail(request, pk: int):
    appointment = services.get_appointment_for_user(request.user, pk)
    actions = APPOINTMENT_ACTIONS.available(
        appointment, request.user, APPOINTMENT_ACTIONS.in_place("detail")
    )
    context = {
        "appointment": appointment,
        "actions": actions,
        "action_names": {a.name for a in actions},
        "by_name": {a.name: a for a in actions},
        "cancel_form": CancelForm(),
        "reschedule_form": BookForm(slots=services.free_slots(appointment.organization))
        if actions
        else None,
        "events": appointment.events.select_related("actor"),
    }
    return render(request, "appointments/detail.html", context)


@require_POST
@login_required
def appointment_action(request, pk: int, action: str):
    appointment = services.get_appointment_for_user(request.user, pk)
    if action == "reschedule":
        form = BookForm(request.POST, slots=services.free_slots(appointment.organization))
        if not form.is_valid():
            messages.error(request, _("Choose a free time."))
            return redirect("appointments:detail", pk=pk)
        try:
            new = services.appointment_reschedule(
                appointment=appointment, slot=form.cleaned_data["slot"], actor=request.user
            )
        except TransitionRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("appointments:detail", pk=pk)
        messages.success(request, _("The appointment was moved."))
        return redirect("appointments:detail", pk=new.pk)
    if APPOINTMENT_ACTIONS.get(action, place="detail") is None:
        raise Http404
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        APPOINTMENT_ACTIONS.call(action, appointment, request.user, form.cleaned_data)
    except TransitionRefused as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect("appointments:detail", pk=pk)
