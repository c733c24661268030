"""The public service catalogue (palvelupaketti) at /palvelut/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from directory.models import Availability, Language, Mode, Municipality
from tests.factories import (
    ChallengeFactory,
    OrganizationFactory,
    ServiceFactory,
    TargetGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/palvelut/"
HTMX = {"HX-Request": "true"}


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def names(response) -> set[str]:
    return {service.name_fi for service in response.context["services"]}


def full_service(**kwargs):
    """A service with every relation the result list shows."""
    service = ServiceFactory(**kwargs)
    service.modes.set([Mode.objects.get(code="phone"), Mode.objects.get(code="video")])
    service.languages.set([Language.objects.get(code="fi"), Language.objects.get(code="sv")])
    service.target_groups.set([TargetGroupFactory()])
    service.challenges.set([ChallengeFactory(), ChallengeFactory()])
    if service.availability == Availability.MUNICIPALITIES:
        service.municipalities.set([municipality("400"), municipality("895")])
    return service


def test_the_catalogue_url_is_palvelut():
    assert reverse("catalogue") == URL


def test_anonymous_visitor_sees_the_catalogue_without_logging_in(client):
    ServiceFactory(name_fi="Keskusteluapu perheille")
    response = client.get(URL)
    assert response.status_code == 200
    assert "Keskusteluapu perheille" in response.content.decode()
    assert response.templates[0].name == "directory/catalogue.html"


def test_logged_in_user_sees_the_catalogue_too(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 200


def test_every_page_links_to_the_catalogue_for_everyone(client):
    link = f'href="{URL}"'
    assert link in client.get(reverse("login")).content.decode()
    client.force_login(UserFactory())
    assert link in client.get(reverse("home")).content.decode()


def test_page_has_a_labelled_get_form_with_htmx_and_a_live_results_region(client):
    html = search(client).content.decode()
    assert 'method="get"' in html
    for name in ("q", "municipality", "target_group", "challenge"):
        assert f'<label for="id_{name}">' in html
    assert "<legend>How you meet</legend>" in html
    assert f'hx-get="{URL}"' in html
    assert 'hx-target="#catalogue-results"' in html
    assert 'hx-trigger="change, keyup changed delay:400ms from:input[name=q]"' in html
    assert 'hx-push-url="true"' in html
    assert 'id="catalogue-results"' in html
    assert 'aria-live="polite"' in html
    assert "js/htmx.min.js" in html


def test_result_count_heading_uses_singular_and_plural(client):
    ServiceFactory()
    assert "1 service found" in search(client).content.decode()
    ServiceFactory()
    assert "2 services found" in search(client).content.decode()


def test_municipality_shows_listed_region_and_digital_services_only(client):
    laitila_only = ServiceFactory(name_fi="Vain Laitila", availability=Availability.MUNICIPALITIES)
    laitila_only.municipalities.set([municipality("400")])
    turku_too = ServiceFactory(name_fi="Turku ja Laitila", availability=Availability.MUNICIPALITIES)
    turku_too.municipalities.set([municipality("400"), municipality("853")])
    ServiceFactory(name_fi="Koko maakunta", availability=Availability.REGION)
    ServiceFactory(name_fi="Verkossa", availability=Availability.DIGITAL)

    assert names(search(client, municipality="853")) == {
        "Turku ja Laitila",
        "Koko maakunta",
        "Verkossa",
    }
    assert names(search(client, municipality="400")) == {
        "Vain Laitila",
        "Turku ja Laitila",
        "Koko maakunta",
        "Verkossa",
    }
    assert names(search(client, municipality="322")) == {"Koko maakunta", "Verkossa"}


def test_region_and_digital_services_are_shown_for_every_municipality(client):
    ServiceFactory(name_fi="Koko maakunta", availability=Availability.REGION)
    ServiceFactory(name_fi="Verkossa", availability=Availability.DIGITAL)
    for place in Municipality.objects.all():
        assert names(search(client, municipality=place.code)) == {"Koko maakunta", "Verkossa"}


def test_a_service_listed_in_two_matching_ways_is_shown_once(client):
    service = ServiceFactory(availability=Availability.MUNICIPALITIES)
    service.municipalities.set([municipality("853")])
    service.modes.set([Mode.objects.get(code="phone"), Mode.objects.get(code="video")])
    response = search(client, municipality="853", mode=["phone", "video"])
    assert response.context["services"] == [service]


def test_mode_filter_shows_services_given_in_any_chosen_way(client):
    by_phone = ServiceFactory(name_fi="Puhelin")
    by_phone.modes.set([Mode.objects.get(code="phone")])
    at_home = ServiceFactory(name_fi="Kotikäynti")
    at_home.modes.set([Mode.objects.get(code="home_visit")])
    ServiceFactory(name_fi="Vastaanotto").modes.set([Mode.objects.get(code="reception")])

    assert names(search(client, mode="phone")) == {"Puhelin"}
    assert names(search(client, mode=["phone", "home_visit"])) == {"Puhelin", "Kotikäynti"}


def test_target_group_filter_uses_the_slug(client):
    babies = TargetGroupFactory(slug="families-with-babies")
    ServiceFactory(name_fi="Vauvaperheet").target_groups.set([babies])
    ServiceFactory(name_fi="Nuoret").target_groups.set([TargetGroupFactory(slug="young-people")])

    assert names(search(client, target_group="families-with-babies")) == {"Vauvaperheet"}


def test_challenge_filter_uses_the_slug(client):
    ServiceFactory(name_fi="Eroapu").challenges.set([ChallengeFactory(slug="divorce")])
    ServiceFactory(name_fi="Velkaneuvonta").challenges.set([ChallengeFactory(slug="debt")])

    assert names(search(client, challenge="divorce")) == {"Eroapu"}


def test_inactive_terms_are_not_offered_as_choices(client):
    TargetGroupFactory(slug="in-use", name_en="Offered group")
    TargetGroupFactory(slug="retired", name_en="Retired group", is_active=False)
    html = search(client).content.decode()
    assert "Offered group" in html
    assert "Retired group" not in html
    response = search(client, target_group="retired")
    assert "target_group" in response.context["form"].errors


def test_text_query_matches_names_and_descriptions_in_every_language(client):
    ServiceFactory(name_fi="Vertaisryhmä", name_sv="Kamratgrupp", description_fi="Isille.")
    ServiceFactory(name_fi="Kriisiapu", description_fi="Apua suruun ja kriiseihin.")
    ServiceFactory(name_fi="Talousneuvonta", name_en="Debt counselling")

    assert names(search(client, q="kamratgrupp")) == {"Vertaisryhmä"}
    assert names(search(client, q="suruun")) == {"Kriisiapu"}
    assert names(search(client, q="DEBT")) == {"Talousneuvonta"}
    # every word must match somewhere
    assert names(search(client, q="kriisiapu suruun")) == {"Kriisiapu"}
    assert names(search(client, q="kriisiapu debt")) == set()


def test_filters_combine(client):
    babies = TargetGroupFactory(slug="babies")
    match = ServiceFactory(name_fi="Vauvaperheen puhelinapu", availability=Availability.DIGITAL)
    match.target_groups.set([babies])
    match.modes.set([Mode.objects.get(code="phone")])
    wrong_mode = ServiceFactory(name_fi="Vauvaperheen kotikäynnit")
    wrong_mode.target_groups.set([babies])
    wrong_mode.modes.set([Mode.objects.get(code="home_visit")])

    response = search(client, municipality="853", target_group="babies", mode="phone", q="vauva")
    assert names(response) == {"Vauvaperheen puhelinapu"}


def test_inactive_services_and_organizations_are_hidden(client):
    ServiceFactory(name_fi="Näkyvä")
    ServiceFactory(name_fi="Lakkautettu palvelu", is_active=False)
    ServiceFactory(
        name_fi="Lakkautettu yhdistys", organization=OrganizationFactory(is_active=False)
    )

    response = search(client)
    assert names(response) == {"Näkyvä"}
    assert "Lakkautettu" not in response.content.decode()


def test_result_shows_organization_availability_modes_languages_and_link(client):
    organization = OrganizationFactory(name="Tyyni Vesi ry", website="https://tyyni.example.org/")
    service = full_service(
        organization=organization,
        name_fi="Kriisikeskustelu",
        name_en="Crisis counselling",
        description_en="Talk to a crisis worker.",
        availability=Availability.MUNICIPALITIES,
        url="https://tyyni.example.org/kriisi",
    )
    html = search(client).content.decode()
    assert "Crisis counselling" in html
    assert "Talk to a crisis worker." in html
    assert '<a href="https://tyyni.example.org/">Tyyni Vesi ry</a>' in html
    assert "Listed municipalities: Laitila, Uusikaupunki" in html
    assert "Phone, Video" in html
    assert "Finnish, Swedish" in html
    assert str(service.target_groups.get()) in html
    assert '<a href="https://tyyni.example.org/kriisi">More about Crisis counselling</a>' in html


def test_region_and_digital_availability_are_named(client):
    ServiceFactory(availability=Availability.REGION)
    ServiceFactory(availability=Availability.DIGITAL)
    html = search(client).content.decode()
    assert "Whole region" in html
    assert "Digital (anywhere)" in html


def test_english_falls_back_to_finnish_marked_as_finnish(client):
    ServiceFactory(name_fi="Keskusteluapu", name_en="")
    html = search(client).content.decode()
    assert 'lang="fi">Keskusteluapu</h3>' in html


def test_htmx_request_gets_only_the_results(client):
    ServiceFactory(name_fi="Keskusteluapu")
    response = client.get(URL, {"q": "keskustelu"}, headers=HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["directory/_catalogue_results.html"]
    html = response.content.decode()
    assert "Keskusteluapu" in html
    assert "1 service found" in html
    assert "<html" not in html
    assert "<form" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    response = client.get(URL, headers=headers)
    assert response.templates[0].name == "directory/catalogue.html"
    assert "<html" in response.content.decode()


def test_swedish_shows_swedish_names_and_labels(client):
    ServiceFactory(name_fi="Keskusteluapu", name_sv="Samtalsstöd")
    response = client.get(URL, {"municipality": "853"}, HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert "Samtalsstöd" in html
    assert "Keskusteluapu" not in html
    assert '<option value="853" selected>Åbo</option>' in html


def test_choice_labels_follow_the_active_language():
    from directory.filters import ServiceFilter

    TargetGroupFactory(slug="parents", name_fi="Vanhemmat", name_sv="Föräldrar", name_en="Parents")
    for language, label in [("fi", "Vanhemmat"), ("sv", "Föräldrar"), ("en", "Parents")]:
        with translation.override(language):
            assert label in str(ServiceFilter({}).form["target_group"])


@pytest.mark.parametrize(
    "params",
    [
        {"municipality": "999"},
        {"municipality": "<script>"},
        {"target_group": "no-such-group"},
        {"challenge": "no-such-challenge"},
        {"mode": "teleport"},
        {"q": "x" * 500},
    ],
)
def test_unknown_filter_values_give_a_form_error_not_a_server_error(client, params):
    ServiceFactory(name_fi="Keskusteluapu")
    response = client.get(URL, params)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(params)
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert "the search was made without them" in html
    assert "<script>" not in html.split("<main", 1)[1]
    # the search goes on with the other choices
    assert names(response) == {"Keskusteluapu"}


def test_queries_do_not_grow_with_the_number_of_services(client, django_assert_max_num_queries):
    params = {"municipality": "400", "mode": ["phone", "video"], "q": "keskustelu"}
    for _ in range(3):
        full_service(availability=Availability.MUNICIPALITIES)
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL, params)
    assert len(response.context["services"]) == 3

    for _ in range(27):
        full_service(availability=Availability.MUNICIPALITIES)
    bound = len(few.captured_queries)
    assert bound <= 12
    with django_assert_max_num_queries(bound):
        response = client.get(URL, params)
    assert len(response.context["services"]) == 30
    with django_assert_max_num_queries(bound):
        client.get(URL, params, headers=HTMX)


# --- issue 17, part 6: service language, labels in free text, contact and how to get it -------


def divorce_service():
    """A service whose only mention of separation is its challenge, named as in the demo data."""
    separation = ChallengeFactory(
        slug="divorce-separation",
        name_fi="Ero ja erotilanteet",
        name_sv="Skilsmässa och separation",
        name_en="Divorce and separation",
    )
    service = ServiceFactory(name_fi="Perheneuvonta", description_fi="Keskusteluapua.")
    service.challenges.set([separation])
    return service


@pytest.mark.parametrize(
    "query", ["erotilanne", "Erotilanteet", "divorce", "DIVORCE", "skilsmässa", "Separation"]
)
def test_text_query_matches_challenge_names_in_every_language(client, query):
    divorce_service()
    ServiceFactory(name_fi="Velkaneuvonta").challenges.set([ChallengeFactory(name_en="Debt")])
    assert names(search(client, q=query)) == {"Perheneuvonta"}


def test_text_query_matches_target_group_names_in_every_language(client):
    fathers = TargetGroupFactory(name_fi="Isät", name_sv="Pappor", name_en="Fathers")
    ServiceFactory(name_fi="Isäryhmä").target_groups.set([fathers])
    ServiceFactory(name_fi="Muu palvelu").target_groups.set([TargetGroupFactory()])

    for query in ("pappor", "FATHERS", "isät"):
        assert names(search(client, q=query)) == {"Isäryhmä"}


def test_text_query_words_may_match_different_labels_and_rows_are_not_repeated(client):
    service = divorce_service()
    service.challenges.add(ChallengeFactory(name_en="Divorce mediation"))
    service.target_groups.set([TargetGroupFactory(name_en="Parents")])

    response = search(client, q="divorce parents")
    assert response.context["services"] == [service]


def test_inactive_labels_are_not_searched(client):
    retired = ChallengeFactory(name_en="Divorce and separation", is_active=False)
    ServiceFactory(name_fi="Perheneuvonta").challenges.set([retired])
    assert names(search(client, q="divorce")) == set()


def test_language_filter_narrows_to_services_given_in_swedish(client):
    swedish, finnish = Language.objects.get(code="sv"), Language.objects.get(code="fi")
    ServiceFactory(name_fi="Ruotsiksi").languages.set([swedish])
    ServiceFactory(name_fi="Kaksikielinen").languages.set([finnish, swedish])
    ServiceFactory(name_fi="Suomeksi").languages.set([finnish])

    response = search(client, language="sv")
    assert names(response) == {"Ruotsiksi", "Kaksikielinen"}
    assert len(response.context["services"]) == 2
    assert names(search(client, language="fi")) == {"Kaksikielinen", "Suomeksi"}
    assert len(names(search(client))) == 3


def test_language_filter_is_a_labelled_select_with_translated_choices(client):
    html = search(client).content.decode()
    assert '<label for="id_language">Service language</label>' in html
    assert '<option value="sv">Swedish</option>' in html
    html = client.get(URL, {"language": "sv"}, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<option value="sv" selected>Svenska</option>' in html
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert '<option value="sv">Ruotsi</option>' in html


def test_unknown_language_gives_a_form_error(client):
    ServiceFactory(name_fi="Keskusteluapu")
    response = search(client, language="klingon")
    assert set(response.context["form"].errors) == {"language"}
    assert names(response) == {"Keskusteluapu"}


def test_card_shows_the_organizations_contact_details(client):
    organization = OrganizationFactory(
        name="Tyyni Vesi ry",
        phone="040 123 4567",
        email="apu@tyyni.example.org",
        website="https://tyyni.example.org/",
    )
    ServiceFactory(organization=organization)
    html = search(client).content.decode()
    assert "Contact" in html
    assert '<a href="tel:0401234567">040 123 4567</a>' in html
    assert '<a href="mailto:apu@tyyni.example.org">apu@tyyni.example.org</a>' in html
    assert '<a href="https://tyyni.example.org/">tyyni.example.org</a>' in html


def test_card_shows_only_the_contact_details_that_exist(client):
    ServiceFactory(organization=OrganizationFactory(phone="02 555 1234"))
    html = search(client).content.decode()
    assert 'href="tel:025551234"' in html
    assert "mailto:" not in html


def test_card_tells_how_to_get_the_service(client):
    ServiceFactory()
    html = search(client).content.decode()
    assert "How to get this service" in html
    assert (
        "Ask a professional at your family centre, child health clinic or school to refer you,"
        " or contact the organization." in html
    )
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "How to get this service" not in html
