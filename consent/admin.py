from django.contrib import admin

from perhelinja.admin import ReadOnlyAdmin

from .models import Consent


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Read-only: a consent is recorded and withdrawn through the services, never edited."""

    list_display = ["__str__", "given_by_role", "method", "given_at", "valid_until", "withdrawn_at"]
    list_filter = ["given_by_role", "method"]
    date_hierarchy = "given_at"
