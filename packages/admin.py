from django.contrib import admin

from .models import Invitation, PackageEvent, ServicePackage


class PackageEventInline(admin.TabularInline):
    model = PackageEvent
    fields = ["created_at", "transition", "from_state", "to_state", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class InvitationInline(admin.TabularInline):
    model = Invitation
    fields = ["organization", "answer", "planned_hours", "capacity", "reported_hours"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServicePackage)
class ServicePackageAdmin(admin.ModelAdmin):
    """Read only: states change through the package's actions, never by hand."""

    list_display = ["pk", "title", "municipality", "state", "starts_on", "ends_on"]
    list_filter = ["state", "municipality"]
    readonly_fields = ["state"]
    inlines = [InvitationInline, PackageEventInline]

    def has_change_permission(self, request, obj=None):
        return False
