"""The CapabilityStatement lists every interaction and search parameter the facade serves, and
nothing it does not serve; the facade stays out of the OpenAPI schema and the domain apps do
not depend on it."""

import ast
import json
from pathlib import Path

import pytest
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from rest_framework.test import APIClient

from directory.models import Municipality, ReceptionSite
from interop.capabilities import FHIR_VERSION
from tests.factories import api_client_for

from .helpers import parsed

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = {  # a valid value of each search parameter type
    "token": {
        "ServiceRequest": "active",
        "Task": "received,accepted",
        "Appointment": "booked",
    },
    "date": "ge2000-01-01",
}


def _statement() -> CapabilityStatement:
    answer = APIClient().get("/fhir/metadata")
    assert answer.status_code == 200
    statement = parsed(answer)
    assert isinstance(statement, CapabilityStatement)
    return statement


def _instances(world) -> dict[str, str]:
    site = ReceptionSite.objects.create(
        municipality=Municipality.objects.first(), name="Perhekeskus", address="Katu 1"
    )
    referral = world["referral"]
    return {
        "ServiceRequest": referral.pk,
        "Task": referral.pk,
        "Patient": referral.pk,
        "Consent": world["consent"].pk,
        "Appointment": world["appointment"].pk,
        "Organization": referral.organization_id,
        "Location": site.pk,
        "HealthcareService": referral.organization.services.first().pk,
        "CodeSystem": "challenge",
    }


def _sample(param, kind: str, world) -> str:
    if param.type == "token":
        return SAMPLES["token"][kind]
    if param.type == "date":
        return SAMPLES["date"]
    target = "PractitionerRole" if param.name == "requester" else "Organization"
    pk = world["referral"].referrer_id if target == "PractitionerRole" else 1
    return f"{target}/{pk}"


def test_every_listed_interaction_and_search_parameter_works(world):
    statement = _statement()
    assert statement.fhirVersion == FHIR_VERSION
    worker = api_client_for(world["people"]["worker_x"])
    instances = _instances(world)
    [rest] = statement.rest
    listed = {resource.type for resource in rest.resource}
    assert listed == set(instances)
    for resource in rest.resource:
        kind = resource.type
        interactions = {i.code for i in resource.interaction}
        instance = f"/fhir/{kind}/{instances[kind]}"
        assert worker.get(instance).status_code == (200 if "read" in interactions else 405)
        search = worker.get(f"/fhir/{kind}")
        assert search.status_code == (200 if "search-type" in interactions else 404), kind
        body = json.dumps({"status": "accepted"})
        for method, interaction in (("PUT", "update"), ("PATCH", "patch")):
            code = worker.generic(method, instance, body, content_type="application/json")
            assert (code.status_code != 405) == (interaction in interactions), (kind, method)
        assert worker.delete(instance).status_code == 405
        for param in resource.searchParam or []:
            value = _sample(param, kind, world)
            answer = worker.get(f"/fhir/{kind}", {param.name: value})
            assert answer.status_code == 200, (kind, param.name, answer.content)
            assert param.documentation
        if "search-type" in interactions:
            assert worker.get(f"/fhir/{kind}", {"unlisted": "1"}).status_code == 400


def test_every_address_under_fhir_is_in_the_statement():
    statement = _statement()
    listed = {resource.type for resource in statement.rest[0].resource}
    resolver = get_resolver()
    [fhir] = [p for p in resolver.url_patterns if str(p.pattern) == "fhir/"]
    names = {pattern.name for pattern in fhir.url_patterns}
    kinds = {name.removesuffix("-search") for name in names} - {"metadata", "unknown"}
    assert kinds == listed
    assert statement.patchFormat == ["application/json-patch+json", "application/fhir+json"]


def test_the_fhir_facade_is_not_in_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["paths"]
    assert not [path for path in schema["paths"] if path.startswith("/fhir/")]


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    late = {id(sub) for fn in functions for sub in ast.walk(fn)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, id(node) in late) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield (node.module or "", id(node) in late)


def test_the_domain_does_not_import_the_facade_and_it_imports_at_the_top():
    """The house rules of tests/test_architecture.py, for this app: only the facade depends on
    the domain, never the reverse."""
    domain = ("perhelinja", "directory", "consent", "referrals", "appointments", "evaluation")
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for app in domain
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for module, _late in _imports(path)
        if module.split(".")[0] == "interop"
    ]
    found += [
        f"{path.relative_to(ROOT)} imports {module} in a function"
        for path in (ROOT / "interop").rglob("*.py")
        for module, late in _imports(path)
        if late
    ]
    assert found == []
    assert not (ROOT / "fhir").exists()  # it would hide fhir.resources' namespace
