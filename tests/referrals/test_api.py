import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from referrals.models import AccessRecord, Referral, State
from tests.factories import (
    Cast,
    ConsentFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)
from tests.two_factor import token_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def login(api, user):
    # a coordinator also sends the code of the second factor
    response = api.post(reverse("api-token"), token_request(user))
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")


def url(pk=None, name=None):
    if name:
        return f"/api/v1/referrals/{pk}/transitions/{name}/"
    return f"/api/v1/referrals/{pk}/" if pk else "/api/v1/referrals/"


def test_a_token_is_needed(api):
    assert api.get(url()).status_code in (401, 403)


def test_the_list_holds_what_the_caller_may_see_filtered_and_paginated(api):
    cast = Cast()
    mine = [referral_in_state(s, cast)[0] for s in (State.DRAFT, State.SUBMITTED, State.ASSIGNED)]
    referral_in_state(State.SUBMITTED)  # someone else's
    login(api, cast.referrer)
    data = api.get(url()).data
    assert {r["id"] for r in data["results"]} == {r.pk for r in mine}
    data = api.get(url(), {"state": "submitted"}).data
    assert [r["id"] for r in data["results"]] == [mine[1].pk]
    api.credentials()
    login(api, cast.handler)
    assert [r["id"] for r in api.get(url()).data["results"]] == [mine[2].pk]


def test_reading_one_lists_the_callers_transitions_and_writes_an_access_record(api):
    referral, cast = referral_in_state(State.ASSIGNED)
    login(api, cast.handler)
    data = api.get(url(referral.pk)).data
    assert set(data["available_transitions"]) == {"accept", "decline", "return", "withdraw"}
    assert data["identity_code"] == ""
    [record] = AccessRecord.objects.all()
    assert (record.channel, record.user) == ("api", cast.handler)


def test_transitions_run_the_same_rules_as_the_pages(api):
    referral, cast = referral_in_state(State.ASSIGNED)
    login(api, cast.handler)
    response = api.post(url(referral.pk, "accept"), {"reason": "Otetaan"}, format="json")
    assert response.status_code == 200 and response.data["state"] == "accepted"
    # the same again: the state no longer allows it
    response = api.post(url(referral.pk, "accept"), {}, format="json")
    assert response.status_code == 409
    # a visible referral, a transition this caller may not run
    response = api.post(url(referral.pk, "submit"), {}, format="json")
    assert response.status_code == 403
    # bad input: a decline without a reason for "other"
    referral2, _cast2 = referral_in_state(State.ASSIGNED, cast)
    response = api.post(url(referral2.pk, "decline"), {"reason_code": "other"}, format="json")
    assert response.status_code == 400 and "reason" in response.data
    assert Referral.objects.get(pk=referral2.pk).state == State.ASSIGNED


def test_outsiders_get_404(api):
    referral, _cast = referral_in_state(State.ASSIGNED)
    for outsider in (ProfessionalFactory(), WorkerFactory()):
        api.credentials()
        login(api, outsider)
        assert api.get(url(referral.pk)).status_code == 404
        assert api.post(url(referral.pk, "accept"), {}, format="json").status_code == 404


def test_a_coordinator_assigns_through_the_api(api):
    referral, cast = referral_in_state(State.SUBMITTED)
    login(api, cast.coordinator)
    response = api.post(url(referral.pk, "assign"), {}, format="json")
    assert response.status_code == 400 and "organization" in response.data
    response = api.post(
        url(referral.pk, "assign"), {"organization": cast.organization.pk}, format="json"
    )
    assert response.status_code == 200
    assert Referral.objects.get(pk=referral.pk).state == State.ASSIGNED


def test_list_queries_are_bounded(api, django_assert_max_num_queries):
    cast = Cast()
    for _ in range(12):
        referral_in_state(State.SUBMITTED, cast)
    login(api, cast.referrer)
    with django_assert_max_num_queries(10):  # the access records included, in one insert
        assert api.get(url()).status_code == 200
    assert AccessRecord.objects.filter(channel="api").count() == 12


def test_the_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/referrals/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()  # swagger-ui comes from the sidecar package


def test_the_catalogue_is_public_and_filterable(api):
    from tests.factories import ServiceFactory

    shown = ServiceFactory()
    ServiceFactory(is_active=False)
    data = api.get("/api/v1/services/").data
    assert [s["id"] for s in data["results"]] == [shown.pk]
    assert data["results"][0]["organization"]["name"] == shown.organization.name
    assert api.get("/api/v1/services/", {"mode": "video"}).data["count"] == 0


