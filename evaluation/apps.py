from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Feedback from families and referrers, and the outreach the organizations do."""

    name = "evaluation"
    verbose_name = _("Evaluation and outreach")
