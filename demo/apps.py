from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make demo`: four pilot areas, 13 organizations, a user per role.
    Installed only where tools are (settings.TOOLS), never in production."""

    name = "demo"
    verbose_name = "Demo data"
