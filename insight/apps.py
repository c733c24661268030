from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """The coordinators' reporting: aggregates of referrals, feedback and outreach, never
    personal data, every published figure protected against small-cell disclosure."""

    name = "insight"
    verbose_name = _("Insight")
