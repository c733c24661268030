"""The family-centre service areas: a list kept as data with its source, loaded by a migration,
edited in the admin, and filtering the catalogue and the routing."""

import pytest
from django.urls import reverse

from directory.filters import ServiceFilter
from directory.models import Availability, Municipality, ServiceArea
from directory.service_areas import ensure_service_areas, load
from referrals import routing
from tests.factories import (
    ChallengeFactory,
    ProfessionalFactory,
    ServiceFactory,
    TargetGroupFactory,
    UserFactory,
    draft_referral,
)
from tests.two_factor import verified_login

pytestmark = pytest.mark.django_db


def test_the_list_names_its_source_and_every_area_has_three_languages():
    data = load()
    assert "THL" in data["source"] and "checked" in data["source"]
    slugs = [area["slug"] for area in data["areas"]]
    assert len(slugs) == len(set(slugs)) >= 8
    for area in data["areas"]:
        assert area["name_fi"] and area["name_sv"] and area["name_en"]
    positions = [area["position"] for area in data["areas"]]
    assert positions == sorted(positions)


def test_the_migration_loaded_the_list_in_its_order():
    expected = [area["slug"] for area in load()["areas"]]
    assert list(ServiceArea.objects.values_list("slug", flat=True)) == expected


def test_loading_again_adds_what_is_missing_and_keeps_edits():
    edited = ServiceArea.objects.get(slug="early-support")
    edited.name_fi = "Varhainen tuki (muokattu)"
    edited.save()
    ServiceArea.objects.filter(slug="family-counselling").delete()
    assert ensure_service_areas(ServiceArea) == 1
    assert ServiceArea.objects.get(slug="early-support").name_fi == "Varhainen tuki (muokattu)"
    assert ServiceArea.objects.filter(slug="family-counselling").exists()


def test_the_admin_lists_the_areas_with_their_source_and_edits_a_services_areas(client):
    verified_login(client, UserFactory(is_staff=True, is_superuser=True))
    body = client.get(reverse("admin:directory_servicearea_changelist")).content.decode()
    assert "Early support and preventive family work" in body or "Varhainen tuki" in body
    assert "THL" in body
    service = ServiceFactory()
    body = client.get(reverse("admin:directory_service_change", args=[service.pk])).content
    assert b'name="service_areas"' in body


def _area_service(slug: str, **data):
    service = ServiceFactory(**data)
    service.service_areas.add(ServiceArea.objects.get(slug=slug))
    return service


def test_the_catalogue_filters_by_service_area_and_shows_it(client):
    counselling = _area_service("family-counselling", name_fi="Perheneuvonta")
    _area_service("divorce-family-law", name_fi="Eroneuvonta")
    ServiceFactory(name_fi="Luokittelematon")
    response = client.get(reverse("catalogue"), {"service_area": "family-counselling"})
    assert [service.name_fi for service in response.context["services"]] == ["Perheneuvonta"]
    body = response.content.decode()
    assert 'name="service_area"' in body
    assert "Family-centre service area" in body and "Child guidance and family counselling" in body
    api = client.get("/api/v1/services/", {"service_area": "family-counselling"}).json()
    assert [row["id"] for row in api["results"]] == [counselling.pk]
    assert api["results"][0]["service_areas"] == ["family-counselling"]


def test_an_unknown_area_is_a_clear_error_not_a_failure(client):
    ServiceFactory(name_fi="Perheneuvonta")
    response = client.get(reverse("catalogue"), {"service_area": "no-such-area"})
    assert response.status_code == 200
    assert "Family-centre service area" in response.content.decode()
    assert response.context["form"].errors["service_area"]


def test_an_area_out_of_use_is_not_offered():
    ServiceArea.objects.filter(slug="family-counselling").update(is_active=False)
    offered = {area.slug for area in ServiceFilter().filters["service_area"].queryset}
    assert "family-counselling" not in offered and "early-support" in offered


def test_routing_can_be_narrowed_to_one_service_area():
    target_group, challenge = TargetGroupFactory(), ChallengeFactory()
    counselling = _area_service("family-counselling", availability=Availability.REGION)
    divorce = _area_service("divorce-family-law", availability=Availability.REGION)
    for service in (counselling, divorce):
        service.challenges.add(challenge)
    referrer = ProfessionalFactory(municipality=Municipality.objects.get(code="853"))
    referral = draft_referral(referrer=referrer, target_group=target_group, challenges=[challenge])
    everyone = {c.organization for c in routing.rank(referral)}
    assert everyone == {counselling.organization, divorce.organization}
    area = ServiceArea.objects.get(slug="divorce-family-law")
    narrowed = routing.rank(referral, service_area=area)
    assert [c.organization for c in narrowed] == [divorce.organization]
