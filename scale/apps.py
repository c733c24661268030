from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """Finland-scale data generation and the benchmark (`make bench`). Installed only where
    tools are (settings.TOOLS), never in production."""

    name = "scale"
    verbose_name = "Scale and benchmarks"
