from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    """The HL7 FHIR facade (/fhir/): the domain read and acted on through FHIR resources."""

    name = "interop"
    verbose_name = _("Interoperability")
