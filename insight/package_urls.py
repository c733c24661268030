from django.urls import path

from . import packages

app_name = "package_reports"
urlpatterns = [
    path("package-reports/<int:pk>/", packages.package_report, name="report"),
    path("package-reports/<int:pk>/pdf/", packages.package_report_pdf, name="pdf"),
]
