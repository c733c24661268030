from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("insight/", views.dashboard, name="dashboard"),
    path("insight/reports/", views.report_new, name="report_new"),
    path("insight/reports/<int:pk>/", views.report_status, name="report"),
    path("insight/reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("insight/comments/", views.comments, name="comments"),
    path("insight/coverage/", views.coverage_map, name="coverage"),
    path("insight/coverage/cell/", views.coverage_cell, name="coverage_cell"),
]
