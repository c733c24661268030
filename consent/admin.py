from django.contrib import admin

from .models import Consent


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Read-only: a consent is recorded and withdrawn through the services, never edited."""

    list_display = ["__str__", "given_by_role", "method", "given_at", "valid_until", "withdrawn_at"]
    list_filter = ["given_by_role", "method"]
    date_hierarchy = "given_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
