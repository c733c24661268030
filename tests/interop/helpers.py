"""Reading the FHIR facade's answers back with `fhir.resources`, as a client would."""

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

FHIR_JSON = "application/fhir+json"


def parsed(response):
    """The answer as its `fhir.resources` model: it must be FHIR JSON that validates."""
    assert response["Content-Type"].startswith(FHIR_JSON), response["Content-Type"]
    data = response.json()
    model = get_fhir_model_class(data["resourceType"])
    return model.model_validate(data)


def entries(response) -> list:
    bundle = parsed(response)
    assert isinstance(bundle, Bundle) and bundle.type == "searchset"
    return [entry.resource for entry in bundle.entry or []]


def link(response, relation: str) -> str | None:
    bundle = parsed(response)
    return next((item.url for item in bundle.link or [] if item.relation == relation), None)
