from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    """Reception shifts and bookings."""

    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        # A referral's end cancels its appointments: the effect is implemented here.
        from . import actions  # noqa: F401
