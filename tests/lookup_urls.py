"""The project's URLs with the lookups' included, as the lead includes them (tests only)."""

from django.urls import include, path

urlpatterns = [
    path("", include("perhelinja.lookup_urls")),
    path("", include("perhelinja.urls")),
]