def test_consents_are_recorded_read_and_withdrawn_through_the_api(api):
    referral, cast = referral_in_state(State.SUBMITTED)
    login(api, cast.referrer)
    response = api.post(
        "/api/v1/consents/",
        {
            "given_by_role": "guardian",
            "given_by_name": "Maija",
            "method": "verbal",
            "scopes": ["share_referral", "contact_phone"],
        },
        format="json",
    )
    assert response.status_code == 201 and response.data["scopes"] == [
        "share_referral",
        "contact_phone",
    ]
    bad = api.post("/api/v1/consents/", {"given_by_role": "guardian"}, format="json")
    assert bad.status_code == 400 and "scopes" in bad.data
    pk = referral.consent_id
    assert api.get(f"/api/v1/consents/{pk}/").status_code == 200
    response = api.post(f"/api/v1/consents/{pk}/withdraw/", {"reason": "Peruttu"}, format="json")
    assert response.status_code == 200 and response.data["withdrawn_at"]
    assert Referral.objects.get(pk=referral.pk).state == State.WITHDRAWN
    api.credentials()
    login(api, WorkerFactory())
    assert api.get(f"/api/v1/consents/{pk}/").status_code == 404


def draft_body(consent, cast, **extra):
    return {
        "consent": consent.pk,
        "target_group": cast.target_group.slug,
        "challenges": [cast.challenge.slug],
        "preferred_modes": ["phone"],
        "contact_name": "Maija Meikäläinen",
        "contact_phone": "+358 40 000 0001",
        "language": "fi",
        "description": "Perhe toivoo keskusteluapua.",
        "children_birth_years": [2021, 2019],
        **extra,
    }


def test_a_professional_makes_and_edits_a_draft_through_the_api(api):
    cast = Cast()
    consent = ConsentFactory(recorded_by=cast.referrer)
    login(api, cast.referrer)
    response = api.post(url(), draft_body(consent, cast), format="json")
    assert response.status_code == 201, response.data
    referral = Referral.objects.get(pk=response.data["id"])
    assert (referral.state, referral.referrer, referral.consent) == (
        State.DRAFT,
        cast.referrer,
        consent,
    )
    assert referral.municipality == cast.referrer.municipality
    assert sorted(c.birth_year for c in referral.children.all()) == [2019, 2021]
    assert [m.code for m in referral.preferred_modes.all()] == ["phone"]
    assert response.data["available_transitions"] == ["submit", "cancel", "withdraw"]
    response = api.patch(url(referral.pk), {"contact_name": "Liisa"}, format="json")
    assert response.status_code == 200 and response.data["contact_name"] == "Liisa"
    assert response.data["description"] == "Perhe toivoo keskusteluapua."
    # submitted: no longer editable
    api.post(url(referral.pk, "submit"), {}, format="json")
    response = api.patch(url(referral.pk), {"contact_name": "Toinen"}, format="json")
    assert response.status_code == 400
    assert Referral.objects.get(pk=referral.pk).contact_name == "Liisa"


def test_bad_draft_input_gets_field_messages_and_saves_nothing(api):
    cast = Cast()
    consent = ConsentFactory(recorded_by=cast.referrer)
    someone_elses = ConsentFactory()
    login(api, cast.referrer)
    cases = [
        (draft_body(someone_elses, cast), "consent"),
        (draft_body(consent, cast, contact_phone=""), "contact_phone"),
        (draft_body(consent, cast, language="other"), "language_other"),
        (draft_body(consent, cast, challenges=[]), "challenges"),
        (draft_body(consent, cast, target_group="nonexistent"), "target_group"),
        (draft_body(consent, cast, children_birth_years=[1900]), "children_birth_years"),
        (draft_body(consent, cast, identity_code="010101-123X"), "identity_code"),
        (draft_body(consent, cast, contact_email="not-an-email"), "contact_email"),
    ]
    for body, field in cases:
        response = api.post(url(), body, format="json")
        assert response.status_code == 400 and field in response.data, (field, response.data)
    assert not Referral.objects.exists()


def test_only_the_referrer_edits_and_only_professionals_create(api):
    referral, cast = referral_in_state(State.DRAFT)
    for outsider in (ProfessionalFactory(), WorkerFactory(), cast.coordinator, cast.handler):
        api.credentials()
        login(api, outsider)
        assert api.patch(url(referral.pk), {"contact_name": "X"}, format="json").status_code == 404
        assert api.put(url(referral.pk), {}, format="json").status_code == 404
    consent = ConsentFactory(recorded_by=cast.referrer)
    for user in (cast.handler, cast.coordinator):
        api.credentials()
        login(api, user)
        assert api.post(url(), draft_body(consent, cast), format="json").status_code == 403
    assert Referral.objects.get(pk=referral.pk).contact_name == "Maija Meikäläinen"


def test_the_api_answers_429_when_a_caller_goes_too_fast(api, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    user = ProfessionalFactory()
    login(api, user)
    codes = [api.get(url()).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    cache.clear()


def test_date_filters_take_any_iso_offset_and_refuse_absurd_years(api):
    referral, cast = referral_in_state(State.SUBMITTED)
    login(api, cast.referrer)
    # +16:14 parses in Python but PostgreSQL refuses it: the filter hands over UTC
    response = api.get(url(), {"submitted_after": "2000-08-29T10:21:12+16:14"})
    assert response.status_code == 200 and response.data["results"][0]["id"] == referral.pk
    response = api.get(url(), {"submitted_before": "1321-08-29T10:21:12+16:14"})
    assert response.status_code == 400 and "submitted_before" in response.data
