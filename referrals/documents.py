"""Placeholder: the PDF views are being written."""

from django.http import Http404


def consent_form(request, pk):
    raise Http404


def referral_summary(request, pk):
    raise Http404


def appointment_letter(request, pk):
    raise Http404


def access_report(request, pk):
    raise Http404
