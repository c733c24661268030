"""`perhelinja.widgets.LookupChoiceField`: a search box and a short list of radio buttons for a
choice among thousands, that works as a plain GET form and, with htmx, as one types."""

import html
import re

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test.html import parse_html
from django.utils import translation

from directory.models import Municipality, Organization
from perhelinja.widgets import (
    LIMIT,
    MUNICIPALITIES,
    ORGANIZATIONS,
    SERVICES,
    LookupChoiceField,
    OneTemplateSelect,
)
from tests.factories import OrganizationFactory, ServiceFactory, WorkerFactory

pytestmark = pytest.mark.django_db


class Filters(forms.Form):
    area = LookupChoiceField(
        label="Area",
        lookup=MUNICIPALITIES,
        fixed=[("", "Pilot areas"), ("all", "All 27 municipalities")],
    )
    organization = LookupChoiceField(label="Organization", lookup=ORGANIZATIONS, as_object=True)
    service = LookupChoiceField(label="Service", lookup=SERVICES, as_object=True)


@pytest.fixture
def orgs():
    return {
        name: OrganizationFactory(name=name, name_sv=sv)
        for name, sv in [
            ("Helsingin Diakonissalaitos", "Helsingfors Diakonissanstalt"),
            ("Helsingin Kaupunkilähetys", ""),
            ("Tampereen Perhetuki", "Tammerfors familjestöd"),
        ]
    }


def group(page: str, name: str) -> str:
    start = page.index(f'name="{name}_q"')
    return page[start : page.index("</fieldset>", start)]


def radios(page: str, name: str) -> list[tuple[str, str, bool]]:
    found = re.findall(
        rf'<label for="([^"]+)"><input type="radio" name="{name}" value="([^"]*)" id="\1"'
        r"( checked)?> ([^<]*)</label>",
        group(page, name),
    )
    return [(value, html.unescape(label), bool(checked)) for _id, value, checked, label in found]


def test_unbound_it_is_a_labelled_search_box_and_the_fixed_choices_only(orgs):
    page = str(Filters().as_div())
    box = re.search(r'<input type="search" name="organization_q"[^>]*>', page).group(0)
    assert '<label for="id_organization">Organization:</label>' in page
    assert 'id="id_organization"' in box and 'value=""' in box
    described = re.search(r'aria-describedby="([^"]+)"', box).group(1).split()
    for own in described:
        assert f'id="{own}"' in page
    assert 'id="id_organization_status" role="status"' in page
    assert "<legend>Organization: choose</legend>" in group(page, "organization")
    assert radios(page, "organization") == [("", "All", True)]
    assert radios(page, "area") == [
        ("", "Pilot areas", True),
        ("all", "All 27 municipalities", False),
    ]
    assert not any(org.name in page for org in orgs.values())  # no list of every row


