from django.urls import path

from . import views

urlpatterns = [
    # The public service catalogue ("palvelupaketti"): no login, no personal data.
    path("palvelut/", views.catalogue, name="catalogue"),
]
