from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PackagesConfig(AppConfig):
    """Tailored service packages: several organizations' services put together for one
    municipality's challenge and period."""

    name = "packages"
    verbose_name = _("Service packages")
