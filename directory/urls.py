from django.urls import path

from . import views

urlpatterns = [
    # The public service catalogue ("palvelupaketti") goes here: no login, no personal data.
]
