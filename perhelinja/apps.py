from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerhelinjaConfig(AppConfig):
    """The project's shared mechanisms that keep rows of their own (the outbox)."""

    name = "perhelinja"
    verbose_name = _("Perhelinja")
    default_auto_field = "django.db.models.BigAutoField"
