from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from appointments.api import AppointmentViewSet, OutcomeViewSet, ShiftViewSet, SlotViewSet
from consent.api import ConsentViewSet
from directory.api import OrganizationViewSet, ServiceViewSet
from referrals.api import ReferralViewSet, ThroughputView

router = DefaultRouter()
router.register("referrals", ReferralViewSet, basename="referral")
router.register("consents", ConsentViewSet, basename="consent")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("services", ServiceViewSet, basename="service")
router.register("shifts", ShiftViewSet, basename="shift")
router.register("slots", SlotViewSet, basename="slot")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("outcomes", OutcomeViewSet, basename="outcome")

urlpatterns = [
    path("api/v1/auth/token/", obtain_auth_token, name="api-token"),
    path("api/v1/stats/throughput/", ThroughputView.as_view(), name="api-throughput"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
