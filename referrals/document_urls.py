"""PDF documents; the views live in referrals/documents.py."""

from django.urls import path

from . import documents

app_name = "documents"
urlpatterns = [
    path("documents/referrals/<int:pk>/consent.pdf", documents.consent_form, name="consent_form"),
    path("documents/referrals/<int:pk>/summary.pdf", documents.referral_summary, name="summary"),
    path(
        "documents/appointments/<int:pk>/letter.pdf",
        documents.appointment_letter,
        name="appointment_letter",
    ),
    path("documents/referrals/<int:pk>/access.pdf", documents.access_report, name="access_report"),
]
