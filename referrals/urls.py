from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("referrals/", views.my_referrals, name="mine"),
    path("referrals/new/", views.referral_new, name="new"),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/consent/", views.referral_consent, name="consent"),
    path("referrals/<int:pk>/family/", views.referral_family, name="family"),
    path("referrals/<int:pk>/preferences/", views.referral_preferences, name="preferences"),
    path("referrals/<int:pk>/review/", views.referral_review, name="review"),
    path("referrals/<int:pk>/<slug:action>/", views.referral_action, name="action"),
    path("triage/", views.triage, name="triage"),
    path("triage/<int:pk>/", views.triage_detail, name="triage_detail"),
    path("triage/<int:pk>/<slug:action>/", views.triage_action, name="triage_action"),
    path("inbox/", views.worker_inbox, name="inbox"),
    path("pool/<int:pk>/", views.pool_detail, name="pool_detail"),
    path("pool/<int:pk>/claim/", views.pool_claim, name="claim"),
    path("notifications/", views.notifications, name="notifications"),
]
