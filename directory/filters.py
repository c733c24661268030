"""Search of the public service catalogue (palvelupaketti).

The URL carries stable values only: target group, challenge and family-centre service area
slugs, the municipality code and the mode codes, so a search can be bookmarked and shared and
survives edits in the admin.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import (
    Challenge,
    LanguageCode,
    ModeCode,
    Municipality,
    Service,
    ServiceArea,
    TargetGroup,
)

# The words of a query are matched (all of them) against these fields.
SEARCH_FIELDS = [
    "name_fi",
    "name_sv",
    "name_en",
    "description_fi",
    "description_sv",
    "description_en",
    "organization__name",
    "organization__name_sv",
]
# ... and against the names of the service's active labels (challenges and target groups), in
# every language, through EXISTS subqueries so a service is listed once however many labels match.
LABEL_MODELS = [Challenge, TargetGroup]
LABEL_FIELDS = ["name_fi", "name_sv", "name_en"]
MAX_SEARCH_WORDS = 10
# Finnish inflects the end of a word and changes its consonants there ("erotilanne", plural
# "erotilanteet"), so a long word is matched by its beginning: all but its last two letters.
STEM_MIN_LENGTH = 8


def search_stem(word: str) -> str:
    """The part of a query word that is matched: long words lose their last two letters."""
    return word[:-2] if len(word) >= STEM_MIN_LENGTH else word


def contains_any(fields: list[str], text: str) -> Q:
    """Any of the fields contains the text, case-insensitively."""
    match = Q()
    for field in fields:
        match |= Q(**{f"{field}__icontains": text})
    return match


def word_matches(word: str) -> Q:
    """A service whose texts, organization or active labels contain the (stem of the) word."""
    stem = search_stem(word)
    match = contains_any(SEARCH_FIELDS, stem)
    for model in LABEL_MODELS:
        labels = model.objects.filter(is_active=True, services=OuterRef("pk"))
        match |= Q(Exists(labels.filter(contains_any(LABEL_FIELDS, stem))))
    return match


def public_services() -> QuerySet[Service]:
    """Active services of active organizations, with everything the result list shows."""
    return (
        Service.objects.filter(is_active=True, organization__is_active=True)
        .select_related("organization")
        .prefetch_related(
            "modes",
            "languages",
            "municipalities",
            Prefetch("target_groups", queryset=TargetGroup.objects.filter(is_active=True)),
            Prefetch("challenges", queryset=Challenge.objects.filter(is_active=True)),
            Prefetch("service_areas", queryset=ServiceArea.objects.filter(is_active=True)),
        )
    )


def municipalities(request) -> QuerySet[Municipality]:
    """Municipalities in the alphabetical order of the active language."""
    swedish = (get_language() or "fi")[:2] == "sv"
    return Municipality.objects.order_by("name_sv" if swedish else "name_fi")


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search words"),
        method="search",
        max_length=100,
        help_text=_(
            "Words in the name or description of the service or its organization, or in who it"
            " is for or what it is about."
        ),
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    # A municipality code; the API schema says so (the filter has a method, not a model field).
    municipality = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelChoiceFilter(
            label=_("Municipality"),
            queryset=municipalities,
            to_field_name="code",
            method="available_in",
            empty_label=_("All municipalities"),
            help_text=_("Also shows the services for the whole region and the digital services."),
        )
    )
    target_group = django_filters.ModelChoiceFilter(
        label=_("Who is it for"),
        field_name="target_groups",
        queryset=TargetGroup.objects.filter(is_active=True),
        to_field_name="slug",
        empty_label=_("All target groups"),
    )
    challenge = django_filters.ModelChoiceFilter(
        label=_("What is it about"),
        field_name="challenges",
        queryset=Challenge.objects.filter(is_active=True),
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    service_area = django_filters.ModelChoiceFilter(
        label=_("Family-centre service area"),
        field_name="service_areas",
        queryset=ServiceArea.objects.filter(is_active=True),
        to_field_name="slug",
        empty_label=_("All service areas"),
        help_text=_("The areas of the family-centre model, as THL describes them."),
    )
    language = django_filters.ChoiceFilter(
        label=_("Service language"),
        field_name="languages",
        choices=LanguageCode.choices,
        empty_label=_("All languages"),
        help_text=_("Shows the services given in the chosen language."),
    )
    mode = django_filters.MultipleChoiceFilter(
        label=_("How you meet"),
        field_name="modes",
        choices=ModeCode.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shows the services given in any of the chosen ways."),
    )

    class Meta:
        model = Service
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = public_services()
        super().__init__(data, queryset, request=request, prefix=prefix)

    def search(self, queryset, name, value):
        for word in value.split()[:MAX_SEARCH_WORDS]:
            queryset = queryset.filter(word_matches(word))
        return queryset

    def available_in(self, queryset, name, value):
        return queryset.available_in(value)
