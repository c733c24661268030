from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    """Reception shifts and bookings; the models arrive with the appointments issue."""

    name = "appointments"
    verbose_name = _("Appointments")
