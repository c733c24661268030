from django.contrib import admin

from perhelinja.admin import ReadOnlyAdmin

from .models import Notification, Referral, ReferralChild, ReferralEvent, TimelinessFlag


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    fields = ["created_at", "transition", "from_state", "to_state", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReferralChildInline(admin.TabularInline):
    model = ReferralChild
    fields = ["birth_year"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """Read-only inspection for superusers; every change goes through the state machine."""

    list_display = ["__str__", "state", "municipality", "organization", "submitted_at"]
    list_filter = ["state", "municipality__is_pilot", "municipality", "organization"]
    list_select_related = ["municipality", "organization"]
    date_hierarchy = "created_at"
    inlines = [ReferralChildInline, ReferralEventInline]
    exclude = ["identity_code"]


@admin.register(ReferralEvent)
class ReferralEventAdmin(ReadOnlyAdmin):
    list_display = ["referral", "transition", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["transition", "to_state"]
    list_select_related = ["referral", "actor"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "referral", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["user", "referral"]


@admin.register(TimelinessFlag)
class TimelinessFlagAdmin(ReadOnlyAdmin):
    list_display = ["referral", "kind", "organization", "state_changed_at", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["referral", "organization"]