def test_a_link_with_a_key_chooses_the_row_and_shows_its_name(orgs, django_assert_max_num_queries):
    org = orgs["Tampereen Perhetuki"]
    form = Filters({"organization": str(org.pk), "area": "853"})
    Municipality.objects.get_or_create(code="853", defaults={"name_fi": "Turku", "name_sv": "Åbo"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == org
    assert form.cleaned_data["area"] == "853" and form.cleaned_data["service"] is None
    with django_assert_max_num_queries(2):  # the chosen rows' names
        page = str(form.as_div())
    assert 'value="Tampereen Perhetuki"' in page
    assert radios(page, "organization") == [("", "All", False), (str(org.pk), org.name, True)]
    assert ("853", "Turku", True) in radios(page, "area")
    with translation.override("sv"):
        page = str(Filters({"organization": str(org.pk)}).as_div())
    assert (str(org.pk), "Tammerfors familjestöd", True) in radios(page, "organization")


def test_text_that_matches_one_row_chooses_it(orgs):
    form = Filters({"organization": "", "organization_q": "tampere"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == orgs["Tampereen Perhetuki"]
    page = str(form.as_div())
    pk = str(orgs["Tampereen Perhetuki"].pk)
    assert radios(page, "organization") == [("", "All", False), (pk, "Tampereen Perhetuki", True)]
    assert "1 name matches “tampere”: it is chosen below." in html.unescape(page)


def test_text_that_matches_several_asks_to_choose_and_the_choice_then_wins(orgs):
    form = Filters({"organization": "", "organization_q": "helsing"})
    assert not form.is_valid()
    assert form.errors["organization"] == ["Several match “helsing”: choose one of them."]
    page = str(form.as_div())
    listed = radios(page, "organization")
    assert [label for _v, label, _c in listed[1:]] == [
        "Helsingin Diakonissalaitos",
        "Helsingin Kaupunkilähetys",
    ]
    assert not any(checked for _v, _l, checked in listed[1:])
    box = re.search(r'<input type="search" name="organization_q"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in box
    chosen = orgs["Helsingin Kaupunkilähetys"]
    again = Filters({"organization": str(chosen.pk), "organization_q": "helsing"})
    assert again.is_valid() and again.cleaned_data["organization"] == chosen
    # Swedish names match too; a choice the text does not match gives way to the text.
    moved = Filters({"organization": str(chosen.pk), "organization_q": "diakonissanstalt"})
    assert moved.is_valid()
    assert moved.cleaned_data["organization"] == orgs["Helsingin Diakonissalaitos"]


def test_text_that_matches_nothing_says_so(orgs):
    form = Filters({"organization_q": "oulu"})
    assert form.errors["organization"] == ["Nothing matches “oulu”."]
    assert "Nothing matches “oulu”." in html.unescape(str(form.as_div()))


def test_a_long_list_is_cut_and_says_so():
    for n in range(LIMIT + 5):
        OrganizationFactory(name=f"Perheapu {n:02d}")
    page = html.unescape(str(Filters({"organization_q": "perheapu"}).as_div()))
    assert len(radios(page, "organization")) == 1 + LIMIT
    assert f"More than {LIMIT} match “perheapu”" in page


def test_fixed_choices_empty_text_and_unknown_keys():
    for data, area in (
        ({"area": "all", "area_q": ""}, "all"),
        ({"area": "", "area_q": ""}, ""),
        ({}, ""),
    ):
        form = Filters(data)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["area"] == area and form.cleaned_data["organization"] is None
    unknown = Filters({"organization": "999999"})
    assert "organization" in unknown.errors
    assert "service" in Filters({"service": "x"}).errors


def test_services_are_told_apart_by_their_organization():
    first, second = OrganizationFactory(name="Aaa ry"), OrganizationFactory(name="Bbb ry")
    ServiceFactory(organization=first, name_fi="Perheneuvonta")
    ServiceFactory(organization=second, name_fi="Perheneuvonta")
    ServiceFactory(organization=second, name_fi="Perheneuvonta vanha", is_active=False)
    form = Filters({"service_q": "perheneuvonta"})
    assert not form.is_valid()
    labels = [label for _v, label, _c in radios(str(form.as_div()), "service")[1:]]
    assert labels == ["Perheneuvonta – Aaa ry", "Perheneuvonta – Bbb ry"]


def test_the_search_follows_the_typing_with_htmx(client, orgs):
    page = str(Filters().as_div())
    box = re.search(r'<input type="search" name="organization_q"[^>]*>', page).group(0)
    url = html.unescape(re.search(r'hx-get="([^"]+)"', box).group(1))
    assert url == "/lookup/organization/?field=organization&id=id_organization"
    assert 'hx-target="#id_organization_found"' in box and 'id="id_organization_found"' in page
    typed = f"{url}&organization_q=helsing"  # what htmx sends: the URL's and the box's
    assert client.get(typed).status_code == 302  # signed in only
    client.force_login(WorkerFactory())
    answer = client.get(typed, headers={"HX-Request": "true"})
    body = html.unescape(answer.content.decode())
    assert answer.status_code == 200
    assert body.count('type="radio" name="organization"') == 2
    assert "Helsingin Diakonissalaitos" in body and "Tampereen" not in body
    assert '<span id="id_organization_status" hx-swap-oob="innerHTML">2 names match' in body
    chosen = orgs["Helsingin Kaupunkilähetys"].pk
    body = client.get(f"{typed}&organization={chosen}").content.decode()
    assert f'value="{chosen}" id="id_organization_m1" checked' in body
    assert client.get("/lookup/nothing/?field=organization&id=id_organization").status_code == 404
    assert client.get("/lookup/organization/?field=a%22b&id=x").status_code == 404


@pytest.mark.urls("tests.no_urls")
def test_without_the_lookup_urls_the_field_still_works_as_a_plain_form(orgs):
    page = str(Filters().as_div())
    assert "hx-get" not in page
    assert Filters({"organization_q": "tampere"}).is_valid()


def test_the_lookups_cover_the_dashboards_rows():
    assert isinstance(ORGANIZATIONS.queryset().model(), Organization)
    assert AnonymousUser().is_authenticated is False


@pytest.mark.parametrize("data", [None, {"one": "b", "many": ["a", "c"]}, {"one": "x"}])
def test_the_one_template_choice_widgets_write_what_djangos_own_write(data):
    from django.test.html import parse_html

    from perhelinja.widgets import OneTemplateCheckboxSelectMultiple, OneTemplateRadioSelect

    choices = [
        ("a", "Åland & <Ahvenanmaa>"),
        ("Group", [("b", "Bee"), (3, 'Three "3"')]),
        ("c", "Cee"),
    ]

    def form(radio, boxes):
        class Choices(forms.Form):
            one = forms.ChoiceField(choices=choices, widget=radio(attrs={"class": "stack"}))
            many = forms.MultipleChoiceField(choices=choices, widget=boxes, required=False)
            off = forms.ChoiceField(choices=choices, widget=radio, disabled=True, initial="c")

        return Choices(data)

    ours = form(OneTemplateRadioSelect, OneTemplateCheckboxSelectMultiple)
    theirs = form(forms.RadioSelect, forms.CheckboxSelectMultiple)
    for name in ("one", "many", "off"):
        assert parse_html(str(ours[name])) == parse_html(str(theirs[name])), name
        assert "perhelinja/widgets" in ours[name].field.widget.template_name
    page = str(ours.as_div())
    assert page.count('type="radio"') == 8 and page.count('type="checkbox"') == 4
    assert ("aria-invalid" in page) is (data == {"one": "x"})


@pytest.mark.parametrize("data", [None, {"one": "b"}, {"one": "x"}])
def test_the_one_template_select_writes_what_djangos_own_writes(data):
    choices = [
        ("", "All <states>"),
        ("a", "Åland & <Ahvenanmaa>"),
        ("Group", [("b", "Bee"), (3, 'Three "3"')]),
        ("c", "Cee"),
    ]

    def form(select):
        class Choices(forms.Form):
            one = forms.ChoiceField(choices=choices, widget=select(attrs={"class": "stack"}))
            optional = forms.ChoiceField(choices=choices, widget=select, required=False)
            off = forms.ChoiceField(choices=choices, widget=select, disabled=True, initial="c")

        return Choices(data)

    ours, theirs = form(OneTemplateSelect), form(forms.Select)
    for name in ("one", "optional", "off"):
        assert parse_html(str(ours[name])) == parse_html(str(theirs[name])), name
        assert ours[name].field.widget.template_name == "perhelinja/widgets/select.html"
    page = str(ours.as_div())
    assert page.count("<option") == 15 and "&lt;Ahvenanmaa&gt;" in page
    assert ("aria-invalid" in page) is (data == {"one": "x"})
