from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    # The family's signed link: no login, nothing changes until the answer is sent.
    path("feedback/<str:token>/", views.family_feedback, name="family_feedback"),
    path(
        "evaluation/referrals/<int:pk>/feedback/",
        views.referrer_feedback,
        name="referrer_feedback",
    ),
    path(
        "evaluation/comments/<uuid:pk>/remove/",
        views.feedback_comment_remove,
        name="comment_remove",
    ),
    path("outreach/", views.outreach_list, name="outreach"),
    path("outreach/new/", views.outreach_new, name="outreach_new"),
    path("outreach/<int:pk>/", views.outreach_edit, name="outreach_edit"),
    path("outreach/<int:pk>/delete/", views.outreach_delete, name="outreach_delete"),
]
