"""The family's link: no login, minimal data, nothing changes on opening it (GET).

Choosing, cancelling and "none of these times suit me" are POST buttons, so a mail scanner
that follows the link cannot act for the family; cancelling asks once more first. The page
opens in the family's language unless they switch it.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from perhelinja.fsm import TransitionRefused

from .. import services
from ..actions import APPOINTMENT_ACTIONS
from ..forms import NoneSuitForm
from ..ics import appointment_ics
from ..models import UPCOMING_STATES, OfferEventKind

FAMILY_LANGUAGES = ("fi", "sv", "en")
MAP_SEARCH = "https://www.openstreetmap.org/search?query="
CONFIRM_CANCEL = "yes"


def _language(request, offer) -> str:
    return request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or (
        offer.referral.language if offer.referral.language in FAMILY_LANGUAGES else "fi"
    )


def _act(request, offer):
    """One button of the page; the error to show, or None when it was done."""
    action = request.POST.get("action")
    if action == "cancel":
        if request.POST.get("confirm") != CONFIRM_CANCEL:
            return _("Tick the box to confirm that you cancel the time.")
        services.offer_cancel(offer=offer)
    elif action == "none_suit":
        form = NoneSuitForm(request.POST)
        if not form.is_valid():
            return " ".join(m for errors in form.errors.values() for m in errors)
        services.offer_none_suit(offer=offer, message=form.cleaned_data["message"])
    else:
        services.offer_choose(offer=offer, slot_id=int(request.POST.get("slot", 0)))
    return None


@never_cache
def offer_page(request, token: str):
    offer = services.get_offer_for_token(token)
    language = _language(request, offer)
    with translation.override(language):
        error = None
        if request.method == "POST":
            try:
                error = _act(request, offer)
            except (TransitionRefused, ValueError) as exc:
                error = " ".join(getattr(exc, "messages", [_("Choose one of the offered times.")]))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            if error is None:
                return redirect("appointments:family_offer", token=token)
            offer.refresh_from_db()
        appointment = offer.appointment
        upcoming = appointment is not None and appointment.state in UPCOMING_STATES
        site = appointment.site if appointment is not None and appointment.site_id else None
        step = request.GET.get("step")
        none_suit_told = offer.events.filter(kind=OfferEventKind.NONE_SUIT).exists()
        context = {
            "offer": offer,
            "token": token,
            "organization": offer.referral.organization,
            "slots": offer.slots.select_related("shift__site").order_by("starts_at"),
            "appointment": appointment,
            "upcoming": upcoming,
            "minutes": (
                int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
                if appointment is not None
                else None
            ),
            "site": site,
            "map_url": MAP_SEARCH + quote(site.address) if site and site.address else "",
            "page_url": request.path,
            "confirming_cancel": upcoming and step == "cancel",
            "cancel_url": request.path + "?step=cancel",
            "none_suit_told": none_suit_told,
            "telling_none_suit": not none_suit_told
            and (step == "none_suit" or request.POST.get("action") == "none_suit"),
            "none_suit_url": request.path + "?step=none_suit",
            "none_suit_form": NoneSuitForm(request.POST if error else None),
            "error": error,
            "cancel_action": APPOINTMENT_ACTIONS.get("family_cancel"),
            "LANGUAGE_CODE": language,
        }
        response = render(request, "appointments/family_offer.html", context)
    # Never leak the link to other sites; same-origin keeps the form POST's Origin header valid.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def offer_calendar(request, token: str):
    """The chosen time as a calendar file: what the page shows, nothing about the family."""
    offer = services.get_offer_for_token(token)
    appointment = offer.appointment
    if appointment is None or appointment.state not in UPCOMING_STATES:
        raise Http404
    with translation.override(_language(request, offer)):
        body = appointment_ics(appointment)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="perhelinja.ics"'
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
