"""The PDF documents: the family's consent form, the referral summary for the receiving
organization, the appointment letter for families without email, and the access report
(GDPR art. 15).

Like every other view, these answer 404, never 403, to someone who may not see the document.
A document that carries a family's personal data leaves exactly one AccessRecord (channel
"pdf"), written after it was rendered.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from appointments.models import UPCOMING_STATES
from appointments.services import get_appointment_for_user
from consent.models import Scope, scope_field
from directory.models import Role
from perhelinja.pdf import pdf_response, render_pdf

from . import audit, selectors
from .models import AccessRecord, Referral

PDF_LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
CONTACT_SCOPES = (Scope.CONTACT_PHONE, Scope.CONTACT_SMS, Scope.CONTACT_EMAIL)
ROLE_NAMES = frozenset(Role.values)


def _language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    return code if code in PDF_LANGUAGES else default


def _family_language(request, referral: Referral) -> str:
    """`?lang=` when given, else the family's language when it is one we print, else Finnish."""
    return _language(request.GET.get("lang"), _language(referral.language))


@require_GET
@login_required
def consent_form(request, pk: int):
    """The family's copy of its consent, for the referrer to print or send."""
    referral = selectors.get_referral_for_user(request.user, pk)
    if referral.referrer_id != request.user.pk or referral.consent is None:
        raise Http404
    consent = referral.consent
    context = {
        "referral": referral,
        "consent": consent,
        "scopes": [{"label": s.label, "given": getattr(consent, scope_field(s))} for s in Scope],
        "recorder": consent.recorded_by,
    }
    pdf = render_pdf("consent_form", context, language=_family_language(request, referral))
    audit.record_access(request, referral, AccessRecord.Channel.PDF)
    return pdf_response(pdf, f"consent-{referral.pk}.pdf")


@require_GET
@login_required
def referral_summary(request, pk: int):
    """What the consent shares, for the workers of the organization holding the referral."""
    user = request.user
    referral = selectors.get_referral_for_user(user, pk)
    if not (user.is_worker and referral.organization_id == user.organization_id):
        raise Http404
    consent = referral.consent
    if consent is None or not consent.is_valid_for(Scope.SHARE_REFERRAL):
        raise Http404
    context = {
        "referral": referral,
        "contact_ways": [s.label for s in CONTACT_SCOPES if consent.is_valid_for(s)],
    }
    pdf = render_pdf("referral_summary", context, language=_language(user.language))
    audit.record_access(request, referral, AccessRecord.Channel.PDF)
    return pdf_response(pdf, f"referral-{referral.pk}.pdf")


@require_GET
@login_required
def appointment_letter(request, pk: int):
    """A letter for a family without email: when, where, free of charge, how to cancel."""
    appointment = get_appointment_for_user(request.user, pk)
    if appointment.state not in UPCOMING_STATES:
        raise Http404  # no letter for a cancelled or past appointment
    referral = appointment.referral
    pdf = render_pdf(
        "appointment_letter",
        {"appointment": appointment},
        language=_family_language(request, referral),
    )
    audit.record_access(request, referral, AccessRecord.Channel.PDF)
    return pdf_response(pdf, f"appointment-{appointment.pk}.pdf")


@require_GET
@login_required
def access_report(request, pk: int):
    """Who read a family's data and when, for a coordinator answering an art. 15 request.

    It names referrals by number only, so reading it is not itself recorded.
    """
    if not request.user.has_perm("referrals.triage_referral"):
        raise Http404
    referral = get_object_or_404(Referral, pk=pk)
    rows = [
        {
            "record": record,
            "name": record.user.get_full_name() or record.user.username,
            "roles": [Role(g.name).label for g in record.user.groups.all() if g.name in ROLE_NAMES],
            "affiliation": record.user.organization or record.user.municipality,
        }
        for record in audit.access_report(referral).prefetch_related("user__groups")
    ]
    context = {"referrals": audit.family_referrals(referral).order_by("pk"), "rows": rows}
    pdf = render_pdf("access_report", context, language=_language(request.user.language))
    return pdf_response(pdf, f"access-report-{referral.pk}.pdf")
