"""The family's link: no login, minimal data, nothing changes on opening it (GET).

Choosing and cancelling are POST buttons, so a mail scanner that follows the link cannot act
for the family. The page opens in the family's language unless they switch it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from perhelinja.fsm import TransitionRefused

from .. import services
from ..actions import APPOINTMENT_ACTIONS

FAMILY_LANGUAGES = ("fi", "sv", "en")


@never_cache
def offer_page(request, token: str):
    offer = services.get_offer_for_token(token)
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or (
        offer.referral.language if offer.referral.language in FAMILY_LANGUAGES else "fi"
    )
    with translation.override(language):
        error = None
        if request.method == "POST":
            try:
                if request.POST.get("action") == "cancel":
                    services.offer_cancel(offer=offer)
                else:
                    services.offer_choose(offer=offer, slot_id=int(request.POST.get("slot", 0)))
            except (TransitionRefused, ValueError) as exc:
                error = " ".join(getattr(exc, "messages", [_("Choose one of the offered times.")]))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect("appointments:family_offer", token=token)
            offer.refresh_from_db()
        context = {
            "offer": offer,
            "organization": offer.referral.organization,
            "slots": offer.slots.select_related("shift__site").order_by("starts_at"),
            "appointment": offer.appointment,
            "error": error,
            "cancel_action": APPOINTMENT_ACTIONS.get("family_cancel"),
            "LANGUAGE_CODE": language,
        }
        response = render(request, "appointments/family_offer.html", context)
    # Never leak the link to other sites; same-origin keeps the form POST's Origin header valid.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
