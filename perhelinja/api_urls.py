from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from appointments.api import AppointmentViewSet, OutcomeViewSet, ShiftViewSet, SlotViewSet
from consent.api import ConsentViewSet
from directory.api import ObtainTokenView, OrganizationViewSet, ServiceViewSet
from insight.api import CoverageView, ThroughputView
from insight.packages import PackageReportView
from packages.api import PackageViewSet
from referrals.api import ReferralViewSet

router = DefaultRouter()
router.register("referrals", ReferralViewSet, basename="referral")
router.register("consents", ConsentViewSet, basename="consent")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("services", ServiceViewSet, basename="service")
router.register("shifts", ShiftViewSet, basename="shift")
router.register("slots", SlotViewSet, basename="slot")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("packages", PackageViewSet, basename="package")

urlpatterns = [
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/stats/throughput/", ThroughputView.as_view(), name="api-throughput"),
    path("api/v1/stats/coverage/", CoverageView.as_view(), name="api-coverage"),
    path("api/v1/packages/<int:pk>/report/", PackageReportView.as_view(), name="api-pkg-report"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="directory/api_docs.html"
        ),
        name="api-docs",
    ),
]
