from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import (
    Challenge,
    Municipality,
    Organization,
    OutcomeTheme,
    ReceptionSite,
    Service,
    ServiceArea,
    TargetGroup,
    User,
)
from .service_areas import SOURCE as SERVICE_AREAS_SOURCE


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "code", "language", "swedish_majority", "is_pilot"]
    list_filter = ["is_pilot", "language"]
    search_fields = ["name_fi", "name_sv", "code"]


class TermAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_fi", "name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


admin.site.register(TargetGroup, TermAdmin)
admin.site.register(Challenge, TermAdmin)
admin.site.register(OutcomeTheme, TermAdmin)


@admin.register(ServiceArea)
class ServiceAreaAdmin(TermAdmin):
    """The family-centre service areas; the list shows where the wording comes from."""

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": SERVICE_AREAS_SOURCE}
        return super().changelist_view(request, extra_context)


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name_fi", "availability", "is_active"]
    show_change_link = True
    extra = 0


# Bare domains typed by coordinators become https:// addresses (Django 6 behaviour).
URL_AS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    formfield_overrides = URL_AS_HTTPS
    list_display = ["name", "name_sv", "slug", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_sv", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_AS_HTTPS
    list_display = ["name_fi", "organization", "availability", "is_active"]
    list_filter = [
        "availability",
        "is_active",
        "service_areas",
        "modes",
        "languages",
        "organization",
    ]
    list_select_related = ["organization"]
    search_fields = ["name_fi", "name_sv", "name_en", "organization__name"]
    filter_horizontal = ["target_groups", "challenges", "service_areas", "municipalities"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        (None, {"fields": ["organization", "url", "is_active"]}),
        (
            _("Names and descriptions"),
            {
                "fields": [
                    "name_fi",
                    "description_fi",
                    "name_sv",
                    "description_sv",
                    "name_en",
                    "description_en",
                ]
            },
        ),
        (_("Who it is for"), {"fields": ["target_groups", "challenges"]}),
        (_("Family centre"), {"fields": ["service_areas"]}),
        (_("Where and how"), {"fields": ["availability", "municipalities", "modes", "languages"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("modes", "languages"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ReceptionSite)
class ReceptionSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "address", "is_active"]
    list_filter = ["municipality__is_pilot", "municipality", "is_active"]
    list_select_related = ["municipality"]
    search_fields = ["name", "address"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "email", "organization", "municipality", "unit"]
    list_filter = ["groups", "organization", "municipality", "is_active", "is_staff"]
    list_select_related = ["organization", "municipality"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Affiliation"),
            {"fields": ["municipality", "unit", "organization", "language", "oidc_subject"]},
        ),
    ]
